// Weight loading plan: per host, the layers whose weights it loads, their source and duration.
#include "sim/runtime/weights.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "sim/config/diagnostics.hpp"
#include "sim/cost/cost_model.hpp"

namespace edgesplit::runtime {

std::vector<std::pair<int, int>> WeightPlan::route_pairs() const {
  std::set<std::pair<int, int>> pairs;
  for (const auto& loads : by_host)
    for (const WeightLoad& w : loads)
      if (w.from >= 0 && w.from != w.host) pairs.insert({w.from, w.host});
  return {pairs.begin(), pairs.end()};
}

double storage_bandwidth_Bps(const config::Scenario& sc, int host) {
  const config::Host& h = sc.platform.hosts.at(static_cast<std::size_t>(host));
  const config::DeviceType& t = sc.platform.type_of(h);
  if (t.storage_bandwidth_Bps) return *t.storage_bandwidth_Bps;
  if (sc.weights.storage_bandwidth_Bps) return *sc.weights.storage_bandwidth_Bps;
  throw config::InputError(config::Diagnostic{
      sc.weights.loc, "weights.storage_bandwidth",
      fmt::format("expected a local read rate for host {} (device type {} gives no storage_bandwidth), found none",
                  h.name, t.name)});
}

WeightPlan make_weight_plan(const config::Scenario& sc, const partition::Plan& plan) {
  WeightPlan out;
  out.loads_of_stage.assign(plan.stages.size(), 0);
  out.by_host.resize(sc.platform.hosts.size());
  if (!sc.weights.enabled) return out;
  out.enabled = true;
  out.preload = sc.weights.preload;
  const int store = sc.weights.from.empty() ? -1 : sc.platform.host_index(sc.weights.from);
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const int stage_host = plan.stages[k].hosts.at(0).host;
    for (model::LayerId l : plan.stages[k].layers) {
      const double bytes = sc.model.weight_bytes(l);
      if (bytes <= 0) continue;
      WeightLoad w;
      w.layer = l;
      w.stage = static_cast<int>(k);
      w.host = cost::executing_host(sc.platform, sc.model, l, stage_host);
      w.bytes = bytes;
      w.from = store;
      if (store < 0 || store == w.host) w.local_s = bytes / storage_bandwidth_Bps(sc, w.host);
      out.by_host[static_cast<std::size_t>(w.host)].push_back(w);
      ++out.loads_of_stage[k];
    }
  }
  for (auto& loads : out.by_host)
    std::sort(loads.begin(), loads.end(), [](const WeightLoad& a, const WeightLoad& b) { return a.layer < b.layer; });
  return out;
}

}  // namespace edgesplit::runtime
