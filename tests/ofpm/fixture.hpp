// Fixtures for the ofpm tests: conv/pool stacks built by hand and platforms from inline YAML.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "partitioners/partitioner.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"

namespace edgesplit::partition::ofpm_test {

/// Appends a conv (or pool with macs 0) reading `in`, shape by PyTorch's floor formula.
inline model::LayerId conv(model::Graph& g, const std::string& name, model::LayerId in, int64_t c_out, int64_t k,
                           int64_t s, int64_t p, const std::string& type = "conv") {
  const auto& is = in == model::kInput ? g.input_shape() : g.layer(in).output_shape;
  model::Layer l;
  l.name = name;
  l.type = type;
  l.inputs = {in};
  const int64_t h = (is[1] + 2 * p - k) / s + 1, w = (is[2] + 2 * p - k) / s + 1;
  l.output_shape = {type == "pool" ? is[0] : c_out, h, w};
  l.macs = type == "pool" ? 0 : c_out * h * w * is[0] * k * k;
  l.params = type == "pool" ? 0 : c_out * is[0] * k * k;
  model::Geometry geo;
  geo.kernel = {k, k};
  geo.stride = {s, s};
  geo.pad = {p, p, p, p};
  l.geometry = geo;
  return g.add_layer(std::move(l));
}

inline model::LayerId simple(model::Graph& g, const std::string& name, model::LayerId in, const std::string& type,
                             std::vector<int64_t> shape, int64_t macs = 0) {
  model::Layer l;
  l.name = name;
  l.type = type;
  l.inputs = {in};
  l.output_shape = std::move(shape);
  l.macs = macs;
  return g.add_layer(std::move(l));
}

inline config::Platform platform(const std::string& yaml) {
  config::Diagnostics d;
  auto p = config::load_platform_text(yaml, "<test>", d);
  EXPECT_FALSE(d.has_errors()) << d.format();
  return p ? *p : config::Platform{};
}

/// A graph, platform, analytic cost and problem kept together (the problem holds references).
struct World {
  model::Graph graph;
  config::Platform plat;
  std::unique_ptr<cost::CostModel> cost;
  Options options;
  std::unique_ptr<Problem> problem;
  World(model::Graph g, config::Platform p) : graph(std::move(g)), plat(std::move(p)) {
    cost = std::make_unique<cost::AnalyticCost>(graph, plat, 1);
    problem = std::make_unique<Problem>(Problem{graph, host_views(plat), *cost, 1, 2, Objective::Latency, options, "", ""});
  }
};

}  // namespace edgesplit::partition::ofpm_test
