// One-request schedule of a layer-to-host assignment with weight loading: the earliest-start
// schedule under the rules the `ilp` partitioner optimises (docs/ILP.md), so its figures and the
// ILP's objective agree, and the runtime can reproduce them.
//
// Rules (d(l) = host of layer l; every duration comes from Problem::cost):
// - Compute: layer l runs for cost.compute_s(l, d(l)). The layers of one host run one at a time
//   in increasing id order (ids are topological), never overlapping.
// - Activations: a tensor produced by u on host a and read by v on host b != a arrives at
//   F[u] + cost.send_s(output_bytes(u, batch), a, b) (route latency + bytes / route bandwidth).
//   Transfers do not delay each other (no link contention); on one host the arrival is F[u].
//   The model input is on every host at t = 0 without Problem::source_host, else it arrives at
//   cost.send_s(input_bytes(batch), source, d(l)) (0 on the source itself).
// - Weights: every host has one loading channel that loads the weights of its layers one layer
//   at a time, in increasing id order. Loading layer l on host h takes
//     weight_bytes(l) / load_bandwidth_Bps                      (local storage, or h is the
//                                                                weights host itself)
//     cost.send_s(weight_bytes(l), weights_from, h)             (weights_from set, h != it)
//   A layer without weight bytes loads nothing, takes no part in that order and is ready at 0.
//   preload = true:  the channel starts at t = 0 (loads run back to back while earlier layers
//                    compute or wait for data).
//   preload = false: the load of l starts when both its inputs have arrived on h and the
//                    previous load on h has finished.
//   Loading overlaps computing (a separate channel).
// - Layer l starts at S[l] = max(inputs ready A[l], weights ready P[l], finish of the previous
//   layer on its host); F[l] = S[l] + compute.
// - Latency = max over model outputs o of F[o], plus cost.send_s(output_bytes(o), d(o), sink)
//   when Problem::sink_host is set.
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

/// How weights reach a host (the `ilp` partitioner's preload / weights_from / load_bandwidth).
struct WeightOptions {
  bool preload = true;
  int weights_from = -1;            ///< index into Problem::hosts; -1: each host's local storage
  double load_bandwidth_Bps = 1e9;  ///< local storage read rate, B/s (> 0)
};

/// Per-layer times of the schedule (seconds from the request's arrival at t = 0).
struct Schedule {
  std::vector<double> inputs_ready_s;  ///< A[l]: every input of l is on its host
  std::vector<double> load_start_s;    ///< when the load of l's weights starts (0 if none)
  std::vector<double> weight_ready_s;  ///< P[l]: l's weights are on its host (0 if none)
  std::vector<double> start_s;         ///< S[l]
  std::vector<double> finish_s;        ///< F[l]
  double latency_s = 0;                ///< the request's end (see the rules above)
};

/// Seconds to load layer l's weights onto host `host` (0 for a layer without weights).
double weight_load_s(const Problem& p, model::LayerId l, int host, const WeightOptions& w);

/// Seconds for layer u's output to go from host `from` to host `to` (0 when equal).
double activation_transfer_s(const Problem& p, model::LayerId u, int from, int to);

/// When the model input is on host `host` (0 without a source host).
double input_arrival_s(const Problem& p, int host);

/// Seconds to deliver output layer o's result from `host` to the sink (0 without a sink).
double output_delivery_s(const Problem& p, model::LayerId o, int host);

/// The earliest-start schedule of `device_of_layer` (host index per layer, size = layer count).
/// Throws std::invalid_argument for a wrong size or a host index out of range, or a
/// non-positive load bandwidth. Memory is not checked here (see weight_bytes_per_host).
Schedule one_request_schedule(const Problem& p, const std::vector<int>& device_of_layer, const WeightOptions& w);

/// one_request_schedule(...).latency_s.
double one_request_latency_s(const Problem& p, const std::vector<int>& device_of_layer, const WeightOptions& w);

/// Weight bytes placed on each host (indexed like Problem::hosts).
std::vector<double> weight_bytes_per_host(const Problem& p, const std::vector<int>& device_of_layer);

/// True when every host with memory_bytes > 0 holds the weights of its layers (the ILP's
/// memory rule: weights only).
bool weights_fit(const Problem& p, const std::vector<int>& device_of_layer);

}  // namespace edgesplit::partition
