// Typed scenario (FORMATS.md "Scenario file"), defaults filled and references resolved.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/platform.hpp"
#include "sim/model/graph.hpp"
#include "sim/traces/dynamics.hpp"

namespace edgesplit::config {

struct PartitionerSpec {
  std::string name;
  std::map<std::string, Node> options;  ///< checked against the partitioner's OptionSpecs, defaults filled
  SourceLoc loc;
};

struct Arrival {
  std::string process = "saturate";  ///< saturate | poisson | periodic
  double rate_per_s = 0;             ///< poisson
  double interval_s = 0;             ///< periodic
};

struct Workload {
  int64_t requests = 100;
  Arrival arrival;
  std::string source;  ///< optional host sending the input to the first stage
  std::string sink;    ///< optional host receiving the result
  int buffers = 2;     ///< sends in flight per stage (PipeEdge)
};

/// One `dynamics:` entry; parsed by the loader, acted on by the runtime.
struct DynamicsEntry {
  std::string target_kind;  ///< "link" | "host"
  std::string target;
  std::string what;         ///< "bandwidth" | "latency" | "load" | "fail"
  Node spec;                ///< the entry's value, located
  SourceLoc loc;
  /// The value parsed deeply at load time (trace files read and hashed); null only for a
  /// Scenario built by hand, in which case the runtime parses `spec` itself.
  std::shared_ptr<const traces::DynamicsSpec> parsed;
};

struct Adapt {
  std::string policy = "none";  ///< none | periodic | on-change
  double interval_s = 0;
  double threshold = 0;
  std::string migration = "transfer";
  Node spec;
};

/// `weights:` how stage weights reach their hosts before they can compute (docs/REFERENCE.md
/// "Weights"). Absent: every weight is resident from t = 0 (no loading is simulated).
struct Weights {
  bool enabled = false;       ///< the key is present
  std::string from;           ///< model store host sending weights over the network; empty: local storage
  std::optional<double> storage_bandwidth_Bps;  ///< local read rate (device types may override)
  bool preload = true;        ///< true: every host loads from t = 0; false: on the first request
  SourceLoc loc;
};

struct Output {
  std::string dir;        ///< resolved against the current directory; empty: out/<name>
  double window_s = 1.0;  ///< bottleneck.csv window
};

struct Scenario {
  std::string path;                 ///< the file as given
  std::string name;
  uint64_t seed = 1;
  model::Graph model;
  std::string model_ref;            ///< zoo name or file path as written (for summary.json)
  int batch = 1;
  Platform platform;
  std::string cost = "analytic";    ///< analytic | profile | regression
  std::string latency_model_path;   ///< cost: regression: the fitted model (resolved path)
  std::string network_model = "exact";  ///< exact | simgrid
  PartitionerSpec partitioner;
  Workload workload;
  std::vector<DynamicsEntry> dynamics;
  /// Scenario-level `on_failure:` (drop | retry): what a failure does to requests in flight when
  /// the failing `fail` entry names none. Default drop.
  std::string on_failure = "drop";
  Adapt adapt;
  Weights weights;
  Output output;
  std::string resolved_yaml;        ///< the scenario with defaults and --set applied (scenario.resolved.yaml)
};

}  // namespace edgesplit::config
