// Analytic and profile cost models, and route-based transfer costs shared by every partitioner.
#include "sim/cost/cost_model.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/config/diagnostics.hpp"
#include "sim/cost/regression.hpp"

namespace edgesplit::cost {

double busy_power_w(const config::DeviceType& type) {
  if (!type.power) return 0.0;
  // CIM (DNN+NeuroSim's figures): while busy the arrays draw energy_per_mac x macs_per_s above leakage.
  if (type.kind == "cim") return type.power->idle_w + type.energy_per_mac_j * type.macs_per_s;
  return type.power->busy_w;
}

bool runs_on_cim(const std::string& layer_type) { return layer_type == "conv" || layer_type == "fc"; }

int executing_host(const config::Platform& platform, const model::Graph& graph, model::LayerId l, int host) {
  const config::Host& h = platform.hosts.at(static_cast<std::size_t>(host));
  if (h.attached_to.empty() || runs_on_cim(graph.layer(l).type)) return host;
  const int owner = platform.host_index(h.attached_to);
  return owner >= 0 ? owner : host;
}

double CostModel::compute_energy_j(model::LayerId l, int host) const {
  // Energy above idle: the device draws (busy - idle) extra watts while it computes
  // (SimGrid's host energy model, linear between idle and all-cores busy). A layer of a CIM
  // stage that runs on the attached host draws that host's power for that host's time.
  const int exec = executing_host(platform_, graph_, l, host);
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(exec)));
  if (!type.power) return 0.0;
  return (busy_power_w(type) - type.power->idle_w) * compute_s(l, host);
}

double CostModel::send_s(double bytes, int a, int b) const {
  if (a == b || bytes <= 0) return 0.0;
  return platform_.route_latency_s(a, b) + bytes / platform_.route_bandwidth_Bps(a, b);
}

double CostModel::send_energy_j(double bytes, int a, int b) const {
  if (a == b || bytes <= 0) return 0.0;
  double energy_j = 0;
  for (int li : platform_.route(a, b)) {
    const auto& link = platform_.links.at(static_cast<std::size_t>(li));
    if (!link.power) continue;
    // Each link of the route carries the bytes at its own bandwidth at best; the flow runs at the
    // route's smallest bandwidth, so every link is busy for bytes / bottleneck bandwidth.
    energy_j += (link.power->busy_w - link.power->idle_w) * bytes / platform_.route_bandwidth_Bps(a, b);
  }
  return energy_j;
}

bool CostModel::reprograms(int host) const {
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  return type.kind == "cim" && type.reprogram.has_value();
}

double CostModel::reprogram_bytes(double overflow_bytes, int host) const {
  if (overflow_bytes <= 0) return 0.0;
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  if (type.kind != "cim" || !type.reprogram) return 0.0;
  // The memory rule counts dtype_bytes per weight; the arrays hold `precision`-bit weights.
  if (type.precision_bits > 0)
    return overflow_bytes * static_cast<double>(type.precision_bits) / (8.0 * static_cast<double>(graph_.dtype_bytes()));
  return overflow_bytes;
}

double CostModel::reprogram_s(double overflow_bytes, int host) const {
  const double bytes = reprogram_bytes(overflow_bytes, host);
  if (bytes <= 0) return 0.0;
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  return bytes / type.reprogram->write_bandwidth_Bps;
}

double CostModel::reprogram_energy_j(double overflow_bytes, int host) const {
  const double bytes = reprogram_bytes(overflow_bytes, host);
  if (bytes <= 0) return 0.0;
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  return bytes * type.reprogram->energy_per_byte_j;
}

double AnalyticCost::compute_s(model::LayerId l, int host) const {
  host = executing_host(platform_, graph_, l, host);  // non-conv/fc layers of a CIM stage
  const auto& layer = graph_.layer(l);
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  double efficiency = 1.0;
  if (auto it = type.efficiency.find(layer.type); it != type.efficiency.end()) efficiency = it->second;
  if (type.kind == "cim" && type.macs_per_s > 0) {
    // A CIM device counts MACs (NeuroSim's throughput): MACs / rate; a layer given only as
    // flops counts flops / 2 MACs.
    const double macs = layer.macs > 0 ? static_cast<double>(layer.macs) : layer.flops_per_sample() / 2.0;
    return static_cast<double>(batch_) * macs / (type.macs_per_s * efficiency);
  }
  return static_cast<double>(batch_) * layer.flops_per_sample() / (type.speed_flops * efficiency);
}

ProfileCost::ProfileCost(const model::Graph& graph, const config::Platform& platform, int batch,
                         std::string profile_name)
    : CostModel(graph, platform, batch), profile_name_(std::move(profile_name)) {}

double ProfileCost::compute_s(model::LayerId l, int host) const {
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  const auto& profile = type.profiles.at(profile_name_);
  // A profile is measured for one micro-batch of profile.batch samples; scale linearly to ours.
  return profile.time_s.at(l) * static_cast<double>(batch_) / static_cast<double>(profile.batch);
}

double ProfileCost::compute_energy_j(model::LayerId l, int host) const {
  const auto& type = platform_.type_of(platform_.hosts.at(static_cast<std::size_t>(host)));
  const auto& profile = type.profiles.at(profile_name_);
  if (profile.energy_j.empty()) return CostModel::compute_energy_j(l, host);
  return profile.energy_j.at(l) * static_cast<double>(batch_) / static_cast<double>(profile.batch);
}

std::unique_ptr<CostModel> make_cost_model(const config::Scenario& s) {
  if (s.cost == "analytic") return std::make_unique<AnalyticCost>(s.model, s.platform, s.batch);
  if (s.cost == "profile") {
    const std::string& name = s.model.name();
    for (const auto& host : s.platform.hosts) {
      const auto& type = s.platform.type_of(host);
      auto it = type.profiles.find(name);
      if (it == type.profiles.end()) {
        throw config::InputError({type.loc, fmt::format("device_types.{}.profiles", type.name),
                                  fmt::format("expected a profile for model \"{}\" (cost: profile), found none", name)});
      }
      if (it->second.time_s.size() != s.model.size()) {
        throw config::InputError({it->second.loc, fmt::format("device_types.{}.profiles.{}.time_s", type.name, name),
                                  fmt::format("expected {} per-layer times (one per layer of the model), found {}",
                                              s.model.size(), it->second.time_s.size())});
      }
      if (!it->second.energy_j.empty() && it->second.energy_j.size() != s.model.size()) {
        throw config::InputError({it->second.loc, fmt::format("device_types.{}.profiles.{}.energy_j", type.name, name),
                                  fmt::format("expected {} per-layer energies, found {}", s.model.size(),
                                              it->second.energy_j.size())});
      }
    }
    return std::make_unique<ProfileCost>(s.model, s.platform, s.batch, name);
  }
  if (s.cost == "regression") return make_regression_cost(s.model, s.platform, s.batch, s.latency_model_path);
  config::Diagnostic d;  // built field by field: GCC 12 warns falsely on the nested braces
  d.loc.file = s.path;
  d.key = "cost";
  d.message = fmt::format("expected analytic, profile or regression, found \"{}\"", s.cost);
  throw config::InputError(d);
}

}  // namespace edgesplit::cost
