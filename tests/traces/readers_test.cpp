// Trace readers: every format on a synthetic fixture with hand-computed rates, and one refusal
// per kind of bad input, with its FILE:LINE:COLUMN.
#include "sim/traces/readers.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace edgesplit::traces {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/traces/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<Series> bw(const std::string& text, const std::string& format, config::Diagnostics& d,
                         ReadOptions o = {}) {
  return read_bandwidth(text, format, "t.trace", o, d);
}

TEST(Readers, CsvStepWithUnits) {
  config::Diagnostics d;
  const auto s = bw(fixture("step.csv"), "csv", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->times_s, (std::vector<double>{0, 2}));
  EXPECT_EQ(s->values, (std::vector<double>{1e8, 2e7}));  // 800Mbps, 160Mbps
  EXPECT_DOUBLE_EQ(s->span_s, 4);                         // last row lasts as long as the one before
  EXPECT_DOUBLE_EQ(mean_value(*s), 6e7);
}

TEST(Readers, CsvPlainBytesPerSecondCommentsAndBlankLines) {
  config::Diagnostics d;
  const auto s = bw("# a comment\ntime_s,bandwidth\n\n0, 1000\n0.5,3000\r\n", "csv", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->values, (std::vector<double>{1000, 3000}));
  EXPECT_DOUBLE_EQ(mean_value(*s), 2000);
}

TEST(Readers, SimgridMatchesCsv) {
  config::Diagnostics d;
  const auto s = bw(fixture("step.simgrid"), "simgrid", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->values, (std::vector<double>{1e8, 2e7}));
  EXPECT_DOUBLE_EQ(mean_value(*s), 6e7);
}

TEST(Readers, MahimahiFiveOpportunitiesEveryFourMs) {
  config::Diagnostics d;
  const auto s = bw(fixture("five.mahimahi"), "mahimahi", d);  // default bin 1 s: one window of 4 ms
  ASSERT_TRUE(s) << d.format();
  EXPECT_DOUBLE_EQ(s->span_s, 0.004);
  ASSERT_EQ(s->values.size(), 1u);
  EXPECT_DOUBLE_EQ(s->values[0], 1.875e6);  // 7500 B / 4 ms
  EXPECT_DOUBLE_EQ(mean_value(*s), 1.875e6);
}

TEST(Readers, MahimahiBinnedWindows) {
  config::Diagnostics d;
  ReadOptions o;
  o.bin_s = 0.002;  // windows [0,2) ms: stamps 0,1; [2,4) ms: stamps 2,3 and 4 (the period's last)
  const auto s = bw(fixture("five.mahimahi"), "mahimahi", d, o);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->times_s, (std::vector<double>{0, 0.002}));
  EXPECT_DOUBLE_EQ(s->values[0], 3000 / 0.002);
  EXPECT_DOUBLE_EQ(s->values[1], 4500 / 0.002);
  EXPECT_DOUBLE_EQ(mean_value(*s), 1.875e6);
  // Looping: 1500 bytes x 5 per 4 ms over 1 s = 1.875e6 B.
  Series loop = *s;
  loop.end = EndMode::Loop;
  EXPECT_NEAR(integral(loop, 0, 1.0), 1.875e6, 1e-3);
}

