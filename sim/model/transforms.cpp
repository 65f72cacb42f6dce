// Partition Pruning (Shahhosseini et al., PDP 2020): block-diagonal pruning of fully connected
// layers split across K devices; counts per docs/ONNX.md.
#include "sim/model/transforms.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <unordered_map>
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

namespace {

bool is_activation(const std::string& type) {
  static const std::set<std::string> kTypes = {"relu",    "relu6",     "gelu",    "sigmoid", "tanh",
                                               "silu",    "hardswish", "dropout", "identity"};
  return kTypes.count(type) != 0;
}

/// The shape with its last dimension divided by `parts`.
std::vector<int64_t> sliced(std::vector<int64_t> shape, int64_t parts) {
  shape.back() /= parts;
  return shape;
}

}  // namespace

Graph partition_prune_branches(const Graph& graph, const std::vector<std::string>& layers, int parts) {
  // Every check of the counts (fc type, one input, K divides in and out, ...) as partition_prune.
  const Graph pruned = partition_prune(graph, layers, parts, 0.0);
  const int64_t k = parts;
  std::unordered_set<LayerId> chosen;
  for (const std::string& name : layers) chosen.insert(*graph.find(name));

  // Runs: a listed fc, then while its only consumer is a listed fc or an activation reading it alone.
  std::vector<std::vector<LayerId>> runs;
  std::vector<int> run_of(graph.size(), -1);
  for (LayerId id = 0; id < graph.size(); ++id) {
    if (!chosen.count(id) || run_of[id] >= 0) continue;
    std::vector<LayerId> run{id};
    for (;;) {
      const auto& cons = graph.consumers(run.back());
      if (cons.size() != 1) break;
      const Layer& next = graph.layer(cons.front());
      if (next.inputs.size() != 1 || (!chosen.count(cons.front()) && !is_activation(next.type))) break;
      run.push_back(cons.front());
    }
    // Trailing activations after the last listed fc stay in the run (they are elementwise).
    for (LayerId l : run) run_of[l] = static_cast<int>(runs.size());
    runs.push_back(std::move(run));
  }

  Graph out(graph.name(), graph.input_shape(), graph.dtype_bytes());
  const double natural_input =
      static_cast<double>(elements(graph.input_shape())) * static_cast<double>(graph.dtype_bytes());
  if (graph.input_bytes(1) != natural_input) out.set_input_bytes_override(graph.input_bytes(1));
  std::unordered_map<LayerId, LayerId> to_new;  // old id -> new id (a run's last layer -> its concat)
  auto map_in = [&](LayerId in) { return in == kInput ? kInput : to_new.at(in); };
  for (LayerId id = 0; id < graph.size(); ++id) {
    if (run_of[id] < 0) {
      Layer l = graph.layer(id);
      for (LayerId& in : l.inputs) in = map_in(in);
      to_new[id] = out.add_layer(std::move(l));
      continue;
    }
    const auto& run = runs[static_cast<std::size_t>(run_of[id])];
    if (run.front() != id) continue;  // emitted with its run
    const Layer& first = graph.layer(id);
    const LayerId src = first.inputs.front();
    const std::vector<int64_t>& in_shape = src == kInput ? graph.input_shape() : graph.layer(src).output_shape;
    std::vector<LayerId> slice_ids;
    for (int64_t p = 0; p < k; ++p) {
      Layer sl;
      sl.name = first.name + "/slice" + std::to_string(p);
      sl.type = "slice";
      sl.inputs = {map_in(src)};
      sl.output_shape = sliced(in_shape, k);
      slice_ids.push_back(out.add_layer(std::move(sl)));
    }
    std::vector<LayerId> ends;
    for (int64_t p = 0; p < k; ++p) {
      LayerId prev = slice_ids[static_cast<std::size_t>(p)];
      for (LayerId l : run) {
        const Layer& orig = graph.layer(l);
        const std::string who = "partition_prune: layer \"" + orig.name + "\"";
        Layer part = orig;
        part.name = orig.name + "/part" + std::to_string(p);
        part.inputs = {prev};
        if (orig.output_shape.empty() || orig.output_shape.back() % k != 0)
          throw std::invalid_argument(who + ": " + std::to_string(parts) + " parts must divide its " +
                                      std::to_string(orig.output_shape.empty() ? 0 : orig.output_shape.back()) +
                                      " output features");
        part.output_shape = sliced(orig.output_shape, k);
        if (orig.output_bytes_override) *part.output_bytes_override /= static_cast<double>(k);
        // A pruned layer's totals (diagonal blocks + biases), else the layer's own, split evenly
        // over the K parts.
        const bool is_pruned = chosen.count(l) != 0;
        const Layer& totals = is_pruned ? pruned.layer(l) : orig;
        if (totals.params % k != 0 || totals.macs % k != 0)
          throw std::invalid_argument(who + ": " + std::to_string(parts) + " parts must divide its " +
                                      std::to_string(totals.params) + (is_pruned ? " pruned params and " : " params and ") +
                                      std::to_string(totals.macs) + " MACs");
        part.params = totals.params / k;
        part.macs = totals.macs / k;
        if (totals.flops) part.flops = *totals.flops / static_cast<double>(k);
        if (totals.weight_bytes_override) part.weight_bytes_override = *totals.weight_bytes_override / static_cast<double>(k);
        if (is_pruned) part.pruned = totals.pruned;
        prev = out.add_layer(std::move(part));
      }
      ends.push_back(prev);
    }
    const Layer& last = graph.layer(run.back());
    if (!graph.consumers(run.back()).empty()) {
      Layer cat;
      cat.name = last.name + "/concat";
      cat.type = "concat";
      cat.inputs = ends;
      cat.output_shape = last.output_shape;
      if (last.output_bytes_override) cat.output_bytes_override = last.output_bytes_override;
      to_new[run.back()] = out.add_layer(std::move(cat));
    }
  }
  return out;
}

}  // namespace edgesplit::model
