// A transfer crossing bandwidth steps takes exactly the time the piecewise integral gives
// (network exact): a drop, then a rise while it is in flight (the TCP-gamma 0 trick, notes
// section 4). Expected times are worked by hand below, independent of sim/traces.
#include <gtest/gtest.h>

#include <memory>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"
#include "sim/traces/dynamics.hpp"

namespace edgesplit::runtime::test {
namespace {

/// Stage 0 on h0 computes 0.2 s and sends `bytes` to stage 1 on h1 (0.1 s); l0 follows `bw`.
struct Outputs {
  std::vector<std::map<std::string, std::string>> stages, links;
};

Outputs run_with_bandwidth(traces::Series bw, double bytes) {
  model::Graph g("two", {1000}, 1);
  add_layer(g, "a", {model::kInput}, static_cast<int64_t>(bytes), 0.2 * 1e9);
  add_layer(g, "b", {0}, 10, 0.1 * 1e9);
  std::vector<HostSpec> hosts(2);
  hosts[0].bandwidth_Bps = 1e8;
  hosts[1].bandwidth_Bps = 1e9;  // never the smaller one: l0 alone sets the rate
  config::Scenario sc = make_scenario(std::move(g), make_platform(hosts), 1);
  add_dynamics(sc, "link", "l0", "bandwidth", std::move(bw));
  const cost::AnalyticCost cost(sc.model, sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("exact");
  opt.quiet = true;
  run(sc, make_plan({{0}, {1}}), cost, opt);
  return {read_csv(opt.out_dir + "/stages.csv"), read_csv(opt.out_dir + "/links.csv")};
}

traces::Series steps(std::vector<double> t, std::vector<double> v, double span_s) {
  traces::Series s;
  s.times_s = std::move(t);
  s.values = std::move(v);
  s.span_s = span_s;
  return s;
}

TEST(NetworkExact, TransferAcrossADropAndARise) {
  // 1e8 B/s, 2e7 from t = 0.5, 1.5e8 from t = 1. The send starts at 0.2; its data phase at
  // 0.202 (latencies 1 ms + 1 ms). [0.202, 0.5) carries 2.98e7 B, [0.5, 1) 1e7 B, and the last
  // 2e5 B go at 1.5e8 B/s: the send ends at 1 + 2e5 / 1.5e8.
  const Outputs r = run_with_bandwidth(steps({0, 0.5, 1.0}, {1e8, 2e7, 1.5e8}, 1.5), 4e7);
  ASSERT_EQ(r.stages.size(), 2u);
  const double send_end_s = std::stod(r.stages[0].at("send_end_s"));
  const double expected_s = 1.0 + 2e5 / 1.5e8;
  EXPECT_LT(rel(send_end_s, expected_s), 1e-9) << send_end_s << " vs " << expected_s;
  // Stage 1 starts when the data is in, computes 0.1 s.
  EXPECT_LT(rel(std::stod(r.stages[1].at("compute_end_s")), expected_s + 0.1), 1e-9);
  // links.csv: the t = 0 values, then both changes of l0, once each (split-duplex: two directions).
  int l0_rows = 0;
  for (const auto& row : r.links)
    if (row.at("link") == "l0") ++l0_rows;
  EXPECT_EQ(l0_rows, 3);
  EXPECT_EQ(r.links.size(), 4u);
  EXPECT_EQ(r.links[2].at("time_s"), "0.5");
  EXPECT_EQ(std::stod(r.links[2].at("bandwidth_Bps")), 2e7);
  EXPECT_EQ(r.links[3].at("time_s"), "1");
  EXPECT_EQ(std::stod(r.links[3].at("bandwidth_Bps")), 1.5e8);
}

TEST(NetworkExact, RiseOnlyIsNotCappedAtTheStartRate) {
  // 1e7 B/s, then 1e8 from t = 0.3. Data phase from 0.202: [0.202, 0.3) carries 9.8e5 B, the
  // other 9.02e6 B go at 1e8 B/s: end at 0.3 + 0.0902. Without TCP-gamma 0 the flow would keep
  // its 1e7 B/s cap and end near 1.2 s.
  const Outputs r = run_with_bandwidth(steps({0, 0.3}, {1e7, 1e8}, 0.6), 1e7);
  const double send_end_s = std::stod(r.stages[0].at("send_end_s"));
  EXPECT_LT(rel(send_end_s, 0.3 + 9.02e6 / 1e8), 1e-9) << send_end_s;
}

TEST(NetworkExact, LoopedTraceRepeatsBeyondTheFirstHorizon) {
  // A 1 s loop (1e8 B/s on [0, 0.5), 5e7 on [0.5, 1)) expanded lazily: 1.2e10 B from 0.202 cross
  // ~160 periods (more than the first 64 s horizon). Mean 7.5e7 B/s; whole periods from 1.0.
  // Bytes by t = 1: 0.298 x 1e8 + 0.5 x 5e7 = 5.48e7; then 7.5e7 per period.
  const double bytes = 1.2e10;
  const Outputs r = run_with_bandwidth([] {
    traces::Series s = steps({0, 0.5}, {1e8, 5e7}, 1.0);
    s.end = traces::EndMode::Loop;
    return s;
  }(), bytes);
  const double left = bytes - 5.48e7;
  const double periods = std::floor(left / 7.5e7);
  double rest = left - periods * 7.5e7;  // within the next period: 1e8 first, then 5e7
  double end_s = 1.0 + periods;
  end_s += rest <= 5e7 ? rest / 1e8 : 0.5 + (rest - 5e7) / 5e7;
  const double send_end_s = std::stod(r.stages[0].at("send_end_s"));
  EXPECT_LT(rel(send_end_s, end_s), 1e-9) << send_end_s << " vs " << end_s;
}

}  // namespace
}  // namespace edgesplit::runtime::test
