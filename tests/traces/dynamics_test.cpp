// Dynamics values from located nodes: fixtures read through the scenario's directory, options
// (end, scale, offset, bin, period), generators, failures, and every refusal with its location.
#include "sim/traces/dynamics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sim/traces/sha256.hpp"

namespace edgesplit::traces {
namespace {

const std::string kDir = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/traces";

// A flow map of scalars as the loader would build it for `dynamics[0].<what>: {k: v, ...}` on
// line 7 of scenarios/s.yaml; each value at its own column.
config::Node entry(const std::string& what, const std::vector<std::pair<std::string, std::string>>& kv) {
  config::Node n;
  n.kind = config::Node::Kind::Map;
  n.key = "dynamics[0]." + what;
  n.loc = {"scenarios/s.yaml", 7, 20};
  int column = 21;
  for (const auto& [k, v] : kv) {
    config::Node c;
    c.kind = config::Node::Kind::Scalar;
    c.scalar = v;
    c.key = n.key + "." + k;
    c.loc = {"scenarios/s.yaml", 7, column + static_cast<int>(k.size()) + 2};
    column += static_cast<int>(k.size() + v.size()) + 4;
    n.entries.emplace_back(k, c);
  }
  return n;
}

std::optional<DynamicsSpec> parse(const std::string& what, const std::vector<std::pair<std::string, std::string>>& kv,
                                  config::Diagnostics& d, const std::string& dir = kDir) {
  return parse_dynamics(what, entry(what, kv), dir, d);
}

TEST(Dynamics, BandwidthCsvWithSummaryInfo) {
  config::Diagnostics d;
  const auto s = parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}}, d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(s->what, "bandwidth");
  ASSERT_TRUE(s->trace);
  EXPECT_EQ(s->trace->path, "step.csv");
  EXPECT_EQ(s->trace->display, kDir + "/step.csv");
  EXPECT_EQ(s->trace->format, "csv");
  EXPECT_EQ(s->trace->sha256, sha256_hex("time_s,bandwidth\n0,800Mbps\n2,160Mbps\n"));
  EXPECT_DOUBLE_EQ(s->trace->mean, 6e7);
  EXPECT_EQ(s->series.end, EndMode::Hold);
  EXPECT_DOUBLE_EQ(finish_time(s->series, 0, 3e8), 7.0);
}

TEST(Dynamics, MahimahiMeanRateAndSha) {
  config::Diagnostics d;
  const auto s = parse("bandwidth", {{"trace", "five.mahimahi"}, {"format", "mahimahi"}, {"end", "loop"}}, d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_DOUBLE_EQ(s->trace->mean, 1.875e6);
  EXPECT_EQ(s->trace->sha256, "026d8ad3dfa1f2aa9da7964947ddedd4e83c6fc008206ebf898699dea80f9804");  // hashlib
  EXPECT_EQ(to_simgrid_profile(s->series, 1), "0 1875000\n");
}

TEST(Dynamics, LoopVersusHold) {
  config::Diagnostics d;
  const auto hold = parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"end", "hold"}}, d);
  const auto loop = parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"end", "loop"}}, d);
  ASSERT_TRUE(hold && loop) << d.format();
  EXPECT_EQ(value_at(hold->series, 5), 2e7);
  EXPECT_EQ(value_at(loop->series, 5), 1e8);
  EXPECT_EQ(to_simgrid_profile(loop->series, 10), "0 100000000\n2 20000000\n4 100000000\n6 20000000\n8 100000000\n");
  EXPECT_EQ(to_simgrid_profile(hold->series, 10), "0 100000000\n2 20000000\n");
}

TEST(Dynamics, ScaleOffsetPeriodAndBin) {
  config::Diagnostics d;
  const auto s =
      parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"scale", "0.5"}, {"offset", "1500ms"}}, d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(to_simgrid_profile(s->series, 100), "0 50000000\n3.5 10000000\n");
  EXPECT_DOUBLE_EQ(s->trace->mean, 3e7);
  const auto p = parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"period", "10s"}, {"end", "loop"}}, d);
  ASSERT_TRUE(p) << d.format();
  EXPECT_DOUBLE_EQ(p->trace->mean, (2e8 + 8 * 2e7) / 10);
  EXPECT_EQ(value_at(p->series, 9), 2e7);
  EXPECT_EQ(value_at(p->series, 10), 1e8);
  // bwlog binned into 2 s windows: pieces 248000 B/s on [0,1), 200000 on [1,3), 0 on [3,4);
  // [0,2) carries 248000 + 200000 = 448000 B, [2,4) carries 200000 B.
  const auto b = parse("bandwidth", {{"trace", "norway.log"}, {"format", "bwlog"}, {"bin", "2s"}}, d);
  ASSERT_TRUE(b) << d.format();
  EXPECT_EQ(b->series.times_s, (std::vector<double>{0, 2}));
  EXPECT_DOUBLE_EQ(b->series.values[0], 448000.0 / 2);
  EXPECT_DOUBLE_EQ(b->series.values[1], 200000.0 / 2);
  EXPECT_DOUBLE_EQ(b->trace->mean, 162000);
  // mahimahi bin 2 ms.
  const auto m = parse("bandwidth", {{"trace", "five.mahimahi"}, {"format", "mahimahi"}, {"bin", "2ms"}}, d);
  ASSERT_TRUE(m) << d.format();
  EXPECT_EQ(m->series.values.size(), 2u);
  EXPECT_DOUBLE_EQ(m->trace->mean, 1.875e6);
}

