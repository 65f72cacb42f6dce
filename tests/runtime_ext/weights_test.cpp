// Weight loading in the runtime (scenario `weights:`): cold start and pre-loading against closed
// forms, network loads and their link energy, the stages.csv column, agreement with the one-request
// schedule of partitioners/schedule.hpp and with the `ilp` partitioner's objective.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::runtime_ext::test {
namespace {

// A 6-layer chain, dtype 1 byte (params = weight bytes). Compute at 1 Gflop/s: a 0.1 s, b 0,
// c 0.05 s, d 0.2 s, e 0.02 s, f 0.01 s.
const char* kModel = R"(name: chain6
input: {shape: [100000]}
dtype_bytes: 1
layers:
  - {name: a, type: fc, inputs: [input], output: [100000], macs: 50000000, params: 2000000}
  - {name: b, type: relu, output: [100000], macs: 0, params: 0}
  - {name: c, type: fc, output: [50000], macs: 25000000, params: 1000000}
  - {name: d, type: fc, output: [50000], macs: 100000000, params: 4000000}
  - {name: e, type: fc, output: [1000], macs: 10000000, params: 500000}
  - {name: f, type: fc, output: [10], macs: 5000000, params: 100000}
)";
const double kCompute[] = {0.1, 0.0, 0.05, 0.2, 0.02, 0.01};
const double kWeights[] = {2e6, 0, 1e6, 4e6, 5e5, 1e5};

// h0, h1, h2 (1 Gflop/s) on private links; `store` (a model store) and `src` (an input source).
std::string scenario_text(const std::string& weights, const std::string& extra = "",
                          const std::string& partitioner = "{name: single}", const std::string& h2_type = "cpu") {
  write_file("chain6.yaml", kModel);
  return fmt::format(R"(name: w
model: {{file: chain6.yaml}}
platform:
  device_types:
    cpu: {{speed: 1Gf, memory: 1GB, power: {{idle: 1W, busy: 3W}}}}
    fast: {{speed: 8Gf, memory: 5MB, power: {{idle: 5W, busy: 20W}}}}
  hosts:
    - {{name: h0, type: cpu, link: l0}}
    - {{name: h1, type: cpu, link: l1}}
    - {{name: h2, type: {}, link: l2}}
    - {{name: store, type: cpu, link: ls}}
    - {{name: src, type: cpu, link: lsrc}}
  links:
    - {{name: l0, bandwidth: 100MBps, latency: 1ms, power: {{idle: 0.1W, busy: 1W}}}}
    - {{name: l1, bandwidth: 100MBps, latency: 2ms, power: {{idle: 0.1W, busy: 1W}}}}
    - {{name: l2, bandwidth: 50MBps, latency: 1ms, power: {{idle: 0.1W, busy: 1W}}}}
    - {{name: ls, bandwidth: 200MBps, latency: 5ms, power: {{idle: 0.5W, busy: 2.5W}}}}
    - {{name: lsrc, bandwidth: 1MBps, latency: 1ms, power: {{idle: 0.1W, busy: 1W}}}}
partitioner: {}
workload: {{requests: 1{}}}
{}
)",
                     h2_type, partitioner, extra, weights);
}

// Stage k on host k: {a, b}, {c, d}, {e, f}.
Planned three_stages(const config::Scenario& s) { return hand_plan(s, {{0, {0, 1}}, {1, {2, 3}}, {2, {4, 5}}}); }

// Activation sends of that plan: b's 1e5 B over l0 + l1, d's 5e4 B over l1 + l2.
const double kSend01 = 1e-3 + 2e-3 + 1e5 / 1e8;
const double kSend12 = 2e-3 + 1e-3 + 5e4 / 5e7;
double base_latency_s() {
  double c = 0;
  for (double x : kCompute) c += x;
  return c + kSend01 + kSend12;
}

TEST(Weights, ColdStartLocalAddsEveryLoad) {
  // Without pre-loading, in a chain each layer's load starts when its inputs are there and
  // delays it by exactly weight bytes / storage bandwidth.
  const config::Scenario s = load("cold-local", scenario_text("weights: {storage_bandwidth: 100MBps, preload: false}"));
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "cold-local");
  double loads = 0;
  for (double w : kWeights) loads += w / 1e8;
  EXPECT_LT(rel(r.latency_max_s, base_latency_s() + loads), 1e-9) << r.latency_max_s;
  // stages.csv: weights_ready_s is when the stage's last load ended (its last weighted layer).
  const auto rows = read_csv((scratch() / "cold-local" / "stages.csv").string());
  ASSERT_EQ(rows.size(), 3u);
  const double ready2 = std::stod(rows[2].at("weights_ready_s"));
  // Stage 2: e loads after d's output arrives, then f after e computes.
  const double arrive2 = 0.1 + 2e6 / 1e8 + kSend01 + 0.05 + 0.2 + 1e6 / 1e8 + 4e6 / 1e8 + kSend12;
  EXPECT_LT(rel(ready2, arrive2 + 5e5 / 1e8 + 0.02 + 1e5 / 1e8), 1e-9) << ready2;
  EXPECT_NE(read_text((scratch() / "cold-local" / "trace.json").string()).find(R"("cat": "weights")"),
            std::string::npos);
}

