// `ilp` partitioner: layer-to-host assignment minimising one request's latency with weight
// loading (Viramontes and Davoodi, ISQED 2023), or the pipeline period, as a MILP solved by
// COIN-OR CBC (docs/ILP.md).
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

/// The pipeline period `objective: throughput` minimises (docs/ILP.md "Throughput"), for one
/// host index per layer. Stages are the plan's: maximal runs of consecutive ids on one host.
/// - compute_s[h]: sum of cost.compute_s of the layers on host h (all its stages share its CPU);
/// - send_s[h]: sum over the stages on h of evaluate.hpp's stage send (a tensor once per reading
///   stage, route latency + bytes / bandwidth per destination stage, the sink included);
/// - source_s: evaluate.hpp's source sends (the input to every stage that reads it);
/// - period_s = max of all of these. It equals evaluate()'s predicted_bottleneck_s when every host
///   holds at most one stage, and is at least that value otherwise.
/// Throws std::invalid_argument for a wrong size or a host index out of range.
struct HostPeriod {
  std::vector<double> compute_s, send_s;  ///< indexed like Problem::hosts
  double source_s = 0;
  double period_s = 0;
};
HostPeriod ilp_host_period(const Problem& p, const std::vector<int>& device_of_layer);
/// ilp_host_period(...).period_s.
double ilp_host_period_s(const Problem& p, const std::vector<int>& device_of_layer);

/// The layer groups `granularity: block` assigns as units: maximal single-input single-output
/// runs (edge u -> v joins u and v when v is u's only consumer and u is v's only input), cut
/// into pieces of at most `max_layers` layers (0: no cap), in order of first layer id.
/// Each group lists ascending ids.
std::vector<std::vector<model::LayerId>> ilp_blocks(const model::Graph& graph, int max_layers);

}  // namespace edgesplit::partition
