// neurosurgeon: best single device/server split, checked by hand and against a brute force over
// every split whose transfer bytes come from the model's own cut count (Graph::cut_bytes).
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

std::map<std::string, config::Node> device_server(const std::string& objective = "") {
  std::map<std::string, config::Node> o{{"device", scalar("dev", "partitioner.options.device")},
                                        {"server", scalar("srv", "partitioner.options.server")}};
  if (!objective.empty()) o["objective"] = scalar(objective, "partitioner.options.objective");
  return o;
}

TEST(Neurosurgeon, HandCase) {
  // Input 1000 B, outputs 800, 100, 50 B; link 100 B/s each side, no latency (route 100 B/s).
  // Device times 1, 4, 4; server 0.1 each.
  //   split 0 (all server): 10 + 0.3 = 10.3;  split 1: 1 + 8 + 0.2 = 9.2
  //   split 2: 5 + 1 + 0.1 = 6.1 (best);      split 3 (all device): 9
  World w(make_chain(1000, {800, 100, 50}, {1, 1, 1}), {{"dev"}, {"srv"}}, {{1, 4, 4}, {0.1, 0.1, 0.1}});
  Plan plan = run("neurosurgeon", w, device_server());
  EXPECT_EQ(plan.partitioner, "neurosurgeon");
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
  EXPECT_EQ(plan.stages[0].layers, (std::vector<model::LayerId>{0, 1}));
  EXPECT_DOUBLE_EQ(plan.predicted_latency_s, 6.1);
  EXPECT_EQ(plan.notes.at("split_after"), "2");

  // A faster link (1000 B/s each side) makes sending the input best: 1 + 0.3 = 1.3.
  World fast(make_chain(1000, {800, 100, 50}, {1, 1, 1}), {{"dev", 0, 1000}, {"srv", 0, 1000}},
             {{1, 4, 4}, {0.1, 0.1, 0.1}});
  Plan all_server = run("neurosurgeon", fast, device_server());
  ASSERT_EQ(all_server.stages.size(), 1u);
  EXPECT_EQ(all_server.stages[0].hosts[0].host, 1);
  EXPECT_DOUBLE_EQ(all_server.predicted_latency_s, 1.3);
}

struct Brute {
  double latency_s, device_energy_j;
};

// Latency and device energy of every split, from first principles.
std::vector<Brute> brute_force(const World& w) {
  const auto& g = w.graph;
  const std::size_t L = g.size();
  std::vector<Brute> out;
  for (std::size_t s = 0; s <= L; ++s) {
    std::vector<int> stage_of(L);
    double dev = 0, srv = 0, energy = 0;
    for (std::size_t l = 0; l < L; ++l) {
      stage_of[l] = l < s ? 0 : 1;
      if (l < s) {
        dev += w.cost->compute_s(l, 0);
        energy += w.cost->compute_energy_j(l, 0);
      } else {
        srv += w.cost->compute_s(l, 1);
      }
    }
    // cut_bytes counts the input once for its reading stage; it is sent only when that is the server.
    double bytes = g.cut_bytes(stage_of) - (s > 0 ? g.input_bytes() : 0);
    out.push_back({dev + w.cost->send_s(bytes, 0, 1) + srv, energy + w.cost->send_energy_j(bytes, 0, 1)});
  }
  return out;
}

model::Graph random_graph(std::mt19937& rng, std::size_t L, bool dag) {
  auto g = make_graph(1 + rng() % 2000);
  for (std::size_t i = 0; i < L; ++i) {
    std::vector<model::LayerId> in{i == 0 ? model::kInput : i - 1};
    if (dag && i >= 2 && rng() % 2) in.push_back(rng() % (i - 1));  // a skip from an earlier layer
    add(g, fmt::format("l{}", i), in, 1 + rng() % 2000, 1 + rng() % 100);
  }
  return g;
}

