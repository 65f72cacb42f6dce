// `ilp` with objective: throughput against a brute force over every assignment, whose truth is
// evaluate()'s per-stage figures summed per host (docs/ILP.md "Throughput"), plus hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "fixture.hpp"
#include "partitioners/evaluate.hpp"
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

Plan run_ilp(World& w, std::map<std::string, config::Node> options) {
  options.emplace("objective", opt("throughput", "objective"));
  return test::run("ilp", w, std::move(options));
}

/// The test's own reading of a plan: evaluate()'s stage figures, and the same summed per host.
struct Truth {
  double evaluate_bottleneck_s = 0;  ///< evaluate()'s predicted_bottleneck_s
  double period_s = 0;               ///< max(host compute sums, host send sums, source sends)
  bool one_stage_per_host = true;
};

Truth truth_of(const Problem& p, const std::vector<int>& d) {
  Plan plan;
  for (std::size_t l = 0; l < d.size(); ++l) {
    if (plan.stages.empty() || plan.stages.back().hosts.front().host != d[l]) {
      Stage s;
      s.hosts = {HostShare{d[l], 1.0}};
      plan.stages.push_back(s);
    }
    plan.stages.back().layers.push_back(l);
  }
  evaluate(p, plan);
  Truth t;
  t.evaluate_bottleneck_s = plan.predicted_bottleneck_s;
  std::vector<double> compute(p.hosts.size(), 0.0), send(p.hosts.size(), 0.0);
  std::vector<int> stages(p.hosts.size(), 0);
  for (const auto& s : plan.stages) {
    const auto h = static_cast<std::size_t>(s.hosts.front().host);
    compute[h] += s.predicted_compute_s;
    send[h] += s.predicted_send_s;
    if (++stages[h] > 1) t.one_stage_per_host = false;
  }
  const auto it = plan.notes.find("source_send_s");
  t.period_s = it == plan.notes.end() ? 0.0 : std::stod(it->second);
  for (std::size_t h = 0; h < p.hosts.size(); ++h) t.period_s = std::max({t.period_s, compute[h], send[h]});
  return t;
}

struct Best {
  double period_s = kInf;
  std::vector<int> assignment;
};

/// Minimum period over every assignment of `units` (layers placed together) to every host,
/// among those whose weights fit (the ILP's memory rule).
Best brute_force(const Problem& p, const std::vector<std::vector<model::LayerId>>& units) {
  Best best;
  const std::size_t H = p.hosts.size();
  std::vector<int> d(p.graph.size(), 0);
  std::vector<std::size_t> pick(units.size(), 0);
  while (true) {
    for (std::size_t u = 0; u < units.size(); ++u)
      for (auto l : units[u]) d[l] = static_cast<int>(pick[u]);
    if (weights_fit(p, d)) {
      const double v = truth_of(p, d).period_s;
      if (v < best.period_s) best = {v, d};
    }
    std::size_t i = 0;
    while (i < pick.size() && ++pick[i] == H) pick[i++] = 0;
    if (i == pick.size()) break;
  }
  return best;
}

