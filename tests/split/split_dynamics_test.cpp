// Split stages (fpm/ofpm bands) under dynamics and adapt: the controller runs them as epochs
// (sim/runtime/split_stage.hpp make_split_epoch). A flat trace changes nothing; a loaded band
// host gets a smaller band after an on-change re-plan; failures of a band host settle every request.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../common/cli.hpp"

namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) { return edgesplit::test::scratch("splitdyn", name); }

using edgesplit::test::slurp;

/// Column `col` of a CSV file, as numbers.
std::vector<double> csv_column(const fs::path& p, const std::string& col) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  {
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) head.push_back(c);
  }
  std::size_t k = 0;
  while (k < head.size() && head[k] != col) ++k;
  EXPECT_LT(k, head.size()) << col << " not in " << p;
  std::vector<double> out;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string c;
    for (std::size_t i = 0; std::getline(ss, c, ','); ++i)
      if (i == k) out.push_back(std::stod(c));
  }
  return out;
}

using edgesplit::test::json_number;

using edgesplit::test::run_scenario;

/// Rows of host `host` in the bands of the first split stage of a plan.json "stages" array that
/// starts at `from` (-1 when the host has no band there).
int64_t first_split_rows(const std::string& json, std::size_t from, const std::string& host, int64_t* height = nullptr) {
  const std::size_t bands = json.find("\"bands\": [", from);
  if (bands == std::string::npos) return -1;
  // Walk the band objects: "host": "NAME", then "rows": [a, b].
  int64_t rows = -1, total = 0;
  std::size_t p = bands;
  const std::size_t stop = json.find("\"gather_host\"", bands + 1);  // next split stage (or npos)
  for (;;) {
    const std::size_t h = json.find("\"host\": \"", p);
    if (h == std::string::npos || (stop != std::string::npos && h > stop)) break;
    const std::size_t q = json.find('"', h + 9);
    const std::string name = json.substr(h + 9, q - h - 9);
    const std::size_t r = json.find("\"rows\": [", q);
    if (r == std::string::npos) break;
    std::stringstream ss(json.substr(r + 9, 40));
    int64_t a = 0, b = 0;
    char comma = 0;
    ss >> a >> comma >> b;
    total += b - a + 1;
    if (name == host) rows = b - a + 1;
    p = r + 9;
  }
  if (height) *height = total;
  return rows;
}

/// Three hosts (one fast, two slower), each with its own split-duplex access link: ofpm splits.
void write_platform(const fs::path& dir) {
  std::ofstream(dir / "three.platform.yaml") << R"(device_types:
  fast: {speed: 20Gf, cores: 1, memory: 16GiB, power: {idle: 2W, busy: 10W}}
  slow: {speed: 12Gf, cores: 2, memory: 16GiB, power: {idle: 1W, busy: 5W}}
hosts:
  - {name: a, type: fast, link: la}
  - {name: b, type: slow, link: lb}
  - {name: c, type: slow, link: lc}
links:
  - {name: la, bandwidth: 1Gbps, latency: 1ms, power: {idle: 0.1W, busy: 0.5W}}
  - {name: lb, bandwidth: 800Mbps, latency: 2ms, power: {idle: 0.1W, busy: 0.5W}}
  - {name: lc, bandwidth: 800Mbps, latency: 2ms, power: {idle: 0.1W, busy: 0.5W}}
)";
  std::ofstream(dir / "flat.csv") << "time_s,bandwidth\n0,1Gbps\n";
}

void write_scenario(const fs::path& path, const std::string& workload, const std::string& tail) {
  std::ofstream(path) << fmt::format(R"(name: split-dynamics
seed: 3
model: vgg16
batch: 1
platform: three.platform.yaml
cost: analytic
network: {{model: exact}}
partitioner: {{name: ofpm}}
workload:
{}
  source: a
  sink: a
{}
)",
                                      workload, tail);
}

}  // namespace

// (b) A flat bandwidth trace (the nominal 1 Gbps from t = 0) runs the plan through the controller
// as an epoch; every request's latency must equal the plain run's, pipelining included.
TEST(SplitDynamics, FlatTraceGivesTheLatenciesOfThePlainRun) {
  const fs::path dir = scratch("flat");
  write_platform(dir);
  const std::string workload = "  requests: 12\n  arrival: {process: poisson, rate: 4}";
  write_scenario(dir / "plain.yaml", workload, "");
  write_scenario(dir / "flat.yaml", workload, "dynamics:\n  - {link: la, bandwidth: {trace: flat.csv, format: csv}}");
  ASSERT_EQ(run_scenario(dir / "plain.yaml", dir / "plain"), 0) << slurp(dir / "log.txt");
  ASSERT_EQ(run_scenario(dir / "flat.yaml", dir / "flat"), 0) << slurp(dir / "log.txt");
  ASSERT_NE(slurp(dir / "flat" / "plan.json").find("\"bands\""), std::string::npos) << "no split stage";
  const auto want = csv_column(dir / "plain" / "requests.csv", "latency_s");
  const auto got = csv_column(dir / "flat" / "requests.csv", "latency_s");
  ASSERT_EQ(want.size(), 12u);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_LT(std::abs(got[i] - want[i]) / want[i], 1e-9) << "request " << i;
  // The flat run did go through the controller: summary.json has the dynamics fields.
  EXPECT_NE(slurp(dir / "flat" / "summary.json").find("\"requests_failed\": 0"), std::string::npos);
  fs::remove_all(dir);
}

