// Weight loading plan of a run (scenario `weights:`): which layer's weights each host loads, from
// where, in which order. Pure (no SimGrid); the executor in layer_exec.hpp carries it out.
#pragma once

#include <utility>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"

namespace edgesplit::runtime {

/// One layer's weights loaded onto one host.
struct WeightLoad {
  model::LayerId layer = 0;
  int stage = 0;       ///< stage holding the layer
  int host = 0;        ///< destination: the host executing the layer (a CIM stage's conv/fc on the CIM host)
  double bytes = 0;    ///< graph.weight_bytes(layer) (> 0)
  int from = -1;       ///< store host sending them over the network; -1 (or == host): a local read
  double local_s = 0;  ///< duration of the local read, bytes / storage bandwidth (local reads only)
};

/// Every load of a run. Each host has one loading channel that loads its layers one at a time in
/// increasing layer id order (partitioners/schedule.hpp, the `ilp` partitioner's model):
/// preload: from t = 0; otherwise a layer's load waits until its inputs are on the host.
struct WeightPlan {
  bool enabled = false;
  bool preload = true;
  std::vector<std::vector<WeightLoad>> by_host;  ///< per platform host, ascending layer ids
  std::vector<int> loads_of_stage;               ///< per stage: number of loads (0: ready at 0)

  /// (store, host) pairs a network load crosses, for the SimGrid routes.
  std::vector<std::pair<int, int>> route_pairs() const;
};

/// Local read rate of host h: its device type's storage_bandwidth, else weights.storage_bandwidth.
/// Throws config::InputError (key "weights.storage_bandwidth") when neither is given.
double storage_bandwidth_Bps(const config::Scenario& scenario, int host);

/// The loads of `plan` under scenario.weights (none when the key is absent). Each layer with
/// weight bytes is loaded once, onto cost::executing_host(its stage's host).
/// Throws config::InputError when a local read has no storage bandwidth.
WeightPlan make_weight_plan(const config::Scenario& scenario, const partition::Plan& plan);

}  // namespace edgesplit::runtime
