// Random small partitioning instances for oracle tests: a table-driven cost model over a
// platform with one access link per host, chain or DAG models, identical hosts per type.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/config/node.hpp"
#include "sim/config/options.hpp"

namespace edgesplit::partition::testing {

/// compute_s and compute_energy_j from per-type tables (index = type number of the host).
class TableCost : public cost::CostModel {
 public:
  TableCost(const model::Graph& g, const config::Platform& p, std::vector<int> type_of_host,
            std::vector<std::vector<double>> time_s, std::vector<std::vector<double>> energy_j)
      : CostModel(g, p, 1), type_of_host_(std::move(type_of_host)), time_s_(std::move(time_s)),
        energy_j_(std::move(energy_j)) {}
  double compute_s(model::LayerId l, int host) const override {
    return time_s_[static_cast<std::size_t>(type_of_host_[static_cast<std::size_t>(host)])][l];
  }
  double compute_energy_j(model::LayerId l, int host) const override {
    return energy_j_[static_cast<std::size_t>(type_of_host_[static_cast<std::size_t>(host)])][l];
  }
  std::string name() const override { return "table"; }

 private:
  std::vector<int> type_of_host_;
  std::vector<std::vector<double>> time_s_, energy_j_;
};

/// Options from name -> YAML scalar text.
inline config::Options make_options(const std::map<std::string, std::string>& kv) {
  std::map<std::string, config::Node> values;
  for (const auto& [k, v] : kv) {
    config::Node n;
    n.kind = config::Node::Kind::Scalar;
    n.scalar = v;
    n.key = "partitioner.options." + k;
    values.emplace(k, n);
  }
  return config::Options(values);
}

/// One random instance; owns everything a Problem references.
struct Instance {
  model::Graph graph;
  config::Platform platform;
  std::unique_ptr<TableCost> cost;
  config::Options options;

  std::string source, sink;  ///< optional source/sink host names

  Problem problem(const std::map<std::string, std::string>& opts) {
    options = make_options(opts);
    return Problem{graph, host_views(platform), *cost, 1, 2, Objective::Throughput, options, source, sink};
  }
};

struct InstanceShape {
  int max_layers = 10;
  int max_types = 4;
  int max_hosts_per_type = 3;
  bool dag = false;         ///< add skip connections
  bool memory_limits = true;
};

/// A random instance. Times are rounded to 1/1024 s multiples sometimes, to create ties.
inline std::unique_ptr<Instance> random_instance(std::mt19937_64& rng, const InstanceShape& shape) {
  auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
  auto pick = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  auto inst = std::make_unique<Instance>();
  const int layers = pick(1, shape.max_layers);
  const int types = pick(1, shape.max_types);
  const bool ties = pick(0, 1) == 1;
  inst->graph = model::Graph("rand", {pick(1, 64)}, 4);
  double total_weights = 0;
  for (int l = 0; l < layers; ++l) {
    model::Layer layer;
    layer.name = "l" + std::to_string(l);
    layer.type = "fc";
    layer.inputs = {l == 0 ? model::kInput : static_cast<model::LayerId>(l - 1)};
    if (shape.dag && l >= 2 && pick(0, 2) == 0) {
      const int extra = pick(-1, l - 2);
      layer.inputs.push_back(extra < 0 ? model::kInput : static_cast<model::LayerId>(extra));
    }
    layer.output_shape = {pick(1, 256)};
    layer.params = pick(0, 2000);
    total_weights += 4.0 * static_cast<double>(layer.params);
    inst->graph.add_layer(layer);
  }
  std::vector<int> type_of_host;
  std::vector<std::vector<double>> time_s(static_cast<std::size_t>(types)), energy_j(static_cast<std::size_t>(types));
  for (int t = 0; t < types; ++t) {
    config::DeviceType dt;
    dt.name = "type" + std::to_string(t);
    dt.speed_flops = 1e9;
    const int mode = shape.memory_limits ? pick(0, 3) : 0;
    // 0: no limit; 1: generous; 2: tight; 3: tiny (often infeasible).
    dt.memory_bytes = mode == 0 ? 0 : mode == 1 ? 4 * (total_weights + 8192) : mode == 2 ? uni(0.3, 1.0) * (total_weights + 4096) : uni(100, 3000);
    dt.power = config::Power{uni(0, 5), uni(5, 10)};
    const double bandwidth_Bps = uni(1e3, 1e5);
    const double latency_s = pick(0, 1) ? 0.0 : uni(0, 0.01);
    const double link_busy_w = 0.1 + uni(0, 2);  // hosts of one type are identical, links too
    for (int l = 0; l < layers; ++l) {
      double t_s = uni(0.001, 0.1);
      if (ties) t_s = std::round(t_s * 64) / 64 + 1.0 / 64;
      time_s[static_cast<std::size_t>(t)].push_back(t_s);
      energy_j[static_cast<std::size_t>(t)].push_back(uni(0.0, 1.0));
    }
    const int hosts = pick(1, shape.max_hosts_per_type);
    for (int h = 0; h < hosts; ++h) {
      config::Host host;
      host.name = dt.name + "-" + std::to_string(h);
      host.type = dt.name;
      host.link = host.name + "-link";
      config::Link link;
      link.name = host.link;
      link.bandwidth_Bps = bandwidth_Bps;
      link.latency_s = latency_s;
      link.power = config::Power{0.1, link_busy_w};
      inst->platform.hosts.push_back(host);
      inst->platform.links.push_back(link);
      type_of_host.push_back(t);
    }
    inst->platform.device_types[dt.name] = dt;
  }
  inst->cost = std::make_unique<TableCost>(inst->graph, inst->platform, type_of_host, time_s, energy_j);
  return inst;
}

}  // namespace edgesplit::partition::testing
