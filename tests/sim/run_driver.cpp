// Runs a built-in scenario (poisson arrivals, source and sink hosts, a skip connection) into the
// directory given as argv[1]; the determinism test runs it twice and compares the files.
#include <cstdio>
#include <exception>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"

using namespace edgesplit;
using namespace edgesplit::runtime::test;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [REQUESTS [NETWORK_MODEL]]\n", argv[0]);
    return 2;
  }
  try {
    model::Graph g("driver", {3000}, 1);
    add_layer(g, "a", {model::kInput}, 20000, 2e7);
    add_layer(g, "b", {0}, 10000, 3e7);
    add_layer(g, "c", {1}, 30000, 1e7);
    add_layer(g, "d", {2, 0}, 5000, 2e7);
    std::vector<HostSpec> hosts(5);
    hosts[1].cores = 2;
    hosts[2].bandwidth_Bps = 2e6;
    config::Scenario sc = make_scenario(std::move(g), make_platform(hosts), argc > 2 ? std::atoll(argv[2]) : 300);
    sc.workload.arrival.process = "poisson";
    sc.workload.arrival.rate_per_s = 40;
    sc.workload.source = "h3";
    sc.workload.sink = "h4";
    sc.output.window_s = 0.5;
    if (argc > 3) sc.network_model = argv[3];
    const partition::Plan plan = make_plan({{0}, {1, 2}, {3}});
    const cost::AnalyticCost cost(sc.model, sc.platform, 1);
    runtime::RunOptions opt;
    opt.out_dir = argv[1];
    opt.quiet = true;
    const runtime::RunSummary r = runtime::run(sc, plan, cost, opt);
    std::printf("%lld requests, %.6g req/s\n", static_cast<long long>(r.requests_completed), r.throughput_rps);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