TEST(IlpThroughput, MatchesBruteForceOnRandomSmallInstances) {
  std::mt19937 rng(777);
  std::uniform_int_distribution<int> layers_d(1, 7), hosts_d(1, 3), coin(0, 3);
  std::uniform_real_distribution<double> bw_d(100, 3000), lat_d(0, 0.2);
  int dags = 0, blocks = 0, with_memory = 0, infeasible = 0, multi_stage_hosts = 0, equal_to_evaluate = 0;
  const int instances = 150;
  for (int iter = 0; iter < instances; ++iter) {
    const int n = layers_d(rng);
    const int hosts = hosts_d(rng);
    const bool chain = iter % 2 == 0;
    auto g = test::random_graph(rng, n, chain, [](int d) { return d != 0; });
    double total_w = 0;
    for (model::LayerId l = 0; l < g.size(); ++l) total_w += g.weight_bytes(l);
    const bool limit = iter % 3 == 0;
    std::vector<HostSpec> specs;
    for (int h = 0; h < hosts; ++h) {
      const double mem = limit ? std::uniform_real_distribution<double>(0.3, 0.9)(rng) * total_w + 1 : 0;
      // Every fourth instance without link latency (only the bandwidth terms).
      specs.push_back({fmt::format("h{}", h), mem, bw_d(rng), iter % 4 == 3 ? 0.0 : lat_d(rng)});
    }
    World w(std::move(g), specs, test::random_times(rng, static_cast<std::size_t>(hosts), static_cast<std::size_t>(n)));
    if (coin(rng) != 0) w.source = fmt::format("h{}", coin(rng) % hosts);
    if (coin(rng) != 0) w.sink = fmt::format("h{}", hosts - 1);
    std::map<std::string, config::Node> options{
        // Half the instances without the local-search start, so CBC's own answer is checked.
        {"warm_start", opt(iter % 4 < 2 ? "true" : "false", "warm_start")}};
    const bool block = iter % 5 == 4;
    if (block) {
      options["granularity"] = opt("block", "granularity");
      options["block_layers"] = opt("2", "block_layers");
    }
    dags += chain ? 0 : 1;
    blocks += block ? 1 : 0;
    with_memory += limit ? 1 : 0;

    const Problem p = w.problem();
    std::vector<std::vector<model::LayerId>> units;
    if (block) {
      units = ilp_blocks(w.graph, 2);
    } else {
      for (model::LayerId l = 0; l < w.graph.size(); ++l) units.push_back({l});
    }
    const Best best = brute_force(p, units);
    SCOPED_TRACE(fmt::format("instance {}: {} layers, {} hosts, {}, {}, memory {}, source '{}', sink '{}'", iter, n, hosts,
                             chain ? "chain" : "dag", block ? "blocks" : "layers", limit, w.source, w.sink));
    if (!std::isfinite(best.period_s)) {
      ++infeasible;
      EXPECT_THROW(run_ilp(w, options), Infeasible);
      continue;
    }
    const Plan plan = run_ilp(w, options);
    EXPECT_EQ(plan.notes.at("status"), "optimal");
    EXPECT_EQ(plan.notes.at("objective"), "throughput");
    EXPECT_NEAR(plan.predicted_bottleneck_s, best.period_s, 1e-9 * best.period_s);
    // CBC's own objective is the model's value: it equals the period (the model is exact).
    EXPECT_NEAR(std::stod(plan.notes.at("objective_s")), best.period_s, 1e-6 * best.period_s);
    const auto d = hosts_of(plan, w.graph.size());
    const Truth t = truth_of(p, d);
    EXPECT_NEAR(t.period_s, best.period_s, 1e-9 * best.period_s);
    EXPECT_NEAR(ilp_host_period_s(p, d), t.period_s, 1e-12 * t.period_s);
    EXPECT_TRUE(weights_fit(p, d));
    // evaluate()'s bottleneck: equal with one stage per host, never above the period.
    EXPECT_DOUBLE_EQ(std::stod(plan.notes.at("evaluate_bottleneck_s")), t.evaluate_bottleneck_s);
    EXPECT_LE(t.evaluate_bottleneck_s, t.period_s * (1 + 1e-12));
    if (t.one_stage_per_host) {
      ++equal_to_evaluate;
      EXPECT_NEAR(t.evaluate_bottleneck_s, best.period_s, 1e-9 * best.period_s);
    } else {
      ++multi_stage_hosts;
    }
  }
  // The sample covers what it should.
  EXPECT_GE(dags, 60);
  EXPECT_GE(blocks, 20);
  EXPECT_GE(with_memory, 40);
  EXPECT_GE(infeasible, 1);
  EXPECT_GE(instances - infeasible, 100);
  EXPECT_GE(equal_to_evaluate, 50);
  RecordProperty("multi_stage_hosts", multi_stage_hosts);
}

