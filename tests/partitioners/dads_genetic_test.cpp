// dads against every device/server cut of small random DAGs with skip connections; genetic
// against the exhaustive oracle, and its reproducibility by seed.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include <fmt/format.h>

#include "partitioners/pipeedge.hpp"
#include "tests/partitioners/oracle_instances.hpp"

namespace edgesplit::partition {
namespace {

using testing::InstanceShape;
using testing::random_instance;

/// DADS latency of a device set (input pinned to the device): device compute + server compute
/// + one transfer of every device-side tensor (or the input) read on the server.
double cut_latency(const Problem& p, const std::vector<char>& on_device, int device, int server) {
  const auto& g = p.graph;
  double t = 0;
  for (std::size_t l = 0; l < g.size(); ++l) t += p.cost.compute_s(l, on_device[l] ? device : server);
  auto read_on_server = [&](model::LayerId u) {
    for (auto r : g.consumers(u))
      if (!on_device[r]) return true;
    return false;
  };
  if (read_on_server(model::kInput)) t += p.cost.send_s(g.input_bytes(p.batch), device, server);
  for (std::size_t u = 0; u < g.size(); ++u)
    if (on_device[u] && read_on_server(u)) t += p.cost.send_s(g.output_bytes(u, p.batch), device, server);
  return t;
}

TEST(Dads, EqualsEveryCutOnSmallDags) {
  std::mt19937_64 rng(42);
  InstanceShape shape{10, 2, 1, true, false};
  int tested = 0, split = 0;
  for (int n = 0; n < 300 && tested < 150; ++n) {
    auto inst = random_instance(rng, shape);
    if (inst->platform.hosts.size() != 2) continue;
    auto p = inst->problem({{"device", "type0-0"}, {"server", "type1-0"}});
    const int device = 0, server = 1;
    const std::size_t layers = p.graph.size();
    // Oracle: every device set closed under producers (no data from server back to device).
    double best = std::numeric_limits<double>::infinity();
    for (std::uint32_t mask = 0; mask < (1u << layers); ++mask) {
      std::vector<char> on(layers);
      bool closed = true;
      for (std::size_t l = 0; l < layers; ++l) on[l] = (mask >> l) & 1u;
      for (std::size_t l = 0; l < layers && closed; ++l)
        if (on[l])
          for (auto in : p.graph.layer(l).inputs)
            if (in != model::kInput && !on[in]) closed = false;
      if (closed) best = std::min(best, cut_latency(p, on, device, server));
    }
    auto plan = dads_info().make(p.options)->partition(p);
    ASSERT_GE(plan.stages.size(), 1u);
    ASSERT_LE(plan.stages.size(), 2u);
    std::vector<char> on(layers, 0);
    for (const auto& s : plan.stages)
      for (auto l : s.layers) on[l] = s.hosts[0].host == device;
    if (plan.stages.size() == 2) {
      EXPECT_EQ(plan.stages[0].hosts[0].host, device);
      ++split;
    }
    EXPECT_NEAR(cut_latency(p, on, device, server), best, 1e-9 * std::max(1.0, best)) << n;
    EXPECT_NEAR(std::stod(plan.notes.at("min_cut_latency_s")), best, 1e-9 * std::max(1.0, best)) << n;
    ++tested;
  }
  EXPECT_GE(tested, 100);
  EXPECT_GT(split, 5);  // the instances must not all be trivial
}

TEST(Dads, RejectsUnknownHostWithLocatedError) {
  std::mt19937_64 rng(1);
  auto inst = random_instance(rng, InstanceShape{3, 1, 2, true, false});
  auto p = inst->problem({{"device", "type0-0"}, {"server", "typo0-1"}});
  try {
    dads_info().make(p.options)->partition(p);
    FAIL();
  } catch (const config::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("partitioner.options.server"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
}

TEST(Genetic, ReproducibleBySeedAndNeverBeatsTheOracle) {
  std::mt19937_64 rng(8);
  int optimal = 0, total = 0;
  for (int n = 0; n < 40; ++n) {
    auto inst = random_instance(rng, InstanceShape{7, 3, 2, false, false});
    for (const char* objective : {"throughput", "latency", "energy"}) {
      const std::map<std::string, std::string> opts{{"objective", objective}, {"seed", "3"}, {"generations", "40"}};
      auto a = genetic_info().make(inst->options)->partition(inst->problem(opts));
      auto b = genetic_info().make(inst->options)->partition(inst->problem(opts));
      ASSERT_EQ(a.stages.size(), b.stages.size());
      for (std::size_t k = 0; k < a.stages.size(); ++k) {
        EXPECT_EQ(a.stages[k].layers, b.stages[k].layers);
        EXPECT_EQ(a.stages[k].hosts[0].host, b.stages[k].hosts[0].host);
      }
      std::set<int> hosts;
      for (const auto& s : a.stages) EXPECT_TRUE(hosts.insert(s.hosts[0].host).second) << "host used twice";
      auto ex = exhaustive_info().make(inst->options)->partition(inst->problem({{"objective", objective}}));
      auto value = [&](const Plan& pl) {
        return std::string(objective) == "throughput" ? pl.predicted_bottleneck_s
               : std::string(objective) == "latency"  ? pl.predicted_latency_s
                                                      : pl.predicted_energy_j;
      };
      const double g = value(a), e = value(ex);
      EXPECT_GE(g, e * (1 - 1e-9)) << n << " " << objective;
      if (g <= e * (1 + 1e-9)) ++optimal;
      ++total;
    }
  }
  // A working search finds the optimum of these small instances nearly always.
  EXPECT_GE(optimal, total * 9 / 10) << optimal << " of " << total;
}

}  // namespace
}  // namespace edgesplit::partition
