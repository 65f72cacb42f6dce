// Run failures: missing power figures are located input errors, split stages are refused, and a run
// that throws leaves no output directory behind.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "sim/config/diagnostics.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::runtime::test {
namespace {

struct Small {
  config::Scenario sc;
  partition::Plan plan = make_plan({{0}, {1}});
  Small() {
    model::Graph g("g", {100}, 1);
    add_layer(g, "a", {model::kInput}, 100, 1e6);
    add_layer(g, "b", {0}, 100, 1e6);
    sc = make_scenario(std::move(g), make_platform(std::vector<HostSpec>(3)), 5);
  }
};

std::string no_dir_left(const std::string& dir) {
  if (std::filesystem::exists(dir)) return "output directory exists";
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(dir).parent_path()))
    if (e.path().filename().string().rfind(std::filesystem::path(dir).filename().string() + ".tmp-", 0) == 0)
      return "temporary directory left: " + e.path().string();
  return "";
}

TEST(RunErrors, MissingDeviceTypePowerIsAnInputError) {
  Small s;
  s.sc.platform.device_types["t2"].power.reset();  // h2 is in the platform, not in the plan: still needed
  s.sc.platform.device_types["t2"].loc = config::SourceLoc{"p.yaml", 7, 3};
  const cost::AnalyticCost cost(s.sc.model, s.sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("nopower");
  try {
    run(s.sc, s.plan, cost, opt);
    FAIL() << "no throw";
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().key, "device_types.t2.power");
    EXPECT_EQ(e.diagnostic().loc.line, 7);
  }
  EXPECT_EQ(no_dir_left(opt.out_dir), "");
}

TEST(RunErrors, MissingLinkPowerIsAnInputError) {
  Small s;
  s.sc.platform.links[1].power.reset();
  const cost::AnalyticCost cost(s.sc.model, s.sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("nolinkpower");
  try {
    run(s.sc, s.plan, cost, opt);
    FAIL() << "no throw";
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().key, "links[1].power");
  }
}

TEST(RunErrors, SplitStagesAreRefused) {
  Small s;
  s.plan.stages[1].hosts.push_back({2, 0.5});
  const cost::AnalyticCost cost(s.sc.model, s.sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("split");
  try {
    run(s.sc, s.plan, cost, opt);
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "split stages are not supported by the runtime yet");
  }
  EXPECT_EQ(no_dir_left(opt.out_dir), "");
}

/// Throws once the recorder has created its temporary directory (the runtime asks for compute
/// times after building the platform).
class ThrowingCost : public cost::CostModel {
 public:
  using CostModel::CostModel;
  double compute_s(model::LayerId, int) const override { throw std::runtime_error("cost failure"); }
  std::string name() const override { return "throwing"; }
};

TEST(RunErrors, ARunThatThrowsLeavesNoDirectory) {
  Small s;
  const ThrowingCost cost(s.sc.model, s.sc.platform, 1);
  RunOptions opt;
  opt.out_dir = out_dir("throws");
  std::filesystem::create_directories(opt.out_dir);  // an older run's output stays untouched
  { std::ofstream(opt.out_dir + "/summary.json") << "{}"; }
  EXPECT_THROW(run(s.sc, s.plan, cost, opt), std::runtime_error);
  EXPECT_EQ(read_file(opt.out_dir + "/summary.json"), "{}");
  std::filesystem::remove_all(opt.out_dir);
  EXPECT_EQ(no_dir_left(opt.out_dir), "");
}

}  // namespace
}  // namespace edgesplit::runtime::test
