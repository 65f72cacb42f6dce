// Benchmark: runtime::run() on an 8-stage saturated chain (network exact); prints simulated
// requests per wall second and the peak RSS. Usage: runtime_bench REQUESTS [OUT_DIR [WINDOW_S]]
// (WINDOW_S: output window, default 10 s; summary.json keeps one timeline entry per window).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"

using namespace edgesplit;
using namespace edgesplit::runtime::test;

int main(int argc, char** argv) {
  const long long requests = argc > 1 ? std::atoll(argv[1]) : 100000;
  const std::string dir = argc > 2 ? argv[2] : out_dir("bench");
  const double window_s = argc > 3 ? std::atof(argv[3]) : 10.0;
  try {
    model::Graph g("chain8", {150528}, 1);
    std::vector<HostSpec> hosts(8);
    const double compute_s[8] = {0.05, 0.08, 0.06, 0.1, 0.07, 0.09, 0.04, 0.06};
    for (std::size_t k = 0; k < 8; ++k)
      add_layer(g, fmt::format("layer{}", k), {k == 0 ? model::kInput : k - 1}, 1000000, compute_s[k] * 1e9);
    config::Scenario sc = make_scenario(std::move(g), make_platform(hosts), requests);
    sc.output.window_s = window_s;
    const partition::Plan plan = make_plan({{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}});
    const cost::AnalyticCost cost(sc.model, sc.platform, 1);
    runtime::RunOptions opt;
    opt.out_dir = dir;
    opt.quiet = true;
    const auto t0 = std::chrono::steady_clock::now();
    const runtime::RunSummary r = runtime::run(sc, plan, cost, opt);
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("runtime 8-stage chain: %lld requests in %.3f wall-s = %.0f requests/wall-s, %.3f req/sim-s, "
                "peak RSS %.1f MB\n",
                static_cast<long long>(r.requests_completed), wall_s, static_cast<double>(r.requests_completed) / wall_s,
                r.throughput_rps, static_cast<double>(ru.ru_maxrss) / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
