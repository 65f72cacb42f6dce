// The ilp's placement bounds (partitioners/ilp_bounds.hpp) against a brute force: for every
// group and host, the bound never exceeds the best latency of the assignments with that
// placement; and a host behind a slow link is ruled out before the solve.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fixture.hpp"
#include "partitioners/ilp.hpp"
#include "partitioners/ilp_bounds.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::partition {
namespace {

using test::HostSpec;
using test::World;

constexpr double kInf = std::numeric_limits<double>::infinity();

/// best[g][k]: minimum of one_request_latency_s over the assignments (group -> host) that put
/// group g on host k and whose weights fit.
std::vector<std::vector<double>> best_per_placement(const Problem& p, const PlacementProblem& pp) {
  const std::size_t G = pp.groups, K = pp.hosts.size();
  std::vector<std::vector<double>> best(G, std::vector<double>(K, kInf));
  std::vector<std::size_t> pick(G, 0);
  std::vector<int> d(p.graph.size());
  while (true) {
    bool allowed = true;
    for (std::size_t g = 0; g < G; ++g) allowed = allowed && pp.allowed[g][pick[g]];
    for (model::LayerId l = 0; l < d.size(); ++l) d[l] = pp.hosts[pick[static_cast<std::size_t>(pp.group_of[l])]];
    if (allowed && weights_fit(p, d)) {
      const double v = one_request_latency_s(p, d, pp.w);
      for (std::size_t g = 0; g < G; ++g) best[g][pick[g]] = std::min(best[g][pick[g]], v);
    }
    std::size_t i = 0;
    while (i < G && ++pick[i] == K) pick[i++] = 0;
    if (i == G) break;
  }
  return best;
}

TEST(IlpBounds, NeverAboveTheBestLatencyOfAPlacement) {
  std::mt19937 rng(77031);
  std::uniform_int_distribution<int> layers_d(1, 7), hosts_d(1, 3), coin(0, 3);
  // Bandwidths over three decades, so that some hosts are far behind and the bounds bite.
  std::uniform_real_distribution<double> log_bw_d(0.5, 3.5), lat_d(0, 0.3), load_d(200, 3000);
  int tight = 0, dags = 0, lazy = 0, blocks = 0, checked = 0;
  for (int iter = 0; iter < 300; ++iter) {
    const int n = layers_d(rng);
    const int hosts = hosts_d(rng);
    const bool chain = iter % 2 == 0;
    auto g = test::random_graph(rng, n, chain, [](int c) { return c == 0; });
    double total_w = 0;
    for (model::LayerId l = 0; l < g.size(); ++l) total_w += g.weight_bytes(l);
    std::vector<HostSpec> specs;
    for (int h = 0; h < hosts; ++h) {
      const double mem = iter % 5 == 0 ? std::uniform_real_distribution<double>(0.3, 1.0)(rng) * total_w + 1 : 0;
      specs.push_back({fmt::format("h{}", h), mem, std::pow(10.0, log_bw_d(rng)), lat_d(rng)});
    }
    World w(std::move(g), specs, test::random_times(rng, static_cast<std::size_t>(hosts), static_cast<std::size_t>(n)));
    if (coin(rng) == 0) w.source = "h0";
    if (coin(rng) == 0) w.sink = fmt::format("h{}", hosts - 1);
    const Problem p = w.problem();
    WeightOptions wo;
    wo.preload = coin(rng) != 0;
    wo.load_bandwidth_Bps = load_d(rng);
    if (hosts > 1 && coin(rng) == 0) wo.weights_from = hosts - 1;
    // Layers, or blocks of up to 2 layers (a group's layers share a host).
    const bool block = iter % 3 == 1;
    const auto groups = block ? ilp_blocks(w.graph, 2) : [&] {
      std::vector<std::vector<model::LayerId>> each;
      for (model::LayerId l = 0; l < w.graph.size(); ++l) each.push_back({l});
      return each;
    }();
    PlacementProblem pp{p, wo, {}, std::vector<int>(w.graph.size()), groups.size(), {}};
    for (int h = 0; h < hosts; ++h) pp.hosts.push_back(h);
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      double bytes = 0;
      for (auto l : groups[gi]) {
        pp.group_of[l] = static_cast<int>(gi);
        bytes += w.graph.weight_bytes(l);
      }
      std::vector<char> ok;
      for (const auto& s : specs) ok.push_back(s.memory_bytes <= 0 || bytes <= s.memory_bytes);
      pp.allowed.push_back(ok);
    }
    SCOPED_TRACE(fmt::format("instance {}: {} layers, {} hosts, {}, preload {}, {}", iter, n, hosts,
                             chain ? "chain" : "dag", wo.preload, block ? "blocks" : "layers"));
    const auto bounds = placement_bounds_s(pp);
    const auto best = best_per_placement(p, pp);
    double optimum = kInf;
    for (const auto& row : best)
      for (double v : row) optimum = std::min(optimum, v);
    for (std::size_t gi = 0; gi < groups.size(); ++gi)
      for (std::size_t k = 0; k < pp.hosts.size(); ++k) {
        if (!pp.allowed[gi][k]) {
          EXPECT_EQ(bounds[gi][k], kInf);
          continue;
        }
        if (!std::isfinite(best[gi][k])) continue;  // no assignment with it fits
        ++checked;
        EXPECT_LE(bounds[gi][k], best[gi][k] * (1 + 1e-12)) << "group " << gi << " on h" << k;
        if (bounds[gi][k] > optimum * (1 + 1e-9)) ++tight;  // would be ruled out at the optimum
      }
    dags += chain ? 0 : 1;
    lazy += wo.preload ? 0 : 1;
    blocks += block ? 1 : 0;
  }
  EXPECT_GE(checked, 1000);
  EXPECT_GE(dags, 100);
  EXPECT_GE(lazy, 50);
  EXPECT_GE(blocks, 80);
  // The bounds are not vacuous: many placements are ruled out against the optimum.
  EXPECT_GE(tight, 100);
}

