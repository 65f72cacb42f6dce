// Helpers of the runtime_ext tests: scenarios from YAML text in a per-process scratch directory,
// planning (the `ilp` partitioner too, registered or not), one run, CSV reading.
#pragma once

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "partitioners/ilp.hpp"
#include "partitioners/partitioner.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::runtime_ext::test {
using runtime::RunSummary;

/// This process's scratch directory (removed when the process ends).
inline const std::filesystem::path& scratch() {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("edgesplit-rtx-test-{}", ::getpid());
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Dir d;
  return d.path;
}

inline std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = (scratch() / name).string();
  std::ofstream(path) << text;
  return path;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The built-in catalog plus `ilp` (in case the registry does not list it yet).
inline config::PartitionerCatalog catalog() {
  config::PartitionerCatalog c = partition::builtin_registry().catalog();
  if (!c.count("ilp")) c["ilp"] = partition::ilp_info().options;
  return c;
}

/// A scenario from YAML text written as scratch/<name>.yaml; fails the test on errors.
inline config::Scenario load(const std::string& name, const std::string& text) {
  const std::string path = write_file(name + ".yaml", text);
  config::Diagnostics diag;
  auto s = config::load_scenario(path, {}, catalog(), diag);
  EXPECT_FALSE(diag.has_errors()) << diag.format();
  if (!s) throw std::runtime_error("scenario did not load: " + diag.format());
  return std::move(*s);
}

/// Loader errors of a scenario text ("" when it loads).
inline std::string errors_of(const std::string& name, const std::string& text) {
  const std::string path = write_file(name + ".yaml", text);
  config::Diagnostics diag;
  auto s = config::load_scenario(path, {}, catalog(), diag);
  return diag.format();
}

/// Plans the scenario with its partitioner (`ilp` through ilp_info() when not registered).
struct Planned {
  std::unique_ptr<cost::CostModel> cost;
  config::Options options;
  partition::Plan plan;
};
inline Planned plan(const config::Scenario& s) {
  Planned p;
  p.cost = cost::make_cost_model(s);
  p.options = config::Options(s.partitioner.options);
  const partition::Problem problem{s.model, partition::host_views(s.platform), *p.cost, s.batch, s.workload.buffers,
                                   partition::Objective::Latency, p.options, s.workload.source, s.workload.sink};
  const partition::PartitionerInfo* info = partition::builtin_registry().find(s.partitioner.name);
  const partition::PartitionerInfo ilp = partition::ilp_info();
  if (!info && s.partitioner.name == "ilp") info = &ilp;
  if (!info) throw std::runtime_error("no partitioner " + s.partitioner.name);
  p.plan = info->make(p.options)->partition(problem);
  p.plan.partitioner = s.partitioner.name;
  return p;
}

/// Runs the scenario's plan (one engine per process: once per TEST).
inline runtime::RunSummary run(const config::Scenario& s, const Planned& p, const std::string& out) {
  runtime::RunOptions o;
  o.out_dir = (scratch() / out).string();
  o.quiet = true;
  return runtime::run(s, p.plan, *p.cost, o);
}

/// A CSV file as rows of column -> text.
inline std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string cell;
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    return out;
  };
  std::vector<std::map<std::string, std::string>> rows;
  if (!std::getline(in, line)) return rows;
  const auto header = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

/// energy.csv: entity -> energy_j.
inline std::map<std::string, double> energy_by_entity(const std::string& out) {
  std::map<std::string, double> e;
  for (const auto& r : read_csv((scratch() / out / "energy.csv").string())) e[r.at("entity")] = std::stod(r.at("energy_j"));
  return e;
}

inline double latency_of_request0(const std::string& out) {
  return std::stod(read_csv((scratch() / out / "requests.csv").string()).at(0).at("latency_s"));
}

inline double rel(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-300); }

}  // namespace edgesplit::runtime_ext::test

namespace edgesplit::runtime_ext::test {
using runtime::RunSummary;

/// A hand plan: stage k = {host index, layer ids}.
inline Planned hand_plan(const config::Scenario& s, const std::vector<std::pair<int, std::vector<model::LayerId>>>& stages) {
  Planned p;
  p.cost = cost::make_cost_model(s);
  p.plan.partitioner = "manual";
  for (const auto& [host, layers] : stages) {
    partition::Stage st;
    st.hosts = {partition::HostShare{host, 1.0}};
    st.layers = layers;
    p.plan.stages.push_back(st);
  }
  return p;
}

}  // namespace edgesplit::runtime_ext::test
