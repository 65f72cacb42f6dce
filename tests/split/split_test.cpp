// Split stages in the runtime: `edgesplit run` on ofpm plans. On a quiet platform (network exact,
// each host its own access link, one request) the simulated latency equals ofpm's prediction.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../common/cli.hpp"

namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) { return edgesplit::test::scratch("split", name); }

using edgesplit::test::slurp;

std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::vector<std::string> head;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::string cell;
    std::stringstream ss(s);
    while (std::getline(ss, cell, ',')) out.push_back(cell);
    if (!s.empty() && s.back() == ',') out.push_back("");
    return out;
  };
  if (std::getline(in, line)) head = split(line);
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> r;
    for (std::size_t i = 0; i < head.size() && i < cells.size(); ++i) r[head[i]] = cells[i];
    rows.push_back(std::move(r));
  }
  return rows;
}

/// Every number following `"key": ` in a JSON text, in order.
std::vector<double> json_numbers(const std::string& text, const std::string& key) {
  std::vector<double> out;
  const std::string k = "\"" + key + "\": ";
  for (std::size_t p = text.find(k); p != std::string::npos; p = text.find(k, p + 1))
    out.push_back(std::stod(text.substr(p + k.size(), 40)));
  return out;
}

double predicted_latency_s(const std::string& plan_json) {
  const std::size_t p = plan_json.find("\"predicted\": {");
  EXPECT_NE(p, std::string::npos);
  return json_numbers(plan_json.substr(p), "latency_s").at(0);
}

/// Two hosts of different speeds, each with its own 1 Gbps split-duplex access link.
void write_quiet(const fs::path& dir, bool source_sink, const std::string& partitioner) {
  std::ofstream(dir / "two.platform.yaml") << R"(device_types:
  fast: {speed: 20Gf, cores: 1, memory: 16GiB, power: {idle: 2W, busy: 10W}}
  slow: {speed: 12Gf, cores: 2, memory: 16GiB, power: {idle: 1W, busy: 5W}}
hosts:
  - {name: a, type: fast, link: la}
  - {name: b, type: slow, link: lb}
links:
  - {name: la, bandwidth: 1Gbps, latency: 1ms, power: {idle: 0.1W, busy: 0.5W}}
  - {name: lb, bandwidth: 800Mbps, latency: 2ms, power: {idle: 0.1W, busy: 0.5W}}
)";
  std::ofstream(dir / "quiet.yaml") << fmt::format(R"(name: split-quiet
seed: 1
model: vgg16
batch: 1
platform: two.platform.yaml
cost: analytic
network: {{model: exact}}
partitioner: {{name: {}, options: {{}}}}
workload:
  requests: 1
  arrival: {{process: saturate}}
{}
)",
                                                  partitioner, source_sink ? "  source: a\n  sink: a" : "");
}

using edgesplit::test::run_scenario;

/// Hosts of each stage of request 0 in stages.csv.
std::map<int, std::vector<std::string>> hosts_per_stage(const fs::path& out) {
  std::map<int, std::vector<std::string>> m;
  for (const auto& r : read_csv(out / "stages.csv"))
    if (r.at("request") == "0") m[std::stoi(r.at("stage"))].push_back(r.at("host"));
  return m;
}

void expect_exact(bool source_sink, const std::string& partitioner) {
  const fs::path dir = scratch(fmt::format("{}-{}", partitioner, source_sink));
  write_quiet(dir, source_sink, partitioner);
  ASSERT_EQ(run_scenario(dir / "quiet.yaml", dir / "out"), 0) << slurp(dir / "log.txt");
  const std::string plan = slurp(dir / "out" / "plan.json");
  ASSERT_NE(plan.find("\"bands\""), std::string::npos) << "the plan has no split stage: the test proves nothing";
  const auto rows = read_csv(dir / "out" / "requests.csv");
  ASSERT_EQ(rows.size(), 1u);
  const double got = std::stod(rows[0].at("latency_s"));
  const double want = predicted_latency_s(plan);
  EXPECT_LT(std::abs(got - want) / want, 1e-9) << "simulated " << got << " s, predicted " << want << " s";
  fs::remove_all(dir);
}

}  // namespace

