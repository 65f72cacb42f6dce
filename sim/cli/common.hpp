// Shared steps of the commands that load a scenario: argument parsing, loading, planning.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/runtime/adapt.hpp"

namespace edgesplit::cli {

/// Options shared by `run` and `partition`.
struct ScenarioArgs {
  std::string scenario_path;
  std::string out_dir;
  std::vector<config::Override> overrides;
  bool quiet = false;
  bool json = false;
};

/// Thrown for a command-line usage error; main prints "edgesplit: <what>" and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses `SCENARIO.yaml [--out DIR] [--set K=V]... [--seed N] [--quiet] [--json]`;
/// `allowed` lists the flags this command takes. Throws UsageError.
ScenarioArgs parse_scenario_args(const Args& args, const std::vector<std::string>& allowed, const char* usage);

/// A loaded scenario with its cost model and plan (the problem keeps references into it).
struct Planned {
  config::Scenario scenario;
  std::unique_ptr<cost::CostModel> cost;
  config::Options options;
  std::unique_ptr<partition::Problem> problem;
  partition::Plan plan;
};

/// Loads the scenario (errors printed to stderr: returns exit code 2 in `code`), makes the cost
/// model and runs the partitioner (Infeasible: printed, code 3). On success code = 0.
std::unique_ptr<Planned> load_and_plan(const ScenarioArgs& args, int& code);

/// The re-planning callback of `adapt` (runtime/adapt.hpp): the scenario's partitioner on a copy
/// of the platform carrying the measured estimates, with a cost model scaled by them; failed hosts
/// are offered with 1 byte of memory so no stage fits there. `planned` must outlive the run.
runtime::Replanner make_replanner(const Planned& planned);

/// Prints every diagnostic to stderr, sorted.
void print_diagnostics(const config::Diagnostics& diag);

}  // namespace edgesplit::cli
