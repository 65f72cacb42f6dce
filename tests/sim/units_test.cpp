// Pure pieces of the runtime and the recorder (no simulation): tensor routing, arrivals, link
// busy-time union, percentiles, the recorder's directory handling and plan.json.
#include <gtest/gtest.h>

#include <cmath>

#include "fixture.hpp"
#include "sim/recorder/plan_json.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/arrivals.hpp"
#include "sim/runtime/tensor_plan.hpp"

namespace edgesplit::runtime::test {
namespace {

model::Graph skip_graph() {
  model::Graph g("skip", {500}, 1);
  add_layer(g, "a", {model::kInput}, 1000, 1);
  add_layer(g, "b", {0}, 2000, 1);
  add_layer(g, "c", {1}, 3000, 1);
  add_layer(g, "d", {2, model::kInput}, 4000, 1);  // also reads the model input
  add_layer(g, "e", {3, 1}, 5000, 1);
  return g;
}

TEST(TensorPlan, SkipsGoStraightToEveryReader) {
  const model::Graph g = skip_graph();
  const TensorPlan tp = make_tensor_plan(g, make_plan({{0, 1}, {2}, {3}, {4}}), 2, false, false);
  ASSERT_EQ(tp.sends_of(0).size(), 3u);
  // Stage 0: b to stage 1, the input to stage 2 (no source: the input is at stage 0), b to stage 3.
  EXPECT_EQ(tp.sends_of(0)[0].to, 1);
  EXPECT_EQ(tp.sends_of(0)[0].bytes, 2 * 2000);
  EXPECT_EQ(tp.sends_of(0)[1].to, 2);
  EXPECT_EQ(tp.sends_of(0)[1].bytes, 2 * 500);
  EXPECT_EQ(tp.sends_of(0)[2].to, 3);
  EXPECT_EQ(tp.sends_of(0)[2].bytes, 2 * 2000);
  EXPECT_EQ(tp.sends_of(1).size(), 1u);
  EXPECT_EQ(tp.sends_of(2).size(), 1u);
  EXPECT_TRUE(tp.sends_of(3).empty());
  EXPECT_EQ(tp.producers[3], (std::vector<int>{0, 2}));
  EXPECT_TRUE(tp.holds_output[3]);
  EXPECT_FALSE(tp.holds_output[0]);
}

TEST(TensorPlan, SourceAndSink) {
  const model::Graph g = skip_graph();
  const TensorPlan tp = make_tensor_plan(g, make_plan({{0, 1}, {2, 3, 4}}), 1, true, true);
  ASSERT_EQ(tp.sends_of(-1).size(), 2u);  // the input to both stages
  EXPECT_EQ(tp.sends_of(-1)[1].to, 1);
  EXPECT_EQ(tp.sends_of(1).size(), 1u);   // e to the sink
  EXPECT_EQ(tp.sends_of(1)[0].to, 2);
  EXPECT_EQ(tp.sends_of(1)[0].bytes, 5000);
  EXPECT_EQ(tp.producers[2], (std::vector<int>{1}));
}

TEST(TensorPlan, RejectsSplitAndInconsistentPlans) {
  const model::Graph g = skip_graph();
  partition::Plan split = make_plan({{0, 1, 2}, {3, 4}});
  split.stages[1].hosts.push_back({2, 0.5});
  try {
    make_tensor_plan(g, split, 1, false, false);
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "split stages are not supported by the runtime yet");
  }
  EXPECT_THROW(make_tensor_plan(g, make_plan({{0, 1}, {2}}), 1, false, false), std::invalid_argument);
  EXPECT_THROW(make_tensor_plan(g, make_plan({{0, 3}, {1, 2, 4}}), 1, false, false), std::invalid_argument);
  EXPECT_THROW(make_tensor_plan(g, make_plan({{0, 1, 2, 3, 4}, {}}), 1, false, false), std::invalid_argument);
}

TEST(Arrivals, PoissonIsSeededAndHasTheRightMean) {
  config::Arrival a;
  a.process = "poisson";
  a.rate_per_s = 4;
  Arrivals x(a, 42), y(a, 42), z(a, 43);
  double last = 0, tx = 0;
  bool differs = false;
  for (int i = 0; i < 200000; ++i) {
    tx = x.next();
    EXPECT_GE(tx, last);
    last = tx;
    EXPECT_EQ(tx, y.next());
    if (tx != z.next()) differs = true;
  }
  EXPECT_TRUE(differs);
  EXPECT_NEAR(tx / 200000, 0.25, 0.25 * 0.01);  // mean gap 1 / rate; 200k samples: sd 0.22%
}

TEST(Arrivals, PeriodicAndBadInput) {
  config::Arrival a;
  a.process = "periodic";
  a.interval_s = 0.5;
  Arrivals p(a, 1);
  EXPECT_EQ(p.next(), 0.0);
  EXPECT_EQ(p.next(), 0.5);
  EXPECT_EQ(p.next(), 1.0);
  a.process = "bursty";
  EXPECT_THROW(Arrivals(a, 1), std::invalid_argument);
}

TEST(LinkUsage, UnionOfDataPhases) {
  LinkUsage u(2);
  u.transfer_start({0, 1}, 1.0, 100);  // data phase [1, 3]
  u.transfer_start({0}, 2.5, 50);      // data phase [2.5, 4]
  u.transfer_end({0, 1}, 3.0);
  u.transfer_end({0}, 4.0);
  u.transfer_start({0}, 6.0, 10);      // [6, 7]
  u.transfer_end({0}, 7.0);
  EXPECT_DOUBLE_EQ(u.busy_s(0), 3.0 + 1.0);
  EXPECT_DOUBLE_EQ(u.busy_s(1), 2.0);
  EXPECT_EQ(u.bytes(0), 160);
}

TEST(Recorder, Percentiles) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(recorder::percentile(v, 50), 50);
  EXPECT_EQ(recorder::percentile(v, 95), 95);
  EXPECT_EQ(recorder::percentile(v, 99), 99);
  EXPECT_EQ(recorder::percentile({3.0}, 99), 3.0);
}