TEST(Neurosurgeon, MatchesBruteForceOnRandomChainsAndDags) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const bool dag = trial % 2;
    const std::size_t L = 1 + rng() % 8;
    std::uniform_real_distribution<double> bw(50, 5000), lat(0, 0.05), w_(0.1, 3);
    std::vector<HostSpec> specs{{"dev", 0, bw(rng), lat(rng), 0.5, 0, 0, w_(rng)}, {"srv", 0, bw(rng), lat(rng), 5, 0, 0, 0}};
    World w(random_graph(rng, L, dag), specs, random_times(rng, 2, L), {w_(rng), w_(rng)});
    auto brute = brute_force(w);
    double best_latency = 1e300, best_energy = 1e300;
    for (const auto& b : brute) {
      best_latency = std::min(best_latency, b.latency_s);
      best_energy = std::min(best_energy, b.device_energy_j);
    }
    Plan plan = run("neurosurgeon", w, device_server());
    EXPECT_NEAR(plan.predicted_latency_s, best_latency, 1e-9 * best_latency) << "trial " << trial;
    Plan eplan = run("neurosurgeon", w, device_server("energy"));
    std::size_t split = std::stoul(eplan.notes.at("split_after"));
    EXPECT_NEAR(brute[split].device_energy_j, best_energy, 1e-9 * (1 + best_energy)) << "trial " << trial;
    EXPECT_NEAR(eplan.predicted_latency_s, brute[split].latency_s, 1e-9 * brute[split].latency_s);
  }
}

TEST(Neurosurgeon, ObjectiveFollowsProblemUnlessGiven) {
  // Device 2 s per layer at 2 W above idle; server 0.1 s; input 100 B, outputs 1 B; 100 B/s
  // links, the device's link draws 10 W above idle while sending.
  //   latency: split 0 = 1 + 0.2 = 1.2 (best), split 1 = 2 + 0.01 + 0.1, split 2 = 4
  //   device energy: split 0 = 10 x 1 = 10 J, split 1 = 2 x 2 + 10 x 0.01 = 4.1 J (best), split 2 = 8 J
  World w(make_chain(100, {1, 1}, {1, 1}), {{"dev", 0, 100, 0, 0, 0, 0, 10}, {"srv"}}, {{2, 2}, {0.1, 0.1}},
          {2, 0});
  Plan l = run("neurosurgeon", w, device_server());
  EXPECT_EQ(l.notes.at("split_after"), "0");
  EXPECT_DOUBLE_EQ(l.predicted_latency_s, 1.2);
  EXPECT_EQ(run("neurosurgeon", w, device_server("energy")).notes.at("split_after"), "1");
  w.objective = Objective::Energy;
  EXPECT_EQ(run("neurosurgeon", w, device_server()).notes.at("split_after"), "1");
  EXPECT_EQ(run("neurosurgeon", w, device_server("latency")).notes.at("split_after"), "0");
}

TEST(Neurosurgeon, SkipsSplitsThatDoNotFit) {
  // The device holds one layer at most (weights 100 each, 150 B); the server holds none alone
  // of the whole model (weights 300 > 250).
  World w(make_chain(1, {1, 1, 1}, {100, 100, 100}), {{"dev", 150}, {"srv", 250}}, {{0.1, 0.1, 0.1}, {1, 1, 1}});
  Plan plan = run("neurosurgeon", w, device_server());
  EXPECT_EQ(plan.notes.at("split_after"), "1");
  w.platform.device_types["srv-type"].memory_bytes = 50;
  w.hosts = host_views(w.platform);
  EXPECT_THROW(run("neurosurgeon", w, device_server()), Infeasible);
}

TEST(Neurosurgeon, UnknownHostIsLocated) {
  World w(make_chain(1, {1}, {1}), {{"dev"}, {"srv"}}, {{1}, {1}});
  auto o = device_server();
  o["server"] = scalar("srvr", "partitioner.options.server", 7, 13);
  try {
    run("neurosurgeon", w, o);
    FAIL();
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().loc.line, 7);
    EXPECT_EQ(e.diagnostic().loc.column, 13);
    EXPECT_EQ(e.diagnostic().key, "partitioner.options.server");
    EXPECT_NE(e.diagnostic().message.find("did you mean \"srv\"?"), std::string::npos);
  }
}

TEST(Neurosurgeon, DeviceAndServerMustDiffer) {
  World w(make_chain(1, {1}, {1}), {{"dev"}, {"srv"}}, {{1}, {1}});
  auto o = device_server();
  o["server"] = scalar("dev", "partitioner.options.server", 3, 5);
  try {
    run("neurosurgeon", w, o);
    FAIL();
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().key, "partitioner.options.server");
    EXPECT_EQ(e.diagnostic().loc.line, 3);
  }
}

}  // namespace
}  // namespace edgesplit::partition::test