TEST(Weights, ColdStartFromStoreChargesRouteAndLinkEnergy) {
  // Loads cross ls then the host's link: 5 ms + its latency + bytes / min(200 MB/s, its bandwidth).
  const config::Scenario s = load("cold-store", scenario_text("weights: {from: store, preload: false}"));
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "cold-store");
  const double lat[] = {6e-3, 6e-3, 7e-3, 7e-3, 6e-3, 6e-3};
  const double bw[] = {1e8, 1e8, 1e8, 1e8, 5e7, 5e7};
  double loads = 0, data_s = 0;
  for (int l = 0; l < 6; ++l)
    if (kWeights[l] > 0) {
      loads += lat[l] + kWeights[l] / bw[l];
      data_s += kWeights[l] / bw[l];
    }
  EXPECT_LT(rel(r.latency_max_s, base_latency_s() + loads), 1e-9) << r.latency_max_s;
  // The store's link is busy only while weights cross it (loads run one after the other here).
  const auto e = energy_by_entity("cold-store");
  EXPECT_LT(rel(e.at("ls"), 0.5 * r.sim_time_s + 2.0 * data_s), 1e-9) << e.at("ls");
}

TEST(Weights, StoreThatAlsoRunsAStageReadsLocallyAndSendsToOthers) {
  // h0 stores the model and runs stage 0: it reads a locally, h1 and h2 receive theirs over
  // h0's link (the pair h0 -> h1 carries activations and weights: one SimGrid route).
  const config::Scenario s =
      load("store-stage", scenario_text("weights: {from: h0, storage_bandwidth: 100MBps, preload: false}"));
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "store-stage");
  const double loads = 2e6 / 1e8 + (3e-3 + 1e6 / 1e8) + (3e-3 + 4e6 / 1e8) + (2e-3 + 5e5 / 5e7) + (2e-3 + 1e5 / 5e7);
  EXPECT_LT(rel(r.latency_max_s, base_latency_s() + loads), 1e-9) << r.latency_max_s;
}

TEST(Weights, PreloadShorterThanFirstArrivalAddsNothing) {
  // The input crawls from src at 1 MB/s (0.102 s to h0); every host's loads end before its
  // first input arrives, so the first request is as fast as with resident weights.
  const config::Scenario s =
      load("preload-hidden", scenario_text("weights: {storage_bandwidth: 100MBps, preload: true}", ", source: src"));
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "preload-hidden");
  const double input_s = 1e-3 + 1e-3 + 1e5 / 1e6;
  EXPECT_LT(rel(r.latency_max_s, input_s + base_latency_s()), 1e-9) << r.latency_max_s;
  const auto rows = read_csv((scratch() / "preload-hidden" / "stages.csv").string());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_LT(rel(std::stod(rows[0].at("weights_ready_s")), 2e6 / 1e8), 1e-12);
  EXPECT_LT(rel(std::stod(rows[1].at("weights_ready_s")), 5e6 / 1e8), 1e-12);
  EXPECT_LT(rel(std::stod(rows[2].at("weights_ready_s")), 6e5 / 1e8), 1e-12);
}

/// The one-request schedule of partitioners/schedule.hpp for a plan (the ILP's model).
double schedule_latency_s(const config::Scenario& s, const Planned& p, bool preload, double bw) {
  config::Options none;
  const partition::Problem problem{s.model, partition::host_views(s.platform), *p.cost, s.batch, s.workload.buffers,
                                   partition::Objective::Latency, none, s.workload.source, s.workload.sink};
  std::vector<int> dev(s.model.size());
  for (const auto& st : p.plan.stages)
    for (auto l : st.layers) dev[l] = st.hosts[0].host;
  partition::WeightOptions w;
  w.preload = preload;
  w.load_bandwidth_Bps = bw;
  return partition::one_request_latency_s(problem, dev, w);
}