TEST(Readers, MahimahiRepeatedStampsCountTwice) {
  config::Diagnostics d;
  const auto s = bw("0\n5\n5\n10\n", "mahimahi", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_DOUBLE_EQ(mean_value(*s), 4 * 1500 / 0.010);
}

TEST(Readers, BwlogNorwayLayout) {
  config::Diagnostics d;
  const auto s = bw(fixture("norway.log"), "bwlog", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->times_s, (std::vector<double>{0, 1, 1.5, 3}));
  EXPECT_EQ(s->values, (std::vector<double>{248000, 200000, 200000, 0}));
  EXPECT_DOUBLE_EQ(s->span_s, 4);
  EXPECT_DOUBLE_EQ(mean_value(*s), 648000.0 / 4);
}

TEST(Readers, BwlogGhentLayoutWithZeroPaddedInterval) {
  config::Diagnostics d;
  const auto s = bw(fixture("ghent.log"), "bwlog", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->values, (std::vector<double>{2e6, 1e6}));
  EXPECT_DOUBLE_EQ(s->span_s, 1.999);
  EXPECT_DOUBLE_EQ(mean_value(*s), 2999000 / 1.999);
}

TEST(Readers, CookedShiftsToZeroAndConvertsMbps) {
  config::Diagnostics d;
  const auto s = bw(fixture("cooked.txt"), "cooked", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->times_s, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(s->values, (std::vector<double>{1e6, 2e6, 1e6}));
  EXPECT_DOUBLE_EQ(mean_value(*s), 4e6 / 3);
}

TEST(Readers, Lumos5gSelectsARun) {
  config::Diagnostics d;
  ReadOptions o;
  o.run = 1;
  const auto s = bw(fixture("lumos5g.csv"), "lumos5g", d, o);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->times_s, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(s->values, (std::vector<double>{1e7, 2e7, 5e6}));  // 80, 160, 40 Mb/s
  EXPECT_DOUBLE_EQ(mean_value(*s), 3.5e7 / 3);
  o.run = 2;
  const auto r2 = bw(fixture("lumos5g.csv"), "lumos5g", d, o);
  ASSERT_TRUE(r2) << d.format();
  EXPECT_DOUBLE_EQ(mean_value(*r2), (1e6 + 3e6) / 2);
}

TEST(Readers, Lumos5gRefusesMixedRuns) {
  config::Diagnostics d;
  EXPECT_FALSE(bw(fixture("lumos5g.csv"), "lumos5g", d));
  EXPECT_EQ(
      d.format(),
      "t.trace:5:1: error: run_num: expected rows of a single run, found run_num 2 after 1 (select one with run: N)\n");
}

TEST(Readers, Lumos5gFindsThroughputByName) {
  config::Diagnostics d;
  const auto s = bw("Throughput,other\n8,x\n16,y\n", "lumos5g", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->values, (std::vector<double>{1e6, 2e6}));
  EXPECT_FALSE(bw("time,tput\n1,2\n", "lumos5g", d));
  EXPECT_NE(d.format().find("t.trace:1:1: error: Throughput: expected a header with a Throughput column"),
            std::string::npos);
}

TEST(Readers, LatencyCsvWithUnits) {
  config::Diagnostics d;
  const auto s = read_latency(fixture("latency.csv"), "csv", "l.csv", d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->values, (std::vector<double>{0.002, 0.05}));
  EXPECT_DOUBLE_EQ(mean_value(*s), (5 * 0.002 + 5 * 0.05) / 10);
}

TEST(Readers, LoadAndStateCsv) {
  config::Diagnostics d;
  const auto load = read_load_csv(fixture("load.csv"), "load.csv", d);
  ASSERT_TRUE(load) << d.format();
  EXPECT_EQ(load->values, (std::vector<double>{0.25, 0.75}));
  const auto state = read_state_csv(fixture("fail.csv"), "fail.csv", d);
  ASSERT_TRUE(state) << d.format();
  EXPECT_EQ(state->times_s, (std::vector<double>{0, 20, 25}));
  EXPECT_EQ(state->values, (std::vector<double>{1, 0, 1}));
  EXPECT_FALSE(read_load_csv("time_s,value\n0,1.5\n", "x.csv", d));
  EXPECT_FALSE(read_state_csv("time_s,up\n0,2\n", "y.csv", d));
  EXPECT_EQ(d.format(),
            "x.csv:2:3: error: value: expected a fraction between 0 and 1, found \"1.5\"\n"
            "y.csv:2:3: error: up: expected 0 (down) or 1 (up), found \"2\"\n");
}

// --- refusals, one per kind -------------------------------------------------------------------

TEST(ReaderRefusals, MalformedLineNamesFileLineAndExpectation) {
  config::Diagnostics d;
  EXPECT_FALSE(read_bandwidth(fixture("bad/malformed.csv"), "csv", "traces/bad.csv", {}, d));
  EXPECT_EQ(d.format(),
            "traces/bad.csv:3:1: error: line: expected 2 comma-separated fields (time_s,bandwidth), found 1 in "
            "\"1;20Mbps\"\n");
}

TEST(ReaderRefusals, DecreasingTime) {
  config::Diagnostics d;
  EXPECT_FALSE(read_bandwidth(fixture("bad/decreasing.csv"), "csv", "traces/step.csv", {}, d));
  EXPECT_EQ(d.format(),
            "traces/step.csv:4:1: error: time_s: expected times in increasing order, found 12.0 after 12.5\n");
}

TEST(ReaderRefusals, NegativeValue) {
  config::Diagnostics d;
  EXPECT_FALSE(read_bandwidth(fixture("bad/negative.csv"), "csv", "n.csv", {}, d));
  EXPECT_EQ(d.format(),
            "n.csv:3:3: error: bandwidth: expected a non-negative bandwidth such as 100Mbps, found \"-5Mbps\"\n");
}

TEST(ReaderRefusals, BadUnitKeepsTheUnitsHint) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("time_s,bandwidth\n0,100Mb\n", "csv", d));
  EXPECT_EQ(d.format(),
            "t.trace:2:3: error: bandwidth: expected a bandwidth such as 100Mbps, found \"100Mb\" (did you mean "
            "100Mbps or 100MBps?)\n");
}

