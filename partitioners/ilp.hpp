// `ilp` partitioner: layer-to-host assignment minimising one request's latency with weight
// loading, as a MILP solved by COIN-OR CBC (Viramontes and Davoodi, ISQED 2023; docs/ILP.md).
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

/// Name, options and factory of the `ilp` partitioner (registered in registry.cpp).
PartitionerInfo ilp_info();

/// The layer groups `granularity: block` assigns as units: maximal single-input single-output
/// runs (edge u -> v joins u and v when v is u's only consumer and u is v's only input), cut
/// into pieces of at most `max_layers` layers (0: no cap), in order of first layer id.
/// Each group lists ascending ids.
std::vector<std::vector<model::LayerId>> ilp_blocks(const model::Graph& graph, int max_layers);

}  // namespace edgesplit::partition
