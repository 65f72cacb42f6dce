// pipeedge and pipeedge-energy against the exhaustive oracle on random small instances, plus
// hand-checked cases (type indexing with several hosts per type, memory rule).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"
#include "partitioners/pipeedge.hpp"
#include "tests/partitioners/oracle_instances.hpp"

namespace edgesplit::partition {
namespace {

using testing::InstanceShape;
using testing::random_instance;

/// Runs a partitioner; nullopt when it reports Infeasible.
std::optional<Plan> run(const PartitionerInfo& info, Problem p) {
  try {
    return info.make(p.options)->partition(p);
  } catch (const Infeasible&) {
    return std::nullopt;
  }
}

void expect_close(double a, double b, const std::string& what) {
  EXPECT_NEAR(a, b, 1e-9 * std::max({1.0, std::abs(a), std::abs(b)})) << what;
}

TEST(PipeEdge, EqualsExhaustiveOnRandomChains) {
  std::mt19937_64 rng(20240601);
  int compared = 0, infeasible = 0;
  for (int n = 0; n < 220; ++n) {
    auto inst = random_instance(rng, InstanceShape{});
    for (const char* objective : {"throughput", "latency"}) {
      const std::string what = "instance " + std::to_string(n) + " objective " + objective;
      auto dp = run(pipeedge_info(), inst->problem({{"objective", objective}}));
      auto ex = run(exhaustive_info(), inst->problem({{"objective", objective}}));
      ASSERT_EQ(dp.has_value(), ex.has_value()) << what;
      if (!dp) {
        ++infeasible;
        continue;
      }
      ++compared;
      if (std::string(objective) == "throughput")
        expect_close(dp->predicted_bottleneck_s, ex->predicted_bottleneck_s, what);
      else
        expect_close(dp->predicted_latency_s, ex->predicted_latency_s, what);
      // Distinct hosts, every layer once, in order.
      std::set<int> hosts;
      std::size_t next = 0;
      for (const auto& s : dp->stages) {
        EXPECT_TRUE(hosts.insert(s.hosts.at(0).host).second) << what;
        for (auto l : s.layers) EXPECT_EQ(l, next++) << what;
      }
      EXPECT_EQ(next, inst->graph.size()) << what;
    }
  }
  // The generator must exercise both outcomes.
  EXPECT_GT(compared, 300);
  EXPECT_GT(infeasible, 10);
}

TEST(PipeEdge, EqualsExhaustiveWithSourceAndSinkHosts) {
  // The source's send of the input and the last stage's send to the sink are pipeline elements:
  // they bound the throughput and add to latency and energy, in the DP as in the oracle. The
  // source/sink is a host whose type has one host (hosts of one type are interchangeable).
  std::mt19937_64 rng(99);
  int compared = 0, bound_by_io = 0;
  for (int n = 0; n < 200; ++n) {
    auto inst = random_instance(rng, InstanceShape{});
    std::map<std::string, int> per_type;
    for (const auto& h : inst->platform.hosts) ++per_type[h.type];
    std::vector<std::string> singles;
    for (const auto& h : inst->platform.hosts)
      if (per_type[h.type] == 1) singles.push_back(h.name);
    if (singles.empty()) continue;
    inst->source = singles.front();
    inst->sink = singles.back();
    for (const char* objective : {"throughput", "latency"}) {
      const std::string what = "instance " + std::to_string(n) + " objective " + objective;
      auto dp = run(pipeedge_info(), inst->problem({{"objective", objective}}));
      auto ex = run(exhaustive_info(), inst->problem({{"objective", objective}}));
      ASSERT_EQ(dp.has_value(), ex.has_value()) << what;
      if (!dp) continue;
      ++compared;
      if (std::string(objective) == "throughput") {
        expect_close(dp->predicted_bottleneck_s, ex->predicted_bottleneck_s, what);
        const double source_s = std::stod(dp->notes.at("source_send_s"));
        const double last_send_s = dp->stages.back().predicted_send_s;  // to the sink
        if (source_s >= dp->predicted_bottleneck_s || last_send_s >= dp->predicted_bottleneck_s) ++bound_by_io;
      } else {
        expect_close(dp->predicted_latency_s, ex->predicted_latency_s, what);
      }
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_GE(bound_by_io, 2);  // the source or sink limits the throughput in some instances
}

TEST(PipeEdge, EqualsExhaustiveOnRandomDagsUnderTheCutModel) {
  std::mt19937_64 rng(7);
  InstanceShape shape;
  shape.dag = true;
  for (int n = 0; n < 60; ++n) {
    auto inst = random_instance(rng, shape);
    auto dp = run(pipeedge_info(), inst->problem({}));
    auto ex = run(exhaustive_info(), inst->problem({}));
    ASSERT_EQ(dp.has_value(), ex.has_value()) << n;
    if (!dp) continue;
    expect_close(std::stod(dp->notes.at("dp_value_s")), std::stod(ex->notes.at("objective_value")), std::to_string(n));
  }
}

TEST(PipeEdge, TypesAreCostedWithTheirOwnProfiles) {
  // Type A has 2 hosts (slow), type B one fast host. Upstream's bug costed "type 1" with the
  // second host's profile (type A again). Two layers of 1 s on A, 0.1 s on B, free transfers.
  testing::Instance hand;
  hand.graph = model::Graph("hand", {1}, 4);
  for (int l = 0; l < 2; ++l) {
    model::Layer layer;
    layer.name = "l" + std::to_string(l);
    layer.type = "fc";
    layer.inputs = {l == 0 ? model::kInput : 0};
    layer.output_shape = {1};
    hand.graph.add_layer(layer);
  }
  for (const char* t : {"A", "B"}) {
    config::DeviceType dt;
    dt.name = t;
    hand.platform.device_types[t] = dt;
  }
  std::vector<int> type_of;
  for (const auto& [name, type] : std::vector<std::pair<std::string, int>>{{"a0", 0}, {"a1", 0}, {"b0", 1}}) {
    config::Host h;
    h.name = name;
    h.type = type == 0 ? "A" : "B";
    h.link = name + "-link";
    config::Link link;
    link.name = h.link;
    link.bandwidth_Bps = 1e12;
    hand.platform.hosts.push_back(h);
    hand.platform.links.push_back(link);
    type_of.push_back(type);
  }
  hand.cost = std::make_unique<testing::TableCost>(hand.graph, hand.platform, type_of,
                                                   std::vector<std::vector<double>>{{1, 1}, {0.1, 0.1}},
                                                   std::vector<std::vector<double>>{{0, 0}, {0, 0}});
  auto plan = pipeedge_info().make(hand.options)->partition(hand.problem({}));
  EXPECT_NEAR(plan.predicted_bottleneck_s, 0.2, 1e-12);
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 2);  // b0
}

TEST(PipeEdgeEnergy, SlackZeroKeepsTheThroughputOptimum) {
  std::mt19937_64 rng(99);
  for (int n = 0; n < 120; ++n) {
    auto inst = random_instance(rng, InstanceShape{8, 3, 2, false, true});
    auto fast = run(pipeedge_info(), inst->problem({}));
    auto green = run(pipeedge_energy_info(), inst->problem({{"slack", "0"}}));
    ASSERT_EQ(fast.has_value(), green.has_value()) << n;
    if (!fast) continue;
    EXPECT_LE(green->predicted_bottleneck_s, fast->predicted_bottleneck_s * (1 + 1e-9)) << n;
    auto ex = run(exhaustive_info(), inst->problem({{"objective", "energy"},
                                                    {"max_bottleneck_s", fmt::format("{}", fast->predicted_bottleneck_s)}}));
    ASSERT_TRUE(ex.has_value()) << n;
    expect_close(green->predicted_energy_j, ex->predicted_energy_j, "energy, instance " + std::to_string(n));
  }
}

TEST(PipeEdgeEnergy, EnergyEqualsExhaustiveWithSlack) {
  std::mt19937_64 rng(5);
  for (int n = 0; n < 80; ++n) {
    auto inst = random_instance(rng, InstanceShape{7, 3, 2, false, true});
    auto fast = run(pipeedge_info(), inst->problem({}));
    if (!fast) continue;
    const double slack = std::uniform_real_distribution<double>(0, 1.5)(rng);
    auto green = run(pipeedge_energy_info(), inst->problem({{"slack", fmt::format("{}", slack)}}));
    ASSERT_TRUE(green.has_value()) << n;
    const double bound = (1 + slack) * fast->predicted_bottleneck_s;
    EXPECT_LE(green->predicted_bottleneck_s, bound * (1 + 1e-9)) << n;
    auto ex = run(exhaustive_info(), inst->problem({{"objective", "energy"}, {"max_bottleneck_s", fmt::format("{}", bound)}}));
    ASSERT_TRUE(ex.has_value()) << n;
    expect_close(green->predicted_energy_j, ex->predicted_energy_j, "energy, instance " + std::to_string(n));
  }
}

TEST(PipeEdgeEnergy, ParetoFrontIsNonDominatedAndTight) {
  std::mt19937_64 rng(11);
  int points = 0;
  for (int n = 0; n < 60; ++n) {
    auto inst = random_instance(rng, InstanceShape{7, 3, 2, false, true});
    auto green = run(pipeedge_energy_info(), inst->problem({{"pareto", "true"}, {"slack", "0.3"}}));
    if (!green) continue;
    ASSERT_FALSE(green->pareto.empty()) << n;
    int chosen = 0;
    for (std::size_t k = 0; k < green->pareto.size(); ++k) {
      const auto& pt = green->pareto[k];
      chosen += pt.chosen ? 1 : 0;
      if (k > 0) {
        EXPECT_GT(pt.bottleneck_s, green->pareto[k - 1].bottleneck_s) << n;
        EXPECT_LT(pt.energy_j, green->pareto[k - 1].energy_j) << n;
      }
      // No plan with a slowest stage <= this point's has less energy (exhaustive), so the point
      // is non-dominated; and the point is achievable.
      auto ex = run(exhaustive_info(), inst->problem({{"objective", "energy"},
                                                      {"max_bottleneck_s", fmt::format("{}", pt.bottleneck_s)}}));
      ASSERT_TRUE(ex.has_value()) << n;
      expect_close(pt.energy_j, std::stod(ex->notes.at("objective_value")), "front point, instance " + std::to_string(n));
      ++points;
    }
    EXPECT_EQ(chosen, 1) << n;
    // The last point is the least energy over all plans.
    auto least = run(exhaustive_info(), inst->problem({{"objective", "energy"}}));
    expect_close(green->pareto.back().energy_j, least->predicted_energy_j, "least energy, instance " + std::to_string(n));
  }
  EXPECT_GT(points, 60);
}

TEST(Exhaustive, RefusesLargeInstancesWithTheLimit) {
  std::mt19937_64 rng(3);
  auto inst = random_instance(rng, InstanceShape{1, 1, 1, false, false});
  for (int l = 1; l < 20; ++l) {
    model::Layer layer;
    layer.name = "x" + std::to_string(l);
    layer.type = "fc";
    layer.output_shape = {1};
    inst->graph.add_layer(layer);
  }
  try {
    run(exhaustive_info(), inst->problem({}));
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the limit is 16 layers"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace edgesplit::partition