TEST(Dynamics, EveryBandwidthFormatThroughTheSpec) {
  config::Diagnostics d;
  const std::vector<std::pair<std::string, double>> cases = {{"simgrid", 6e7}, {"cooked", 4e6 / 3}, {"bwlog", 162000}};
  const std::vector<std::string> files = {"step.simgrid", "cooked.txt", "norway.log"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto s = parse("bandwidth", {{"trace", files[i]}, {"format", cases[i].first}}, d);
    ASSERT_TRUE(s) << d.format();
    EXPECT_DOUBLE_EQ(s->trace->mean, cases[i].second) << cases[i].first;
  }
  const auto l = parse("bandwidth", {{"trace", "lumos5g.csv"}, {"format", "lumos5g"}, {"run", "2"}}, d);
  ASSERT_TRUE(l) << d.format();
  EXPECT_DOUBLE_EQ(l->trace->mean, 2e6);
}

TEST(Dynamics, LatencyTrace) {
  config::Diagnostics d;
  const auto s = parse("latency", {{"trace", "latency.csv"}, {"format", "csv"}}, d);
  ASSERT_TRUE(s) << d.format();
  EXPECT_EQ(to_simgrid_profile(s->series, 100), "0 0.002\n5 0.05\n");
}

TEST(Dynamics, LoadTraceKinds) {
  config::Diagnostics d;
  const auto u = parse("load", {{"trace", "load.csv"}, {"format", "csv"}}, d);
  const auto a = parse("load", {{"trace", "load.csv"}, {"format", "csv"}, {"kind", "available"}}, d);
  ASSERT_TRUE(u && a) << d.format();
  EXPECT_EQ(u->series.values, (std::vector<double>{0.75, 0.25}));  // 1 - utilisation
  EXPECT_EQ(a->series.values, (std::vector<double>{0.25, 0.75}));
}

TEST(Dynamics, LoadProcesses) {
  config::Diagnostics d;
  const auto c = parse("load", {{"process", "constant"}, {"value", "0.25"}}, d);
  ASSERT_TRUE(c) << d.format();
  EXPECT_EQ(value_at(c->series, 123), 0.75);
  const auto o = parse("load", {{"process", "onoff"}, {"period", "4s"}, {"duty", "0.25"}, {"value", "0.5"}}, d);
  ASSERT_TRUE(o) << d.format();
  EXPECT_EQ(to_simgrid_profile(o->series, 9), "0 0.5\n1 1\n4 0.5\n5 1\n8 0.5\n");
  const auto w = parse(
      "load",
      {{"process", "random_walk"}, {"step", "0.1"}, {"interval", "1s"}, {"min", "0"}, {"max", "0.5"}, {"seed", "9"}},
      d);
  ASSERT_TRUE(w) << d.format();
  const Series a = materialize(*w, 30);
  const Series b = materialize(*w, 30);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.values.size(), 30u);
  EXPECT_EQ(a.values.front(), 0.75);  // starts at the middle of [0, 0.5]: available 1 - 0.25
  for (double v : a.values) {
    EXPECT_GE(v, 0.5);
    EXPECT_LE(v, 1.0);
  }
}

TEST(Dynamics, FailuresAndOnFailure) {
  config::Diagnostics d;
  const auto f = parse("fail", {{"at", "20s"}, {"duration", "5s"}, {"on_failure", "retry"}}, d);
  ASSERT_TRUE(f) << d.format();
  EXPECT_EQ(to_simgrid_profile(f->series, 100), "0 1\n20 0\n25 1\n");
  ASSERT_TRUE(f->on_failure);
  EXPECT_EQ(*f->on_failure, OnFailure::Retry);
  const auto t = parse("fail", {{"trace", "fail.csv"}, {"format", "csv"}}, d);
  ASSERT_TRUE(t) << d.format();
  EXPECT_EQ(to_simgrid_profile(t->series, 100), "0 1\n20 0\n25 1\n");
  EXPECT_FALSE(t->on_failure);
  const auto z = parse("fail", {{"at", "0"}, {"duration", "2s"}}, d);
  ASSERT_TRUE(z) << d.format();
  EXPECT_EQ(to_simgrid_profile(z->series, 100), "0 0\n2 1\n");
}

TEST(Dynamics, TracePathIsDisplayedAsWritten) {
  EXPECT_EQ(resolve_trace_path("scenarios", "../traces/step.csv"), "scenarios/../traces/step.csv");
  EXPECT_EQ(resolve_trace_path("scenarios/", "step.csv"), "scenarios/step.csv");
  EXPECT_EQ(resolve_trace_path("", "step.csv"), "step.csv");
  EXPECT_EQ(resolve_trace_path("scenarios", "/abs/step.csv"), "/abs/step.csv");
}

