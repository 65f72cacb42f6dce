// summary.json flattening, CSV quoting, point.json round trip, results.csv layout.
#include <gtest/gtest.h>

#include "sim/sweep/results.hpp"
#include "sim/sweep/runner.hpp"
#include "test_util.hpp"

#include <sys/wait.h>
#include <csignal>

namespace edgesplit::sweep {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::write;

TEST(Flatten, UnitSuffixMovesToTheEnd) {
  EXPECT_EQ(flat_name({"latency_s", "p95"}), "latency_p95_s");
  EXPECT_EQ(flat_name({"energy_j", "per_inference"}), "energy_per_inference_j");
  EXPECT_EQ(flat_name({"energy_j", "by_host", "pi-1"}), "energy_by_host_pi-1_j");
  EXPECT_EQ(flat_name({"bottleneck", "stage"}), "bottleneck_stage");
  EXPECT_EQ(flat_name({"predicted", "bottleneck_s"}), "predicted_bottleneck_s");
  EXPECT_EQ(flat_name({"throughput_rps"}), "throughput_rps");
  EXPECT_EQ(flat_name({"requests_completed"}), "requests_completed");
}

TEST(Flatten, KeepsNumberTextAndDropsWallTime) {
  const auto flat = flatten_summary(
      "{\"scenario\": \"q, \\\"x\\\"\", \"throughput_rps\": 12.500, \"latency_s\": {\"p50\": 1e-05},"
      "\"wall_time_s\": 0.3, \"stages\": [3, 4], \"ok\": true, \"none\": null}");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"scenario", "q, \"x\""}, {"throughput_rps", "12.500"}, {"latency_p50_s", "1e-05"},
      {"stages_0", "3"},        {"stages_1", "4"},            {"ok", "true"},
      {"none", ""}};
  EXPECT_EQ(flat, want);
  EXPECT_THROW(flatten_summary("{\"a\": [1,"), std::runtime_error);
}

TEST(Csv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("{a: 1, b: 2}"), "\"{a: 1, b: 2}\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(PointJson, RoundTrip) {
  TempDir tmp("pointjson");
  PointRecord r;
  r.id = "0123456789ab";
  r.params = {{"workload.arrival", "{process: poisson, rate: 5}"}, {"name", "\"a\\b\""}};
  r.seed = 9;
  r.status = "invalid";
  r.exit_code = 2;
  r.error = "s.yaml:1:2: error: x: expected \"y\", found\ttab";
  r.wall_time_s = 0.25;
  write_file_atomic(tmp / "point.json", point_json(r));
  std::string why;
  auto back = read_point_json(tmp / "point.json", why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->id, r.id);
  ASSERT_EQ(back->params.size(), 2u);
  EXPECT_EQ(back->params[0].key, "workload.arrival");
  EXPECT_EQ(back->params[1].value, r.params[1].value);
  EXPECT_EQ(*back->seed, 9u);
  EXPECT_EQ(back->status, "invalid");
  EXPECT_EQ(back->exit_code, 2);
  EXPECT_EQ(back->error, r.error);
  // Nothing but point.json is left: the temporary was renamed.
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()), 1);
}

TEST(Classify, ExitCodesAndSignals) {
  PointRecord r;
  classify(r, 0, true, "");
  EXPECT_EQ(r.status, "ok");
  classify(r, 0, false, "");
  EXPECT_EQ(r.status, "fault");
  classify(r, 2 << 8, false, "\n  a.yaml:1:1: error: x: bad  \nmore\n");
  EXPECT_EQ(r.status, "invalid");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.error, "a.yaml:1:1: error: x: bad");
  classify(r, 3 << 8, false, "infeasible: too big\n");
  EXPECT_EQ(r.status, "infeasible");
  classify(r, SIGSEGV, false, "");
  EXPECT_EQ(r.status, "crashed");
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.error.rfind("killed by signal 11", 0), 0u) << r.error;
}

TEST(ResultsCsv, ColumnsRowsAndFailures) {
  TempDir tmp("resultscsv");
  auto point = [&](const std::string& id, const std::string& x, const std::string& status, const std::string& summary) {
    PointDir p;
    p.record.id = id;
    p.record.params = {{"x", x}, {"arrival", "{a: 1, b: 2}"}};
    p.record.seed = 1;
    p.record.status = status;
    p.record.error = status == "ok" ? "" : "bad \"x\", see above";
    p.dir = tmp / id;
    fs::create_directories(p.dir);
    if (!summary.empty()) write(p.dir / "summary.json", summary);
    return p;
  };
  const std::string csv = results_csv({
      point("bbbbbbbbbbbb", "2", "ok",
            "{\"scenario\": \"t\", \"throughput_rps\": 4, \"latency_s\": {\"p50\": 0.5, \"p95\": 0.75}, \"energy_j\": "
            "{\"per_inference\": 2}, \"bottleneck\": {\"stage\": 1}, \"wall_time_s\": 9}"),
      point("aaaaaaaaaaaa", "1", "invalid", ""),
  });
  EXPECT_EQ(csv,
            "point,x,arrival,seed,status,error,throughput_rps,latency_p50_s,latency_p95_s,energy_per_inference_j,"
            "bottleneck_stage,scenario\n"
            "aaaaaaaaaaaa,1,\"{a: 1, b: 2}\",1,invalid,\"bad \"\"x\"\", see above\",,,,,,\n"
            "bbbbbbbbbbbb,2,\"{a: 1, b: 2}\",1,ok,,4,0.5,0.75,2,1,t\n");
}

}  // namespace
}  // namespace edgesplit::sweep
