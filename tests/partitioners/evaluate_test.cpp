// evaluate(): a hand-worked 3-stage chain and a DAG whose skip edges cross two stage boundaries,
// plus the memory rule and its Infeasible reasons.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

Stage on(int host, std::vector<model::LayerId> layers) {
  Stage s;
  s.hosts = {{host, 1.0}};
  s.layers = std::move(layers);
  return s;
}

// Chain A..E, outputs 100, 200, 50, 30, 10 bytes, weights 10..50, input 1000 bytes.
// Hosts: h0 link 100 B/s 0.5 s, h1 50 B/s 0.25 s, h2 200 B/s 0 s.
struct Chain3 : ::testing::Test {
  World w{make_chain(1000, {100, 200, 50, 30, 10}, {10, 20, 30, 40, 50}),
          {{"h0", 0, 100, 0.5, 1.0, 3.0, 0, 1.0}, {"h1", 0, 50, 0.25, 2.0, 5.0, 0, 0}, {"h2", 0, 200, 0, 0.5, 1.5, 0, 0.5}},
          {{1, 2, 9, 9, 9}, {9, 9, 5, 9, 9}, {9, 9, 9, 0.5, 0.5}},
          {2.0, 3.0, 1.0}};
  std::vector<Stage> stages{on(0, {0, 1}), on(1, {2}), on(2, {3, 4})};
};

TEST_F(Chain3, HandWorkedPrediction) {
  Plan plan;
  plan.stages = stages;
  evaluate(w.problem(), plan);
  EXPECT_DOUBLE_EQ(plan.stages[0].predicted_compute_s, 3.0);
  EXPECT_DOUBLE_EQ(plan.stages[1].predicted_compute_s, 5.0);
  EXPECT_DOUBLE_EQ(plan.stages[2].predicted_compute_s, 1.0);
  // 200 B over h0-link + h1-link: 0.5 + 0.25 + 200/50.
  EXPECT_DOUBLE_EQ(plan.stages[0].predicted_send_s, 4.75);
  EXPECT_DOUBLE_EQ(plan.stages[1].predicted_send_s, 1.25);  // 0.25 + 0 + 50/50
  EXPECT_DOUBLE_EQ(plan.stages[2].predicted_send_s, 0.0);
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 5.0);
  EXPECT_DOUBLE_EQ(plan.predicted_latency_s, 3 + 4.75 + 5 + 1.25 + 1);
  // compute 2x3 + 3x5 + 1x1 = 22; links (1 W on h0-link) x 200/50 + (0.5 W on h2-link) x 50/50
  // = 4.5; idle (1 + 2 + 0.5) W x 5 s = 17.5.
  EXPECT_DOUBLE_EQ(plan.predicted_energy_j, 22 + 4.5 + 17.5);
}

TEST_F(Chain3, SourceAndSinkTransfers) {
  w.source = "h1";
  w.sink = "h1";
  Plan plan;
  plan.stages = stages;
  evaluate(w.problem(), plan);
  // input 1000 B h1 -> h0: 0.75 + 1000/50 = 20.75; output 10 B h2 -> h1: 0.25 + 10/50 = 0.45.
  EXPECT_DOUBLE_EQ(plan.stages[2].predicted_send_s, 0.45);
  EXPECT_DOUBLE_EQ(plan.predicted_latency_s, 20.75 + 15 + 0.45);
  // The source is a pipeline element: its 20.75 s send of each input is the period now.
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 20.75);
  EXPECT_EQ(plan.notes.at("source_send_s"), "20.75");
  // Compute 22 + links 4.5 as before; extra link energy: input 1 W x 1000/50 = 20 (h0-link),
  // output 0.5 W x 10/50 = 0.1 (h2-link); idle (1 + 2 + 0.5) W over the 20.75 s period.
  EXPECT_DOUBLE_EQ(plan.predicted_energy_j, 22 + 4.5 + 20 + 0.1 + 3.5 * 20.75);
  auto to_sink = stage_send_bytes(w.problem(), stages, 2);
  ASSERT_EQ(to_sink.size(), 4u);
  EXPECT_DOUBLE_EQ(to_sink[3], 10);
}

TEST_F(Chain3, SendBytesAndMemory) {
  auto p = w.problem();
  EXPECT_EQ(stage_send_bytes(p, stages, 0), (std::vector<double>{0, 200, 0, 0}));
  EXPECT_EQ(stage_send_bytes(p, stages, 1), (std::vector<double>{0, 0, 50, 0}));
  EXPECT_EQ(stage_send_bytes(p, stages, 2), (std::vector<double>{0, 0, 0, 0}));
  // buffers = 2: weights + 3 x received + 3 x sent (+ input once, + own output once without sink).
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 0), 30 + 1000 + 3 * 200);
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 1), 30 + 3 * 200 + 3 * 50);
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 2), 90 + 3 * 50 + 10);
  w.sink = "h0";
  EXPECT_DOUBLE_EQ(stage_memory_bytes(w.problem(), stages, 2), 90 + 3 * 50 + 3 * 10);
  w.sink.clear();
  w.buffers = 1;
  EXPECT_DOUBLE_EQ(stage_memory_bytes(w.problem(), stages, 1), 30 + 2 * 200 + 2 * 50);
}

