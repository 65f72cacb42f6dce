// even: exact least max stage compute over contiguous splits, checked by hand and by brute force.
#include <gtest/gtest.h>

#include <functional>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

double max_compute(const Plan& plan) {
  double m = 0;
  for (const auto& s : plan.stages) m = std::max(m, s.predicted_compute_s);
  return m;
}

TEST(Even, HandCase) {
  // Times 4 1 1 1 1 2 on two equal hosts: {4, 1} | {1, 1, 1, 2} = 5 | 5 is optimal.
  std::vector<double> t{4, 1, 1, 1, 1, 2};
  World w(make_chain(8, {8, 8, 8, 8, 8, 8}, {1, 1, 1, 1, 1, 1}), {{"a"}, {"b"}}, {t, t});
  Plan plan = run("even", w, {{"hosts", host_list({"a", "b"})}});
  EXPECT_EQ(plan.partitioner, "even");
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_EQ(plan.stages[0].layers, (std::vector<model::LayerId>{0, 1}));
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
  EXPECT_EQ(plan.stages[1].hosts[0].host, 1);
  EXPECT_DOUBLE_EQ(max_compute(plan), 5);
  // The given order is kept: b first.
  Plan rev = run("even", w, {{"hosts", host_list({"b", "a"})}});
  EXPECT_EQ(rev.stages[0].hosts[0].host, 1);
}

TEST(Even, MemoryForcesAnotherSplit) {
  // Weights 50 each, outputs 1 B, input 1 B. Host a holds at most 2 layers (2x50 + 1 + 3 = 104).
  World w(make_chain(1, {1, 1, 1, 1}, {50, 50, 50, 50}), {{"a", 104}, {"b"}}, {{1, 1, 1, 1}, {3, 3, 3, 3}});
  // Without the limit {0,1,2} | {3} (3 vs 3) would win; a holds only two layers.
  Plan plan = run("even", w, {{"hosts", host_list({"a", "b"})}});
  EXPECT_EQ(plan.stages[0].layers.size(), 2u);
  EXPECT_DOUBLE_EQ(max_compute(plan), 6);
  EXPECT_TRUE(check_memory(w.problem(), plan.stages).empty());
}

TEST(Even, InfeasibleWhenNothingFits) {
  World w(make_chain(1, {1, 1}, {50, 50}), {{"a", 10}, {"b", 10}}, {{1, 1}, {1, 1}});
  try {
    run("even", w, {{"hosts", host_list({"a", "b"})}});
    FAIL() << "expected Infeasible";
  } catch (const Infeasible& e) {
    ASSERT_FALSE(e.reasons().empty());
    EXPECT_EQ(e.reasons()[0].host, "a");
    EXPECT_GT(e.reasons()[0].needed_bytes, e.reasons()[0].available_bytes);
  }
}

TEST(Even, TooManyHostsIsAnInputError) {
  World w(make_chain(1, {1}, {1}), {{"a"}, {"b"}}, {{1}, {1}});
  EXPECT_THROW(run("even", w, {{"hosts", host_list({"a", "b"})}}), config::InputError);
}

// Every composition of L layers into n non-empty contiguous stages.
double brute_force(const std::vector<std::vector<double>>& t, std::size_t n) {
  const std::size_t L = t[0].size();
  double best = 1e300;
  std::function<void(std::size_t, std::size_t, double)> go = [&](std::size_t stage, std::size_t start, double worst) {
    if (stage == n - 1) {
      double c = 0;
      for (std::size_t l = start; l < L; ++l) c += t[stage][l];
      best = std::min(best, std::max(worst, c));
      return;
    }
    double c = 0;
    for (std::size_t end = start; end + (n - 1 - stage) < L; ++end) {  // stage = start..end
      c += t[stage][end];
      go(stage + 1, end + 1, std::max(worst, c));
    }
  };
  go(0, 0, 0);
  return best;
}

TEST(Even, MatchesBruteForceOnRandomChains) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + rng() % 4, L = n + rng() % 6;
    auto t = random_times(rng, n, L);
    std::vector<HostSpec> specs;
    std::vector<std::string> names;
    for (std::size_t h = 0; h < n; ++h) {
      specs.push_back({fmt::format("h{}", h)});
      names.push_back(specs.back().name);
    }
    World w(make_chain(4, std::vector<int64_t>(L, 4), std::vector<int64_t>(L, 4)), specs, t);
    Plan plan = run("even", w, {{"hosts", host_list(names)}});
    ASSERT_EQ(plan.stages.size(), n);
    EXPECT_NEAR(max_compute(plan), brute_force(t, n), 1e-12) << "trial " << trial;
  }
}

}  // namespace
}  // namespace edgesplit::partition::test
