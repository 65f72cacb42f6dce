// Saturated throughput and single-request latency against their closed forms (network exact):
// throughput = 1 / max over stages of max(compute, send); latency = sum compute + sum send, with
// send = route latency + bytes / smallest bandwidth. One simulation per TEST (one engine per process).
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::runtime::test {
namespace {

struct Chain {
  std::vector<HostSpec> hosts;    ///< one per stage, plus optional source / sink hosts after them
  std::vector<double> compute_s;  ///< per stage
  std::vector<int64_t> out_bytes; ///< per stage (the last one goes to the sink, if any)
  int64_t input_bytes = 1000;
};

double send_s(const Chain& c, std::size_t a, std::size_t b, double bytes) {
  const HostSpec& x = c.hosts[a];
  const HostSpec& y = c.hosts[b];
  return x.latency_s + y.latency_s + bytes / std::min(x.bandwidth_Bps, y.bandwidth_Bps);
}

struct Built {
  config::Scenario scenario;
  partition::Plan plan;
};

Built build(const Chain& c, int64_t requests) {
  model::Graph g("chain", {c.input_bytes}, 1);
  std::vector<std::vector<model::LayerId>> layers;
  for (std::size_t k = 0; k < c.compute_s.size(); ++k) {
    const model::LayerId id = add_layer(g, fmt::format("layer{}", k), {k == 0 ? model::kInput : k - 1},
                                        c.out_bytes[k], c.compute_s[k] * c.hosts[k].speed_flops);
    layers.push_back({id});
  }
  return {make_scenario(std::move(g), make_platform(c.hosts), requests), make_plan(layers)};
}

/// Runs a saturated chain and checks throughput against the closed form.
void expect_saturated(const Chain& c, int expected_bottleneck, const std::string& expected_resource) {
  Built b = build(c, 200);
  const cost::AnalyticCost cost(b.scenario.model, b.scenario.platform, 1);
  const std::size_t s = c.compute_s.size();
  double period_s = 0;
  for (std::size_t k = 0; k < s; ++k) {
    const double snd = k + 1 < s ? send_s(c, k, k + 1, static_cast<double>(c.out_bytes[k])) : 0.0;
    period_s = std::max({period_s, c.compute_s[k], snd});
  }
  RunOptions opt;
  opt.out_dir = out_dir("saturated");
  opt.quiet = true;
  const RunSummary r = run(b.scenario, b.plan, cost, opt);
  EXPECT_EQ(r.requests_completed, 200);
  EXPECT_LT(rel(r.throughput_rps, 1.0 / period_s), 1e-9) << r.throughput_rps << " vs " << 1.0 / period_s;
  EXPECT_EQ(r.bottleneck_stage, expected_bottleneck);
  EXPECT_EQ(r.bottleneck_resource, expected_resource);
  EXPECT_TRUE(std::filesystem::exists(opt.out_dir + "/summary.json"));
}

TEST(Saturated, Chain3ComputeBound) {
  Chain c;
  c.hosts = {HostSpec{}, HostSpec{.speed_flops = 4e9, .cores = 4}, HostSpec{}};
  c.compute_s = {0.1, 0.25, 0.05};
  c.out_bytes = {1000000, 1000000, 10};
  expect_saturated(c, 1, "compute");
}

TEST(Saturated, Chain3SendBound) {
  Chain c;
  c.hosts = {HostSpec{}, HostSpec{.bandwidth_Bps = 1e8, .latency_s = 2e-3}, HostSpec{.bandwidth_Bps = 2e7}};
  c.compute_s = {0.01, 0.02, 0.01};
  c.out_bytes = {1000000, 5000000, 10};  // stage 1 sends 5 MB at 20 MB/s: 0.25 + 3 ms
  expect_saturated(c, 1, "network");
}

TEST(Saturated, Chain6ComputeBound) {
  Chain c;
  c.hosts = {HostSpec{}, HostSpec{.cores = 2}, HostSpec{.latency_s = 0}, HostSpec{.speed_flops = 8e9, .cores = 8},
             HostSpec{.bandwidth_Bps = 5e7}, HostSpec{}};
  c.compute_s = {0.03, 0.05, 0.02, 0.07, 0.04, 0.01};
  c.out_bytes = {200000, 300000, 100000, 400000, 500000, 100};
  expect_saturated(c, 3, "compute");
}

TEST(Saturated, Chain6SendBound) {
  Chain c;
  c.hosts = {HostSpec{}, HostSpec{}, HostSpec{.latency_s = 0}, HostSpec{.bandwidth_Bps = 1e7, .latency_s = 0},
             HostSpec{.bandwidth_Bps = 1e9}, HostSpec{}};
  c.compute_s = {0.03, 0.05, 0.02, 0.07, 0.04, 0.01};
  c.out_bytes = {200000, 300000, 1000000, 900000, 500000, 100};  // stage 2: 0 + 0 + 1e6 / 1e7 = 0.1 s
  expect_saturated(c, 2, "network");
}

TEST(SingleRequest, LatencyIsSumOfComputeAndSends) {
  Chain c;
  c.hosts = {HostSpec{}, HostSpec{.cores = 4, .latency_s = 0}, HostSpec{.bandwidth_Bps = 3e7, .latency_s = 5e-3},
             HostSpec{.speed_flops = 2e9}};
  c.compute_s = {0.013, 0.021, 0.008, 0.017};
  c.out_bytes = {123456, 654321, 1000000, 10};
  Built b = build(c, 1);
  const cost::AnalyticCost cost(b.scenario.model, b.scenario.platform, 1);
  double want_s = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    want_s += c.compute_s[k];
    if (k + 1 < 4) want_s += send_s(c, k, k + 1, static_cast<double>(c.out_bytes[k]));
  }
  RunOptions opt;
  opt.out_dir = out_dir("single");
  opt.quiet = true;
  const RunSummary r = run(b.scenario, b.plan, cost, opt);
  ASSERT_EQ(r.requests_completed, 1);
  EXPECT_LT(rel(r.latency_max_s, want_s), 1e-9) << r.latency_max_s << " vs " << want_s;
  EXPECT_LT(rel(r.sim_time_s, want_s), 1e-9);
  const auto rows = read_csv(opt.out_dir + "/requests.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_LT(rel(std::stod(rows[0].at("latency_s")), want_s), 1e-9);
}

TEST(SingleRequest, WithSourceAndSinkHosts) {
  Chain c;
  // Stages on h0..h2; h3 is the source, h4 the sink.
  c.hosts = {HostSpec{}, HostSpec{.bandwidth_Bps = 5e7}, HostSpec{}, HostSpec{.bandwidth_Bps = 2e7, .latency_s = 4e-3},
             HostSpec{.latency_s = 0}};
  c.compute_s = {0.011, 0.019, 0.007};
  c.out_bytes = {300000, 200000, 40000};
  c.input_bytes = 150528;
  Built b = build(c, 1);
  b.scenario.workload.source = "h3";
  b.scenario.workload.sink = "h4";
  const cost::AnalyticCost cost(b.scenario.model, b.scenario.platform, 1);
  double want_s = send_s(c, 3, 0, static_cast<double>(c.input_bytes)) + send_s(c, 2, 4, 40000.0);
  for (std::size_t k = 0; k < 3; ++k) {
    want_s += c.compute_s[k];
    if (k + 1 < 3) want_s += send_s(c, k, k + 1, static_cast<double>(c.out_bytes[k]));
  }
  RunOptions opt;
  opt.out_dir = out_dir("single-source-sink");
  opt.quiet = true;
  const RunSummary r = run(b.scenario, b.plan, cost, opt);
  ASSERT_EQ(r.requests_completed, 1);
  EXPECT_LT(rel(r.latency_max_s, want_s), 1e-9) << r.latency_max_s << " vs " << want_s;
}

}  // namespace
}  // namespace edgesplit::runtime::test