/// Chain l0 -> l1 -> l2 on hosts a and b; each host has its own access link (100 B/s, 0.1 s), so
/// a -> b costs 0.2 s + bytes / 100.
struct TwoHosts {
  std::vector<std::vector<double>> times{{1, 3, 1}, {3, 1, 3}};  // [host][layer]
  World make(int64_t bytes) {
    return World(test::make_chain(10, {bytes, bytes, bytes}, {0, 0, 0}),
                 {{"a", 0, 100, 0.1}, {"b", 0, 100, 0.1}}, times);
  }
};

TEST(IlpThroughput, HandComputedTwoHostsSplitsAroundTheMiddleLayer) {
  // All on a: period 5 (1 + 3 + 1); all on b: 7. a, b, a: host a computes 1 + 1 = 2 in two
  // stages, b computes 1; stage 0 sends 10 B to b (0.2 + 0.1 = 0.3 s), stage 1 sends 10 B back
  // (0.3 s): period max(2, 1, 0.3, 0.3) = 2. Every other split puts 4 or more on one host.
  // evaluate() sees three stages of compute 1: bottleneck 1.
  TwoHosts t;
  World w = t.make(10);
  const Plan plan = run_ilp(w, {});
  EXPECT_EQ(hosts_of(plan, 3), (std::vector<int>{0, 1, 0}));
  ASSERT_EQ(plan.stages.size(), 3u);
  EXPECT_NEAR(plan.predicted_bottleneck_s, 2.0, 1e-12);
  EXPECT_NEAR(std::stod(plan.notes.at("evaluate_bottleneck_s")), 1.0, 1e-12);
  EXPECT_NEAR(plan.stages[0].predicted_send_s, 0.3, 1e-12);
  EXPECT_NEAR(plan.stages[1].predicted_send_s, 0.3, 1e-12);
  EXPECT_EQ(plan.notes.at("status"), "optimal");
  EXPECT_EQ(plan.notes.at("gap"), "0");
}

TEST(IlpThroughput, HandComputedTwoHostsSlowLinkKeepsAllOnOneHost) {
  // 500 B tensors: a -> b costs 0.2 + 5 = 5.2 s, so a, b, a has period 5.2 (stage 0's send);
  // all on a (period 5, no send) wins, and evaluate() agrees (one stage).
  TwoHosts t;
  World w = t.make(500);
  const Plan plan = run_ilp(w, {{"warm_start", opt("false", "warm_start")}});
  EXPECT_EQ(hosts_of(plan, 3), (std::vector<int>{0, 0, 0}));
  EXPECT_NEAR(plan.predicted_bottleneck_s, 5.0, 1e-12);
  EXPECT_NEAR(std::stod(plan.notes.at("evaluate_bottleneck_s")), 5.0, 1e-12);
  EXPECT_NEAR(std::stod(plan.notes.at("objective_s")), 5.0, 1e-8);
}

TEST(IlpThroughput, SendsToTwoStagesOfOneHostPayTwice) {
  // l0 on a feeds l1 and l2 on b, separated by l1' on a: stages [l0] a, [l1] b, [l1'] a, [l2] b.
  // Hand-checked period of that assignment: stage 0 sends l0's 10 B to two stages on b:
  // 2 x (0.2 + 0.1) = 0.6 s, plus stage 2 sends l1' (10 B) to b: 0.3 s: host a sends 0.9 s.
  auto g = test::make_graph(10);
  test::add(g, "l0", {model::kInput}, 10, 0);
  test::add(g, "l1", {0}, 10, 0);
  test::add(g, "l1b", {1}, 10, 0);
  test::add(g, "l2", {0, 2}, 10, 0);
  World w(std::move(g), {{"a", 0, 100, 0.1}, {"b", 0, 100, 0.1}}, {{1, 1, 1, 1}, {1, 1, 1, 1}});
  const Problem p = w.problem();
  const HostPeriod hp = ilp_host_period(p, {0, 1, 0, 1});
  EXPECT_NEAR(hp.send_s[0], 0.9, 1e-12);
  EXPECT_NEAR(hp.send_s[1], 0.3, 1e-12);  // l1 -> l1b on a
  EXPECT_NEAR(hp.compute_s[0], 2.0, 1e-12);
  EXPECT_NEAR(hp.period_s, 2.0, 1e-12);
  EXPECT_NEAR(truth_of(p, {0, 1, 0, 1}).period_s, 2.0, 1e-12);
}

