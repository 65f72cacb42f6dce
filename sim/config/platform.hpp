// Typed platform: device types, hosts, links, routes (FORMATS.md "Platform file").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"

namespace edgesplit::config {

struct Power {
  double idle_w = 0;
  double busy_w = 0;
};

/// Measured per-layer times of one model on a device type (cost: profile).
struct Profile {
  int batch = 1;
  std::vector<double> time_s;    ///< one per layer, for one micro-batch of `batch` samples
  std::vector<double> energy_j;  ///< optional, one per layer
  SourceLoc loc;
};

/// kind: cim `reprogram` (docs/CIM.md): a stage whose weights exceed the arrays' capacity is
/// feasible, and the bytes that do not fit are written into the arrays for every request.
struct Reprogram {
  double write_bandwidth_Bps = 0;  ///< bytes written into the arrays per second
  double energy_per_byte_j = 0;    ///< energy per byte written
};

struct DeviceType {
  std::string name;
  std::string kind = "cpu";            ///< cpu | gpu | cim (informational except cim)
  double speed_flops = 0;              ///< effective flop/s of the whole device
  int cores = 1;
  double memory_bytes = 0;
  std::optional<Power> power;          ///< required for simulation (energy plugins)
  std::optional<double> bandwidth_Bps; ///< default access link when a host names none
  std::optional<double> latency_s;     ///< latency of that default access link (default 1e-4 s)
  std::map<std::string, double> efficiency;  ///< per layer type: fraction of speed_flops achieved
  std::map<std::string, Profile> profiles;   ///< per model name
  // kind: cim
  double macs_per_s = 0;
  double energy_per_mac_j = 0;
  double weight_capacity_bytes = 0;
  int precision_bits = 0;              ///< cim: weight precision; 0 = the model's dtype (docs/CIM.md)
  bool memory_from_capacity = false;   ///< cim: memory_bytes was set from weight_capacity
  std::optional<Reprogram> reprogram;  ///< cim: arrays may be rewritten per request (absent: never)
  /// Local storage read rate for weight loading (scenario `weights:`); overrides
  /// weights.storage_bandwidth for hosts of this type.
  std::optional<double> storage_bandwidth_Bps;
  SourceLoc loc;
};

struct Host {
  std::string name;       ///< after count expansion ("hub-0")
  std::string type;
  std::string link;       ///< access link name; empty: a private link from the type's bandwidth
  /// kind: cim only: the host this CIM device is attached to (runs its layers other than conv
  /// and fc; network traffic to the CIM device crosses that host's access link). Empty: none.
  std::string attached_to;
  SourceLoc loc;
};

struct Link {
  std::string name;
  double bandwidth_Bps = 0;
  double latency_s = 0;
  std::string sharing = "splitduplex";  ///< splitduplex | shared | fatpipe
  std::optional<Power> power;
  SourceLoc loc;
};

struct Route {
  std::string from, to;
  std::vector<std::string> links;
  SourceLoc loc;
};

struct Platform {
  std::string path;  ///< file it came from ("<inline>" when inline in a scenario)
  std::map<std::string, DeviceType> device_types;
  std::vector<Host> hosts;
  std::vector<Link> links;   ///< declared links plus generated access links ("<host>-link")
  std::vector<Route> routes;

  const Host* find_host(const std::string& name) const;
  const Link* find_link(const std::string& name) const;
  int host_index(const std::string& name) const;  ///< -1 when absent
  int link_index(const std::string& name) const;  ///< -1 when absent
  const DeviceType& type_of(const Host& h) const { return device_types.at(h.type); }

  /// Links (indices into `links`) crossed from host a to host b: an explicit route (either
  /// direction), else a's access link then b's (once if they share it). Empty when a == b.
  std::vector<int> route(int a, int b) const;
  /// Sum of latencies over route(a, b); 0 when a == b.
  double route_latency_s(int a, int b) const;
  /// Smallest bandwidth over route(a, b); +infinity when a == b.
  double route_bandwidth_Bps(int a, int b) const;
};

}  // namespace edgesplit::config