TEST(ReaderRefusals, WrongHeader) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("time,bw\n0,1\n", "csv", d));
  EXPECT_EQ(d.format(), "t.trace:1:1: error: header: expected \"time_s,bandwidth\", found \"time,bw\"\n");
}

TEST(ReaderRefusals, FirstTimeMustBeZero) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("time_s,bandwidth\n1,5\n", "csv", d));
  EXPECT_EQ(d.format(), "t.trace:2:1: error: time_s: expected the first time to be 0, found 1\n");
}

TEST(ReaderRefusals, EveryBadLineIsReported) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("0 10\nx 5\n2 -1\n3 1 2\n", "simgrid", d));
  EXPECT_EQ(d.format(),
            "t.trace:2:1: error: date: expected a time in seconds, found \"x\"\n"
            "t.trace:3:3: error: value: expected a non-negative bandwidth in B/s, found \"-1\"\n"
            "t.trace:4:1: error: line: expected 2 whitespace-separated numbers (date value), found \"3 1 2\"\n");
}

TEST(ReaderRefusals, SimgridLoopKeywordPointsToEndLoop) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("0 10\nLOOPAFTER 5\n", "simgrid", d));
  EXPECT_NE(d.format().find("t.trace:2:1: error: line: expected \"date value\" lines, found \"LOOPAFTER 5\""),
            std::string::npos);
}

TEST(ReaderRefusals, MahimahiDecreasingAndZeroPeriod) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("0\n3\n2\n", "mahimahi", d));
  EXPECT_EQ(d.format(), "t.trace:3:1: error: timestamp_ms: expected times in increasing order, found 2 after 3\n");
  config::Diagnostics d2;
  EXPECT_FALSE(bw("0\n0\n", "mahimahi", d2));
  EXPECT_NE(d2.format().find("expected a last timestamp above 0"), std::string::npos);
  config::Diagnostics d3;
  EXPECT_FALSE(bw("0\n1.5\n", "mahimahi", d3));
  EXPECT_EQ(d3.format(),
            "t.trace:2:1: error: timestamp_ms: expected one non-negative integer number of milliseconds per line, "
            "found \"1.5\"\n");
}

TEST(ReaderRefusals, BwlogColumnsAndIntervals) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("1 2 3 4 5\n1 2 3 4 -5 10\n1 2 3 4 5 0\n", "bwlog", d));
  EXPECT_EQ(d.format(),
            "t.trace:1:1: error: line: expected 6 whitespace-separated columns (timestamp elapsed_ms latitude "
            "longitude bytes interval_ms), found 5 in \"1 2 3 4 5\"\n"
            "t.trace:2:9: error: bytes: expected a non-negative number of bytes, found \"-5\"\n"
            "t.trace:3:11: error: interval_ms: expected a positive number of milliseconds, found \"0\"\n");
}

TEST(ReaderRefusals, EmptyFile) {
  config::Diagnostics d;
  EXPECT_FALSE(bw("", "cooked", d));
  EXPECT_EQ(d.format(), "t.trace:1:1: error: expected at least one data row, found none\n");
}

}  // namespace
}  // namespace edgesplit::traces