struct RecorderFixture {
  config::Scenario sc = make_scenario(skip_graph(), make_platform(std::vector<HostSpec>(2)), 1);
  partition::Plan plan = make_plan({{0, 1, 2}, {3, 4}});
  recorder::Setup setup(const std::string& dir) {
    recorder::Setup s;
    s.out_dir = dir;
    s.scenario = &sc;
    s.plan = &plan;
    s.stage_hosts = {0, 1};
    s.producers = {{}, {0}, {}};
    s.requests = 1;
    return s;
  }
};

TEST(Recorder, LeavesNothingWhenNotFinished) {
  RecorderFixture f;
  const std::string dir = out_dir("unfinished");
  {
    recorder::Recorder rec(f.setup(dir));
    rec.compute_begin(0, 0, 0.0);
    EXPECT_TRUE(std::filesystem::exists(dir + ".tmp-" + std::to_string(::getpid())));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_FALSE(std::filesystem::exists(dir + ".tmp-" + std::to_string(::getpid())));
}

TEST(Recorder, FinishReplacesTheDirectoryWithSummaryLast) {
  RecorderFixture f;
  const std::string dir = out_dir("finished");
  std::filesystem::create_directories(dir);
  { std::ofstream(dir + "/stale.txt") << "old"; }
  recorder::Recorder rec(f.setup(dir));
  rec.compute_begin(0, 0, 0.0);
  rec.compute_end(0, 0, 1.5);
  rec.send_begin(0, 1.5);
  rec.send_end(0, 0, 1, 2.0, 100);
  rec.stage_done(0, 0, 0.0, 0.0, 1.5, 2.0, 100);
  rec.compute_begin(1, 0, 2.0);
  rec.compute_end(1, 0, 2.5);
  rec.stage_done(0, 1, 2.0, 2.0, 2.5, 2.5, 0);
  rec.request_done(0, 0.0, 0.0, 2.5);
  recorder::Final fin;
  fin.sim_time_s = 2.5;
  fin.requests_issued = 1;
  fin.wall_start = std::chrono::steady_clock::now();
  const recorder::Summary s = rec.finish(fin);
  EXPECT_EQ(s.requests_completed, 1);
  EXPECT_EQ(s.bottleneck_stage, 0);
  for (const char* name : {"summary.json", "plan.json", "requests.csv", "stages.csv", "energy.csv", "bottleneck.csv",
                           "links.csv", "trace.json", "scenario.resolved.yaml"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name)) << name;
  EXPECT_FALSE(std::filesystem::exists(dir + "/stale.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir + ".tmp-" + std::to_string(::getpid())));
  // Windows of 1 s: [0,1) stage 0 computes all of it; [1,2) compute 0.5 + network 0.5; [2,2.5] stage 1.
  const auto rows = read_csv(dir + "/bottleneck.csv");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[2].at("compute_fraction"), "0.5");
  EXPECT_EQ(rows[2].at("network_fraction"), "0.5");
  EXPECT_EQ(rows[5].at("window_end_s"), "2.5");
  EXPECT_EQ(rows[5].at("busy_fraction"), "1");
  EXPECT_EQ(rows[5].at("is_bottleneck"), "1");
}

TEST(PlanJson, KeysAndNames) {
  RecorderFixture f;
  f.plan.predicted_bottleneck_s = 0.25;
  const std::string j = recorder::plan_json(f.sc, f.plan);
  EXPECT_NE(j.find("\"partitioner\": \"manual\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"hosts\": [\n        \"h1\"\n      ]"), std::string::npos) << j;
  EXPECT_NE(j.find("\"bottleneck_s\": 0.25"), std::string::npos) << j;
  EXPECT_NE(j.find("\"layers\": [\n        \"d\",\n        \"e\"\n      ]"), std::string::npos) << j;
}

}  // namespace
}  // namespace edgesplit::runtime::test
