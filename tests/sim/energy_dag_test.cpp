// Energy against idle x makespan + (busy - idle) x busy time, for hosts (SimGrid's plugin) and
// links (data phases), and bytes of a DAG with a skip connection against a hand count.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::runtime::test {
namespace {

TEST(Energy, HostsAndLinksMatchClosedForm) {
  // Two stages (h0 with 4 cores, h1) and an idle host h2. 30 requests, saturated.
  const std::vector<HostSpec> hosts = {
      HostSpec{.speed_flops = 4e9, .cores = 4, .idle_w = 2, .busy_w = 10, .link_idle_w = 0.3, .link_busy_w = 1.3},
      HostSpec{.idle_w = 1.5, .busy_w = 4.5, .bandwidth_Bps = 5e7, .link_idle_w = 0.2, .link_busy_w = 0.9},
      HostSpec{.idle_w = 0.7, .busy_w = 9, .link_idle_w = 0.1, .link_busy_w = 5}};
  const double c0 = 0.04, c1 = 0.03, bytes = 1e6;
  model::Graph g("g", {1000}, 1);
  add_layer(g, "a", {model::kInput}, static_cast<int64_t>(bytes), c0 * 4e9);
  add_layer(g, "b", {0}, 10, c1 * 1e9);
  config::Scenario sc = make_scenario(std::move(g), make_platform(hosts), 30);
  const partition::Plan plan = make_plan({{0}, {1}});
  const cost::AnalyticCost cost(sc.model, sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("energy");
  opt.quiet = true;
  const RunSummary r = run(sc, plan, cost, opt);
  ASSERT_EQ(r.requests_completed, 30);
  const double t = r.sim_time_s;
  const double data_s = 30 * bytes / 5e7;  // data phase of each transfer: bytes / smallest bandwidth
  std::map<std::string, double> want = {
      {"h0", 2 * t + 8 * 30 * c0}, {"h1", 1.5 * t + 3 * 30 * c1}, {"h2", 0.7 * t},
      {"l0", 0.3 * t + 1.0 * data_s}, {"l1", 0.2 * t + 0.7 * data_s}, {"l2", 0.1 * t}};
  std::map<std::string, double> want_busy = {{"h0", 30 * c0}, {"h1", 30 * c1}, {"h2", 0},
                                             {"l0", data_s}, {"l1", data_s}, {"l2", 0}};
  double total = 0, active = 0;
  const auto rows = read_csv(opt.out_dir + "/energy.csv");
  ASSERT_EQ(rows.size(), 6u);
  for (const auto& row : rows) {
    const std::string& name = row.at("entity");
    ASSERT_TRUE(want.count(name)) << name;
    EXPECT_LT(rel(std::stod(row.at("energy_j")), want[name]), 1e-9) << name;
    if (want_busy[name] > 0)
      EXPECT_LT(rel(std::stod(row.at("busy_s")), want_busy[name]), 1e-9) << name;
    else
      EXPECT_EQ(std::stod(row.at("busy_s")), 0.0) << name;
    total += want[name];
    if (name != "h2" && name != "l2") active += want[name];
  }
  EXPECT_LT(rel(r.energy_total_j, total), 1e-9);
  EXPECT_LT(rel(r.energy_active_j, active), 1e-9);
  EXPECT_LT(rel(r.energy_per_inference_j, total / 30), 1e-9);
}

TEST(Dag, SkipAcrossTwoBoundariesSendsHandCountedBytes) {
  // a -> b -> c -> d -> e, plus the skip b -> e (e = add(d, b)). Stages {a, b}, {c}, {d}, {e}:
  // the skip tensor goes from stage 0 straight to stage 3.
  model::Graph g("skip", {500}, 1);
  const auto a = add_layer(g, "a", {model::kInput}, 1000, 1e6);
  const auto b = add_layer(g, "b", {a}, 2000, 1e6);
  const auto c = add_layer(g, "c", {b}, 3000, 1e6);
  const auto d = add_layer(g, "d", {c}, 4000, 1e6);
  add_layer(g, "e", {d, b}, 5000, 1e6);
  config::Scenario sc = make_scenario(std::move(g), make_platform(std::vector<HostSpec>(4)), 20);
  const partition::Plan plan = make_plan({{0, 1}, {2}, {3}, {4}});
  const cost::AnalyticCost cost(sc.model, sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("skip");
  opt.quiet = true;
  const RunSummary r = run(sc, plan, cost, opt);
  ASSERT_EQ(r.requests_completed, 20);
  // Per request: stage 0 sends b to stages 1 and 3 (2 x 2000), stage 1 sends c (3000), stage 2 d (4000).
  const std::map<int, double> per_stage = {{0, 4000}, {1, 3000}, {2, 4000}, {3, 0}};
  std::map<int, double> got;
  std::map<int, int> count;
  for (const auto& row : read_csv(opt.out_dir + "/stages.csv")) {
    const int k = std::stoi(row.at("stage"));
    got[k] += std::stod(row.at("bytes_sent"));
    ++count[k];
  }
  for (const auto& [k, bytes] : per_stage) {
    EXPECT_EQ(count[k], 20) << k;
    EXPECT_EQ(got[k], 20 * bytes) << k;
  }
  // Links: l0 carries stage 0's 4000 B; l1 2000 in + 3000 out; l2 3000 + 4000; l3 2000 + 4000.
  const std::map<std::string, double> link_bytes = {{"l0", 4000}, {"l1", 5000}, {"l2", 7000}, {"l3", 6000}};
  for (const auto& row : read_csv(opt.out_dir + "/energy.csv")) {
    if (row.at("kind") == "link") {
      EXPECT_EQ(std::stod(row.at("bytes")), 20 * link_bytes.at(row.at("entity")));
    }
  }
}

}  // namespace
}  // namespace edgesplit::runtime::test