// Loads dominate: three layers of 1 s of weights each, then a layer without weights, on three
// equal hosts with 0.1 s between any two. The best plan with the last layer on h0 spreads the
// three loads over the three hosts (about 1.2 s). The bound must stay below it, and the ancestor
// wait (the 3 s of loads spread over three hosts, each other host paying one crossing: (3 +
// 2 x 0.1) / 3) lifts it above the 1 s that the last load alone gives.
TEST(IlpBounds, AncestorLoadsSpreadOverHostsBoundTheStart) {
  auto g = test::make_chain(1, {1, 1, 1, 1}, {1000, 1000, 1000, 0});
  World w(std::move(g), {{"h0", 0, 1e9, 0.05}, {"h1", 0, 1e9, 0.05}, {"h2", 0, 1e9, 0.05}},
          std::vector<std::vector<double>>(3, std::vector<double>(4, 0.001)));
  const Problem p = w.problem();
  WeightOptions wo;
  wo.load_bandwidth_Bps = 1000;
  PlacementProblem pp{p, wo, {0, 1, 2}, {0, 1, 2, 3}, 4, std::vector<std::vector<char>>(4, {1, 1, 1})};
  const auto bounds = placement_bounds_s(pp);
  const auto best = best_per_placement(p, pp);
  EXPECT_NEAR(best[3][0], 1.204, 1e-3);
  EXPECT_LE(bounds[3][0], best[3][0]);
  EXPECT_GE(bounds[3][0], 3.2 / 3);
}

