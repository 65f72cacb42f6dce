// Partition Pruning on CIM chips (scenarios/cim/pruning-*.yaml, docs/CIM.md): the K branches of
// vgg16-64's pruned classifier run in parallel on K chips, each K^2 times faster than the unpruned
// classifier on one chip (MACs / rate), with K times less dynamic energy (MACs x energy per MAC).
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "sim/model/transforms.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::runtime_ext::test {
namespace {

const double kRate = 4.23e11, kEmac = 0.0613e-12;
// vgg16-64's classifier: 2048x4096 + 4096x4096 + 4096x200 MACs (docs/ONNX.md).
const double kFcMacs = 2048.0 * 4096 + 4096.0 * 4096 + 4096.0 * 200;

std::string shipped(const std::string& name) {
  return std::string(EDGESPLIT_SOURCE_DIR) + "/scenarios/cim/" + name;
}

config::Scenario load_file(const std::string& path) {
  config::Diagnostics diag;
  auto s = config::load_scenario(path, {}, catalog(), diag);
  EXPECT_FALSE(diag.has_errors()) << diag.format();
  if (!s) throw std::runtime_error("scenario did not load: " + diag.format());
  return std::move(*s);
}

struct StageRow {
  double start_s = 0, end_s = 0;
};
/// stages.csv of request 0: host -> compute interval.
std::map<std::string, StageRow> request0(const std::string& out) {
  std::map<std::string, StageRow> rows;
  for (const auto& r : read_csv((scratch() / out / "stages.csv").string()))
    if (r.at("request") == "0") rows[r.at("host")] = {std::stod(r.at("compute_start_s")), std::stod(r.at("compute_end_s"))};
  return rows;
}

/// Checks a K-way run: every branch stage takes kFcMacs / K^2 / rate (the cost model's figure, which
/// is the one-chip classifier's time / K^2), the branches overlap in time, and the chips' dynamic
/// energy is the pruned MACs x energy per MAC.
void check_branches(const config::Scenario& s, const Planned& p, int k, const std::string& out) {
  ASSERT_EQ(p.plan.stages.size(), static_cast<std::size_t>(k + 1));
  const double branch_s = kFcMacs / (k * k) / kRate;
  for (int b = 1; b <= k; ++b) {
    double predicted = 0;
    for (auto l : p.plan.stages[static_cast<std::size_t>(b)].layers) predicted += p.cost->compute_s(l, p.plan.stages[b].hosts[0].host);
    EXPECT_LT(rel(predicted, branch_s), 1e-12) << b;
  }
  const RunSummary r = run(s, p, out);
  const auto rows = request0(out);
  for (int b = 0; b < k; ++b) {
    const StageRow& row = rows.at(fmt::format("cim-{}", b));
    EXPECT_LT(rel(row.end_s - row.start_s, branch_s), 1e-9) << b;
  }
  // Parallel: each branch starts once its slice is sent (the Xavier sends them one after another),
  // not after the previous branch: branch 1 starts before branch 0 ends, and all K finish within
  // (K - 1) slice sends + one branch, well under K branches one after another.
  EXPECT_LT(rows.at("cim-1").start_s, rows.at("cim-0").end_s);
  const double slice_send_s = 1e-6 + 2048.0 * 4 / k / 4e9;  // the chip's link: 1 us, 4 GB/s
  const double span_s = rows.at(fmt::format("cim-{}", k - 1)).end_s - rows.at("cim-0").start_s;
  EXPECT_LT(rel(span_s, (k - 1) * slice_send_s + branch_s), 1e-9) << span_s;
  const auto e = energy_by_entity(out);
  double dynamic_j = 0;
  for (int b = 0; b < k; ++b) dynamic_j += e.at(fmt::format("cim-{}", b)) - 0.6288e-3 * r.sim_time_s;
  EXPECT_LT(rel(dynamic_j, s.workload.requests * kFcMacs / k * kEmac), 1e-9) << dynamic_j;
}

TEST(Pruning, OneChipRunsTheWholeClassifierInMacsOverRate) {
  const config::Scenario s = load_file(shipped("pruning-one.yaml"));
  const Planned p = plan(s);
  const RunSummary r = run(s, p, "one");
  const auto rows = request0("one");
  EXPECT_LT(rel(rows.at("cim-0").end_s - rows.at("cim-0").start_s, kFcMacs / kRate), 1e-9);
  const double dynamic_j = energy_by_entity("one").at("cim-0") - 0.6288e-3 * r.sim_time_s;
  EXPECT_LT(rel(dynamic_j, s.workload.requests * kFcMacs * kEmac), 1e-9) << dynamic_j;
}

TEST(Pruning, TwoBranchesRunInParallelFourTimesFaster) {
  // The shipped K = 2 plan with the transform applied here (independent of the loader's key).
  std::string text = read_text(shipped("pruning-k2.yaml"));
  const auto at = text.find("transform:");
  const auto end = text.find("platform:");
  text.erase(at, end - at);
  text.replace(text.find("platform-pruning.yaml"), 21, shipped("platform-pruning.yaml"));
  config::Scenario s = load("k2-direct", text);
  s.model = model::partition_prune_branches(s.model, {"classifier.0", "classifier.3", "classifier.6"}, 2);
  // Params and MACs over the branches equal partition_prune's.
  const model::Graph pruned = model::partition_prune(*model::zoo_model("vgg16-64"), {"classifier.0", "classifier.3", "classifier.6"}, 2, 0.0);
  EXPECT_EQ(s.model.total_params(), pruned.total_params());
  EXPECT_EQ(s.model.total_macs(), pruned.total_macs());
  EXPECT_EQ(s.model.outputs().size(), 2u);
  const Planned p = plan(s);
  check_branches(s, p, 2, "k2");
}

TEST(Pruning, ShippedFourWayScenarioRunsSixteenTimesFaster) {
  const config::Scenario s = load_file(shipped("pruning-k4.yaml"));
  const Planned p = plan(s);
  check_branches(s, p, 4, "k4");
}

TEST(Pruning, BranchesJoinWithAConcatWhenTheRunHasConsumers) {
  // classifier.0 and .3 only: classifier.4 (relu) ends the run, classifier.6 reads the concat.
  const model::Graph g = *model::zoo_model("vgg16-64");
  const model::Graph b = model::partition_prune_branches(g, {"classifier.0", "classifier.3"}, 2);
  const auto cat = b.find("classifier.4/concat");
  ASSERT_TRUE(cat);
  EXPECT_EQ(b.layer(*cat).inputs, (std::vector<model::LayerId>{*b.find("classifier.4/part0"), *b.find("classifier.4/part1")}));
  EXPECT_EQ(b.layer(*b.find("classifier.6")).inputs, (std::vector<model::LayerId>{*cat}));
  const model::Layer& part = b.layer(*b.find("classifier.0/part1"));
  EXPECT_EQ(part.params, 2048 * 4096 / 4 + 4096 / 2);
  EXPECT_EQ(part.output_shape, (std::vector<int64_t>{2048}));
  EXPECT_EQ(b.layer(*b.find("classifier.0/slice1")).output_shape, (std::vector<int64_t>{1024}));
  EXPECT_EQ(b.layer(*b.find("classifier.0/part1")).inputs, (std::vector<model::LayerId>{*b.find("classifier.0/slice1")}));
  EXPECT_THROW(model::partition_prune_branches(g, {"classifier.0"}, 3), std::invalid_argument);
}

}  // namespace
}  // namespace edgesplit::runtime_ext::test
