// Google Benchmark: solve time of every built-in partitioner that plans on its own, on zoo models
// over generated 4/8/16-device heterogeneous platforms (bench/gen.hpp). Combinations known to take
// minutes are registered as "skipped (reason)", never left out silently.
// Usage: bench_partitioners [--quick] [google benchmark flags]; --quick: vgg16 and resnet50 on 4 and 8 devices.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/gen.hpp"
#include "partitioners/partitioner.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/model/zoo.hpp"

namespace es = edgesplit;

namespace {

es::config::Node scalar(const std::string& text, const std::string& key) {
  return es::config::scalar_node(text, "partitioner.options." + key);
}

es::config::Node list(const std::vector<std::string>& items, const std::string& key) {
  es::config::Node n;
  n.kind = es::config::Node::Kind::Sequence;
  n.key = "partitioner.options." + key;
  for (const auto& i : items) n.items.push_back(scalar(i, key));
  return n;
}

// What the scenario loader does: the given options, then every declared default not given.
es::config::Options make_options(const es::partition::PartitionerInfo& info, std::map<std::string, es::config::Node> given) {
  for (const auto& spec : info.options)
    if (!given.count(spec.name) && !spec.default_value.empty()) given[spec.name] = scalar(spec.default_value, spec.name);
  return es::config::Options(std::move(given));
}

// One platform, loaded once through the platform loader.
const es::config::Platform& platform(int devices) {
  static std::map<int, es::config::Platform> cache;
  auto it = cache.find(devices);
  if (it == cache.end()) {
    es::config::Diagnostics diag;
    auto p = es::config::load_platform_text(es::bench::platform_yaml(devices), fmt::format("<bench {} devices>", devices), diag);
    if (!p) throw std::runtime_error(diag.format());
    it = cache.emplace(devices, std::move(*p)).first;
  }
  return it->second;
}

const es::model::Graph& model(const std::string& name) {
  static std::map<std::string, es::model::Graph> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, *es::model::zoo_model(name)).first;
  return it->second;
}

struct Case {
  std::string partitioner;
  std::map<std::string, es::config::Node> options;
};

// The partitioners benchmarked, with the options each needs. manual (a plan written by hand) and
// exhaustive (enumerates every chain split: for tiny models) are reported as skipped.
std::vector<Case> cases(int devices) {
  std::vector<std::string> all_hosts;
  for (int i = 0; i < devices; ++i) all_hosts.push_back(es::bench::host_name(i));
  const auto device_server = [&] {
    return std::map<std::string, es::config::Node>{{"device", scalar(es::bench::host_name(0), "device")},
                                                   {"server", scalar(es::bench::host_name(3), "server")}};
  };
  return {
      {"single", {}},
      {"even", {{"hosts", list(all_hosts, "hosts")}}},
      {"neurosurgeon", device_server()},
      {"dads", device_server()},
      {"genetic", {{"seed", scalar("1", "seed")}}},
      {"pipeedge", {}},
      {"pipeedge-energy", {}},
      {"ilp", {{"granularity", scalar("block", "granularity")}, {"time_limit_s", scalar("10", "time_limit_s")}}},
      {"fpm", {}},
      {"ofpm", {}},
  };
}

// Why a combination is not run; empty: it is run. Figures from runs on the project's machine
// (docs/PERFORMANCE.md).
std::string skip_reason(const std::string& partitioner, const std::string& model_name, int devices) {
  (void)model_name;
  (void)devices;
  if (partitioner == "manual") return "needs a hand-written plan";
  if (partitioner == "exhaustive") return "enumerates every split: tiny models only";
  return "";
}

void solve(benchmark::State& state, const std::string& partitioner, const std::string& model_name, int devices,
           const std::map<std::string, es::config::Node>& given) {
  const auto& info = *es::partition::builtin_registry().find(partitioner);
  const auto& graph = model(model_name);
  const auto& plat = platform(devices);
  const es::cost::AnalyticCost cost(graph, plat, 1);
  const es::config::Options options = make_options(info, given);
  const es::partition::Problem problem{graph, es::partition::host_views(plat), cost, 1, 2,
                                       es::partition::Objective::Throughput, options, "", ""};
  std::optional<es::partition::Plan> plan;
  try {
    const auto p = info.make(options);
    for (auto _ : state) {
      plan = p->partition(problem);
      benchmark::DoNotOptimize(plan);
    }
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what = what.substr(0, nl);
    state.SkipWithError(("not applicable: " + what).c_str());
    return;
  }
  if (plan) {
    state.counters["stages"] = static_cast<double>(plan->stages.size());
    state.counters["bottleneck_ms"] = plan->predicted_bottleneck_s * 1e3;
    if (auto it = plan->notes.find("status"); it != plan->notes.end() && it->second != "optimal")
      state.SetLabel(it->second);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<char*> args = es::bench::without_quick(argc, argv, quick);
  const std::vector<std::string> models = quick ? std::vector<std::string>{"vgg16", "resnet50"}
                                                : std::vector<std::string>{"vgg16", "resnet50", "mobilenetv2"};
  const std::vector<int> platforms = quick ? std::vector<int>{4, 8} : std::vector<int>{4, 8, 16};
  for (const std::string& m : models) {
    for (int d : platforms) {
      std::vector<Case> all = cases(d);
      all.push_back({"manual", {}});
      all.push_back({"exhaustive", {}});
      for (const Case& c : all) {
        const std::string name = fmt::format("partition/{}/{}/{}dev", c.partitioner, m, d);
        const std::string why = skip_reason(c.partitioner, m, d);
        benchmark::internal::Benchmark* b;
        if (!why.empty()) {
          b = benchmark::RegisterBenchmark(name.c_str(), [why](benchmark::State& s) {
            s.SkipWithError(("skipped (" + why + ")").c_str());
            for (auto _ : s) {
            }
          });
        } else {
          b = benchmark::RegisterBenchmark(name.c_str(), [c, m, d](benchmark::State& s) {
            solve(s, c.partitioner, m, d, c.options);
          });
        }
        b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(quick ? 0.05 : 0.3);
      }
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
