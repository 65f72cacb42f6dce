// ofpm and fpm: band allocation against the binary-search oracle, bands proportional to host speed,
// common finish times, load, slow hosts left out, and the boundary DP against a brute force.
#include <cmath>
#include <functional>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "partitioners/ofpm.hpp"

namespace edgesplit::partition::ofpm_test {
namespace {

// Three hosts of speeds 1:2:4 Gf (by default) on a fast network (1 GB/s each, no latency).
std::string platform_yaml(const std::string& speed_a = "1Gf", const std::string& tb = "s2", const std::string& tc = "s4") {
  return fmt::format(R"(
device_types:
  s1: {{speed: 1Gf, memory: 1GiB, power: {{idle: 1W, busy: 2W}}}}
  sa: {{speed: {}, memory: 1GiB, power: {{idle: 1W, busy: 2W}}}}
  s2: {{speed: 2Gf, memory: 1GiB, power: {{idle: 1W, busy: 2W}}}}
  s4: {{speed: 4Gf, memory: 1GiB, power: {{idle: 1W, busy: 2W}}}}
hosts:
  - {{name: a, type: sa, link: la}}
  - {{name: b, type: {}, link: lb}}
  - {{name: c, type: {}, link: lc}}
links:
  - {{name: la, bandwidth: 1GBps, latency: 0s}}
  - {{name: lb, bandwidth: 1GBps, latency: 0s}}
  - {{name: lc, bandwidth: 1GBps, latency: 0s}}
)", speed_a, tb, tc);
}

/// 16 x 140 x 140 input -> conv 3x3 (32) -> relu -> conv 3x3 (32): one splittable run of 140 rows.
model::Graph conv_stack() {
  model::Graph g("stack", {16, 140, 140}, 4);
  auto c1 = conv(g, "c1", model::kInput, 32, 3, 1, 1);
  auto r = simple(g, "r", c1, "relu", g.layer(c1).output_shape);
  conv(g, "c2", r, 32, 3, 1, 1);
  return g;
}

std::map<std::string, config::Node> hosts_option(const std::vector<std::string>& names) {
  config::Node n;
  n.kind = config::Node::Kind::Sequence;
  n.key = "partitioner.options.hosts";
  for (const auto& s : names) {
    config::Node item;
    item.kind = config::Node::Kind::Scalar;
    item.scalar = s;
    n.items.push_back(item);
  }
  return {{"hosts", n}};
}

config::Node load_node(const std::vector<std::pair<std::string, std::string>>& loads) {
  config::Node n;
  n.kind = config::Node::Kind::Map;
  n.key = "partitioner.options.load";
  for (const auto& [h, u] : loads) {
    config::Node v;
    v.kind = config::Node::Kind::Scalar;
    v.scalar = u;
    n.entries.emplace_back(h, v);
  }
  return n;
}

Plan run_partitioner(const std::string& name, World& w, std::map<std::string, config::Node> opts = {}) {
  w.options = Options(std::move(opts));
  auto part = builtin_registry().find(name)->make(w.options);
  return part->partition(*w.problem);
}

const Stage* split_stage(const Plan& p) {
  for (const auto& s : p.stages)
    if (!s.bands.empty()) return &s;
  return nullptr;
}

TEST(OfpmAllocate, HandCase) {
  // No fixed cost, per-row times 1 : 1/2 : 1/4 -> rows 1 : 2 : 4 of 70 = 10, 20, 40.
  EXPECT_EQ(hpm::allocate_rows(70, {0, 0, 0}, {1, 0.5, 0.25}), (std::vector<int64_t>{10, 20, 40}));
  // A host whose fixed cost exceeds the common finish time is left out.
  EXPECT_EQ(hpm::allocate_rows(10, {0, 0, 100}, {1, 1, 1}), (std::vector<int64_t>{5, 5, 0}));
  // Largest remainder in time: the extra row goes to the host that finishes it first (3 + 1 < 0 + 5).
  EXPECT_EQ(hpm::allocate_rows(3, {3, 0}, {1, 5}), (std::vector<int64_t>{2, 1}));
}

TEST(OfpmAllocate, RoundingEqualsBinarySearchOracle) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> U(0, 1);
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t k = 1 + rng() % 7;
    const int64_t H = 1 + static_cast<int64_t>(rng() % 500);
    std::vector<double> c(k), r(k);
    for (std::size_t i = 0; i < k; ++i) {
      c[i] = trial % 3 == 0 ? 0.0 : U(rng) * 5;
      r[i] = std::pow(10.0, -3 + 3 * U(rng));
    }
    auto h = hpm::allocate_rows(H, c, r);
    auto o = hpm::allocate_rows_oracle(H, c, r);
    int64_t sum = 0;
    for (auto x : h) sum += x;
    ASSERT_EQ(sum, H);
    const double mh = hpm::makespan_s(h, c, r), mo = hpm::makespan_s(o, c, r);
    ASSERT_NEAR(mh, mo, 1e-12 * std::max(1.0, mo)) << "trial " << trial;
  }
}

