// Hand-made scenarios for the runtime tests: chains and small DAGs with a host and a private
// split-duplex link per stage, network exact; closed forms computed from the same figures.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/traces/dynamics.hpp"

namespace edgesplit::runtime::test {

struct HostSpec {
  double speed_flops = 1e9;
  int cores = 1;
  double idle_w = 1, busy_w = 3;
  double bandwidth_Bps = 1e8;
  double latency_s = 1e-3;
  double link_idle_w = 0.5, link_busy_w = 2;
};

/// Graph with dtype 1 byte, so output_shape {n} is n bytes.
inline model::LayerId add_layer(model::Graph& g, const std::string& name, std::vector<model::LayerId> inputs,
                                int64_t out_bytes, double flops) {
  model::Layer l;
  l.name = name;
  l.type = "fc";
  l.inputs = std::move(inputs);
  l.output_shape = {out_bytes};
  l.flops = flops;
  return g.add_layer(std::move(l));
}

/// Host i "h<i>" of type "t<i>" with private link "l<i>".
inline config::Platform make_platform(const std::vector<HostSpec>& specs) {
  config::Platform p;
  p.path = "<test>";
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const HostSpec& s = specs[i];
    config::DeviceType t;
    t.name = fmt::format("t{}", i);
    t.speed_flops = s.speed_flops;
    t.cores = s.cores;
    t.memory_bytes = 1e12;
    t.power = config::Power{s.idle_w, s.busy_w};
    p.device_types[t.name] = t;
    config::Link l;
    l.name = fmt::format("l{}", i);
    l.bandwidth_Bps = s.bandwidth_Bps;
    l.latency_s = s.latency_s;
    l.power = config::Power{s.link_idle_w, s.link_busy_w};
    p.links.push_back(l);
    config::Host h;
    h.name = fmt::format("h{}", i);
    h.type = t.name;
    h.link = l.name;
    p.hosts.push_back(h);
  }
  return p;
}

inline config::Scenario make_scenario(model::Graph g, config::Platform p, int64_t requests) {
  config::Scenario sc;
  sc.path = "<test>";
  sc.name = "test";
  sc.seed = 7;
  sc.model = std::move(g);
  sc.model_ref = "test-model";
  sc.platform = std::move(p);
  sc.network_model = "exact";
  sc.workload.requests = requests;
  sc.resolved_yaml = "name: test\n";
  return sc;
}

/// Stage k holds layers[k] on host k.
/// Adds a `dynamics:` entry built by hand: `what` (bandwidth, latency, load) of the host or link
/// `target` (target_kind "host" or "link") follows `series`.
inline void add_dynamics(config::Scenario& sc, const std::string& target_kind, const std::string& target,
                         const std::string& what, traces::Series series) {
  config::DynamicsEntry d;
  d.target_kind = target_kind;
  d.target = target;
  d.what = what;
  traces::DynamicsSpec spec;
  spec.what = what;
  spec.series = std::move(series);
  d.parsed = std::make_shared<const traces::DynamicsSpec>(spec);
  sc.dynamics.push_back(d);
}

inline partition::Plan make_plan(const std::vector<std::vector<model::LayerId>>& layers) {
  partition::Plan plan;
  plan.partitioner = "manual";
  for (std::size_t k = 0; k < layers.size(); ++k) {
    partition::Stage st;
    st.hosts = {partition::HostShare{static_cast<int>(k), 1.0}};
    st.layers = layers[k];
    plan.stages.push_back(st);
  }
  return plan;
}

/// Removes this process's scratch directory when the process ends.
struct ScratchDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / fmt::format("edgesplit-sim-test-{}", ::getpid());
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// A fresh output directory path in a per-process scratch directory (removed at exit).
inline std::string out_dir(const std::string& name) {
  static ScratchDir scratch;
  std::filesystem::create_directories(scratch.path);
  return (scratch.path / name).string();
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A CSV file as rows of column -> text.
inline std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    return out;
  };
  if (!std::getline(in, line)) return rows;
  header = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

/// Relative difference, for the 1e-9 closed-form checks.
inline double rel(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-300); }

}  // namespace edgesplit::runtime::test