TEST(SplitRuntime, QuietPlatformMatchesOfpmPredictionWithSourceAndSink) { expect_exact(true, "ofpm"); }

TEST(SplitRuntime, QuietPlatformMatchesOfpmPredictionWithoutSourceOrSink) { expect_exact(false, "ofpm"); }

TEST(SplitRuntime, StagesCsvHasOneRowPerBandHostWithItsFlops) {
  const fs::path dir = scratch("rows");
  write_quiet(dir, true, "ofpm");
  ASSERT_EQ(run_scenario(dir / "quiet.yaml", dir / "out"), 0) << slurp(dir / "log.txt");
  const std::string plan = slurp(dir / "out" / "plan.json");
  // Band flops from plan.json (only bands carry a "flops" key) against the rows of split stages.
  std::vector<double> band_flops = json_numbers(plan, "flops");
  ASSERT_FALSE(band_flops.empty());
  const auto per_stage = hosts_per_stage(dir / "out");
  std::vector<double> row_flops;
  int split_stages = 0;
  for (const auto& r : read_csv(dir / "out" / "stages.csv")) {
    if (r.at("request") != "0") continue;
    const auto& hs = per_stage.at(std::stoi(r.at("stage")));
    if (hs.size() > 1) row_flops.push_back(std::stod(r.at("flops")));
  }
  for (const auto& [k, hs] : per_stage) {
    EXPECT_EQ(std::set<std::string>(hs.begin(), hs.end()).size(), hs.size()) << "stage " << k;
    split_stages += hs.size() > 1 ? 1 : 0;
  }
  EXPECT_GT(split_stages, 0);
  std::sort(band_flops.begin(), band_flops.end());
  std::sort(row_flops.begin(), row_flops.end());
  ASSERT_EQ(row_flops.size(), band_flops.size());
  for (std::size_t i = 0; i < row_flops.size(); ++i) EXPECT_NEAR(row_flops[i], band_flops[i], 1e-6 * band_flops[i]);
  fs::remove_all(dir);
}

TEST(SplitRuntime, OfpmVgg16WifiScenarioRunsEndToEnd) {
  const fs::path dir = scratch("wifi");
  ASSERT_EQ(run_scenario(fs::path(EDGESPLIT_SOURCE_DIR) / "scenarios/ofpm/ofpm-vgg16-wifi.yaml", dir / "out"), 0)
      << slurp(dir / "log.txt");
  const auto rows = read_csv(dir / "out" / "requests.csv");
  ASSERT_EQ(rows.size(), 20u);
  // One shared Wi-Fi channel: parallel band transfers contend, so the prediction is optimistic.
  const double want = predicted_latency_s(slurp(dir / "out" / "plan.json"));
  for (const auto& r : rows) EXPECT_GE(std::stod(r.at("latency_s")), want * (1 - 1e-9));
  EXPECT_TRUE(fs::exists(dir / "out" / "summary.json"));
  fs::remove_all(dir);
}

TEST(SplitRuntime, QuietPlatformMatchesFpmPrediction) { expect_exact(true, "fpm"); }

// Split stages do not load weights yet: with `weights:`, a plan with split stages is a located
// input error (exit 2) once the partitioner has run, and nothing is written.
TEST(SplitRuntime, WeightsWithSplitStagesAreALocatedInputError) {
  const fs::path out = scratch("weights") / "out";
  const auto r = edgesplit::test::edgesplit("run scenarios/ofpm/ofpm-vgg16-wifi.yaml --quiet --out '" + out.string() +
                                            "' --set 'weights={storage_bandwidth: 1GBps}'",
                                            "split");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "<command line>:1:1: error: weights: the plan has split stages (fpm, ofpm), which do not load weights "
            "yet; remove weights: or choose a partitioner without split stages\n");
  EXPECT_FALSE(fs::exists(out));
}
