// `ilp` partitioner: layer-to-host assignment minimising one request's latency with weight
// loading, as a MILP solved by COIN-OR CBC (Viramontes and Davoodi, ISQED 2023; docs/ILP.md).
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::partition {

/// Name, options and factory of the `ilp` partitioner (registered in registry.cpp).
PartitionerInfo ilp_info();

/// The weight loading the `ilp` plans for (docs/ILP.md "Weights from the scenario"): each of
/// the options `preload`, `weights_from` and `load_bandwidth` when given, else the scenario's
/// `weights:` key (`preload`, `from`, the local read rate: the device type's `storage_bandwidth`,
/// else `weights.storage_bandwidth`, of the hosts that read locally), else true / local / 1e9 B/s.
/// `scenario` may be null (no scenario, or one without `weights:`). Throws config::InputError,
/// located at the option, when a given option contradicts the scenario's key, or at `weights`
/// when the hosts read at different rates and no `load_bandwidth` is given.
WeightOptions ilp_weight_options(const Problem& p, const Options& o, const config::Scenario* scenario);

/// The layer groups `granularity: block` assigns as units: maximal single-input single-output
/// runs (edge u -> v joins u and v when v is u's only consumer and u is v's only input), cut
/// into pieces of at most `max_layers` layers (0: no cap), in order of first layer id.
/// Each group lists ascending ids.
std::vector<std::vector<model::LayerId>> ilp_blocks(const model::Graph& graph, int max_layers);

}  // namespace edgesplit::partition
