// CIM devices: a stage's time and energy against MACs / rate and leakage x time + MACs x energy per
// MAC; layers other than conv/fc on the attached host; routes through that host; weight capacity
// (exit 3 naming both numbers); the loader's new keys.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>

#include "cim_model.hpp"
#include "fixture.hpp"

namespace edgesplit::runtime_ext::test {
namespace {

std::string scenario_text(const std::string& hosts, const std::string& extra = "") {
  write_file("cimnet.yaml", kModel);
  return fmt::format(R"(name: c
model: {{file: cimnet.yaml}}
platform:
  device_types:
    cpu: {{speed: 2Gf, memory: 1GB, power: {{idle: 2W, busy: 5W}}}}
    rram: {{kind: cim, macs_per_s: 4.23e11, energy_per_mac: 0.078pJ, weight_capacity: 16MB, precision: 8,
            power: {{idle: 0.63mW}}, bandwidth: 1GBps, latency: 1us}}
  hosts:
{}
  links:
    - {{name: wifi, bandwidth: 10MBps, latency: 2ms, power: {{idle: 0.2W, busy: 1W}}}}
    - {{name: lsrc, bandwidth: 10MBps, latency: 1ms, power: {{idle: 0.1W, busy: 0.5W}}}}
partitioner: {{name: single}}
{}
)",
                     hosts, extra);
}

TEST(Cim, StageTimeAndEnergyAreMacsOverRateAndLeakagePlusMacsTimesEnergy) {
  // Standalone CIM device: all three layers on it (relu counts 0 MACs at first order: its
  // 2e8 flop are 1e8 MAC-equivalents), three requests back to back.
  const config::Scenario s = load("cim-alone", scenario_text("    - {name: acc, type: rram, link: wifi}",
                                                             "workload: {requests: 3}"));
  const Planned p = hand_plan(s, {{0, {0, 1, 2}}});
  const double macs = 1e9 + 0 + 1e8;
  double cost_s = 0, cost_j = 0;
  for (model::LayerId l = 0; l < 3; ++l) {
    cost_s += p.cost->compute_s(l, 0);
    cost_j += p.cost->compute_energy_j(l, 0);
  }
  EXPECT_LT(rel(cost_s, macs / kRate + 1e8 / kRate), 1e-12);
  EXPECT_LT(rel(cost_j, (macs + 1e8) * kEmac), 1e-12);
  const RunSummary r = run(s, p, "cim-alone");
  const double t = 3 * (macs + 1e8) / kRate;
  EXPECT_LT(rel(r.sim_time_s, t), 1e-9) << r.sim_time_s;
  const auto e = energy_by_entity("cim-alone");
  EXPECT_LT(rel(e.at("acc"), kLeak * t + 3 * (macs + 1e8) * kEmac), 1e-9) << e.at("acc");
}

TEST(Cim, AttachedDeviceRunsConvFcAndItsHostTheRest) {
  // acc is attached to pi: conv1 and fc1 on acc, relu1 on pi (0.1 s at 2 Gflop/s); the input
  // from src crosses lsrc, pi's wifi, then acc's own fast link.
  const config::Scenario s = load("cim-attached", scenario_text(R"(    - {name: pi, type: cpu, link: wifi}
    - {name: acc, type: rram, attached_to: pi}
    - {name: src, type: cpu, link: lsrc})",
                                                                "workload: {requests: 1, source: src}"));
  const int pi = s.platform.host_index("pi"), acc = s.platform.host_index("acc"), src = s.platform.host_index("src");
  EXPECT_EQ(s.platform.route(src, acc), (std::vector<int>{s.platform.link_index("lsrc"), s.platform.link_index("wifi"),
                                                          s.platform.link_index("acc-link")}));
  EXPECT_EQ(s.platform.route(pi, acc), (std::vector<int>{s.platform.link_index("acc-link")}));
  const Planned p = hand_plan(s, {{acc, {0, 1, 2}}});
  EXPECT_LT(rel(p.cost->compute_s(1, acc), 0.1), 1e-12);                // relu on pi
  EXPECT_LT(rel(p.cost->compute_energy_j(1, acc), 0.3), 1e-12);         // (5 - 2) W x 0.1 s
  EXPECT_LT(rel(p.cost->compute_energy_j(0, acc), 1e9 * kEmac), 1e-12);
  const RunSummary r = run(s, p, "cim-attached");
  const double input_s = 1e-3 + 2e-3 + 1e-6 + 1e4 / 1e7;
  const double cim_s = (1e9 + 1e8) / kRate;
  EXPECT_LT(rel(r.latency_max_s, input_s + cim_s + 0.1), 1e-9) << r.latency_max_s;
  const auto e = energy_by_entity("cim-attached");
  const double t = r.sim_time_s;
  EXPECT_LT(rel(e.at("acc"), kLeak * t + 1.1e9 * kEmac), 1e-9) << e.at("acc");
  EXPECT_LT(rel(e.at("pi"), 2.0 * t + 3.0 * 0.1), 1e-9) << e.at("pi");
}

