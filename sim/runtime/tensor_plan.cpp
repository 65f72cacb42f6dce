// Transfers between pipeline entities from the layer DAG and the plan's stages.
#include "sim/runtime/tensor_plan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace edgesplit::runtime {

TensorPlan make_tensor_plan(const model::Graph& graph, const partition::Plan& plan, int batch, bool has_source,
                            bool has_sink) {
  TensorPlan tp;
  const int s = static_cast<int>(plan.stages.size());
  if (s == 0) throw std::invalid_argument("the plan has no stage");
  tp.stages = s;
  tp.has_source = has_source;
  tp.has_sink = has_sink;
  tp.stage_of.assign(graph.size(), -1);
  for (int k = 0; k < s; ++k) {
    const partition::Stage& st = plan.stages[static_cast<std::size_t>(k)];
    if (st.hosts.size() > 1) throw std::runtime_error("split stages are not supported by the runtime yet");
    if (st.hosts.empty()) throw std::invalid_argument(fmt::format("stage {} has no host", k));
    if (st.layers.empty()) throw std::invalid_argument(fmt::format("stage {} has no layer", k));
    for (model::LayerId l : st.layers) {
      if (l >= graph.size()) throw std::invalid_argument(fmt::format("stage {} names layer {} beyond the model", k, l));
      if (tp.stage_of[l] >= 0)
        throw std::invalid_argument(fmt::format("layer {} is in stages {} and {}", graph.layer(l).name, tp.stage_of[l], k));
      tp.stage_of[l] = k;
    }
  }
  for (model::LayerId l = 0; l < graph.size(); ++l)
    if (tp.stage_of[l] < 0) throw std::invalid_argument(fmt::format("layer {} is in no stage", graph.layer(l).name));

  // (from, to) -> distinct tensors, in a deterministic order (std::map / std::set).
  std::map<std::pair<int, int>, std::set<model::LayerId>> edges;
  for (model::LayerId l = 0; l < graph.size(); ++l) {
    const int k = tp.stage_of[l];
    for (model::LayerId p : graph.layer(l).inputs) {
      int from;
      if (p == model::kInput) {
        from = has_source ? -1 : 0;
      } else {
        from = tp.stage_of.at(p);
        if (from > k)
          throw std::invalid_argument(fmt::format("layer {} (stage {}) reads layer {} of a later stage {}",
                                                  graph.layer(l).name, k, graph.layer(p).name, from));
      }
      if (from != k) edges[{from, k}].insert(p);
    }
  }
  tp.holds_output.assign(static_cast<std::size_t>(s), false);
  for (model::LayerId o : graph.outputs()) {
    const int k = tp.stage_of[o];
    tp.holds_output[static_cast<std::size_t>(k)] = true;
    if (has_sink) edges[{k, s}].insert(o);
  }

  tp.sends.assign(static_cast<std::size_t>(s) + 1, {});
  tp.producers.assign(static_cast<std::size_t>(s) + 1, {});
  for (const auto& [ft, tensors] : edges) {
    Transfer t;
    t.from = ft.first;
    t.to = ft.second;
    for (model::LayerId p : tensors) {
      t.bytes += p == model::kInput ? graph.input_bytes(batch) : graph.output_bytes(p, batch);
      t.tensors.push_back(p);
    }
    tp.producers[static_cast<std::size_t>(t.to)].push_back(t.from);
    tp.sends[static_cast<std::size_t>(t.from + 1)].push_back(std::move(t));
  }
  for (int k = 0; k < s; ++k) {
    const bool self_driven = k == 0 && !has_source;
    if (!self_driven && tp.producers[static_cast<std::size_t>(k)].empty())
      throw std::invalid_argument(fmt::format("stage {} receives no tensor from the source or an earlier stage", k));
  }
  return tp;
}

}  // namespace edgesplit::runtime
