// Test fixtures for the partitioners: small hand-made graphs, a platform with one access link per
// host, a table-driven cost model (times and powers chosen by the test) and option nodes.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "partitioners/evaluate.hpp"
#include "partitioners/partitioner.hpp"

namespace edgesplit::partition::test {

/// compute_s = time_s[host][layer]; compute energy = extra_w[host] x time.
class TableCost : public cost::CostModel {
 public:
  TableCost(const model::Graph& g, const config::Platform& p, std::vector<std::vector<double>> time_s,
            std::vector<double> extra_w)
      : CostModel(g, p, 1), time_s_(std::move(time_s)), extra_w_(std::move(extra_w)) {}
  double compute_s(model::LayerId l, int host) const override { return time_s_.at(static_cast<std::size_t>(host)).at(l); }
  double compute_energy_j(model::LayerId l, int host) const override {
    return extra_w_.at(static_cast<std::size_t>(host)) * compute_s(l, host);
  }
  std::string name() const override { return "table"; }

 private:
  std::vector<std::vector<double>> time_s_;
  std::vector<double> extra_w_;
};

struct HostSpec {
  std::string name;
  double memory_bytes = 0;  ///< 0: no limit
  double bandwidth_Bps = 100;
  double latency_s = 0;
  double idle_w = 0, busy_w = 0;       ///< host power
  double link_idle_w = 0, link_busy_w = 0;
};

/// Graph with dtype 1 byte, so output_shape {n} means n bytes and params = weight bytes.
inline model::Graph make_graph(double input_bytes) {
  return model::Graph("g", {static_cast<int64_t>(input_bytes)}, 1);
}

inline model::LayerId add(model::Graph& g, const std::string& name, std::vector<model::LayerId> inputs,
                          int64_t out_bytes, int64_t weight_bytes) {
  model::Layer l;
  l.name = name;
  l.type = "fc";
  l.inputs = std::move(inputs);
  l.output_shape = {out_bytes};
  l.params = weight_bytes;
  return g.add_layer(std::move(l));
}

/// A chain: layer i reads layer i-1 (layer 0 the input).
inline model::Graph make_chain(double input_bytes, const std::vector<int64_t>& out_bytes,
                               const std::vector<int64_t>& weight_bytes) {
  auto g = make_graph(input_bytes);
  for (std::size_t i = 0; i < out_bytes.size(); ++i)
    add(g, fmt::format("l{}", i), {i == 0 ? model::kInput : i - 1}, out_bytes[i], weight_bytes[i]);
  return g;
}

inline config::Platform make_platform(const std::vector<HostSpec>& specs) {
  config::Platform p;
  p.path = "<test>";
  for (const auto& s : specs) {
    config::DeviceType t;
    t.name = s.name + "-type";
    t.speed_flops = 1e9;
    t.memory_bytes = s.memory_bytes;
    t.power = config::Power{s.idle_w, s.busy_w};
    p.device_types[t.name] = t;
    config::Link l;
    l.name = s.name + "-link";
    l.bandwidth_Bps = s.bandwidth_Bps;
    l.latency_s = s.latency_s;
    l.power = config::Power{s.link_idle_w, s.link_busy_w};
    p.links.push_back(l);
    config::Host h;
    h.name = s.name;
    h.type = t.name;
    h.link = l.name;
    p.hosts.push_back(h);
  }
  return p;
}

/// Everything a Problem refers to, kept alive together.
struct World {
  model::Graph graph;
  config::Platform platform;
  std::unique_ptr<TableCost> cost;
  std::vector<HostView> hosts;
  config::Options options;
  std::string source, sink;
  int buffers = 2;
  Objective objective = Objective::Throughput;

