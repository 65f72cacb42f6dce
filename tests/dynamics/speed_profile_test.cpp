// Background load through a SimGrid speed profile: a host left with half its speed computes its
// stage in twice the time (stages.csv), and a load starting mid-run changes only later requests.
#include <gtest/gtest.h>

#include <memory>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"
#include "sim/traces/dynamics.hpp"
#include "sim/traces/generators.hpp"

namespace edgesplit::runtime::test {
namespace {

/// Two stages (0.2 s on h0, 0.1 s on h1 at nominal speed); h1 gets the load series `avail`.
std::vector<std::map<std::string, std::string>> run_loaded(traces::Series avail, int64_t requests) {
  model::Graph g("two", {1000}, 1);
  add_layer(g, "a", {model::kInput}, 1000, 0.2 * 1e9);
  add_layer(g, "b", {0}, 10, 0.1 * 1e9);
  config::Scenario sc = make_scenario(std::move(g), make_platform(std::vector<HostSpec>(2)), requests);
  add_dynamics(sc, "host", "h1", "load", std::move(avail));
  const cost::AnalyticCost cost(sc.model, sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("load");
  opt.quiet = true;
  run(sc, make_plan({{0}, {1}}), cost, opt);
  return read_csv(opt.out_dir + "/stages.csv");
}

double compute_s(const std::map<std::string, std::string>& row) {
  return std::stod(row.at("compute_end_s")) - std::stod(row.at("compute_start_s"));
}

TEST(SpeedProfile, HalfTheSpeedDoublesTheStageComputeTime) {
  // Utilisation 0.5 (available fraction 0.5) for the whole run.
  const auto rows = run_loaded(traces::available_from_utilisation(traces::constant_load(0.5)), 5);
  int seen = 0;
  for (const auto& row : rows) {
    if (row.at("stage") == "1") {
      EXPECT_LT(rel(compute_s(row), 0.2), 1e-9) << compute_s(row);  // 0.1 s at nominal speed
      ++seen;
    } else {
      EXPECT_LT(rel(compute_s(row), 0.2), 1e-9);  // h0 untouched
    }
  }
  EXPECT_EQ(seen, 5);
}

TEST(SpeedProfile, LoadFromATimeOnSlowsOnlyWorkAfterIt) {
  // Full speed until t = 1, then half. Stage 1 of request 0 runs [0.2 + send, ...) at full speed;
  // a computation straddling t = 1 does its work at 1 before and 0.5 after (1e8 flop in all).
  traces::Series s;
  s.times_s = {0, 1};
  s.values = {1.0, 0.5};
  s.span_s = 2;
  const auto rows = run_loaded(s, 8);
  for (const auto& row : rows) {
    if (row.at("stage") != "1") continue;
    const double a = std::stod(row.at("compute_start_s")), b = std::stod(row.at("compute_end_s"));
    double expected = 0.1;
    if (a >= 1) expected = 0.2;
    else if (a + 0.1 > 1) expected = (1 - a) + (0.1 - (1 - a)) / 0.5;
    EXPECT_LT(rel(b - a, expected), 1e-9) << "start " << a;
  }
}

}  // namespace
}  // namespace edgesplit::runtime::test
