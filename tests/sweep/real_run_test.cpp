// Sweeps of real `edgesplit run` processes on tests/sweep/data/tiny.yaml (VGG8 on one host, a few requests).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "test_util.hpp"

namespace edgesplit::sweep {
namespace {

namespace fs = std::filesystem;
using test::lines;
using test::read;
using test::TempDir;
using test::write;

const std::string kData = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/sweep/data";

test::Result real_sweep(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = command(args, EDGESPLIT_BINARY, out, err);
  return {code, out.str(), err.str()};
}

/// results.csv as column name -> value, one map per row.
std::vector<std::map<std::string, std::string>> table(const fs::path& csv) {
  const auto ls = lines(read(csv));
  std::vector<std::map<std::string, std::string>> out;
  auto split = [](const std::string& l) {  // no quoted fields in these rows
    std::vector<std::string> f;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= l.size(); ++i)
      if (i == l.size() || l[i] == ',') {
        f.push_back(l.substr(start, i - start));
        start = i + 1;
      }
    return f;
  };
  const auto head = split(ls.at(0));
  for (std::size_t r = 1; r < ls.size(); ++r) {
    const auto f = split(ls[r]);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < head.size() && i < f.size(); ++i) row[head[i]] = f[i];
    out.push_back(row);
  }
  return out;
}

TEST(RealRun, ThroughputOfEveryPointMatchesTheClosedForm) {
  TempDir tmp("real");
  const auto r = real_sweep({kData + "/tiny-sweep.yaml", "--out", (tmp / "out").string(), "--jobs", "2", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = table(tmp / "out/results.csv");
  ASSERT_EQ(rows.size(), 12u);
  const std::map<std::string, double> speed = {{"1Gf", 1e9}, {"2Gf", 2e9}, {"5Gf", 5e9}};
  const double vgg8_flops = 2.0 * 615917568.0;  // 2 x MACs, `edgesplit models`
  std::multiset<std::string> seeds;
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("status"), "ok");
    // One stage, saturate arrivals: one request per compute time (FORMATS.md, throughput_rps).
    const double want = speed.at(row.at("platform.device_types.t.speed")) / vgg8_flops;
    EXPECT_NEAR(std::stod(row.at("throughput_rps")), want, want * 1e-9);
    EXPECT_EQ(row.at("requests_completed"), row.at("workload.requests"));
    EXPECT_EQ(row.at("summary_seed"), row.at("seed"));
    seeds.insert(row.at("seed"));
  }
  EXPECT_EQ(seeds.count("3"), 6u);  // tiny.yaml has seed: 3, repeat: 2
  EXPECT_EQ(seeds.count("4"), 6u);
  EXPECT_EQ(rows.front().count("wall_time_s"), 0u);
}

TEST(RealRun, InvalidGridValueIsRecordedWithTheRunsMessage) {
  TempDir tmp("realbad");
  write(tmp / "s.yaml", fmt::format("base: {}/tiny.yaml\ngrid:\n  workload.requests: [2, ten]\n", kData));
  const auto r = real_sweep({(tmp / "s.yaml").string(), "--out", (tmp / "out").string(), "--quiet"});
  EXPECT_EQ(r.code, 5);
  EXPECT_NE(r.err.find("1 of 2 points failed"), std::string::npos) << r.err;
  const auto rows = table(tmp / "out/results.csv");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    if (row.at("workload.requests") == "ten") {
      EXPECT_EQ(row.at("status"), "invalid");
      EXPECT_EQ(row.at("error").rfind("\"<command line>:", 0), 0u) << row.at("error");
    } else {
      EXPECT_EQ(row.at("status"), "ok");
    }
  }
}

TEST(RealRun, KilledAndResumedEqualsUninterrupted) {
  TempDir tmp("realkill");
  const std::string sweep = kData + "/tiny-sweep.yaml";
  ASSERT_EQ(real_sweep({sweep, "--out", (tmp / "ref").string(), "--quiet"}).code, 0);
  for (int delay_ms : {5, 20, 40}) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const std::string out = (tmp / "out").string();
      ::execl(EDGESPLIT_BINARY, EDGESPLIT_BINARY, "sweep", sweep.c_str(), "--out", out.c_str(), "--jobs", "2", "--quiet",
              "--resume", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  ASSERT_EQ(real_sweep({sweep, "--out", (tmp / "out").string(), "--quiet", "--resume"}).code, 0);
  EXPECT_EQ(read(tmp / "out/results.csv"), read(tmp / "ref/results.csv"));
  std::set<std::string> a, b;
  for (const auto& e : fs::directory_iterator(tmp / "out/points")) a.insert(e.path().filename().string());
  for (const auto& e : fs::directory_iterator(tmp / "ref/points")) b.insert(e.path().filename().string());
  EXPECT_EQ(a, b);
}

TEST(RealRun, ParallelScriptShardsEqualOneMachine) {
  TempDir tmp("realpar");
  const std::string sweep = kData + "/tiny-sweep.yaml";
  ASSERT_EQ(real_sweep({sweep, "--out", (tmp / "one").string(), "--quiet"}).code, 0);
  const std::string cmd = fmt::format("EDGESPLIT='{}' '{}/scripts/sweep-parallel' '{}' '{}' 3 > /dev/null 2>&1", EDGESPLIT_BINARY,
                                      EDGESPLIT_SOURCE_DIR, sweep, (tmp / "par").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(read(tmp / "par/results.csv"), read(tmp / "one/results.csv"));
  for (int k = 1; k <= 3; ++k) EXPECT_EQ(lines(read(tmp / fmt::format("par/shard-{}/results.csv", k))).size(), 5u);
}

}  // namespace
}  // namespace edgesplit::sweep
