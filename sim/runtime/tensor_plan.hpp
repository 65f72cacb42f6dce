// Which tensors each pipeline entity sends to which, derived from the layer DAG and a Plan.
// Pure (no SimGrid), so it is testable on its own.
#pragma once

#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::runtime {

/// One message per request from entity `from` to consumer `to`. Entities: -1 the source host,
/// 0..S-1 the stages, S the sink host.
struct Transfer {
  int from = 0;
  int to = 0;
  double bytes = 0;                     ///< per request (batch samples)
  std::vector<model::LayerId> tensors;  ///< producing layers; model::kInput for the model input
};

struct TensorPlan {
  int stages = 0;
  bool has_source = false, has_sink = false;
  std::vector<int> stage_of;                ///< per layer
  std::vector<std::vector<Transfer>> sends; ///< sends[entity + 1], ordered by destination
  std::vector<std::vector<int>> producers;  ///< producers[c] for consumers c = 0..S (S: sink), ascending
  std::vector<bool> holds_output;           ///< per stage: holds a model output layer

  const std::vector<Transfer>& sends_of(int entity) const { return sends.at(static_cast<std::size_t>(entity + 1)); }
};

/// Derives the transfers of `plan`: a stage receives every tensor its layers read from earlier
/// stages, each sent directly by the stage that produced it (a residual skip across several stage
/// boundaries goes straight to every stage that reads it), once per reading stage. The model input
/// comes from the source when there is one, else it is at the first stage, which forwards it to the
/// other stages that read it. With a sink, each stage holding model outputs sends them there.
/// Throws std::runtime_error "split stages are not supported by the runtime yet" for a stage on
/// several hosts, and std::invalid_argument for an inconsistent plan (a layer in no stage or in
/// two, an empty stage, a layer reading a later stage).
TensorPlan make_tensor_plan(const model::Graph& graph, const partition::Plan& plan, int batch, bool has_source,
                            bool has_sink);

}  // namespace edgesplit::runtime