TEST(Ofpm, BandsFollowSpeeds124AndFinishTogether) {
  World w(conv_stack(), platform(platform_yaml()));
  Plan plan = run_partitioner("ofpm", w);
  // On this fast network the DP splits each conv on its own (a gather costs less than recomputing
  // halo rows of c1 in every band); every split stage must have bands 1 : 2 : 4 finishing together.
  int split = 0;
  for (const auto& st : plan.stages) {
    if (st.bands.empty()) continue;
    ++split;
    const Stage* s = &st;
    ASSERT_EQ(s->bands.size(), 3u);
    const int64_t H = 140;
    const double expect[3] = {H / 7.0, 2 * H / 7.0, 4 * H / 7.0};
    double tmin = 1e300, tmax = 0, row_s = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& b = s->bands[i];
      EXPECT_EQ(b.host, static_cast<int>(i));
      EXPECT_LE(std::abs(static_cast<double>(b.last_row - b.first_row + 1) - expect[i]), 1.0) << "band " << i;
      const double finish = b.recv_s + b.compute_s + b.send_s;
      tmin = std::min(tmin, finish);
      tmax = std::max(tmax, finish);
      // One row's time on host i: one output row of every layer of the stage, plus its bytes in and out.
      double t = 0;
      for (auto l : s->layers) t += w.cost->compute_s(l, b.host) / 140.0;
      t += (b.in_bytes / static_cast<double>(b.in_last_row - b.in_first_row + 1) +
            b.out_bytes / static_cast<double>(b.last_row - b.first_row + 1)) / 1e9;
      row_s = std::max(row_s, t);
    }
    EXPECT_LE(tmax - tmin, row_s);
    EXPECT_EQ(s->bands.front().first_row, 0);
    EXPECT_EQ(s->bands.back().last_row, H - 1);
  }
  EXPECT_GE(split, 1);
}

TEST(Ofpm, LoadSlowsAHost) {
  // Load 0.5 on the 4 Gf host leaves it 2 Gf: bands 1 : 2 : 2.
  World w(conv_stack(), platform(platform_yaml()));
  Plan plan = run_partitioner("ofpm", w, {{"load", load_node({{"c", "0.5"}})}});
  const Stage* s = split_stage(plan);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->bands.size(), 3u);
  const double expect[3] = {28, 56, 56};
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_LE(std::abs(static_cast<double>(s->bands[i].last_row - s->bands[i].first_row + 1) - expect[i]), 1.0);
  // A fully loaded host takes no part.
  World w2(conv_stack(), platform(platform_yaml()));
  Plan p2 = run_partitioner("ofpm", w2, {{"load", load_node({{"a", "1"}})}});
  for (const auto& st : p2.stages)
    for (const auto& hs : st.hosts) EXPECT_NE(hs.host, 0);
  World w3(conv_stack(), platform(platform_yaml()));
  EXPECT_THROW(run_partitioner("ofpm", w3, {{"load", load_node({{"a", "1.5"}})}}), config::InputError);
  EXPECT_THROW(run_partitioner("ofpm", w3, {{"load", load_node({{"zz", "0.5"}})}}), config::InputError);
}

TEST(Ofpm, SlowHostLeftOut) {
  // Host a at 1 Mf: one row would take longer than the others' whole job; it gets no band.
  World w(conv_stack(), platform(platform_yaml("1Mf")));
  Plan plan = run_partitioner("ofpm", w);
  const Stage* s = split_stage(plan);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->bands.size(), 2u);
  EXPECT_EQ(s->bands[0].host, 1);
  EXPECT_EQ(s->bands[0].first_row, 0);
  EXPECT_EQ(s->bands[1].last_row, 139);
}

