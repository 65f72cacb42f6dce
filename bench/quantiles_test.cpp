// Tests of sim/recorder/quantiles.hpp (kept with the benchmarks that motivated it): the bounded-memory
// latency figures must equal, to the bit, those of every latency in memory, sorted (the recorder's
// former code) and make_timeline(), on files large enough to need several radix passes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "sim/recorder/dynamics_json.hpp"
#include "sim/recorder/quantiles.hpp"

namespace fs = std::filesystem;
using edgesplit::recorder::kth_latency;
using edgesplit::recorder::latency_stats;
using edgesplit::recorder::make_timeline;

namespace {

const fs::path kDir = fs::temp_directory_path() / fmt::format("edgesplit-quantiles-{}", ::getpid());
// Each test runs in its own process (gtest_discover_tests): its files go when it exits.
const struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ec;
    fs::remove_all(kDir, ec);
  }
} kRemoveAtExit;

// requests.csv as the recorder writes it (fmt's shortest round-trip form of each double).
std::string write_csv(const std::string& name, const std::vector<double>& latencies) {
  fs::create_directories(kDir);
  const std::string path = (kDir / name).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("request,arrival_s,start_s,end_s,latency_s\n", f);
  double t = 0;
  for (std::size_t i = 0; i < latencies.size(); ++i) {
    t += 0.01;
    std::fputs(fmt::format("{},{},{},{},{}\n", i, t, t, t + latencies[i], latencies[i]).c_str(), f);
  }
  std::fclose(f);
  return path;
}

// The recorder's former percentile: nearest rank on the sorted values.
double nearest(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// Deterministic latencies: a narrow band around 1.25 s with many exact ties and a tail, so that
// the first 16 key bits (sign, exponent, 4 mantissa bits) hold almost every value.
std::vector<double> latencies(std::size_t n) {
  std::vector<double> out;
  uint64_t s = 7;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(s >> 11) / 9007199254740992.0;
    if (i % 7 == 0) out.push_back(1.25);                        // ties
    else if (i % 101 == 0) out.push_back(3.0 + 40.0 * u);       // tail
    else out.push_back(1.25 + 1e-3 * u);                         // the band
  }
  return out;
}

void expect_same_timeline(const std::vector<edgesplit::recorder::TimelineWindow>& a,
                          const std::vector<edgesplit::recorder::TimelineWindow>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].start_s, b[k].start_s) << k;
    EXPECT_EQ(a[k].end_s, b[k].end_s) << k;
    EXPECT_EQ(a[k].completed, b[k].completed) << k;
    EXPECT_EQ(a[k].throughput_rps, b[k].throughput_rps) << k;
    EXPECT_EQ(a[k].latency_p95_s, b[k].latency_p95_s) << k;
  }
}

}  // namespace

TEST(Quantiles, LargeFileEqualsSortedToTheBit) {
  const auto v = latencies(300000);  // > 4 MB of CSV: lines cross the reader's 64 KiB blocks
  const std::string path = write_csv("large.csv", v);
  // Windows: many small ones, one of 200,000 rows (selected from the file, not in memory), empty ones.
  std::vector<std::size_t> marks;
  for (std::size_t m = 100; m <= 50000; m += 100) marks.push_back(m);
  marks.push_back(50000);
  marks.push_back(250000);
  marks.push_back(250000);
  marks.push_back(300000);
  const auto stats = latency_stats(path, marks, 2.0, 1234.5);
  EXPECT_EQ(stats.count, 300000);
  EXPECT_EQ(stats.mean_s, std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()));
  EXPECT_EQ(stats.p50_s, nearest(v, 50));
  EXPECT_EQ(stats.p95_s, nearest(v, 95));
  EXPECT_EQ(stats.p99_s, nearest(v, 99));
  EXPECT_EQ(stats.max_s, *std::max_element(v.begin(), v.end()));
  expect_same_timeline(stats.timeline, make_timeline(v, marks, 2.0, 1234.5));
}

TEST(Quantiles, EveryRankOfASmallFile) {
  const std::vector<double> v = {0.5, 0.25, 0.25, 1e-05, 3.0, 0.125, 7.5, 0.25, 2e-9, 0.75};
  const std::string path = write_csv("small.csv", v);
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t k = 1; k <= v.size(); ++k) EXPECT_EQ(kth_latency(path, 0, v.size(), k), sorted[k - 1]) << k;
  // A row range: rows 2..5 hold 0.25, 1e-05, 3.0, 0.125.
  EXPECT_EQ(kth_latency(path, 2, 6, 1), 1e-05);
  EXPECT_EQ(kth_latency(path, 2, 6, 4), 3.0);
}

TEST(Quantiles, MarksPastTheLastRowAreClampedAsMakeTimelineDoes) {
  const auto v = latencies(1000);
  const std::string path = write_csv("clamp.csv", v);
  const std::vector<std::size_t> marks = {10, 600, 1500, 2000};
  expect_same_timeline(latency_stats(path, marks, 0.5, 3.0).timeline, make_timeline(v, marks, 0.5, 3.0));
}

TEST(Quantiles, HeaderOnlyGivesZeros) {
  const std::string path = write_csv("empty.csv", {});
  const auto stats = latency_stats(path, {0, 0}, 1.0, 2.0);
  EXPECT_EQ(stats.count, 0);
  EXPECT_EQ(stats.p50_s, 0.0);
  EXPECT_EQ(stats.max_s, 0.0);
  expect_same_timeline(stats.timeline, make_timeline({}, {0, 0}, 1.0, 2.0));
}

TEST(Quantiles, UnreadableLatencyIsAnError) {
  const fs::path p = kDir / "bad.csv";
  fs::create_directories(kDir);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  std::fputs("request,arrival_s,start_s,end_s,latency_s\n0,0,0,1,1\n1,0,0,1,oops\n", f);
  std::fclose(f);
  EXPECT_THROW(latency_stats(p.string(), {}, 1.0, 1.0), std::runtime_error);
  EXPECT_THROW(latency_stats((kDir / "missing.csv").string(), {}, 1.0, 1.0), std::runtime_error);
}