// --- refusals ---------------------------------------------------------------------------------

TEST(DynamicsRefusals, UnknownFormatWithDidYouMean) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "five.mahimahi"}, {"format", "mahimahii"}}, d));
  EXPECT_EQ(d.format(),
            "scenarios/s.yaml:7:51: error: dynamics[0].bandwidth.format: expected one of csv, simgrid, mahimahi, "
            "bwlog, cooked, lumos5g, found \"mahimahii\"; did you mean \"mahimahi\"?\n");
}

TEST(DynamicsRefusals, MissingFile) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "../traces/nope.csv"}, {"format", "csv"}}, d, "scenarios"));
  EXPECT_EQ(d.format(),
            "scenarios/s.yaml:7:28: error: dynamics[0].bandwidth.trace: expected a readable trace file, found "
            "\"../traces/nope.csv\" (no such file: scenarios/../traces/nope.csv)\n");
}

TEST(DynamicsRefusals, NeverDelivers) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "bad/zero.csv"}, {"format", "csv"}}, d));
  EXPECT_EQ(d.format(),
            "scenarios/s.yaml:7:28: error: dynamics[0].bandwidth.trace: expected a trace that delivers "
            "bytes, found only zero bandwidth in \"" +
                kDir + "/bad/zero.csv\"\n");
}

TEST(DynamicsRefusals, BadLineInsideTraceIsLocatedInTheTrace) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "bad/decreasing.csv"}, {"format", "csv"}}, d));
  EXPECT_EQ(d.format(), kDir +
                            "/bad/decreasing.csv:4:1: error: time_s: expected times in increasing order, found "
                            "12.0 after 12.5\n");
}

TEST(DynamicsRefusals, UnknownKeyMissingKeyAndBadValues) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "step.csv"}, {"fromat", "csv"}, {"end", "repeat"}, {"scale", "-2"}}, d));
  const std::string out = d.format();
  EXPECT_NE(out.find("dynamics[0].bandwidth.fromat: unknown key; did you mean \"format\"?"), std::string::npos) << out;
  EXPECT_NE(out.find("scenarios/s.yaml:7:20: error: dynamics[0].bandwidth: missing key \"format\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("dynamics[0].bandwidth.end: expected one of hold, loop, found \"repeat\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("dynamics[0].bandwidth.scale: expected a positive number, found \"-2\""), std::string::npos)
      << out;
}

TEST(DynamicsRefusals, OptionsThatDoNotApply) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"run", "1"}}, d));
  EXPECT_NE(d.format().find("run: expected no run: for format csv"), std::string::npos) << d.format();
  config::Diagnostics d2;
  EXPECT_FALSE(parse("latency", {{"trace", "latency.csv"}, {"format", "csv"}, {"bin", "1s"}}, d2));
  EXPECT_NE(d2.format().find("dynamics[0].latency.bin: unknown key"), std::string::npos) << d2.format();
  config::Diagnostics d3;
  EXPECT_FALSE(parse("bandwidth", {{"trace", "step.csv"}, {"format", "csv"}, {"period", "2s"}}, d3));
  EXPECT_NE(d3.format().find("period: expected a period longer than the trace's last time"), std::string::npos)
      << d3.format();
}

TEST(DynamicsRefusals, LoadAndFailValues) {
  config::Diagnostics d;
  EXPECT_FALSE(parse("load", {{"process", "onof"}}, d));
  EXPECT_NE(d.format().find("process: expected one of constant, onoff, random_walk, found \"onof\"; did you mean "
                            "\"onoff\"?"),
            std::string::npos)
      << d.format();
  config::Diagnostics d2;
  EXPECT_FALSE(parse("load", {{"process", "constant"}, {"value", "1.5"}}, d2));
  EXPECT_NE(d2.format().find("value: expected a fraction between 0 and 1, found \"1.5\""), std::string::npos)
      << d2.format();
  config::Diagnostics d3;
  EXPECT_FALSE(parse("fail", {{"at", "20s"}, {"duration", "0s"}, {"on_failure", "dorp"}}, d3));
  EXPECT_NE(d3.format().find("on_failure: expected one of drop, retry, found \"dorp\"; did you mean \"drop\"?"),
            std::string::npos)
      << d3.format();
  EXPECT_NE(d3.format().find("duration: expected a positive time such as 2ms, found \"0s\""), std::string::npos)
      << d3.format();
  config::Diagnostics d4;
  EXPECT_FALSE(parse("load", {}, d4));
  EXPECT_NE(d4.format().find("found neither key"), std::string::npos) << d4.format();
  config::Diagnostics d5;
  EXPECT_FALSE(parse("jitter", {{"trace", "x"}}, d5));
  EXPECT_NE(d5.format().find("expected one of bandwidth, latency, load, fail, found \"jitter\""), std::string::npos);
}

}  // namespace
}  // namespace edgesplit::traces