// Three layers on a chain; h1 is fast but behind a slow link. Any layer on h1 pays a transfer of
// 1000 bytes at 10 B/s into it or out of it (100 s), far above the all-on-h0 latency (3 s), so
// every placement on h1 is ruled out and the ilp reports them fixed.
TEST(IlpBounds, HostBehindASlowLinkIsRuledOut) {
  auto g = test::make_chain(1000, {1000, 1000, 1000}, {100, 100, 100});
  World w(std::move(g), {{"h0", 0, 1e6, 0}, {"h1", 0, 10, 0}}, {{1, 1, 1}, {0.1, 0.1, 0.1}});
  w.source = "h0";
  w.sink = "h0";
  const Problem p = w.problem();
  WeightOptions wo;
  PlacementProblem pp{p, wo, {0, 1}, {0, 1, 2}, 3, {{1, 1}, {1, 1}, {1, 1}}};
  const auto bounds = placement_bounds_s(pp);
  const double all_on_h0 = one_request_latency_s(p, {0, 0, 0}, wo);
  EXPECT_NEAR(all_on_h0, 3.0, 1e-6);
  for (std::size_t gi = 0; gi < 3; ++gi) {
    EXPECT_LE(bounds[gi][0], all_on_h0);
    EXPECT_GE(bounds[gi][1], 100.0);
  }
  const Plan plan = test::run("ilp", w, {});
  EXPECT_EQ(plan.notes.at("fixed_placements"), "3");
  EXPECT_EQ(plan.notes.at("solver_called"), "false: one assignment left");
  EXPECT_EQ(plan.notes.at("status"), "optimal");
  EXPECT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
}

}  // namespace
}  // namespace edgesplit::partition

namespace edgesplit::partition {
namespace {

// Beyond brute force: on 24 random instances of 9-10 layers and 3-4 hosts (links over three
// decades, so that placements are ruled out), the ilp with its start (placement bounds fixing
// x, crossing rows) reaches the same optimum as CBC alone from no start (nothing fixed).
TEST(IlpBounds, FixingsKeepTheOptimumOnLargerInstances) {
  std::mt19937 rng(90210);
  std::uniform_int_distribution<int> layers_d(9, 10), hosts_d(3, 4), coin(0, 3);
  std::uniform_real_distribution<double> log_bw_d(0.5, 3.5), lat_d(0, 0.3), load_d(200, 3000);
  int fixed_total = 0;
  for (int iter = 0; iter < 24; ++iter) {
    const int n = layers_d(rng);
    const int hosts = hosts_d(rng);
    auto g = test::random_graph(rng, n, iter % 2 == 0, [](int c) { return c == 0; });
    std::vector<HostSpec> specs;
    for (int h = 0; h < hosts; ++h) specs.push_back({fmt::format("h{}", h), 0, std::pow(10.0, log_bw_d(rng)), lat_d(rng)});
    World w(std::move(g), specs, test::random_times(rng, static_cast<std::size_t>(hosts), static_cast<std::size_t>(n)));
    const bool preload = coin(rng) != 0;
    std::map<std::string, config::Node> options{
        {"preload", test::option(preload ? "true" : "false", "preload")},
        {"load_bandwidth", test::option(fmt::format("{}", load_d(rng)), "load_bandwidth")},
        {"granularity", test::option(iter % 3 == 0 ? "block" : "layer", "granularity")},
        {"block_layers", test::option("2", "block_layers")}};
    SCOPED_TRACE(fmt::format("instance {}: {} layers, {} hosts, preload {}", iter, n, hosts, preload));
    const Plan warm = test::run("ilp", w, options);
    options["warm_start"] = test::option("false", "warm_start");
    const Plan cold = test::run("ilp", w, options);
    ASSERT_EQ(warm.notes.at("status"), "optimal");
    ASSERT_EQ(cold.notes.at("status"), "optimal");
    EXPECT_EQ(cold.notes.at("fixed_placements"), "0");
    EXPECT_NEAR(warm.predicted_latency_s, cold.predicted_latency_s, 1e-6 * cold.predicted_latency_s);
    fixed_total += std::stoi(warm.notes.at("fixed_placements"));
  }
  EXPECT_GE(fixed_total, 50);  // the bounds did rule placements out
}

}  // namespace
}  // namespace edgesplit::partition