TEST(Cim, WeightsBeyondCapacityAreInfeasibleNamingBothNumbers) {
  // VGG8 (fp32 in the zoo) on a 1 MB CIM array of 8-bit weights: capacity 4e6 model bytes.
  const std::string text = R"(name: too-big
model: vgg8
platform:
  device_types:
    rram: {kind: cim, macs_per_s: 4.23e11, energy_per_mac: 0.078pJ, weight_capacity: 1MB, precision: 8,
           power: {idle: 0.63mW}, bandwidth: 1GBps}
  hosts: [{name: acc, type: rram}]
partitioner: {name: single}
workload: {requests: 1}
)";
  const config::Scenario s = load("too-big", text);
  double weights = 0;
  for (model::LayerId l = 0; l < s.model.size(); ++l) weights += s.model.weight_bytes(l);
  EXPECT_EQ(s.platform.device_types.at("rram").memory_bytes, 1e6 * s.model.dtype_bytes());
  const std::string path = (scratch() / "too-big.yaml").string();
  const std::string cmd = fmt::format("{} run {} --out {} --quiet 2>{}", EDGESPLIT_BINARY, path,
                                      (scratch() / "too-big-out").string(), (scratch() / "too-big.err").string());
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const std::string err = read_text((scratch() / "too-big.err").string());
  EXPECT_NE(err.find(fmt::format("has {:.0f} bytes", 1e6 * s.model.dtype_bytes())), std::string::npos) << err;
  EXPECT_NE(err.find(fmt::format("weights {:.0f}", weights)), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(scratch() / "too-big-out"));
}

TEST(Cim, LoaderKeys) {
  const std::string ok = scenario_text(R"(    - {name: pi, type: cpu, link: wifi, count: 2}
    - {name: acc, type: rram, attached_to: pi, count: 2})");
  const config::Scenario s = load("keys", ok);
  EXPECT_EQ(s.platform.find_host("acc-1")->attached_to, "pi-1");
  const auto& t = s.platform.device_types.at("rram");
  EXPECT_EQ(t.precision_bits, 8);
  EXPECT_EQ(t.memory_bytes, 16e6);  // 8-bit weights, model dtype 1 byte
  EXPECT_EQ(t.power->busy_w, t.power->idle_w);  // as given; the busy power is derived:
  EXPECT_LT(rel(cost::busy_power_w(t), kLeak + kEmac * kRate), 1e-12);

  EXPECT_NE(errors_of("k1", scenario_text("    - {name: pi, type: cpu, link: wifi, attached_to: pi}"))
                .find("hosts[0].attached_to: expected only on hosts of a kind: cim type"),
            std::string::npos);
  EXPECT_NE(errors_of("k2", scenario_text("    - {name: acc, type: rram, attached_to: nope}"))
                .find("hosts[0].attached_to: expected one of acc, found \"nope\""),
            std::string::npos);
  std::string busy = ok;
  busy.replace(busy.find("idle: 0.63mW"), 12, "idle: 0.63mW, busy: 1W");
  EXPECT_NE(errors_of("k3", busy).find("power.busy: expected no busy power with kind: cim"), std::string::npos);
}

}  // namespace
}  // namespace edgesplit::runtime_ext::test