TEST(Fpm, EqualBandsOnHomogeneousHosts) {
  const std::string yaml = platform_yaml("1Gf", "s1", "s1");
  World w(conv_stack(), platform(yaml));
  Plan plan = run_partitioner("fpm", w);
  const Stage* s = split_stage(plan);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->bands.size(), 3u);
  const int64_t rows[3] = {47, 47, 46};
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(s->bands[i].last_row - s->bands[i].first_row + 1, rows[i]);
  // The hosts option restricts the split to the hosts listed, in their order.
  World w3(conv_stack(), platform(yaml));
  Plan two = run_partitioner("fpm", w3, hosts_option({"c", "a"}));
  const Stage* s2 = split_stage(two);
  ASSERT_NE(s2, nullptr);
  ASSERT_EQ(s2->bands.size(), 2u);
  EXPECT_EQ(s2->bands[0].host, 2);
  EXPECT_EQ(s2->bands[1].host, 0);
  EXPECT_EQ(s2->bands[0].last_row, 69);
  // On homogeneous hosts ofpm gives the same latency or better.
  World w2(conv_stack(), platform(yaml));
  EXPECT_LE(run_partitioner("ofpm", w2).predicted_latency_s, plan.predicted_latency_s * (1 + 1e-12));
}

// Model with a source, a sink, a splittable head and an fc tail; slow links make the vertical choice matter.
const char* kPlatformSlow = R"(
device_types:
  s1: {speed: 1Gf, memory: 1GiB, power: {idle: 1W, busy: 2W}}
  s3: {speed: 3Gf, memory: 1GiB, power: {idle: 1W, busy: 2W}}
hosts:
  - {name: cam, type: s1, link: la}
  - {name: b, type: s3, link: lb}
  - {name: c, type: s3, link: lc}
links:
  - {name: la, bandwidth: 20MBps, latency: 1ms}
  - {name: lb, bandwidth: 50MBps, latency: 1ms}
  - {name: lc, bandwidth: 50MBps, latency: 2ms}
)";

model::Graph small_net(std::mt19937& rng) {
  model::Graph g("net", {3, 32 + static_cast<int64_t>(rng() % 32), 32}, 4);
  model::LayerId x = model::kInput;
  const int n = 2 + static_cast<int>(rng() % 3);
  for (int j = 0; j < n; ++j) {
    const bool pool = rng() % 4 == 0;
    x = conv(g, fmt::format("c{}", j), x, 4 + static_cast<int64_t>(rng() % 28), pool ? 2 : 3, pool ? 2 : 1,
             pool ? 0 : 1, pool ? "pool" : "conv");
  }
  const auto shape = g.layer(x).output_shape;
  auto f = simple(g, "flat", x, "flatten", {shape[0] * shape[1] * shape[2]});
  simple(g, "fc", f, "fc", {10}, 10 * shape[0] * shape[1] * shape[2]);
  return g;
}

/// Latency of every segmentation, each segment single-host (any host) or split over all hosts
/// sending its bands to any gather host (which must be the next single-host stage's host, or
/// re-splits for a next split stage; the sink at the end), with the timing model of
/// hpm::time_split; the minimum must equal the DP's.
double brute_force(const Problem& p, bool balanced, int source, int sink) {
  const std::size_t L = p.graph.size();
  const int N = static_cast<int>(p.hosts.size());
  hpm::LoadedRates rates(p, std::vector<double>(p.hosts.size(), 0.0));
  std::vector<int> hosts;
  for (const auto& h : p.hosts) hosts.push_back(h.index);
  struct Seg {
    std::size_t b, e;
    int host;    ///< single: its host; split: -1
    int gather;  ///< split: gather host (-1 at the end without a sink)
  };
  double best = INFINITY;
  std::function<void(std::size_t, std::vector<Seg>&)> rec = [&](std::size_t b, std::vector<Seg>& segs) {
    if (b == L) {
      double t = 0;
      int holder = source;  // -1: the input is on every host
      for (std::size_t i = 0; i < segs.size(); ++i) {
        const auto& sg = segs[i];
        const double in_b = sg.b == 0 ? p.graph.input_bytes(1) : p.graph.output_bytes(sg.b - 1, 1);
        if (sg.host >= 0) {
          if (i > 0 && segs[i - 1].host < 0 && segs[i - 1].gather != sg.host) return;  // gathered elsewhere
          t += (holder < 0 ? 0 : p.cost.send_s(in_b, holder, sg.host)) + rates.range_s(sg.b, sg.e, sg.host);
          holder = sg.host;
        } else {
          std::vector<model::LayerId> run;
          for (auto l = sg.b; l < sg.e; ++l) run.push_back(l);
          auto heights = balanced ? hpm::balanced_heights(p, rates, run, hosts, holder, sg.gather)
                                  : halo::equal_heights(halo::height(p.graph, sg.e - 1), N);
          auto r = hpm::time_split(p, rates, run, hosts, heights, holder, sg.gather);
          if (r.bands.size() < 2) return;
          t += r.finish_s;
          holder = sg.gather;
        }
      }
      if (segs.back().host >= 0 && sink >= 0) t += p.cost.send_s(p.graph.output_bytes(L - 1, 1), segs.back().host, sink);
      best = std::min(best, t);
      return;
    }
    std::vector<model::LayerId> run;
    for (std::size_t e = b + 1; e <= L; ++e) {
      run.push_back(e - 1);
      for (int h = 0; h < N; ++h) {
        segs.push_back({b, e, h, -1});
        rec(e, segs);
        segs.pop_back();
      }
      if (halo::check_run(p.graph, run).empty() && halo::height(p.graph, e - 1) >= 2) {
        if (e == L) {
          segs.push_back({b, e, -1, sink});
          rec(e, segs);
          segs.pop_back();
        } else {
          for (int g = 0; g < N; ++g) {
            segs.push_back({b, e, -1, g});
            rec(e, segs);
            segs.pop_back();
          }
        }
      }
    }
  };
  std::vector<Seg> segs;
  rec(0, segs);
  return best;
}

