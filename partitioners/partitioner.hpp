// The partitioner interface: a pure function from a Problem to a Plan, registered by name.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/options.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::config {
struct Scenario;
}

namespace edgesplit::partition {

enum class Objective { Throughput, Latency, Energy };

/// What a partitioner may know of a host.
struct HostView {
  int index = 0;  ///< index into platform.hosts (the cost model's host id)
  std::string name, type, kind;
  double speed_flops = 0;
  double memory_bytes = 0;
  double idle_w = 0, busy_w = 0;
};

using config::OptionSpec;
using config::OptionType;
using config::Options;

/// Everything a partitioner may see; nothing from SimGrid.
struct Problem {
  const model::Graph& graph;
  std::vector<HostView> hosts;  ///< every platform host, hosts[i].index == i
  const cost::CostModel& cost;
  int batch = 1;
  int buffers = 2;              ///< sends in flight per stage (memory rule)
  Objective objective = Objective::Throughput;
  const Options& options;
  std::string source_host;      ///< optional: host that sends the input (empty: none)
  std::string sink_host;        ///< optional: host that receives the result
  /// optional: the scenario being planned (keys a partitioner may default from, e.g. `weights:`)
  const config::Scenario* scenario = nullptr;
};

struct HostShare {
  int host = 0;        ///< index into Problem::hosts
  double share = 1.0;  ///< fraction of the stage's work (1 for single-host stages)
};

/// One host's part of a split stage (horizontal partitioning, docs/OFPM.md): it computes output
/// rows [first_row, last_row] of the stage's last layer, receiving input rows [in_first_row,
/// in_last_row] of the stage's first layer (halo included) and recomputing halo rows in between.
struct Band {
  int host = 0;                                ///< index into Problem::hosts
  int64_t first_row = 0, last_row = -1;        ///< output rows of the stage's last layer, inclusive
  int64_t in_first_row = 0, in_last_row = -1;  ///< input rows of the stage's first layer, inclusive
  std::vector<std::pair<int64_t, int64_t>> layer_rows;  ///< per stage layer: output rows it computes
  double flops = 0;                            ///< per request (batch included), halo recomputation included
  double in_bytes = 0, out_bytes = 0;          ///< per request: input band received, output band sent
  double recv_s = 0, compute_s = 0, send_s = 0;  ///< predicted; finish = recv + compute + send
};

struct Stage {
  std::vector<HostShare> hosts;
  std::vector<model::LayerId> layers;  ///< ascending ids
  double predicted_compute_s = 0;
  double predicted_send_s = 0;
  std::vector<Band> bands;             ///< split stages only (fpm, ofpm): one per host, top to bottom
  /// Split stages: the host their bands are sent to (the next stage's host, a host that re-splits
  /// the tensor for a next split stage, or the sink); -1: none (the output stays in bands).
  int gather_host = -1;
};

struct ParetoPoint {
  double bottleneck_s = 0;
  double energy_j = 0;
  bool chosen = false;
};

struct Plan {
  std::string partitioner;
  std::vector<Stage> stages;
  double predicted_bottleneck_s = 0;
  double predicted_latency_s = 0;
  double predicted_energy_j = 0;   ///< per inference
  std::vector<ParetoPoint> pareto; ///< pipeedge-energy with pareto: true
  std::map<std::string, std::string> notes;  ///< extra facts for plan.json (solver status, gap...)
};

/// One reason a plan does not fit.
struct InfeasibleReason {
  int stage = -1;
  std::string host;
  double needed_bytes = 0, available_bytes = 0;
  std::string message;  ///< full sentence
};

class Infeasible : public std::runtime_error {
 public:
  explicit Infeasible(std::vector<InfeasibleReason> reasons);
  const std::vector<InfeasibleReason>& reasons() const { return reasons_; }

 private:
  std::vector<InfeasibleReason> reasons_;
};

class Partitioner {
 public:
  virtual ~Partitioner() = default;
  /// Pure; throws Infeasible when no plan fits, config::InputError for a bad option value.
  virtual Plan partition(const Problem& problem) const = 0;
};

struct PartitionerInfo {
  std::string name, summary;
  std::vector<OptionSpec> options;
  std::function<std::unique_ptr<Partitioner>(const Options&)> make;
};

class Registry {
 public:
  void add(PartitionerInfo info);
  const PartitionerInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<PartitionerInfo>& all() const { return infos_; }
  /// Names and declared options, for the scenario loader.
  config::PartitionerCatalog catalog() const;

 private:
  std::vector<PartitionerInfo> infos_;
};

/// partitioners/registry.cpp: one r.add(...) line per built-in partitioner.
void register_builtin(Registry& r);
/// The registry with every built-in partitioner.
const Registry& builtin_registry();

/// Views of every platform host (index i = platform.hosts[i]).
std::vector<HostView> host_views(const config::Platform& platform);

}  // namespace edgesplit::partition
