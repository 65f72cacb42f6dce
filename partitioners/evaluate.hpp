// Shared prediction of a plan: per-stage compute/send, bottleneck, latency, energy, memory.
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

/// Bytes one stage must send to each later stage (index = destination stage) for one request;
/// DAG edges that skip stages are sent directly to every stage that reads them.
std::vector<double> stage_send_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k);

/// Fills each stage's predicted_compute_s / predicted_send_s and the plan's predicted
/// bottleneck (max over stages of max(compute, send)), latency of one request alone
/// (input from source + sum of compute + sum of sends + result to sink) and energy per inference
/// (compute energy + link energy + idle power of used hosts over one bottleneck period).
void evaluate(const Problem& p, Plan& plan);

/// Memory of a stage on its host: weights + buffers x bytes sent + bytes received + bytes sent
/// (PipeEdge's rule: receive/send buffers plus one input and one output processing buffer).
double stage_memory_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k);

/// Every stage whose memory exceeds its host's; empty when the plan fits.
std::vector<InfeasibleReason> check_memory(const Problem& p, const std::vector<Stage>& stages);

}  // namespace edgesplit::partition
