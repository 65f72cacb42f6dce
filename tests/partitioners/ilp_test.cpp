// `ilp` against a brute force over every assignment (its own schedule evaluator as the truth),
// hand-checked pre-loading trade-offs, block grouping, notes and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "fixture.hpp"
#include "partitioners/ilp.hpp"
#include "partitioners/schedule.hpp"
#include "sim/config/diagnostics.hpp"

namespace edgesplit::partition {
namespace {

using test::HostSpec;
using test::World;
using test::hosts_of;
config::Node opt(const std::string& text, const std::string& name) { return test::option(text, name); }

constexpr double kInf = std::numeric_limits<double>::infinity();

Plan run_ilp(World& w, std::map<std::string, config::Node> options) { return test::run("ilp", w, std::move(options)); }

struct Best {
  double latency_s = kInf;
  std::vector<int> assignment;
};

/// Minimum of one_request_latency_s over every assignment of `units` (each a list of layers
/// placed together) to `hosts`, among those whose weights fit.
Best brute_force(const Problem& p, const std::vector<std::vector<model::LayerId>>& units, const std::vector<int>& hosts,
                 const WeightOptions& w) {
  Best best;
  std::vector<int> d(p.graph.size(), 0);
  std::vector<std::size_t> pick(units.size(), 0);
  while (true) {
    for (std::size_t u = 0; u < units.size(); ++u)
      for (auto l : units[u]) d[l] = hosts[pick[u]];
    if (weights_fit(p, d)) {
      const double v = one_request_latency_s(p, d, w);
      if (v < best.latency_s) best = {v, d};
    }
    std::size_t i = 0;
    while (i < pick.size() && ++pick[i] == hosts.size()) pick[i++] = 0;
    if (i == pick.size()) break;
  }
  return best;
}

std::vector<std::vector<model::LayerId>> each_layer(std::size_t n) {
  std::vector<std::vector<model::LayerId>> out;
  for (model::LayerId l = 0; l < n; ++l) out.push_back({l});
  return out;
}

TEST(Ilp, MatchesBruteForceOnRandomSmallInstances) {
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> layers_d(2, 8), hosts_d(1, 3), coin(0, 3);
  std::uniform_real_distribution<double> bw_d(100, 1000), lat_d(0, 0.3), load_d(200, 3000);
  int infeasible = 0, dags = 0, lazy = 0, with_memory = 0;
  for (int iter = 0; iter < 120; ++iter) {
    const int n = layers_d(rng);
    const int hosts = hosts_d(rng);
    const bool chain = iter % 2 == 0;
    auto g = test::random_graph(rng, n, chain, [](int d) { return d == 0; });
    double total_w = 0;
    for (model::LayerId l = 0; l < g.size(); ++l) total_w += g.weight_bytes(l);
    const bool limit = iter % 3 == 0;
    std::vector<HostSpec> specs;
    for (int h = 0; h < hosts; ++h) {
      const double mem = limit ? std::uniform_real_distribution<double>(0.2, 0.9)(rng) * total_w + 1 : 0;
      specs.push_back({fmt::format("h{}", h), mem, bw_d(rng), lat_d(rng)});
    }
    World w(std::move(g), specs, test::random_times(rng, static_cast<std::size_t>(hosts), static_cast<std::size_t>(n)));
    if (coin(rng) == 0) w.source = "h0";
    if (coin(rng) == 0) w.sink = fmt::format("h{}", hosts - 1);
    WeightOptions wo;
    wo.preload = coin(rng) != 0;
    wo.load_bandwidth_Bps = load_d(rng);
    std::map<std::string, config::Node> options{
        {"preload", opt(wo.preload ? "true" : "false", "preload")},
        {"load_bandwidth", opt(fmt::format("{}", wo.load_bandwidth_Bps), "load_bandwidth")},
        // Half the instances without the local-search start, so CBC's own answer is checked.
        {"warm_start", opt(iter % 4 < 2 ? "true" : "false", "warm_start")}};
    if (hosts > 1 && coin(rng) == 0) {
      wo.weights_from = hosts - 1;
      options["weights_from"] = opt(fmt::format("h{}", hosts - 1), "weights_from");
    }
    dags += chain ? 0 : 1;
    lazy += wo.preload ? 0 : 1;
    with_memory += limit ? 1 : 0;

    std::vector<int> all(static_cast<std::size_t>(hosts));
    for (int h = 0; h < hosts; ++h) all[static_cast<std::size_t>(h)] = h;
    const Problem p = w.problem();
    const Best best = brute_force(p, each_layer(w.graph.size()), all, wo);
    SCOPED_TRACE(fmt::format("instance {}: {} layers, {} hosts, {}, preload {}, memory {}", iter, n, hosts,
                             chain ? "chain" : "dag", wo.preload, limit));
    if (!std::isfinite(best.latency_s)) {
      ++infeasible;
      EXPECT_THROW(run_ilp(w, options), Infeasible);
      continue;
    }
    const Plan plan = run_ilp(w, options);
    EXPECT_EQ(plan.notes.at("status"), "optimal");
    EXPECT_NEAR(plan.predicted_latency_s, best.latency_s, 1e-6 * best.latency_s);
    EXPECT_NEAR(std::stod(plan.notes.at("objective_s")), best.latency_s, 1e-6 * best.latency_s);
    const auto d = hosts_of(plan, w.graph.size());
    EXPECT_TRUE(weights_fit(p, d));
    EXPECT_DOUBLE_EQ(one_request_latency_s(p, d, wo), plan.predicted_latency_s);
  }
  // The mix really covers what it claims.
  EXPECT_GE(dags, 50);
  EXPECT_GE(lazy, 15);
  EXPECT_GE(with_memory, 30);
  EXPECT_GE(infeasible, 1);
}

// Three layers whose weights take 5 s each to load (500 B at 100 B/s), 1 s compute everywhere,
// hosts on 0.25 s links at 1e4 B/s (10 B tensors: 0.501 s per hop).
struct TradeOff : ::testing::Test {
  World w{test::make_chain(10, {10, 10, 10}, {500, 500, 500}),
          {{"a", 0, 1e4, 0.25}, {"b", 0, 1e4, 0.25}, {"c", 0, 1e4, 0.25}},
          {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}};
  std::map<std::string, config::Node> options(bool preload) {
    return {{"preload", opt(preload ? "true" : "false", "preload")}, {"load_bandwidth", opt("100", "load_bandwidth")}};
  }
};

TEST_F(TradeOff, SpreadingToPreloadBeatsKeepingTogether) {
  // Together: loads end at 5, 10, 15 and the last layer ends at 16. Spread over three hosts
  // every load ends at 5: 5 + 1 + 0.501 + 1 + 0.501 + 1 = 9.002.
  const Plan plan = run_ilp(w, options(true));
  EXPECT_NEAR(plan.predicted_latency_s, 9.002, 1e-9);
  EXPECT_EQ(plan.stages.size(), 3u);
  WeightOptions wo;
  wo.load_bandwidth_Bps = 100;
  EXPECT_DOUBLE_EQ(one_request_latency_s(w.problem(), {0, 0, 0}, wo), 16.0);
  // With two hosts the best is 11 (for example a, b, a: the third load ends at 10).
  const Plan two = run_ilp(w, [&] {
    auto o = options(true);
    o["hosts"] = test::host_list({"a", "b"});
    return o;
  }());
  EXPECT_NEAR(two.predicted_latency_s, 11.0, 1e-9);
}

TEST_F(TradeOff, WithoutPreloadKeepingTogetherWins) {
  // On demand each load follows the inputs: together 3 x (5 + 1) = 18; spread adds two hops.
  const Plan plan = run_ilp(w, options(false));
  EXPECT_NEAR(plan.predicted_latency_s, 18.0, 1e-9);
  ASSERT_EQ(plan.stages.size(), 1u);
}

TEST(Ilp, PreloadOffGrowsByExactlyTheLoading) {
  // One fast host and one slow: everything stays on the fast one. Preloaded loads (1 s each)
  // hide behind 2 s computes; on demand both loads add: 6 -> 8.
  World w(test::make_chain(1, {1, 1, 1}, {0, 100, 100}), {{"fast"}, {"slow"}}, {{2, 2, 2}, {50, 50, 50}});
  const Plan pre = run_ilp(w, {{"load_bandwidth", opt("100", "load_bandwidth")}});
  const Plan lazy = run_ilp(w, {{"load_bandwidth", opt("100", "load_bandwidth")}, {"preload", opt("false", "preload")}});
  EXPECT_NEAR(pre.predicted_latency_s, 6.0, 1e-9);
  EXPECT_NEAR(lazy.predicted_latency_s - pre.predicted_latency_s, 2 * 100.0 / 100.0, 1e-9);
  EXPECT_EQ(lazy.notes.at("preload"), "false");
}

TEST(Ilp, ReportsSolverNotesAndFigures) {
  World w(test::make_chain(10, {10, 10}, {0, 0}), {{"a"}, {"b"}}, {{1, 2}, {2, 1}});
  const Plan plan = run_ilp(w, {});
  for (const char* key : {"solver", "status", "gap", "objective_s", "solve_time_s"}) EXPECT_TRUE(plan.notes.count(key)) << key;
  EXPECT_EQ(plan.partitioner, "ilp");
  EXPECT_EQ(plan.notes.at("solver").rfind("cbc", 0), 0u);
  EXPECT_EQ(plan.notes.at("status"), "optimal");
  EXPECT_DOUBLE_EQ(std::stod(plan.notes.at("gap")), 0.0);
  // Layer 0 on a (1 s), layer 1 on b (1 s), 10 B at 100 B/s between them (0.1 s).
  EXPECT_NEAR(plan.predicted_latency_s, 2.1, 1e-9);
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_GT(plan.predicted_bottleneck_s, 0.0);  // evaluate() filled the shared figures
  EXPECT_GT(plan.stages[0].predicted_compute_s, 0.0);
}

// The fastest host alone is a local minimum: it sits behind a 1 B/s link, so every split that
// uses it pays a 100 s transfer, and moving everything to a or b alone is slower. Ten 1 s loads
// split over a and b give about 5.3 s. The start must find that split (from the cloud alone,
// only the perturbation rounds can leave it; the start also descends from every other host
// alone), and the placement bounds then rule out the cloud for every layer.
TEST(Ilp, StartDescendsFromEveryHostAlone) {
  const std::vector<int64_t> out(10, 100), weights(10, 1000);
  World w(test::make_chain(100, out, weights), {{"cloud", 0, 1}, {"a", 0, 1e6}, {"b", 0, 1e6}},
          {std::vector<double>(10, 0.001), std::vector<double>(10, 0.01), std::vector<double>(10, 0.01)});
  const Plan plan = run_ilp(w, {{"load_bandwidth", opt("1000", "load_bandwidth")}});
  const Problem p = w.problem();
  WeightOptions wo;
  wo.load_bandwidth_Bps = 1000;
  // The best host alone: 10 s of loads, then the last layer's 0.001 s.
  EXPECT_NEAR(one_request_latency_s(p, std::vector<int>(10, 0), wo), 10.001, 1e-9);
  const double start = std::stod(plan.notes.at("start_latency_s"));
  EXPECT_LT(start, 6.0);
  EXPECT_EQ(plan.notes.at("fixed_placements"), "10");
  EXPECT_EQ(plan.notes.at("status"), "optimal");
  const Best best = brute_force(p, each_layer(10), {0, 1, 2}, wo);
  EXPECT_NEAR(plan.predicted_latency_s, best.latency_s, 1e-9);
  EXPECT_LE(plan.predicted_latency_s, start);
  for (const auto& st : plan.stages) EXPECT_NE(st.hosts[0].host, 0);
}

TEST(Ilp, TwoCbcThreadsReachTheSameOptimum) {
  World w(test::make_chain(10, {10, 10}, {0, 0}), {{"a"}, {"b"}}, {{1, 2}, {2, 1}});
  const Plan plan = run_ilp(w, {{"threads", opt("2", "threads")}});
  EXPECT_EQ(plan.notes.at("threads"), "2");
  EXPECT_EQ(plan.notes.at("status"), "optimal");
  EXPECT_NEAR(plan.predicted_latency_s, 2.1, 1e-9);  // as with one thread (ReportsSolverNotesAndFigures)
}

TEST(Ilp, StagesAreRunsOfConsecutiveIdsAndAHostMayHostSeveral) {
  // Layers 0 and 2 are fast on a, layer 1 on b; transfers are cheap.
  World w(test::make_chain(1, {1, 1, 1}, {0, 0, 0}), {{"a", 0, 1e6}, {"b", 0, 1e6}}, {{1, 9, 1}, {9, 1, 9}});
  const Plan plan = run_ilp(w, {});
  ASSERT_EQ(plan.stages.size(), 3u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
  EXPECT_EQ(plan.stages[1].hosts[0].host, 1);
  EXPECT_EQ(plan.stages[2].hosts[0].host, 0);
  EXPECT_EQ(plan.stages[1].layers, (std::vector<model::LayerId>{1}));
}

// A residual block: stem 0 feeds c1 -> c2 and a shortcut 3; add 4 joins them, then relu 5, fc 6.
model::Graph residual() {
  auto g = test::make_graph(20);
  test::add(g, "stem", {model::kInput}, 30, 40);  // 0, two consumers
  test::add(g, "c1", {0}, 20, 50);                // 1
  test::add(g, "c2", {1}, 20, 60);                // 2
  test::add(g, "short", {0}, 20, 10);             // 3
  test::add(g, "add", {2, 3}, 20, 0);             // 4
  test::add(g, "relu", {4}, 20, 0);               // 5
  test::add(g, "fc", {5}, 5, 70);                 // 6
  return g;
}

TEST(Ilp, BlocksAreSingleInputSingleOutputRuns) {
  const auto g = residual();
  using V = std::vector<std::vector<model::LayerId>>;
  EXPECT_EQ(ilp_blocks(g, 0), (V{{0}, {1, 2}, {3}, {4, 5, 6}}));
  EXPECT_EQ(ilp_blocks(g, 2), (V{{0}, {1, 2}, {3}, {4, 5}, {6}}));
  const auto chain = test::make_chain(1, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1});
  EXPECT_EQ(ilp_blocks(chain, 2), (V{{0, 1}, {2, 3}, {4}}));
  EXPECT_EQ(ilp_blocks(chain, 0).size(), 1u);
}

TEST(Ilp, BlockGranularityMatchesBruteForceOverBlocks) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 10; ++iter) {
    World w(residual(), {{"a", 0, 500, 0.01}, {"b", 0, 300, 0.02}, {"c", 0, 800, 0.05}},
            test::random_times(rng, 3, 7));
    WeightOptions wo;
    wo.preload = iter % 2 == 0;
    wo.load_bandwidth_Bps = 100;
    const Plan plan = run_ilp(w, {{"granularity", opt("block", "granularity")},
                                  {"block_layers", opt("2", "block_layers")},
                                  {"preload", opt(wo.preload ? "true" : "false", "preload")},
                                  {"load_bandwidth", opt("100", "load_bandwidth")}});
    const Best best = brute_force(w.problem(), ilp_blocks(w.graph, 2), {0, 1, 2}, wo);
    EXPECT_NEAR(plan.predicted_latency_s, best.latency_s, 1e-6 * best.latency_s) << iter;
    EXPECT_EQ(plan.notes.at("groups"), "5");
    // Layers of one block share a host.
    const auto d = hosts_of(plan, w.graph.size());
    EXPECT_EQ(d[1], d[2]);
    EXPECT_EQ(d[4], d[5]);
  }
}