TEST(IlpThroughput, OneLatencyPerDestinationStageInTheModel) {
  // l0 -> l1, and l2 reads l0 and l1 (300 B tensors, a -> b: 0.2 s + bytes / 100).
  // (1) Times a: [2, 50, 50], b: [50, 1, 1]: optimum a, b, b; stage 0 sends l0 once to stage 1
  //     although two of its layers read it: 0.2 + 3 = 3.2 s (all on a: 102, all on b: 52).
  // (2) Times a: [1, 1, 50], b: [50, 50, 1]: optimum a, a, b; stage 0 sends l0 and l1 to stage 1
  //     in one message: 0.2 + 6 = 6.2 s.
  // CBC's objective is the model's value of its answer: one latency each, not two.
  struct Case {
    std::vector<std::vector<double>> times;
    std::vector<int> hosts;
    double period_s;
  };
  for (const Case& c : {Case{{{2, 50, 50}, {50, 1, 1}}, {0, 1, 1}, 3.2}, Case{{{1, 1, 50}, {50, 50, 1}}, {0, 0, 1}, 6.2}}) {
    auto g = test::make_graph(10);
    test::add(g, "l0", {model::kInput}, 300, 0);
    test::add(g, "l1", {0}, 300, 0);
    test::add(g, "l2", {0, 1}, 300, 0);
    World w(std::move(g), {{"a", 0, 100, 0.1}, {"b", 0, 100, 0.1}}, c.times);
    const Plan plan = run_ilp(w, {{"warm_start", opt("false", "warm_start")}});
    EXPECT_EQ(hosts_of(plan, 3), c.hosts);
    EXPECT_NEAR(plan.predicted_bottleneck_s, c.period_s, 1e-12);
    EXPECT_NEAR(std::stod(plan.notes.at("objective_s")), c.period_s, 1e-8);
  }
}

TEST(IlpThroughput, SourceAndSinkSendsCountOncePerStage) {
  // l0 and l2 read the input; l1 and l2 are outputs. Assignment a, b, a with source b, sink b:
  // the source sends the input (10 B) to stages 0 and 2 on a: 2 x 0.3 = 0.6 s; stage 1 (b) is the
  // sink itself; stage 2 sends l2's 20 B to the sink: 0.2 + 0.2 = 0.4 s; stage 0 sends l0's 10 B
  // to stage 1 (0.3 s) and to stage 2 on its own host (0 s).
  auto g = test::make_graph(10);
  test::add(g, "l0", {model::kInput}, 10, 0);
  test::add(g, "l1", {0}, 30, 0);
  test::add(g, "l2", {model::kInput, 0}, 20, 0);
  World w(std::move(g), {{"a", 0, 100, 0.1}, {"b", 0, 100, 0.1}}, {{0.1, 0.1, 0.1}, {0.1, 0.1, 0.1}});
  w.source = "b";
  w.sink = "b";
  const HostPeriod hp = ilp_host_period(w.problem(), {0, 1, 0});
  EXPECT_NEAR(hp.source_s, 0.6, 1e-12);
  EXPECT_NEAR(hp.send_s[0], 0.7, 1e-12);
  EXPECT_NEAR(hp.send_s[1], 0.0, 1e-12);
  EXPECT_NEAR(hp.period_s, 0.7, 1e-12);
  const Plan plan = run_ilp(w, {{"warm_start", opt("false", "warm_start")}});
  EXPECT_NEAR(plan.predicted_bottleneck_s, brute_force(w.problem(), {{0}, {1}, {2}}).period_s, 1e-12);
}

TEST(IlpThroughput, BadObjectiveIsALocatedInputError) {
  TwoHosts t;
  World w = t.make(10);
  w.options = config::Options({{"objective", opt("energy", "objective")}});
  try {
    ilp_info().make(w.options)->partition(w.problem());
    FAIL() << "expected an InputError";
  } catch (const config::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected latency or throughput, found \"energy\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace edgesplit::partition