// (a) The shipped scenario: the nuc takes 80% background load at t = 10 s. adapt on-change
// re-plans with a smaller band for the nuc (plan.json replans) and serves the periodic arrivals
// (one per 2 s) with a higher throughput and a lower mean latency than adapt none on the same seed.
TEST(SplitDynamics, OfpmAdaptLoadShrinksTheLoadedBandAndBeatsNoAdapt) {
  const fs::path dir = scratch("load");
  const fs::path sc = fs::path(EDGESPLIT_SOURCE_DIR) / "scenarios/ofpm/ofpm-adapt-load.yaml";
  ASSERT_EQ(run_scenario(sc, dir / "adapt"), 0) << slurp(dir / "log.txt");
  ASSERT_EQ(run_scenario(sc, dir / "none", "--set 'adapt={policy: none}'"), 0) << slurp(dir / "log.txt");
  const std::string plan = slurp(dir / "adapt" / "plan.json");
  int64_t h0 = 0;
  const int64_t initial = first_split_rows(plan, 0, "nuc", &h0);
  ASSERT_GT(initial, 0) << "the initial plan gives the nuc no band";
  // The first applied re-plan after the load step.
  const std::size_t replans = plan.find("\"replans\"");
  ASSERT_NE(replans, std::string::npos);
  const std::size_t applied = plan.find("\"applied\": true", replans);
  ASSERT_NE(applied, std::string::npos) << "no re-plan applied";
  EXPECT_GE(json_number(plan, "time_s", plan.rfind("\"time_s\"", applied)), 10.0);
  int64_t h1 = 0;
  const int64_t after = first_split_rows(plan, applied, "nuc", &h1);
  ASSERT_GT(h1, 0);
  // Compare shares (the first split stage may cover other layers after the re-plan).
  EXPECT_LT(static_cast<double>(std::max<int64_t>(after, 0)) / static_cast<double>(h1),
            static_cast<double>(initial) / static_cast<double>(h0));
  const std::string a = slurp(dir / "adapt" / "summary.json"), n = slurp(dir / "none" / "summary.json");
  EXPECT_GT(json_number(a, "throughput_rps"), json_number(n, "throughput_rps"));
  EXPECT_LT(json_number(a, "mean"), json_number(n, "mean"));
  fs::remove_all(dir);
}

// (c) A band host fails for 2 s. With retry and adapt every request completes (a failure re-plan
// avoids it); with drop and no adapt the counts add up: completed + failed = issued = requests.
TEST(SplitDynamics, BandHostFailureRetryCompletesEveryRequestAndDropCountsAddUp) {
  const fs::path dir = scratch("fail");
  write_platform(dir);
  const std::string workload = "  requests: 40\n  arrival: {process: periodic, interval: 0.1s}";
  write_scenario(dir / "retry.yaml", workload,
                 "dynamics:\n  - {host: c, fail: {at: 1s, duration: 2s, on_failure: retry}}\n"
                 "adapt: {policy: periodic, interval: 100s, migration: free}");
  write_scenario(dir / "drop.yaml", workload, "dynamics:\n  - {host: c, fail: {at: 1s, duration: 2s, on_failure: drop}}");
  ASSERT_EQ(run_scenario(dir / "retry.yaml", dir / "retry"), 0) << slurp(dir / "log.txt");
  const std::string plan = slurp(dir / "retry" / "plan.json");
  ASSERT_GT(first_split_rows(plan, 0, "c"), 0) << "host c has no band: the test proves nothing";
  const std::string r = slurp(dir / "retry" / "summary.json");
  EXPECT_EQ(json_number(r, "requests_completed"), 40);
  EXPECT_EQ(json_number(r, "requests_failed"), 0);
  EXPECT_GT(json_number(r, "requests_retried"), 0);
  EXPECT_EQ(csv_column(dir / "retry" / "requests.csv", "latency_s").size(), 40u);
  // The failure re-plan was applied and avoids c.
  const std::size_t failure = plan.find("\"reason\": \"failure\"");
  ASSERT_NE(failure, std::string::npos);
  EXPECT_EQ(plan.find("\"applied\": true", failure), plan.find("\"applied\"", failure));

  ASSERT_EQ(run_scenario(dir / "drop.yaml", dir / "drop"), 0) << slurp(dir / "log.txt");
  const std::string d = slurp(dir / "drop" / "summary.json");
  const double completed = json_number(d, "requests_completed"), failed = json_number(d, "requests_failed");
  EXPECT_GT(failed, 0);
  EXPECT_EQ(completed + failed, 40);
  EXPECT_EQ(json_number(d, "requests_issued"), 40);
  EXPECT_EQ(csv_column(dir / "drop" / "requests.csv", "latency_s").size(), static_cast<std::size_t>(completed));
  fs::remove_all(dir);
}
