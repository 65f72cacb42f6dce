// Hand-computed one-request schedules: transfers, id order on a host, weight pre-loading,
// on-demand loading, weights sent from a host, source and sink.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::partition {
namespace {

using test::HostSpec;
using test::World;

// Two hosts, each on its own access link of 100 B/s and 0.5 s latency: a route costs
// 1 s latency + bytes / 100.
std::vector<HostSpec> two_hosts() { return {{"a", 0, 100, 0.5}, {"b", 0, 100, 0.5}}; }

TEST(Schedule, TransferBetweenHostsIsLatencyPlusBytesOverBandwidth) {
  World w(test::make_chain(50, {100, 10}, {0, 0}), two_hosts(), {{1, 5}, {3, 2}});
  const auto p = w.problem();
  const WeightOptions none;
  const Schedule s = one_request_schedule(p, {0, 1}, none);
  EXPECT_DOUBLE_EQ(s.finish_s[0], 1.0);
  EXPECT_DOUBLE_EQ(s.inputs_ready_s[1], 1.0 + 1.0 + 100.0 / 100.0);  // F + latency + bytes/bw
  EXPECT_DOUBLE_EQ(s.start_s[1], 3.0);
  EXPECT_DOUBLE_EQ(s.latency_s, 5.0);
  EXPECT_DOUBLE_EQ(one_request_latency_s(p, {0, 0}, none), 6.0);  // no transfer on one host
  EXPECT_DOUBLE_EQ(one_request_latency_s(p, {1, 1}, none), 5.0);
  EXPECT_DOUBLE_EQ(one_request_latency_s(p, {1, 0}, none), 3.0 + 2.0 + 5.0);
}

TEST(Schedule, PreloadOverlapsLoadsWithComputeOnDemandAddsThem) {
  // One host; loads take 1 s each (100 B at 100 B/s), computes 2 s; layer 0 has no weights.
  World w(test::make_chain(1, {1, 1, 1}, {0, 100, 100}), {{"a"}}, {{2, 2, 2}});
  const auto p = w.problem();
  WeightOptions pre;
  pre.load_bandwidth_Bps = 100;
  const Schedule s = one_request_schedule(p, {0, 0, 0}, pre);
  EXPECT_DOUBLE_EQ(s.weight_ready_s[0], 0.0);  // nothing to load
  EXPECT_DOUBLE_EQ(s.weight_ready_s[1], 1.0);  // loads run back to back from t = 0
  EXPECT_DOUBLE_EQ(s.weight_ready_s[2], 2.0);
  EXPECT_DOUBLE_EQ(s.latency_s, 6.0);  // all loading hidden behind compute

  WeightOptions lazy = pre;
  lazy.preload = false;
  const Schedule t = one_request_schedule(p, {0, 0, 0}, lazy);
  EXPECT_DOUBLE_EQ(t.load_start_s[1], 2.0);  // when its input has arrived
  EXPECT_DOUBLE_EQ(t.start_s[1], 3.0);
  EXPECT_DOUBLE_EQ(t.load_start_s[2], 5.0);
  // Grows by exactly the two loads the model predicts: 2 x 100 B / 100 B/s.
  EXPECT_DOUBLE_EQ(t.latency_s - s.latency_s, 2.0 * weight_load_s(p, 1, 0, lazy));
  EXPECT_DOUBLE_EQ(t.latency_s, 8.0);
}

TEST(Schedule, PreloadWaitsForEarlierLoadsOnTheSameHost) {
  // Loads of 3, 1 and 2 s (300, 100, 200 B at 100 B/s); computes 1 s.
  World w(test::make_chain(1, {1, 1, 1}, {300, 100, 200}), {{"a"}}, {{1, 1, 1}});
  WeightOptions pre;
  pre.load_bandwidth_Bps = 100;
  const Schedule s = one_request_schedule(w.problem(), {0, 0, 0}, pre);
  EXPECT_DOUBLE_EQ(s.start_s[0], 3.0);
  EXPECT_DOUBLE_EQ(s.start_s[1], 4.0);  // ready at 4 = 3 + 1, host free at 4
  EXPECT_DOUBLE_EQ(s.start_s[2], 6.0);  // ready at 6
  EXPECT_DOUBLE_EQ(s.latency_s, 7.0);
}

TEST(Schedule, LayersOfOneHostRunInIdOrder) {
  // A diamond: 0 -> {1, 2} -> 3. Layer 1 is slow, 2 fast; both on host a: 2 waits for 1.
  auto g = test::make_graph(1);
  test::add(g, "l0", {model::kInput}, 10, 0);
  test::add(g, "l1", {0}, 10, 0);
  test::add(g, "l2", {0}, 10, 0);
  test::add(g, "l3", {1, 2}, 10, 0);
  World w(std::move(g), two_hosts(), {{1, 4, 1, 1}, {1, 4, 1, 1}});
  const auto p = w.problem();
  const Schedule s = one_request_schedule(p, {0, 0, 0, 0}, {});
  EXPECT_DOUBLE_EQ(s.start_s[2], 5.0);
  EXPECT_DOUBLE_EQ(s.latency_s, 7.0);
  // Layer 2 on b: starts at 1 + 1.1 (transfer of 10 B), returns at 3.1 + 1.1; 3 waits for 1 (5).
  const Schedule t = one_request_schedule(p, {0, 0, 1, 0}, {});
  EXPECT_DOUBLE_EQ(t.start_s[2], 2.1);
  EXPECT_DOUBLE_EQ(t.inputs_ready_s[3], 5.0);
  EXPECT_DOUBLE_EQ(t.latency_s, 6.0);
}

TEST(Schedule, WeightsFromAHostUseItsRoutePerLayer) {
  World w(test::make_chain(1, {1, 1}, {100, 200}), {{"store", 0, 100, 0.5}, {"a", 0, 100, 0.5}}, {{1, 1}, {1, 1}});
  const auto p = w.problem();
  WeightOptions from;
  from.weights_from = 0;
  from.load_bandwidth_Bps = 1e9;
  EXPECT_DOUBLE_EQ(weight_load_s(p, 0, 1, from), 1.0 + 1.0);  // latency 1 s + 100 B / 100 B/s
  EXPECT_DOUBLE_EQ(weight_load_s(p, 1, 1, from), 1.0 + 2.0);
  EXPECT_DOUBLE_EQ(weight_load_s(p, 1, 0, from), 200 / 1e9);  // on the store: local storage
  const Schedule s = one_request_schedule(p, {1, 1}, from);
  EXPECT_DOUBLE_EQ(s.weight_ready_s[1], 5.0);
  EXPECT_DOUBLE_EQ(s.latency_s, 6.0);
}

TEST(Schedule, SourceAndSinkTransfersCount) {
  World w(test::make_chain(200, {100}, {0}), {{"cam", 0, 100, 0.5}, {"a", 0, 100, 0.5}}, {{9}, {1}});
  w.source = "cam";
  w.sink = "cam";
  const auto p = w.problem();
  // 1 + 200/100 in, 1 s compute, 1 + 100/100 out.
  EXPECT_DOUBLE_EQ(one_request_latency_s(p, {1}, {}), 3.0 + 1.0 + 2.0);
  EXPECT_DOUBLE_EQ(one_request_latency_s(p, {0}, {}), 9.0);
}

TEST(Schedule, RejectsBadAssignments) {
  World w(test::make_chain(1, {1, 1}, {0, 0}), two_hosts(), {{1, 1}, {1, 1}});
  const auto p = w.problem();
  EXPECT_THROW(one_request_schedule(p, {0}, {}), std::invalid_argument);
  EXPECT_THROW(one_request_schedule(p, {0, 2}, {}), std::invalid_argument);
  WeightOptions bad;
  bad.load_bandwidth_Bps = 0;
  EXPECT_THROW(one_request_schedule(p, {0, 1}, bad), std::invalid_argument);
}

TEST(Schedule, WeightsFitCountsWeightsPerHost) {
  World w(test::make_chain(1, {1, 1}, {60, 50}), {{"a", 100}, {"b", 0}}, {{1, 1}, {1, 1}});
  const auto p = w.problem();
  EXPECT_FALSE(weights_fit(p, {0, 0}));
  EXPECT_TRUE(weights_fit(p, {0, 1}));
  EXPECT_TRUE(weights_fit(p, {1, 1}));  // memory 0: no limit
  EXPECT_EQ(weight_bytes_per_host(p, {0, 1}), (std::vector<double>{60, 50}));
}

}  // namespace
}  // namespace edgesplit::partition