TEST(Ilp, MemoryTooSmallIsInfeasibleWithReasons) {
  World w(test::make_chain(1, {1, 1}, {100, 100}), {{"a", 150}, {"b", 50}}, {{1, 1}, {1, 1}});
  try {
    run_ilp(w, {});
    FAIL() << "expected Infeasible";
  } catch (const Infeasible& e) {
    ASSERT_FALSE(e.reasons().empty());
    EXPECT_NE(e.reasons()[0].message.find("ilp:"), std::string::npos);
  }
}

TEST(Ilp, BadOptionsAreLocatedInputErrors) {
  World w(test::make_chain(1, {1}, {1}), {{"a"}}, {{1}});
  EXPECT_THROW(run_ilp(w, {{"time_limit_s", opt("0", "time_limit_s")}}), config::InputError);
  EXPECT_THROW(run_ilp(w, {{"granularity", opt("tile", "granularity")}}), config::InputError);
  EXPECT_THROW(run_ilp(w, {{"weights_from", opt("nosuch", "weights_from")}}), config::InputError);
  EXPECT_THROW(run_ilp(w, {{"load_bandwidth", opt("-1", "load_bandwidth")}}), config::InputError);
  EXPECT_THROW(run_ilp(w, {{"threads", opt("0", "threads")}}), config::InputError);
}

}  // namespace
}  // namespace edgesplit::partition
