// single: the fastest host that holds the whole model; `hosts` restricts the candidates.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

// Three layers; weights 100 + 200 + 300 = 600 B; input 50 B, outputs 10 B each.
// Memory needed by one stage holding everything (no sink): 600 + 50 + 10 = 660 B.
struct SingleCase : ::testing::Test {
  World w{make_chain(50, {10, 10, 10}, {100, 200, 300}),
          {{"slow", 1000}, {"fast-small", 600}, {"mid", 660}, {"fastest-no-room", 659}},
          {{3, 3, 3}, {1, 1, 1}, {2, 2, 2}, {0.5, 0.5, 0.5}}};
};

TEST_F(SingleCase, PicksFastestHostThatFits) {
  Plan plan = run("single", w, {});
  EXPECT_EQ(plan.partitioner, "single");
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 2);  // "mid": 660 B fits exactly
  EXPECT_EQ(plan.stages[0].layers, (std::vector<model::LayerId>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 6);
  EXPECT_DOUBLE_EQ(plan.predicted_latency_s, 6);
}

TEST_F(SingleCase, HostsOptionRestrictsCandidates) {
  Plan plan = run("single", w, {{"hosts", host_list({"slow"})}});
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 9);
}

TEST_F(SingleCase, InfeasibleListsEveryCandidate) {
  try {
    run("single", w, {{"hosts", host_list({"fast-small", "fastest-no-room"})}});
    FAIL() << "expected Infeasible";
  } catch (const Infeasible& e) {
    ASSERT_EQ(e.reasons().size(), 2u);
    EXPECT_EQ(e.reasons()[0].host, "fast-small");
    EXPECT_DOUBLE_EQ(e.reasons()[0].needed_bytes, 660);
    EXPECT_DOUBLE_EQ(e.reasons()[0].available_bytes, 600);
    EXPECT_EQ(e.reasons()[1].host, "fastest-no-room");
    EXPECT_EQ(e.reasons()[1].stage, 0);
  }
}

TEST_F(SingleCase, UnknownHostIsLocated) {
  try {
    run("single", w, {{"hosts", host_list({"mid", "slw"})}});
    FAIL() << "expected InputError";
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().key, "partitioner.options.hosts[1]");
    EXPECT_NE(e.diagnostic().message.find("did you mean \"slow\"?"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace edgesplit::partition::test
