// Shared prediction of a plan: per-stage compute/send, bottleneck, latency, energy, memory.
//
// Rules (every partitioner predicts with these, so plans compare on equal terms):
// - Bytes: a tensor is the output of a layer, graph.output_bytes(l, batch); the model input
//   is graph.input_bytes(batch). A tensor produced in stage k and read by layers of several
//   other stages is sent once to each of those stages. Every stage producing a model output
//   (a layer with no consumer) sends it to Problem::sink_host when that is set.
// - The model input goes from Problem::source_host (when set) to every stage that reads it;
//   it is that stage's receive, not part of any stage's send, but it counts in latency and
//   energy. Without a source host the input is already on the reading stage's host.
// - Compute of a stage = sum over its layers of cost.compute_s(l, host). Send of a stage =
//   sum over its destinations of cost.send_s(bytes to that destination, host, dest host)
//   (destinations: later stages, then the sink), one after another on its outgoing route.
// - Multi-host stages (HostShare with share < 1): compute = max over its hosts of
//   share x compute on that host; send = max over its hosts of the send of share x bytes
//   to each destination's first host. Single-host stages (share 1) reduce to the above.
// - Bottleneck (the pipeline period) = max over stages of max(compute, send): a stage
//   computes request i+1 while it sends request i (FORMATS.md, throughput_rps). The source
//   host is a pipeline element too: the sum of its input sends also bounds the period
//   (plan.notes["source_send_s"]).
// - Latency of one request alone = input transfer (sum over input-reading stages) + sum over
//   stages of (compute + send). Exact for chains, where stages run one after another; on DAGs
//   with parallel stages it is an upper bound.
// - Energy per inference = sum over layers of cost.compute_energy_j(l, host) (x share)
//   + cost.send_energy_j of every transfer (input, stage to stage, to sink)
//   + sum over distinct stage hosts of idle_w x bottleneck (one period of idle power).
// - CIM reprogramming (docs/CIM.md): a stage on a kind: cim host with `reprogram` whose memory
//   exceeds the host's by `overflow` bytes (see stage_reprogram_overflow) adds
//   cost.reprogram_s(overflow) to its compute and cost.reprogram_energy_j(overflow) to the energy.
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

/// Bytes stage k sends for one request, indexed by destination: entries 0..stages.size()-1
/// are the other stages (entry k is 0), entry stages.size() is the sink (0 without a sink).
/// DAG edges that skip stages are sent directly to every stage that reads them.
/// Throws std::invalid_argument if a layer is in no stage or in two.
std::vector<double> stage_send_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k);

/// Bytes stage k receives for one request from other stages (not counting the model input).
double stage_recv_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k);

/// True when stage k has a layer that reads the model input.
bool stage_reads_input(const Problem& p, const Stage& stage);

/// Stage of every layer (-1 when in none). Throws std::invalid_argument for a layer in two
/// stages or an id out of range.
std::vector<int> stage_of_layers(const Problem& p, const std::vector<Stage>& stages);

/// Fills each stage's predicted_compute_s / predicted_send_s and the plan's predicted
/// bottleneck, latency and energy per inference, by the rules above.
void evaluate(const Problem& p, Plan& plan);

/// Memory of stage k on its host (PipeEdge's rule, Hu et al. 2022, generalised to DAGs):
///   weight bytes of its layers
///   + (buffers + 1) x bytes it receives from other stages (receive buffers + one input
///     processing buffer)
///   + 1 x the model input bytes if it reads the model input (no receive buffers, as
///     PipeEdge's first stage)
///   + (buffers + 1) x bytes it sends (send buffers + one output processing buffer; the
///     sink counts as a destination)
///   + 1 x the model output bytes it produces when there is no sink (its output buffer).
/// buffers = Problem::buffers.
double stage_memory_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k);

/// Per stage: the bytes by which its memory exceeds its host's memory when that host may rewrite
/// its arrays (kind: cim with `reprogram`, docs/CIM.md "Reprogramming"), else 0. Only single-host
/// stages whose activation buffers fit (memory - weights <= host memory) reprogram; evaluate()
/// adds cost.reprogram_s / reprogram_energy_j of this overflow to the stage's compute and energy,
/// and check_memory lets those stages through.
std::vector<double> stage_reprogram_overflow(const Problem& p, const std::vector<Stage>& stages);

/// Every (stage, host) whose memory exceeds the host's memory_bytes; empty when the plan fits.
/// A host with memory_bytes <= 0 declares no limit. Every host of a multi-host stage must
/// hold the whole stage figure (conservative). Messages read
/// "stage K on host H needs N bytes but has M bytes (weights W, activations A)".
std::vector<InfeasibleReason> check_memory(const Problem& p, const std::vector<Stage>& stages);

/// Throws Infeasible with check_memory's reasons when the plan does not fit.
void require_fits(const Problem& p, const std::vector<Stage>& stages);

}  // namespace edgesplit::partition