TEST(Ofpm, DynamicProgramMatchesBruteForce) {
  std::mt19937 rng(23);
  int splits = 0, resplits = 0;
  for (int trial = 0; trial < 24; ++trial) {
    // Alternate slow links (vertical choices matter) and fast ones (re-splits after a gather pay).
    World w(small_net(rng), platform(trial % 4 < 2 ? std::string(kPlatformSlow) : platform_yaml()));
    const bool with_ends = trial % 2 == 0;
    if (with_ends) {
      w.problem->source_host = w.plat.hosts[0].name;
      w.problem->sink_host = w.plat.hosts[0].name;
    }
    for (const std::string name : {"ofpm", "fpm"}) {
      Plan plan = run_partitioner(name, w);
      const double bf = brute_force(*w.problem, name == "ofpm", with_ends ? 0 : -1, with_ends ? 0 : -1);
      ASSERT_NEAR(plan.predicted_latency_s, bf, 1e-12 * bf) << name << " trial " << trial;
      if (split_stage(plan)) ++splits;
      for (std::size_t i = 1; i < plan.stages.size(); ++i)
        if (!plan.stages[i].bands.empty() && !plan.stages[i - 1].bands.empty()) ++resplits;
      // Every layer in exactly one stage, in order.
      std::size_t next = 0;
      for (const auto& s : plan.stages)
        for (auto l : s.layers) ASSERT_EQ(l, next++);
      ASSERT_EQ(next, w.graph.size());
    }
  }
  EXPECT_GT(splits, 0) << "the cases should exercise split stages";
  EXPECT_GT(resplits, 0) << "the cases should exercise a split stage right after a split stage";
}

TEST(Ofpm, PlanLatencyIsTheSumOfItsStages) {
  // Recompute a plan's latency from its stages and bands: input transfer to a single first stage,
  // then per stage compute + send (single) or the slowest band's recv + compute + send (split).
  std::mt19937 rng(31);
  for (int trial = 0; trial < 20; ++trial) {
    World w(small_net(rng), platform(kPlatformSlow));
    w.problem->source_host = "cam";
    w.problem->sink_host = "cam";
    Plan plan = run_partitioner("ofpm", w);
    double t = 0;
    for (std::size_t i = 0; i < plan.stages.size(); ++i) {
      const auto& s = plan.stages[i];
      if (s.bands.empty()) {
        const int h = s.hosts[0].host;
        if (i == 0) t += w.cost->send_s(w.graph.input_bytes(1), 0, h);
        t += s.predicted_compute_s;
        // A send to a split stage is that stage's receive, counted in its bands.
        if (i + 1 == plan.stages.size() || plan.stages[i + 1].bands.empty()) t += s.predicted_send_s;
      } else {
        double f = 0;
        for (const auto& b : s.bands) f = std::max(f, b.recv_s + b.compute_s + b.send_s);
        t += f;
        int64_t rows = 0;
        for (const auto& b : s.bands) rows += b.last_row - b.first_row + 1;
        EXPECT_EQ(rows, halo::height(w.graph, s.layers.back()));
      }
    }
    EXPECT_NEAR(plan.predicted_latency_s, t, 1e-12 * t) << "trial " << trial;
  }
}

}  // namespace
}  // namespace edgesplit::partition::ofpm_test