TEST(Weights, PreloadPartlyHiddenMatchesHandSchedule) {
  // 10 MB/s storage: loads a 0.2, c 0.1, d 0.4, e 0.05, f 0.01 s, each host from t = 0 in layer order.
  const config::Scenario s = load("preload-partly", scenario_text("weights: {storage_bandwidth: 10MBps}"));
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "preload-partly");
  const double fa = 0.2 + 0.1;                                     // a waits for its weights
  const double fc = std::max(fa + kSend01, 0.1) + 0.05;            // c's weights are long there
  const double fd = std::max(fc, 0.1 + 0.4) + 0.2;                 // d waits for its load
  const double ff = std::max(fd + kSend12, 0.05) + 0.02 + 0.01;    // e, f loaded long before
  EXPECT_LT(rel(r.latency_max_s, ff), 1e-9) << r.latency_max_s << " vs " << ff;
  EXPECT_LT(rel(r.latency_max_s, schedule_latency_s(s, p, true, 1e7)), 1e-9);
}

TEST(Weights, NoPreloadMatchesScheduleOnAnInterleavedPlan) {
  // h0 runs stages 0 and 2: one loading channel per host, in layer order, across its stages.
  const config::Scenario s = load("interleaved", scenario_text("weights: {storage_bandwidth: 10MBps, preload: false}"));
  const Planned p = hand_plan(s, {{0, {0, 1}}, {1, {2}}, {0, {3, 4}}, {2, {5}}});
  const RunSummary r = run(s, p, "interleaved");
  EXPECT_LT(rel(r.latency_max_s, schedule_latency_s(s, p, false, 1e7)), 1e-9) << r.latency_max_s;
}

/// The ILP's plan simulated alone equals its objective (quiet platform, network exact).
void expect_ilp_matches(bool preload, const std::string& name) {
  const std::string opts = fmt::format("{{name: ilp, options: {{preload: {}, load_bandwidth: 1e7, hosts: [h0, h1, h2]}}}}",
                                       preload ? "true" : "false");
  const config::Scenario s =
      load(name, scenario_text(fmt::format("weights: {{storage_bandwidth: 10MBps, preload: {}}}", preload), "", opts,
                               "fast"));
  const Planned p = plan(s);
  std::string stages;
  for (const auto& st : p.plan.stages)
    stages += fmt::format(" {}:{}", s.platform.hosts[static_cast<std::size_t>(st.hosts[0].host)].name, st.layers.size());
  std::cerr << "ilp plan (host:layers):" << stages << "\n";
  EXPECT_GE(p.plan.stages.size(), 2u);  // a plan that crosses the network (h2 is 8x faster but holds 5 MB)
  const RunSummary r = run(s, p, name);
  EXPECT_GT(p.plan.predicted_latency_s, 0);
  EXPECT_LT(rel(r.latency_max_s, p.plan.predicted_latency_s), 1e-9)
      << "simulated " << r.latency_max_s << ", ILP prediction " << p.plan.predicted_latency_s;
  // The MILP's own objective value (solver tolerance).
  ASSERT_TRUE(p.plan.notes.count("objective_s"));
  const double objective_s = std::stod(p.plan.notes.at("objective_s"));
  EXPECT_LT(rel(r.latency_max_s, objective_s), 1e-6) << "simulated " << r.latency_max_s << ", ILP objective " << objective_s;
}

TEST(Weights, IlpObjectiveEqualsSimulatedLatencyPreload) { expect_ilp_matches(true, "ilp-preload"); }
TEST(Weights, IlpObjectiveEqualsSimulatedLatencyColdStart) { expect_ilp_matches(false, "ilp-cold"); }

TEST(Weights, AbsentKeyLoadsNothing) {
  const config::Scenario s = load("none", scenario_text(""));
  EXPECT_FALSE(s.weights.enabled);
  const Planned p = three_stages(s);
  const RunSummary r = run(s, p, "none");
  EXPECT_LT(rel(r.latency_max_s, base_latency_s()), 1e-9);
  for (const auto& row : read_csv((scratch() / "none" / "stages.csv").string())) EXPECT_EQ(row.at("weights_ready_s"), "0");
}

TEST(Weights, LoaderErrors) {
  EXPECT_NE(errors_of("e1", scenario_text("weights: {preload: false}"))
                .find("weights: expected \"from\" (a host storing the weights) or \"storage_bandwidth\""),
            std::string::npos);
  EXPECT_NE(errors_of("e2", scenario_text("weights: {from: nowhere}")).find("weights.from: expected one of"),
            std::string::npos);
  EXPECT_NE(errors_of("e3", scenario_text("weights: {storage_bandwith: 1GBps}")).find("weights.storage_bandwith"),
            std::string::npos);
  const config::Scenario s = load("ok", scenario_text("weights: {from: store, storage_bandwidth: 1GBps}"));
  EXPECT_TRUE(s.weights.enabled);
  EXPECT_TRUE(s.weights.preload);
  EXPECT_EQ(s.weights.from, "store");
  EXPECT_EQ(*s.weights.storage_bandwidth_Bps, 1e9);
  EXPECT_NE(s.resolved_yaml.find("weights:"), std::string::npos);
}

}  // namespace
}  // namespace edgesplit::runtime_ext::test