TEST_F(Chain3, InfeasibleReasonsNameStageHostAndBytes) {
  w.platform.device_types["h1-type"].memory_bytes = 700;  // stage 1 needs 780
  w.platform.device_types["h2-type"].memory_bytes = 100;  // stage 2 needs 250
  w.hosts = host_views(w.platform);
  auto reasons = check_memory(w.problem(), stages);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].stage, 1);
  EXPECT_EQ(reasons[0].host, "h1");
  EXPECT_DOUBLE_EQ(reasons[0].needed_bytes, 780);
  EXPECT_DOUBLE_EQ(reasons[0].available_bytes, 700);
  EXPECT_EQ(reasons[1].stage, 2);
  EXPECT_EQ(reasons[1].host, "h2");
  EXPECT_NE(reasons[0].message.find("stage 1 on host h1 needs 780 bytes but has 700 bytes"), std::string::npos)
      << reasons[0].message;
  try {
    require_fits(w.problem(), stages);
    FAIL() << "expected Infeasible";
  } catch (const Infeasible& e) {
    EXPECT_EQ(e.reasons().size(), 2u);
    EXPECT_EQ(std::string(e.what()), reasons[0].message + "\n" + reasons[1].message);
  }
}

// DAG: a(input) 100 B; b(a) 200 B; c(b, a) 50 B; d(c) 30 B; e(d, a) 10 B.
// Stages {a, b} on h0, {c} on h1, {d, e} on h2: a's output crosses two boundaries and goes to
// both later stages.
TEST(EvaluateDag, SkipAcrossTwoBoundaries) {
  auto g = make_graph(1000);
  auto a = add(g, "a", {model::kInput}, 100, 1);
  auto b = add(g, "b", {a}, 200, 2);
  auto c = add(g, "c", {b, a}, 50, 3);
  auto d = add(g, "d", {c}, 30, 4);
  add(g, "e", {d, a}, 10, 5);
  World w(std::move(g), {{"h0", 0, 100, 0.5}, {"h1", 0, 50, 0.25}, {"h2", 0, 200, 0}},
          {{1, 1, 1, 1, 1}, {2, 2, 2, 2, 2}, {3, 3, 3, 3, 3}});
  std::vector<Stage> stages{on(0, {0, 1}), on(1, {2}), on(2, {3, 4})};
  auto p = w.problem();
  EXPECT_EQ(stage_send_bytes(p, stages, 0), (std::vector<double>{0, 300, 100, 0}));
  EXPECT_EQ(stage_send_bytes(p, stages, 1), (std::vector<double>{0, 0, 50, 0}));
  // Independent count from the model: every byte crossing a boundary, minus the input.
  EXPECT_DOUBLE_EQ(300 + 100 + 50, w.graph.cut_bytes({0, 0, 1, 2, 2}) - 1000);
  EXPECT_DOUBLE_EQ(stage_recv_bytes(p, stages, 2), 150);

  Plan plan;
  plan.stages = stages;
  evaluate(p, plan);
  // h0 -> h1: 0.75 + 300/50 = 6.75; h0 -> h2: 0.5 + 100/100 = 1.5.
  EXPECT_DOUBLE_EQ(plan.stages[0].predicted_send_s, 6.75 + 1.5);
  EXPECT_DOUBLE_EQ(plan.stages[1].predicted_send_s, 0.25 + 1.0);
  EXPECT_DOUBLE_EQ(plan.stages[0].predicted_compute_s, 2);
  EXPECT_DOUBLE_EQ(plan.stages[2].predicted_compute_s, 6);
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 8.25);
  EXPECT_DOUBLE_EQ(plan.predicted_latency_s, 2 + 8.25 + 2 + 1.25 + 6);
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 0), 3 + 1000 + 3 * 400);
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 1), 3 + 3 * 300 + 3 * 50);
  EXPECT_DOUBLE_EQ(stage_memory_bytes(p, stages, 2), 9 + 3 * 150 + 10);
}

TEST(EvaluateErrors, LayerMissingOrTwice) {
  World w(make_chain(10, {1, 1}, {1, 1}), {{"h0"}}, {{1, 1}});
  Plan plan;
  plan.stages = {on(0, {0})};
  EXPECT_THROW(evaluate(w.problem(), plan), std::invalid_argument);
  plan.stages = {on(0, {0, 1}), on(0, {1})};
  EXPECT_THROW(evaluate(w.problem(), plan), std::invalid_argument);
}

}  // namespace
}  // namespace edgesplit::partition::test