  World(model::Graph g, const std::vector<HostSpec>& specs, std::vector<std::vector<double>> time_s,
        std::vector<double> extra_w = {})
      : graph(std::move(g)), platform(make_platform(specs)) {
    if (extra_w.empty()) extra_w.assign(specs.size(), 0.0);
    cost = std::make_unique<TableCost>(graph, platform, std::move(time_s), std::move(extra_w));
    hosts = host_views(platform);
  }
  World(const World&) = delete;  // cost refers to graph and platform
  World& operator=(const World&) = delete;
  Problem problem() const {
    return Problem{graph, hosts, *cost, 1, buffers, objective, options, source, sink};
  }
};

// Option nodes, located at line `line` of "s.yaml" with the given dotted key.
inline config::Node scalar(const std::string& text, const std::string& key, int line = 1, int column = 1) {
  return config::scalar_node(text, key, {"s.yaml", line, column});
}

inline config::Node sequence(std::vector<config::Node> items, const std::string& key, int line = 1) {
  config::Node n;
  n.kind = config::Node::Kind::Sequence;
  n.items = std::move(items);
  n.key = key;
  n.loc = {"s.yaml", line, 1};
  return n;
}

inline config::Node map(std::vector<std::pair<std::string, config::Node>> entries, const std::string& key, int line = 1) {
  config::Node n;
  n.kind = config::Node::Kind::Map;
  n.entries = std::move(entries);
  n.key = key;
  n.loc = {"s.yaml", line, 1};
  return n;
}

/// A partitioner option node `partitioner.options.NAME` holding `text`.
inline config::Node option(const std::string& text, const std::string& name, int line = 1) {
  return scalar(text, "partitioner.options." + name, line);
}

/// Host index per layer, read back from a plan's stages (-1: a layer in no stage).
inline std::vector<int> hosts_of(const Plan& plan, std::size_t layers) {
  std::vector<int> d(layers, -1);
  for (const auto& s : plan.stages)
    for (auto l : s.layers) d.at(l) = s.hosts.at(0).host;
  return d;
}

/// A host list option value.
inline config::Node host_list(const std::vector<std::string>& names, const std::string& key = "partitioner.options.hosts") {
  std::vector<config::Node> items;
  for (std::size_t i = 0; i < names.size(); ++i) items.push_back(scalar(names[i], key + "[" + std::to_string(i) + "]"));
  return sequence(std::move(items), key);
}

/// Builds the registered partitioner `name` with `options` and runs it on w.
inline Plan run(const std::string& name, World& w, std::map<std::string, config::Node> options) {
  w.options = config::Options(std::move(options));
  const PartitionerInfo* info = builtin_registry().find(name);
  if (!info) throw std::logic_error("no partitioner " + name);
  return info->make(w.options)->partition(w.problem());
}

/// Random table of times in [lo, hi).
inline std::vector<std::vector<double>> random_times(std::mt19937& rng, std::size_t hosts, std::size_t layers,
                                                     double lo = 0.1, double hi = 2.0) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<std::vector<double>> t(hosts, std::vector<double>(layers));
  for (auto& row : t)
    for (auto& x : row) x = u(rng);
  return t;
}

/// Random layer graph of `n` layers (input and output bytes, and weights, drawn in [10, 1000];
/// about a quarter of the layers without weights): a chain, or a DAG whose layer l reads one
/// earlier layer or the input, and a second one when `second_input(d)` holds for a draw d in 0..3.
template <class SecondInput>
model::Graph random_graph(std::mt19937& rng, int n, bool chain, SecondInput second_input) {
  std::uniform_int_distribution<int> bytes_d(10, 1000), coin(0, 3);
  auto g = make_graph(bytes_d(rng));
  for (int l = 0; l < n; ++l) {
    std::vector<model::LayerId> in;
    if (l == 0) {
      in.push_back(model::kInput);
    } else if (chain) {
      in.push_back(static_cast<model::LayerId>(l - 1));
    } else {
      std::uniform_int_distribution<int> src(-1, l - 1);
      const int a = src(rng);
      in.push_back(a < 0 ? model::kInput : static_cast<model::LayerId>(a));
      if (second_input(coin(rng))) {
        const int b = src(rng);
        const model::LayerId bb = b < 0 ? model::kInput : static_cast<model::LayerId>(b);
        if (bb != in[0]) in.push_back(bb);
      }
    }
    add(g, fmt::format("l{}", l), in, bytes_d(rng), coin(rng) == 0 ? 0 : bytes_d(rng));
  }
  return g;
}

}  // namespace edgesplit::partition::test
