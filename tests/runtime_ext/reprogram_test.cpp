// CIM reprogramming (docs/CIM.md "Reprogramming"): a stage whose weights exceed the arrays is
// feasible with `reprogram`, and its per-request array writes (overflow bytes / write bandwidth,
// overflow x energy per byte) are in the prediction and in the simulation, checked by hand.
#include <gtest/gtest.h>

#include "cim_model.hpp"
#include "fixture.hpp"
#include "partitioners/evaluate.hpp"

namespace edgesplit::runtime_ext::test {
namespace {

// A 100 kB array of 8-bit weights (memory 1e5 model bytes at 1 byte per weight).
std::string text(const std::string& capacity, const std::string& reprogram, const std::string& partitioner = "single") {
  write_file("cimnet.yaml", kModel);
  return fmt::format(R"(name: r
model: {{file: cimnet.yaml}}
platform:
  device_types:
    rram: {{kind: cim, macs_per_s: 4.23e11, energy_per_mac: 0.078pJ, weight_capacity: {}, precision: 8,
            power: {{idle: 0.63mW}}, bandwidth: 1GBps, latency: 1us{}}}
  hosts:
    - {{name: acc, type: rram}}
partitioner: {{name: {}}}
workload: {{requests: 3}}
)",
                     capacity, reprogram, partitioner);
}

const char* kReprogram = ", reprogram: {write_bandwidth: 100MBps, energy_per_byte: 10pJ}";

partition::Problem problem_of(const config::Scenario& s, const cost::CostModel& cost, const config::Options& o) {
  return partition::Problem{s.model, partition::host_views(s.platform), cost, s.batch, s.workload.buffers,
                            partition::Objective::Throughput, o, s.workload.source, s.workload.sink};
}

TEST(Reprogram, StageTimeAndEnergyInSimulationEqualTheClosedFormAndThePrediction) {
  const config::Scenario s = load("rep", text("100kB", kReprogram));
  ASSERT_TRUE(s.platform.device_types.at("rram").reprogram);
  Planned p = hand_plan(s, {{0, {0, 1, 2}}});
  const config::Options o;
  const partition::Problem prob = problem_of(s, *p.cost, o);
  // Memory rule: weights 300,000 + the model input 10,000 + its output 10 (no sink) = 310,010
  // bytes against 100,000: 210,010 bytes rewritten per request (8-bit weights, 1-byte dtype).
  EXPECT_TRUE(partition::check_memory(prob, p.plan.stages).empty());
  const auto overflow = partition::stage_reprogram_overflow(prob, p.plan.stages);
  ASSERT_EQ(overflow.size(), 1u);
  EXPECT_EQ(overflow[0], 210010.0);
  const double write_s = 210010.0 / 1e8, write_j = 210010.0 * 10e-12;
  const double compute_s = 1.2e9 / kRate;
  partition::evaluate(prob, p.plan);
  EXPECT_LT(rel(p.plan.stages[0].predicted_compute_s, compute_s + write_s), 1e-12);
  EXPECT_LT(rel(p.plan.predicted_energy_j, 1.2e9 * kEmac + write_j + kLeak * (compute_s + write_s)), 1e-12);
  EXPECT_NE(p.plan.notes.at("reprogram_per_request").find("stage 0 on acc: 210010 bytes"), std::string::npos);

  const RunSummary r = run(s, p, "rep");
  EXPECT_LT(rel(r.sim_time_s, 3 * (compute_s + write_s)), 1e-9) << r.sim_time_s;
  const auto e = energy_by_entity("rep");
  EXPECT_LT(rel(e.at("acc"), kLeak * r.sim_time_s + 3 * (1.2e9 * kEmac + write_j)), 1e-9) << e.at("acc");
}

TEST(Reprogram, WithoutReprogramTheSamePlanIsInfeasibleAndBuffersMustStillFit) {
  const config::Scenario s = load("norep", text("100kB", ""));
  const Planned p = hand_plan(s, {{0, {0, 1, 2}}});
  const config::Options o;
  const auto why = partition::check_memory(problem_of(s, *p.cost, o), p.plan.stages);
  ASSERT_EQ(why.size(), 1u);
  EXPECT_EQ(why[0].message, "stage 0 on host acc needs 310010 bytes but has 100000 bytes (weights 300000, activations 10010)");
  // With reprogram but arrays smaller than the 10,010 bytes of activation buffers: still infeasible.
  const config::Scenario tiny = load("tiny", text("5kB", kReprogram));
  const Planned q = hand_plan(tiny, {{0, {0, 1, 2}}});
  const partition::Problem pt = problem_of(tiny, *q.cost, o);
  EXPECT_EQ(partition::check_memory(pt, q.plan.stages).size(), 1u);
  EXPECT_EQ(partition::stage_reprogram_overflow(pt, q.plan.stages)[0], 0.0);
}

TEST(Reprogram, ChainPartitionersPlanThroughTheArrays) {
  // pipeedge and pipeedge-energy (the chain DP) find no plan without reprogram, one with it.
  for (const char* name : {"pipeedge", "pipeedge-energy"}) {
    const config::Scenario without = load(std::string("c0-") + name, text("100kB", "", name));
    EXPECT_THROW(plan(without), partition::Infeasible) << name;
    const config::Scenario with = load(std::string("c1-") + name, text("100kB", kReprogram, name));
    const Planned p = plan(with);
    ASSERT_EQ(p.plan.stages.size(), 1u) << name;
    EXPECT_LT(rel(p.plan.predicted_bottleneck_s, 1.2e9 / kRate + 210010.0 / 1e8), 1e-12) << name;
  }
}

TEST(Reprogram, LoaderKeys) {
  const config::Scenario s = load("keys-r", text("100kB", kReprogram));
  const auto& r = *s.platform.device_types.at("rram").reprogram;
  EXPECT_EQ(r.write_bandwidth_Bps, 1e8);
  EXPECT_LT(rel(r.energy_per_byte_j, 1e-11), 1e-12);
  EXPECT_NE(errors_of("k-r1", text("100kB", ", reprogram: {write_bandwidth: 100MBps}"))
                .find("reprogram: missing key \"energy_per_byte\""),
            std::string::npos)
      << errors_of("k-r1", text("100kB", ", reprogram: {write_bandwidth: 100MBps}"));
  EXPECT_NE(errors_of("k-r2", text("100kB", ", reprogram: {write_bandwidth: 0MBps, energy_per_byte: 1pJ}"))
                .find("reprogram.write_bandwidth"),
            std::string::npos);
  std::string cpu = text("100kB", "");
  cpu.replace(cpu.find("hosts:"), 6,
              "  cpu: {speed: 1Gf, memory: 1GB, power: {idle: 1W, busy: 2W}, reprogram: {write_bandwidth: 1MBps, "
              "energy_per_byte: 1pJ}}\n  hosts:");
  EXPECT_NE(errors_of("k-r3", cpu).find("cpu.reprogram: expected only with kind: cim"), std::string::npos)
      << errors_of("k-r3", cpu);
}

}  // namespace
}  // namespace edgesplit::runtime_ext::test
