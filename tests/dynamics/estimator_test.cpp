// The adaptation estimator: measured throughput and compute rates, hand-computed.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "sim/runtime/adapt.hpp"

namespace edgesplit::runtime::test {
namespace {

TEST(Estimator, RouteRateGoesToItsSlowestLinkAndBoundsTheOthers) {
  std::vector<HostSpec> hosts(2);
  hosts[0].bandwidth_Bps = 1e8;
  hosts[1].bandwidth_Bps = 5e7;
  const config::Platform p = make_platform(hosts);
  Estimator e(p, 2);
  e.observe_transfer({0, 1}, 1e6, 0.05);  // 2e7 B/s: l1 (5e7, the slower) becomes 2e7
  EXPECT_DOUBLE_EQ(e.estimates().link_bandwidth_Bps[1], 2e7);
  EXPECT_DOUBLE_EQ(e.estimates().link_bandwidth_Bps[0], 1e8);
  e.observe_transfer({0, 1}, 3e6, 0.05);  // window of 2: 4e6 B / 0.1 s = 4e7 B/s
  EXPECT_DOUBLE_EQ(e.estimates().link_bandwidth_Bps[1], 4e7);
  e.observe_transfer({0, 1}, 1.4e7, 0.1);  // (3e6 + 1.4e7) / 0.15 s: above l0's 1e8 -> both raised
  const double r = 1.7e7 / 0.15;
  EXPECT_DOUBLE_EQ(e.estimates().link_bandwidth_Bps[1], r);
  EXPECT_DOUBLE_EQ(e.estimates().link_bandwidth_Bps[0], r);
}

TEST(Estimator, ComputeRateAndRelativeChange) {
  const config::Platform p = make_platform(std::vector<HostSpec>(2));
  Estimator e(p, 3);
  e.observe_compute(1, 0.1, 0.2);
  EXPECT_DOUBLE_EQ(e.estimates().host_speed_factor[1], 0.5);
  EXPECT_DOUBLE_EQ(relative_change(e.estimates(), nominal_estimates(p)), 0.5);
  const config::Platform est = estimated_platform(p, e.estimates());
  EXPECT_DOUBLE_EQ(est.links[0].bandwidth_Bps, 1e8);
  model::Graph g("one", {10}, 1);
  add_layer(g, "a", {model::kInput}, 10, 1e8);
  const cost::AnalyticCost base(g, p, 1);
  const EstimatedCost cost(base, est, e.estimates());
  EXPECT_DOUBLE_EQ(cost.compute_s(0, 0), 0.1);
  EXPECT_DOUBLE_EQ(cost.compute_s(0, 1), 0.2);
}

}  // namespace
}  // namespace edgesplit::runtime::test
