// Layer DAG: storage of layers in topological order, consumer lists, and the byte/MAC helpers
// partitioners use (cut bytes, weight bytes); Boost.Graph checks the order.
#include "sim/model/graph.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <stdexcept>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

namespace edgesplit::model {

namespace {

void check_batch(int batch) {
  if (batch < 1) throw std::invalid_argument("batch must be >= 1, got " + std::to_string(batch));
}

}  // namespace

int64_t elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Graph::Graph(std::string name, std::vector<int64_t> input_shape, int dtype_bytes)
    : name_(std::move(name)), input_shape_(std::move(input_shape)), dtype_bytes_(dtype_bytes) {
  if (dtype_bytes_ < 1) {
    throw std::invalid_argument("model " + name_ + ": dtype_bytes must be >= 1, got " +
                                std::to_string(dtype_bytes_));
  }
}

LayerId Graph::add_layer(Layer layer) {
  const LayerId id = layers_.size();
  if (layer.name.empty()) {
    throw std::invalid_argument("model " + name_ + ": layer " + std::to_string(id) + " has an empty name");
  }
  if (index_.count(layer.name) != 0) {
    throw std::invalid_argument("model " + name_ + ": duplicate layer name \"" + layer.name + "\"");
  }
  for (LayerId in : layer.inputs) {
    if (in != kInput && in >= id) {
      throw std::invalid_argument("model " + name_ + ": layer \"" + layer.name + "\" reads layer id " +
                                  std::to_string(in) + ", which is not an earlier layer");
    }
  }
  // A layer reading the same tensor twice (x + x) is one consumer of it.
  std::vector<LayerId> distinct = layer.inputs;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (LayerId in : distinct) {
    if (in == kInput) {
      input_consumers_.push_back(id);
    } else {
      consumers_[in].push_back(id);
    }
  }
  index_.emplace(layer.name, id);
  layers_.push_back(std::move(layer));
  consumers_.emplace_back();
  return id;
}

std::optional<LayerId> Graph::find(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

const std::vector<LayerId>& Graph::consumers(LayerId id) const {
  if (id == kInput) return input_consumers_;
  return consumers_.at(id);
}

std::vector<LayerId> Graph::outputs() const {
  std::vector<LayerId> out;
  for (LayerId id = 0; id < layers_.size(); ++id) {
    if (consumers_[id].empty()) out.push_back(id);
  }
  return out;
}

std::vector<std::vector<char>> Graph::ancestors() const {
  std::vector<std::vector<char>> a(layers_.size(), std::vector<char>(layers_.size(), 0));
  for (LayerId l = 0; l < layers_.size(); ++l)
    for (LayerId u : layers_[l].inputs) {
      if (u == kInput) continue;
      a[l][u] = 1;
      for (LayerId j = 0; j < u; ++j)
        if (a[u][j]) a[l][j] = 1;
    }
  return a;
}

bool Graph::is_chain() const {
  for (LayerId id = 0; id < layers_.size(); ++id) {
    const LayerId expected = id == 0 ? kInput : id - 1;
    const auto& in = layers_[id].inputs;
    if (in.size() != 1 || in[0] != expected) return false;
  }
  return true;
}

std::vector<LayerId> Graph::topological_order() const {
  using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  BoostGraph g(layers_.size());
  for (LayerId id = 0; id < layers_.size(); ++id) {
    for (LayerId in : layers_[id].inputs) {
      if (in != kInput) boost::add_edge(in, id, g);
    }
  }
  // boost::topological_sort writes vertices in reverse topological order (throws not_a_dag on a cycle).
  std::vector<BoostGraph::vertex_descriptor> reversed;
  reversed.reserve(layers_.size());
  boost::topological_sort(g, std::back_inserter(reversed));
  return std::vector<LayerId>(reversed.rbegin(), reversed.rend());
}

double Graph::output_bytes(LayerId id, int batch) const {
  check_batch(batch);
  const Layer& l = layers_.at(id);
  const double per_sample = l.output_bytes_override
                                ? *l.output_bytes_override
                                : static_cast<double>(elements(l.output_shape)) * dtype_bytes_;
  return per_sample * batch;
}

double Graph::input_bytes(int batch) const {
  check_batch(batch);
  const double per_sample = input_bytes_override_
                                ? *input_bytes_override_
                                : static_cast<double>(elements(input_shape_)) * dtype_bytes_;
  return per_sample * batch;
}

double Graph::weight_bytes(LayerId id) const {
  const Layer& l = layers_.at(id);
  if (l.weight_bytes_override) return *l.weight_bytes_override;
  return static_cast<double>(l.params) * dtype_bytes_;
}

double Graph::weight_bytes(const std::vector<LayerId>& ids) const {
  // A set: a layer listed twice holds its weights once.
  std::set<LayerId> distinct(ids.begin(), ids.end());
  double total = 0.0;
  for (LayerId id : distinct) total += weight_bytes(id);
  return total;
}

double Graph::cut_bytes(const std::vector<int>& stage_of, int batch) const {
  check_batch(batch);
  if (stage_of.size() != layers_.size()) {
    throw std::invalid_argument("cut_bytes: stage_of has " + std::to_string(stage_of.size()) +
                                " entries, the model has " + std::to_string(layers_.size()) + " layers");
  }
  auto readers_elsewhere = [&](const std::vector<LayerId>& readers, int producer_stage) {
    std::set<int> stages;
    for (LayerId r : readers) {
      if (stage_of[r] != producer_stage) stages.insert(stage_of[r]);
    }
    return static_cast<double>(stages.size());
  };
  double total = readers_elsewhere(input_consumers_, -1) * input_bytes(batch);
  for (LayerId id = 0; id < layers_.size(); ++id) {
    const double n = readers_elsewhere(consumers_[id], stage_of[id]);
    if (n > 0) total += n * output_bytes(id, batch);
  }
  return total;
}

int64_t Graph::total_macs() const {
  int64_t total = 0;
  for (const Layer& l : layers_) total += l.macs;
  return total;
}

int64_t Graph::total_params() const {
  int64_t total = 0;
  for (const Layer& l : layers_) total += l.params;
  return total;
}

double Graph::total_flops() const {
  double total = 0.0;
  for (const Layer& l : layers_) total += l.flops_per_sample();
  return total;
}

}  // namespace edgesplit::model
