// `edgesplit run`, `edgesplit partition` and `edgesplit partitioners`.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/recorder/plan_json.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::cli {

namespace {
const char* kRunUsage = "edgesplit run SCENARIO.yaml [--out DIR] [--set KEY=VALUE]... [--seed N] [--quiet]";
const char* kPartitionUsage = "edgesplit partition SCENARIO.yaml [--json] [--set KEY=VALUE]... [--seed N]";

std::string out_dir_of(const ScenarioArgs& args, const config::Scenario& s) {
  if (!args.out_dir.empty()) return args.out_dir;
  if (!s.output.dir.empty()) return s.output.dir;
  return "out/" + s.name;
}

std::string layer_span(const model::Graph& g, const std::vector<model::LayerId>& layers) {
  if (layers.empty()) return "-";
  bool contiguous = layers.back() - layers.front() + 1 == layers.size();
  if (contiguous) {
    if (layers.size() == 1) return g.layer(layers.front()).name;
    return fmt::format("{}..{} ({} layers)", g.layer(layers.front()).name, g.layer(layers.back()).name, layers.size());
  }
  return fmt::format("{} layers from {} to {}", layers.size(), g.layer(layers.front()).name,
                     g.layer(layers.back()).name);
}

std::string hosts_of(const config::Platform& p, const partition::Stage& st) {
  std::string out;
  for (const auto& hs : st.hosts) {
    if (!out.empty()) out += "+";
    out += p.hosts.at(static_cast<std::size_t>(hs.host)).name;
  }
  return out;
}

void print_plan(const Planned& pl) {
  const auto& s = pl.scenario;
  std::cout << fmt::format("plan of {} by {} ({} cost, batch {})\n", s.name, pl.plan.partitioner, pl.cost->name(),
                           s.batch);
  std::cout << fmt::format("{:>5}  {:<16} {:>12} {:>12}  {}\n", "stage", "host", "compute_s", "send_s", "layers");
  for (std::size_t k = 0; k < pl.plan.stages.size(); ++k) {
    const auto& st = pl.plan.stages[k];
    std::cout << fmt::format("{:>5}  {:<16} {:>12.6g} {:>12.6g}  {}\n", k, hosts_of(s.platform, st),
                             st.predicted_compute_s, st.predicted_send_s, layer_span(s.model, st.layers));
  }
  std::cout << fmt::format("predicted bottleneck {:.6g} s ({:.6g} requests/s), latency {:.6g} s, energy {:.6g} J/inference\n",
                           pl.plan.predicted_bottleneck_s,
                           pl.plan.predicted_bottleneck_s > 0 ? 1.0 / pl.plan.predicted_bottleneck_s : 0.0,
                           pl.plan.predicted_latency_s, pl.plan.predicted_energy_j);
}
}  // namespace

int cmd_run(const Args& args) {
  ScenarioArgs a = parse_scenario_args(args, {"--out", "--set", "--seed", "--quiet"}, kRunUsage);
  int code = 0;
  auto planned = load_and_plan(a, code);
  if (!planned) return code;
  runtime::RunOptions options;
  options.out_dir = out_dir_of(a, planned->scenario);
  options.quiet = a.quiet;
  if (planned->scenario.adapt.policy != "none") options.replan = make_replanner(*planned);
  runtime::RunSummary r = runtime::run(planned->scenario, planned->plan, *planned->cost, options);
  std::cout << fmt::format(
      "{}: {} requests by {} in {:.6g} simulated s ({:.3g} s wall)\n"
      "  throughput  {:.6g} requests/s\n"
      "  latency     p50 {:.6g} s, p95 {:.6g} s, p99 {:.6g} s, max {:.6g} s\n"
      "  bottleneck  {} on {} ({})\n"
      "  energy      {:.6g} J per inference ({:.6g} J in all, {:.6g} J on the hosts and links the plan uses)\n"
      "  outputs     {}\n",
      planned->scenario.name, r.requests_completed, planned->plan.partitioner, r.sim_time_s, r.wall_time_s,
      r.throughput_rps, r.latency_p50_s, r.latency_p95_s, r.latency_p99_s, r.latency_max_s, r.bottleneck_stage < 0 ? std::string("the source") : fmt::format("stage {}", r.bottleneck_stage),
      r.bottleneck_host, r.bottleneck_resource, r.energy_per_inference_j, r.energy_total_j, r.energy_active_j,
      r.out_dir.empty() ? options.out_dir : r.out_dir);
  return 0;
}

int cmd_partition(const Args& args) {
  ScenarioArgs a = parse_scenario_args(args, {"--set", "--seed", "--json"}, kPartitionUsage);
  int code = 0;
  auto planned = load_and_plan(a, code);
  if (!planned) return code;
  if (a.json) {
    std::cout << recorder::plan_json(planned->scenario, planned->plan);
  } else {
    print_plan(*planned);
  }
  return 0;
}

int cmd_partitioners(const Args& args) {
  if (!args.empty()) throw UsageError("takes no arguments\nusage: edgesplit partitioners");
  static const char* kTypes[] = {"bool", "int", "double", "string", "enum", "host", "host list", "string list", "map"};
  for (const auto& info : partition::builtin_registry().all()) {
    std::cout << fmt::format("{:<16} {}\n", info.name, info.summary);
    for (const auto& o : info.options) {
      std::string type = kTypes[static_cast<int>(o.type)];
      if (o.type == config::OptionType::Enum) type = fmt::format("{}", fmt::join(o.choices, "|"));
      std::string dflt = o.required ? "required" : o.default_value.empty() ? "optional" : "default " + o.default_value;
      std::cout << fmt::format("    {:<14} {:<22} {:<18} {}\n", o.name, type, dflt, o.help);
    }
  }
  return 0;
}

}  // namespace edgesplit::cli
