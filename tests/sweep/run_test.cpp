// Running sweeps with a fake point program: failures recorded, kill -9 + --resume, shards + --collect.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "test_util.hpp"

namespace edgesplit::sweep {
namespace {

namespace fs = std::filesystem;
using test::lines;
using test::read;
using test::sweep_cmd;
using test::TempDir;
using test::write;

/// A base scenario (the fake runner only checks it exists) and a 3 x 2 x 2 = 12 point sweep.
void make_sweep(const TempDir& tmp, const std::string& extra_grid = "", const std::string& sleep = "0.05") {
  write(tmp / "base.yaml", "name: fake\nseed: 1\n");
  write(tmp / "s.yaml", "base: base.yaml\ngrid:\n  x: [1, 2, 3]\n  y: [4, 5]\n" + extra_grid + "  sleep: [" + sleep +
                            "]\nrepeat: 2\n");
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::set<std::string> listed_ids(const std::string& list_out) {
  std::set<std::string> ids;
  for (const auto& l : lines(list_out)) ids.insert(l.substr(0, 12));
  return ids;
}

TEST(SweepRun, AllPointsWrittenAndRowsSortedById) {
  TempDir tmp("run");
  make_sweep(tmp, "", "0");
  const auto list = sweep_cmd({(tmp / "s.yaml").string(), "--list"});
  ASSERT_EQ(list.code, 0) << list.err;
  ASSERT_EQ(lines(list.out).size(), 12u);
  EXPECT_NE(list.out.find(" x=1 y=4 sleep=0 seed=2\n"), std::string::npos) << list.out;

  const auto r = sweep_cmd({(tmp / "s.yaml").string(), "--out", (tmp / "out").string(), "--jobs", "3", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto ids = listed_ids(list.out);
  std::set<std::string> expected_entries = ids;
  EXPECT_EQ(entries(tmp / "out/points"), expected_entries);
  const auto rows = lines(read(tmp / "out/results.csv"));
  ASSERT_EQ(rows.size(), 13u);
  EXPECT_EQ(rows[0],
            "point,x,y,sleep,seed,status,error,throughput_rps,latency_p50_s,latency_p95_s,energy_per_inference_j,"
            "bottleneck_stage,scenario,partitioner,requests_completed,latency_mean_s,latency_max_s,bottleneck_host,"
            "bottleneck_resource,energy_total_j,energy_by_host_pi-1_j,predicted_bottleneck_s,summary_seed");
  std::vector<std::string> row_ids;
  for (std::size_t i = 1; i < rows.size(); ++i) row_ids.push_back(rows[i].substr(0, 12));
  EXPECT_TRUE(std::is_sorted(row_ids.begin(), row_ids.end()));
  EXPECT_EQ(std::set<std::string>(row_ids.begin(), row_ids.end()), ids);
  // The fake computes throughput = 2 * (10 x + y) + seed: check one row against that closed form.
  bool found = false;
  for (const auto& row : rows)
    if (row.find(",3,5,0,2,ok,,") != std::string::npos) {
      EXPECT_NE(row.find(",ok,,72.25,35.5,1e-05,0.2,2,fake,\"fake, \"\"quoted\"\"\",10,"), std::string::npos) << row;
      found = true;
    }
  EXPECT_TRUE(found);
  // Each point dir holds the run's outputs, point.json and the run's (empty) stderr.
  const auto one = tmp / "out/points" / *ids.begin();
  EXPECT_TRUE(fs::exists(one / "summary.json"));
  EXPECT_TRUE(fs::exists(one / "requests.csv"));
  EXPECT_TRUE(fs::exists(one / "point.json"));
  EXPECT_EQ(read(one / "stderr.txt"), "");
  // The run got --set for each key, in sweep order.
  EXPECT_EQ(lines(read(one / "args.txt")).size(), 3u);
}

TEST(SweepRun, FailedPointsAreRecordedAndDoNotStopTheOthers) {
  TempDir tmp("fail");
  write(tmp / "base.yaml", "name: fake\n");
  write(tmp / "s.yaml", "base: base.yaml\ngrid:\n  x: [1, bad, infeasible, crash, 2]\n");
  const auto r = sweep_cmd({(tmp / "s.yaml").string(), "--out", (tmp / "out").string(), "--jobs", "2", "--quiet"});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_NE(r.err.find("edgesplit sweep: 3 of 5 points failed"), std::string::npos) << r.err;
  const auto text = read(tmp / "out/results.csv");
  EXPECT_NE(text.find(",bad,1,invalid,\"<command line>:1:1: error: --set x: expected a number, found \"\"bad\"\", really\",,"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(",infeasible,1,infeasible,infeasible: no plan fits the memory of the hosts,"), std::string::npos);
  EXPECT_NE(text.find(",crash,1,crashed,killed by signal 9 (Killed),"), std::string::npos) << text;
  EXPECT_NE(text.find(",2,1,ok,,5.25,2.5,"), std::string::npos) << text;
  // The failed point's stderr is kept next to point.json.
  int with_stderr = 0;
  for (const auto& e : fs::directory_iterator(tmp / "out/points"))
    if (read(e.path() / "stderr.txt").find("second line") != std::string::npos) ++with_stderr;
  EXPECT_EQ(with_stderr, 1);
}

TEST(SweepRun, ResumeSkipsFinishedPointsAndRefusesWithoutFlag) {
  TempDir tmp("resume");
  make_sweep(tmp, "", "0");
  const std::string log = (tmp / "log.txt").string();
  ::setenv("FAKE_LOG", log.c_str(), 1);
  const std::vector<std::string> base = {(tmp / "s.yaml").string(), "--out", (tmp / "out").string(), "--quiet"};
  ASSERT_EQ(sweep_cmd(base).code, 0);
  EXPECT_EQ(lines(read(log)).size(), 12u);
  const std::string first = read(tmp / "out/results.csv");
  const auto again = sweep_cmd(base);
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("already holds 12 points of this sweep: pass --resume"), std::string::npos) << again.err;
  auto resumed = base;
  resumed.push_back("--resume");
  ASSERT_EQ(sweep_cmd(resumed).code, 0);
  EXPECT_EQ(lines(read(log)).size(), 12u);  // nothing re-run
  EXPECT_EQ(read(tmp / "out/results.csv"), first);
  ::unsetenv("FAKE_LOG");
}

TEST(SweepRun, RetryFailedRerunsOnlyFailedPoints) {
  TempDir tmp("retry");
  write(tmp / "base.yaml", "name: fake\n");
  write(tmp / "s.yaml", "base: base.yaml\ngrid:\n  x: [1, bad]\n");
  const std::string log = (tmp / "log.txt").string();
  ::setenv("FAKE_LOG", log.c_str(), 1);
  const std::vector<std::string> a = {(tmp / "s.yaml").string(), "--out", (tmp / "out").string(), "--quiet"};
  EXPECT_EQ(sweep_cmd(a).code, 5);
  auto b = a;
  b.push_back("--retry-failed");
  EXPECT_EQ(sweep_cmd(b).code, 5);
  EXPECT_EQ(lines(read(log)).size(), 1u);  // the ok point ran once; the bad one fails before logging
  EXPECT_EQ(entries(tmp / "out/points").size(), 2u);
  ::unsetenv("FAKE_LOG");
}

/// Runs the driver as a child process and SIGKILLs it after `delay`; returns true if it was killed.
bool run_and_kill(const std::vector<std::string>& args, std::chrono::milliseconds delay) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    static const std::string driver = SWEEP_DRIVER;
    argv.push_back(const_cast<char*>(driver.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  // The sweep's children die with it (PR_SET_PDEATHSIG), but the fake runner is a shell script whose
  // own short-lived children (mkdir, mv) may finish a moment later; the real run is one process.
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  return WIFSIGNALED(status);
}

TEST(SweepRun, KillNineAtAnyMomentThenResumeEqualsAnUninterruptedRun) {
  TempDir tmp("kill");
  make_sweep(tmp);
  const auto ref = sweep_cmd({(tmp / "s.yaml").string(), "--out", (tmp / "ref").string(), "--jobs", "2", "--quiet"});
  ASSERT_EQ(ref.code, 0) << ref.err;
  const std::string expected = read(tmp / "ref/results.csv");
  const auto ids = entries(tmp / "ref/points");
  ASSERT_EQ(ids.size(), 12u);
  // Several kills at different moments (before, during and after points), each followed by more kills
  // of the resumed sweep, then a final resume to completion.
  int killed_midway = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const fs::path out = tmp / fmt::format("out{}", trial);
    std::vector<std::string> args = {"--runner", test::fake_runner(), (tmp / "s.yaml").string(), "--out", out.string(),
                                     "--jobs", "2", "--quiet", "--resume"};
    for (int k = 0; k < 3; ++k) {
      if (run_and_kill(args, std::chrono::milliseconds(40 + 70 * trial + 25 * k))) ++killed_midway;
      // Between kills nothing but finished points and leftovers of this sweep's own points exist.
      if (fs::exists(out / "points")) {
        for (const auto& name : entries(out / "points")) EXPECT_TRUE(ids.count(name.substr(0, 12))) << name;
      }
    }
    const auto done = sweep_cmd({(tmp / "s.yaml").string(), "--out", out.string(), "--jobs", "2", "--quiet", "--resume"});
    ASSERT_EQ(done.code, 0) << done.err;
    EXPECT_EQ(read(out / "results.csv"), expected) << "trial " << trial;
    EXPECT_EQ(entries(out / "points"), ids) << "trial " << trial;  // no temporaries, no duplicates
  }
  EXPECT_GT(killed_midway, 0);
}

TEST(SweepRun, ShardsCollectedEqualTheUnshardedSweep) {
  TempDir tmp("shards");
  make_sweep(tmp, "", "0");
  const std::string sweep = (tmp / "s.yaml").string();
  ASSERT_EQ(sweep_cmd({sweep, "--out", (tmp / "all").string(), "--quiet"}).code, 0);
  std::set<std::string> union_ids;
  std::size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    const std::string shard = fmt::format("{}/3", k);
    const fs::path dir = tmp / fmt::format("s{}", k);
    const auto list = sweep_cmd({sweep, "--list", "--shard", shard});
    for (const auto& id : listed_ids(list.out)) union_ids.insert(id);
    total += lines(list.out).size();
    const auto r = sweep_cmd({sweep, "--out", dir.string(), "--shard", shard, "--quiet"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(entries(dir / "points").size(), 4u);  // 12 points: 4 each
  }
  EXPECT_EQ(total, 12u);
  EXPECT_EQ(union_ids, entries(tmp / "all/points"));
  // Collect into a fresh directory, and into the first shard's directory.
  const auto c = sweep_cmd({"--collect", (tmp / "s1").string(), (tmp / "s2").string(), (tmp / "s3").string(), "--out",
                            (tmp / "merged").string(), "--quiet"},
                           false);
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(read(tmp / "merged/results.csv"), read(tmp / "all/results.csv"));
  EXPECT_EQ(entries(tmp / "merged/points"), entries(tmp / "all/points"));
  ASSERT_EQ(sweep_cmd({"--collect", (tmp / "s1").string(), (tmp / "s2").string(), (tmp / "s3").string(), "--quiet"}, false).code, 0);
  EXPECT_EQ(read(tmp / "s1/results.csv"), read(tmp / "all/results.csv"));
  // Two shards only: the third's points are reported missing.
  const auto partial = sweep_cmd({"--collect", (tmp / "s2").string(), (tmp / "s3").string(), "--out",
                                  (tmp / "partial").string(), "--quiet"},
                                 false);
  EXPECT_EQ(partial.code, 5);
  EXPECT_NE(partial.err.find("4 of 12 points missing"), std::string::npos) << partial.err;
}

TEST(SweepRun, UsageAndSweepFileErrorsExitTwo) {
  TempDir tmp("usage");
  write(tmp / "base.yaml", "name: b\n");
  write(tmp / "bad.yaml", "base: base.yaml\ngrid:\n  x: [1]\nrepet: 2\n");
  const auto r = sweep_cmd({(tmp / "bad.yaml").string(), "--out", (tmp / "out").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, (tmp / "bad.yaml").string() + ":4:1: error: repet: unknown key; did you mean \"repeat\"?\n");
  EXPECT_FALSE(fs::exists(tmp / "out"));
  EXPECT_EQ(sweep_cmd({(tmp / "bad.yaml").string(), "--shard", "4/3"}).code, 2);
  EXPECT_EQ(sweep_cmd({(tmp / "bad.yaml").string(), "--jobs", "0"}).code, 2);
  EXPECT_EQ(sweep_cmd({}).code, 2);
  EXPECT_EQ(sweep_cmd({"--collect"}, false).code, 2);
  EXPECT_EQ(sweep_cmd({"a.yaml", "--frobnicate"}).code, 2);
}

}  // namespace
}  // namespace edgesplit::sweep
