// scenarios/dynamics through the edgesplit binary (one process per run): adaptation beats no
// adaptation after a Wi-Fi drop, failures with retry and drop add up, bad dynamics are located
// errors, and every shipped scenario validates and runs in under 2 s.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../common/cli.hpp"

namespace {

namespace fs = std::filesystem;

fs::path scratch() { return edgesplit::test::scratch("dyn"); }

struct Cleanup {
  ~Cleanup() {
    std::error_code ec;
    fs::remove_all(scratch(), ec);
  }
} cleanup;

/// Runs `edgesplit ARGS` from the source directory.
edgesplit::test::CliResult edgesplit(const std::string& args) { return edgesplit::test::edgesplit(args, "dyn"); }

using edgesplit::test::json_number;
using edgesplit::test::slurp;

std::string run_dir(const std::string& name) { return (scratch() / name).string(); }

TEST(Adapt, OnChangeBeatsNoAdaptationAfterAWifiDrop) {
  const std::string none = run_dir("none"), adapt = run_dir("adapt");
  auto a = edgesplit("run scenarios/dynamics/wifi-step.yaml --quiet --out " + none + " --set 'adapt={policy: none}'");
  ASSERT_EQ(a.code, 0) << a.err;
  auto b = edgesplit("run scenarios/dynamics/wifi-step.yaml --quiet --out " + adapt +
                     " --set 'adapt={policy: on-change, threshold: 0.5}'");
  ASSERT_EQ(b.code, 0) << b.err;
  const std::string s0 = slurp(none + "/summary.json"), s1 = slurp(adapt + "/summary.json");
  EXPECT_EQ(json_number(s0, "requests_completed"), 120);
  EXPECT_EQ(json_number(s1, "requests_completed"), 120);
  const double t0 = json_number(s0, "throughput_rps"), t1 = json_number(s1, "throughput_rps");
  EXPECT_GT(t1, 2 * t0) << "none " << t0 << " on-change " << t1;
  // The drop is what moved the bottleneck: after t = 2 the Xavier's sends over the Wi-Fi bound it.
  const std::string bn = slurp(none + "/bottleneck.csv");
  EXPECT_NE(bn.find("3,4,0,xavier,1,1,network"), std::string::npos) << bn.substr(0, 600);
  // plan.json records the re-plan: applied, on-change, after the drop, with a lower prediction.
  const std::string plan = slurp(adapt + "/plan.json");
  ASSERT_NE(plan.find("\"replans\": ["), std::string::npos) << plan.substr(0, 400);
  const std::string replans = plan.substr(plan.find("\"replans\""));
  EXPECT_NE(replans.find("\"reason\": \"on-change\""), std::string::npos);
  EXPECT_NE(replans.find("\"applied\": true"), std::string::npos);
  EXPECT_GT(json_number(replans, "time_s"), 2.0);
  EXPECT_LT(json_number(replans, "after"), json_number(replans, "before"));
  EXPECT_GE(json_number(replans, "migration_s"), 0.0);
  // trace.json marks it with an instant event.
  EXPECT_NE(slurp(adapt + "/trace.json").find("\"name\": \"replan (on-change)\""), std::string::npos);
  // summary.json: the trace used, and the timeline.
  EXPECT_NE(s1.find("\"sha256\": \"bded7c8629792df3ff221fe283ce784b612ea5cd3a8e489caa17b2c9d7831119\""),
            std::string::npos);
  EXPECT_EQ(json_number(s1.substr(s1.find("\"traces\"")), "mean"), 6.5e6);  // (2 s x 12.5e6 + 2 s x 5e5) / 4 s
  EXPECT_NE(s1.find("\"timeline\": ["), std::string::npos);
  // links.csv: nominal rows at 0, the drop at 2 (4 Mbps = 5e5 B/s).
  EXPECT_NE(slurp(adapt + "/links.csv").find("2,wifi,500000\n"), std::string::npos);
}

TEST(Failure, RetryCompletesEveryRequest) {
  const std::string dir = run_dir("retry");
  auto r = edgesplit("run scenarios/dynamics/host-failure-retry.yaml --quiet --out " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string s = slurp(dir + "/summary.json");
  EXPECT_EQ(json_number(s, "requests_issued"), 100);
  EXPECT_EQ(json_number(s, "requests_completed"), 100);
  EXPECT_EQ(json_number(s, "requests_failed"), 0);
  EXPECT_GT(json_number(s, "requests_retried"), 0);
  // Nothing completes while the Xavier is down ([1, 3) s): the timeline's windows 1 and 2 are empty.
  const std::string req = slurp(dir + "/requests.csv");
  std::istringstream in(req);
  std::string line;
  std::getline(in, line);
  int during = 0;
  while (std::getline(in, line)) {
    const double end_s = std::stod(line.substr(line.find(',', line.find(',', line.find(',') + 1) + 1) + 1));
    if (end_s > 1.0 && end_s < 3.0) ++during;
  }
  EXPECT_EQ(during, 0);
}

TEST(Failure, DropCountsAddUpToTheRequestsIssued) {
  const std::string dir = run_dir("drop");
  auto r = edgesplit("run scenarios/dynamics/host-failure-retry.yaml --quiet --out " + dir +
                     " --set dynamics[0].fail.on_failure=drop");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string s = slurp(dir + "/summary.json");
  const double issued = json_number(s, "requests_issued"), done = json_number(s, "requests_completed"),
               failed = json_number(s, "requests_failed");
  EXPECT_GT(failed, 0);
  EXPECT_EQ(done + failed, issued);
  EXPECT_EQ(json_number(s, "requests_retried"), 0);
}

TEST(Failure, AdaptReplansAroundAFailedHostAndBack) {
  const std::string dir = run_dir("fail-adapt");
  auto r = edgesplit("run scenarios/dynamics/host-failure-retry.yaml --quiet --out " + dir +
                     " --set 'adapt={policy: on-change, threshold: 0.5}'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json_number(slurp(dir + "/summary.json"), "requests_completed"), 100);
  const std::string plan = slurp(dir + "/plan.json");
  EXPECT_NE(plan.find("\"reason\": \"failure\""), std::string::npos);
  EXPECT_NE(plan.find("\"reason\": \"recovery\""), std::string::npos);
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(Failure, SplitDuplexLinkDownStopsThePipelineAndDrops) {
  // The Wi-Fi between the Xavier and the Nano is down during [1, 1.5) s: the requests in flight
  // at t = 1 are dropped (the scenario default), nothing completes until it is back.
  const fs::path yaml = scratch() / "link.yaml";
  write(yaml, std::string("name: link\nmodel: vgg16\nplatform: ") + EDGESPLIT_SOURCE_DIR +
                  "/scenarios/dynamics/edge-lab.platform.yaml\npartitioner: {name: pipeedge}\n"
                  "workload: {requests: 60, arrival: {process: poisson, rate: 10}, source: cam}\n"
                  "dynamics:\n  - {link: wifi, fail: {at: 1s, duration: 0.5s}}\n");
  const std::string dir = run_dir("link");
  auto r = edgesplit("run '" + yaml.string() + "' --quiet --out " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string s = slurp(dir + "/summary.json");
  EXPECT_GT(json_number(s, "requests_failed"), 0);
  EXPECT_EQ(json_number(s, "requests_completed") + json_number(s, "requests_failed"), 60);
  EXPECT_NE(slurp(dir + "/trace.json").find("\"name\": \"failure\""), std::string::npos);
}

TEST(BadDynamics, UnknownLinkAndMissingTraceAreLocatedErrors) {
  const fs::path dir = scratch();
  const fs::path yaml = dir / "bad.yaml";
  write(yaml, std::string("name: bad\nmodel: vgg16\nplatform: ") + EDGESPLIT_SOURCE_DIR +
                  "/scenarios/dynamics/edge-lab.platform.yaml\npartitioner: {name: pipeedge}\n"
                  "dynamics:\n"
                  "  - {link: wlan, bandwidth: 10Mbps}\n"
                  "  - {link: wifi, bandwidth: {trace: missing.csv, format: csv}}\n");
  auto r = edgesplit("validate '" + yaml.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(yaml.string() + ":6:12: error: dynamics[0].link: expected one of wifi, eth-cam, eth-xavier, "
                                       "found \"wlan\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(yaml.string() + ":7:37: error: dynamics[1].bandwidth.trace: expected a readable trace file, "
                                       "found \"missing.csv\""),
            std::string::npos)
      << r.err;
}

TEST(BadDynamics, BadOnFailureIsALocatedError) {
  const fs::path yaml = scratch() / "bad2.yaml";
  write(yaml, std::string("name: bad\nmodel: vgg16\nplatform: ") + EDGESPLIT_SOURCE_DIR +
                  "/scenarios/dynamics/edge-lab.platform.yaml\npartitioner: {name: pipeedge}\n"
                  "on_failure: retyr\n");
  auto r = edgesplit("validate '" + yaml.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(":5:13: error: on_failure: expected one of drop, retry, found \"retyr\""), std::string::npos)
      << r.err;
}

TEST(Scenarios, EveryDynamicsScenarioValidatesAndRunsUnderTwoSeconds) {
  int count = 0;
  for (const auto& e : fs::directory_iterator(fs::path(EDGESPLIT_SOURCE_DIR) / "scenarios/dynamics")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".yaml" || name.find(".platform.") != std::string::npos) continue;
    ++count;
    auto v = edgesplit("validate scenarios/dynamics/" + name);
    EXPECT_EQ(v.code, 0) << name << ": " << v.err;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = edgesplit("run scenarios/dynamics/" + name + " --quiet --out " + run_dir("s-" + name));
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.code, 0) << name << ": " << r.err;
    EXPECT_LT(wall_s, 2.0) << name;
  }
  EXPECT_GE(count, 4);
}

}  // namespace
