// Partition Pruning (Shahhosseini et al., PDP 2020): block-diagonal pruning of fully connected
// layers split across K devices; counts per docs/ONNX.md.
#include "sim/model/transforms.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <unordered_set>

namespace edgesplit::model {

namespace {

std::string num(int64_t v) { return std::to_string(v); }

// Rebuilds `layer` pruned to `parts` blocks; `graph` supplies its input's shape and bytes.
Layer prune_layer(const Graph& graph, Layer layer, int parts, double keep) {
  const std::string who = "partition_prune: layer \"" + layer.name + "\"";
  if (layer.type != "fc") throw std::invalid_argument(who + " is of type " + layer.type + ", expected fc");
  if (layer.pruned) throw std::invalid_argument(who + " is already pruned");
  if (layer.inputs.size() != 1) {
    throw std::invalid_argument(who + " has " + std::to_string(layer.inputs.size()) + " inputs, expected 1");
  }
  const LayerId src = layer.inputs.front();
  const std::vector<int64_t>& in_shape = src == kInput ? graph.input_shape() : graph.layer(src).output_shape;
  if (in_shape.empty() || layer.output_shape.empty()) throw std::invalid_argument(who + " has an empty shape");
  const int64_t in = in_shape.back();
  const int64_t out = layer.output_shape.back();
  const int64_t weights = in * out;
  if (weights <= 0 || layer.macs % weights != 0 || layer.macs == 0) {
    throw std::invalid_argument(who + ": " + num(layer.macs) + " MACs are not a multiple of in x out = " + num(in) +
                                " x " + num(out) + "; not a plain fully connected layer");
  }
  if (layer.params < weights) {
    throw std::invalid_argument(who + ": " + num(layer.params) + " params are fewer than in x out = " + num(in) +
                                " x " + num(out));
  }
  const int64_t k = parts;
  if (in % k != 0 || out % k != 0) {
    throw std::invalid_argument(who + ": " + std::to_string(parts) + " parts must divide both the " + num(in) +
                                " input and the " + num(out) + " output features");
  }
  const int64_t rows = layer.macs / weights;
  const int64_t bias = layer.params - weights;
  // K diagonal blocks of (in/K) x (out/K) = in x out / K weights; the other in x out x (K-1)/K
  // are cross-block, of which a fraction `keep` stays.
  const int64_t diagonal = weights / k;
  const int64_t kept_cross = std::llround(keep * static_cast<double>(weights - diagonal));
  const int64_t kept = diagonal + kept_cross;
  const double ratio = static_cast<double>(kept) / static_cast<double>(weights);
  const int64_t old_params = layer.params;
  layer.params = kept + bias;
  layer.macs = rows * kept;
  if (layer.flops) *layer.flops *= ratio;
  if (layer.weight_bytes_override) {
    *layer.weight_bytes_override *= static_cast<double>(layer.params) / static_cast<double>(old_params);
  }
  const double input_bytes = src == kInput ? graph.input_bytes(1) : graph.output_bytes(src, 1);
  layer.pruned = PruneInfo{parts, keep, keep == 0.0 ? input_bytes / static_cast<double>(k) : input_bytes};
  return layer;
}

}  // namespace

Graph partition_prune(const Graph& graph, const std::vector<std::string>& layers, int parts, double keep) {
  if (layers.empty()) throw std::invalid_argument("partition_prune: expected at least one fc layer, found none");
  if (parts < 2) throw std::invalid_argument("partition_prune: expected parts >= 2, found " + std::to_string(parts));
  if (!(keep >= 0.0 && keep <= 1.0)) {
    throw std::invalid_argument("partition_prune: expected 0 <= keep <= 1, found " + std::to_string(keep));
  }
  std::unordered_set<LayerId> chosen;
  for (const std::string& name : layers) {
    const auto id = graph.find(name);
    if (!id) throw std::invalid_argument("partition_prune: no layer named \"" + name + "\" in " + graph.name());
    if (!chosen.insert(*id).second) {
      throw std::invalid_argument("partition_prune: layer \"" + name + "\" is listed twice");
    }
  }
  Graph out(graph.name(), graph.input_shape(), graph.dtype_bytes());
  const double natural_input =
      static_cast<double>(elements(graph.input_shape())) * static_cast<double>(graph.dtype_bytes());
  if (graph.input_bytes(1) != natural_input) out.set_input_bytes_override(graph.input_bytes(1));
  for (LayerId id = 0; id < graph.size(); ++id) {
    out.add_layer(chosen.count(id) ? prune_layer(graph, graph.layer(id), parts, keep) : graph.layer(id));
  }
  return out;
}

}  // namespace edgesplit::model
