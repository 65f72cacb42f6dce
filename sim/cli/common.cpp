// Shared steps of the scenario commands: parse arguments, load, build the problem, partition.
#include "sim/cli/common.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "partitioners/evaluate.hpp"

namespace edgesplit::cli {

namespace {
bool takes(const std::vector<std::string>& allowed, const std::string& flag) {
  return std::find(allowed.begin(), allowed.end(), flag) != allowed.end();
}
}  // namespace

ScenarioArgs parse_scenario_args(const Args& args, const std::vector<std::string>& allowed, const char* usage) {
  ScenarioArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value\nusage: {}", flag, usage));
      return args[++i];
    };
    if (!a.empty() && a[0] == '-' && !takes(allowed, a)) {
      throw UsageError(fmt::format("unknown option \"{}\"\nusage: {}", a, usage));
    }
    if (a == "--out") {
      out.out_dir = value("--out");
    } else if (a == "--set") {
      out.overrides.push_back({value("--set")});
    } else if (a == "--seed") {
      out.overrides.push_back({"seed=" + value("--seed")});
    } else if (a == "--quiet") {
      out.quiet = true;
    } else if (a == "--json") {
      out.json = true;
    } else if (out.scenario_path.empty()) {
      out.scenario_path = a;
    } else {
      throw UsageError(fmt::format("unexpected argument \"{}\" (one scenario per run)\nusage: {}", a, usage));
    }
  }
  if (out.scenario_path.empty()) throw UsageError(fmt::format("missing SCENARIO.yaml\nusage: {}", usage));
  return out;
}

void print_diagnostics(const config::Diagnostics& diag) { std::cerr << diag.format(); }

namespace {
partition::Objective objective_of(const config::Options& options) {
  if (options.has("objective")) {
    const std::string o = options.get_string("objective");
    if (o == "latency") return partition::Objective::Latency;
    if (o == "energy") return partition::Objective::Energy;
  }
  return partition::Objective::Throughput;
}
}  // namespace

std::unique_ptr<Planned> load_and_plan(const ScenarioArgs& args, int& code) {
  const auto& registry = partition::builtin_registry();
  config::Diagnostics diag;
  auto scenario = config::load_scenario(args.scenario_path, args.overrides, registry.catalog(), diag);
  if (diag.has_errors() || !scenario) {
    print_diagnostics(diag);
    code = 2;
    return nullptr;
  }
  auto planned = std::make_unique<Planned>();
  planned->scenario = std::move(*scenario);
  const config::Scenario& s = planned->scenario;
  try {
    planned->cost = cost::make_cost_model(s);
    const partition::PartitionerInfo* info = registry.find(s.partitioner.name);
    planned->options = config::Options(s.partitioner.options);
    planned->problem = std::unique_ptr<partition::Problem>(new partition::Problem{
        s.model, partition::host_views(s.platform), *planned->cost, s.batch, s.workload.buffers,
        objective_of(planned->options), planned->options, s.workload.source, s.workload.sink, &s});
    auto partitioner = info->make(planned->options);
    planned->plan = partitioner->partition(*planned->problem);
    planned->plan.partitioner = s.partitioner.name;
  } catch (const config::InputError& e) {
    std::cerr << e.diagnostic().format() << '\n';
    code = 2;
    return nullptr;
  } catch (const partition::Infeasible& e) {
    std::cerr << fmt::format("{}: error: partitioner {}: no plan fits the devices:\n", s.path, s.partitioner.name);
    for (const auto& r : e.reasons()) std::cerr << "  " << r.message << '\n';
    code = 3;
    return nullptr;
  }
  code = 0;
  return planned;
}

runtime::Replanner make_replanner(const Planned& planned) {
  return [&planned](const runtime::Estimates& est, const partition::Plan& current) {
    const config::Scenario& s = planned.scenario;
    const partition::PartitionerInfo* info = partition::builtin_registry().find(s.partitioner.name);
    const config::Platform estimated = runtime::estimated_platform(s.platform, est);
    const runtime::EstimatedCost cost(*planned.cost, estimated, est);
    std::vector<partition::HostView> hosts = partition::host_views(estimated);
    for (std::size_t h = 0; h < hosts.size() && h < est.host_up.size(); ++h)
      if (!est.host_up[h]) hosts[h].memory_bytes = 1;
    const partition::Problem problem{s.model, hosts, cost, s.batch, s.workload.buffers,
                                     objective_of(planned.options), planned.options, s.workload.source,
                                     s.workload.sink, &s};
    runtime::ReplanResult r;
    partition::Plan running = current;
    partition::evaluate(problem, running);  // the running plan under the same estimates
    r.current_bottleneck_s = running.predicted_bottleneck_s;
    r.plan = info->make(planned.options)->partition(problem);
    r.plan.partitioner = s.partitioner.name;
    partition::evaluate(problem, r.plan);
    return r;
  };
}

}  // namespace edgesplit::cli
