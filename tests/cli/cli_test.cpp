// The edgesplit command line end to end: commands, exit codes, and file formats others read.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "sim/model/zoo.hpp"
#include "../common/cli.hpp"

namespace {

using edgesplit::test::edgesplit;
using edgesplit::test::slurp;

TEST(Cli, UnknownCommandIsAUsageError) {
  auto r = edgesplit("simulate x.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"simulate\""), std::string::npos) << r.err;
}

TEST(Cli, RunWithoutScenarioIsAUsageError) {
  auto r = edgesplit("run");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing SCENARIO.yaml"), std::string::npos) << r.err;
}

TEST(Cli, PlatformOrModelFileGivenToRunIsNamedAsSuch) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-kind-" + std::to_string(::getpid()));
  auto r = edgesplit("run platforms/edge-hub-cloud.yaml --out '" + out.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "platforms/edge-hub-cloud.yaml:10:1: error: expected a scenario (a map with model, platform and partitioner), "
            "found a platform file (hosts, links); name it from a scenario instead\n");
  EXPECT_FALSE(std::filesystem::exists(out));
  // A sweep file: one line pointing at `edgesplit sweep`, for run and for partition.
  for (const std::string cmd : {"run", "partition"}) {
    r = edgesplit(cmd + " scenarios/paper/ilp-tiers.yaml" + (cmd == "run" ? " --out '" + out.string() + "'" : ""));
    EXPECT_EQ(r.code, 2) << cmd;
    EXPECT_EQ(r.err,
              "scenarios/paper/ilp-tiers.yaml:6:1: error: expected a scenario (a map with model, platform and "
              "partitioner), found a sweep file (scenario with grid, zip or repeat); run it with `edgesplit sweep FILE "
              "--out DIR`\n")
        << cmd;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

// A directory where a file is expected: a located error and exit 2 from every reader (it was an
// internal error from the stream in validate's sweep check).
TEST(Cli, ADirectoryGivenAsAFileIsAnInputError) {
  for (const std::string args : {"validate tests", "sweep tests --out /tmp/never-written", "fit-latency tests --out /tmp/never.yaml"}) {
    auto r = edgesplit(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("tests: error: cannot read the "), std::string::npos) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("is a directory"), std::string::npos) << args << "\n" << r.err;
  }
}

TEST(Cli, ModelsListsTheZooWithTotals) {
  auto r = edgesplit("models");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& name : edgesplit::model::zoo_names()) EXPECT_NE(r.out.find(name), std::string::npos) << name;
  EXPECT_NE(r.out.find("138357544"), std::string::npos);  // VGG16 params, torchvision
}

TEST(Cli, ModelsCsvHasTheDocumentedColumnsAndOneRowPerLayer) {
  auto r = edgesplit("models resnet18 --csv");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "name,type,inputs,output_shape,output_bytes,macs,params");
  std::size_t rows = 0;
  long long macs = 0;
  for (std::string line; std::getline(in, line);) {
    ++rows;
    // macs is the sixth column; no field before it contains a comma.
    std::size_t pos = 0;
    for (int i = 0; i < 5; ++i) pos = line.find(',', pos) + 1;
    macs += std::stoll(line.substr(pos, line.find(',', pos) - pos));
  }
  EXPECT_EQ(rows, edgesplit::model::zoo_model("resnet18")->size());
  EXPECT_EQ(macs, 1814073344LL);
}

TEST(Cli, UnknownModelSuggestsTheClosestName) {
  auto r = edgesplit("models resnet51");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean"), std::string::npos) << r.err;
}

TEST(Cli, PartitionersListsEveryRegisteredNameWithOptions) {
  auto r = edgesplit("partitioners");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"single", "even", "manual", "neurosurgeon"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  EXPECT_NE(r.out.find("autodice"), std::string::npos);
}

TEST(Cli, ShippedScenariosAndPlatformsValidate) {
  std::string files;
  for (const char* dir : {"scenarios", "platforms"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(EDGESPLIT_SOURCE_DIR) + "/" + dir)) {
      if (e.path().extension() != ".yaml") continue;
      // scenarios/**/fits/ hold fitted latency models (edgesplit fit-latency), not scenarios.
      if (e.path().parent_path().filename() == "fits") continue;
      files += " '" + std::filesystem::relative(e.path(), EDGESPLIT_SOURCE_DIR).string() + "'";
    }
  }
  ASSERT_FALSE(files.empty());
  auto r = edgesplit("validate" + files);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Cli, AutodiceMappingPlacesAnOnnxModel) {
  // chain.json puts conv/bn/relu on rpi and pool/flatten/gemm on jetson (tests/data/autodice/README.md).
  auto r = edgesplit("partition tests/data/autodice/chain-scenario.yaml --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string& j = r.out;
  auto s0 = j.find("\"rpi\""), s1 = j.find("\"jetson\"");
  ASSERT_NE(s0, std::string::npos) << j;
  ASSERT_NE(s1, std::string::npos) << j;
  EXPECT_LT(s0, s1);
  for (const char* l : {"conv_out", "bn_out", "relu_out"}) {
    auto at = j.find(std::string("\"") + l + "\"");
    ASSERT_NE(at, std::string::npos) << l;
    EXPECT_LT(at, s1) << l << " should be in the rpi stage";
  }
  for (const char* l : {"pool_out", "flat_out", "output"}) {
    auto at = j.find(std::string("\"") + l + "\"");
    ASSERT_NE(at, std::string::npos) << l;
    EXPECT_GT(at, s1) << l << " should be in the jetson stage";
  }
}

TEST(Cli, AutodiceMappingWithAnUnknownLayerIsLocated) {
  auto r = edgesplit("partition tests/data/autodice/chain-scenario.yaml --set partitioner.options.autodice=vertical.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("vertical.json:"), std::string::npos) << r.err;
}

TEST(Cli, RunPrintsTheSummaryAndWritesSummaryJsonLast) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-run-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  auto r = edgesplit("run tests/data/autodice/chain-scenario.yaml --quiet --out '" + out.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* word : {"throughput", "latency", "bottleneck", "energy", out.c_str()})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  for (const char* f : {"summary.json", "plan.json", "requests.csv", "stages.csv", "energy.csv", "bottleneck.csv",
                        "links.csv", "trace.json", "scenario.resolved.yaml"})
    EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
  std::filesystem::remove_all(out);
}

// quickstart: vgg16's 602,112-byte input crosses the 100 Mbps Wi-Fi from rpi-0 in 48 ms, longer
// than its one stage computes (8.6 ms), at 20 requests/s: the source's link is the busiest resource.
TEST(Cli, SourceTransfersSlowerThanEveryStageAreTheBottleneck) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-src-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  auto r = edgesplit("run scenarios/quickstart.yaml --quiet --out '" + out.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("bottleneck  the source on rpi-0 (network)"), std::string::npos) << r.out;
  const std::string summary = slurp((out / "summary.json").string());
  EXPECT_NE(summary.find("\"bottleneck\": {\n    \"stage\": -1,\n    \"host\": \"rpi-0\",\n    \"resource\": \"network\""),
            std::string::npos)
      << summary;
  std::filesystem::remove_all(out);
}

}  // namespace

namespace {

TEST(Cli, ImportOnnxWritesALayerTableThatLoads) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-onnx-" + std::to_string(::getpid()) + ".yaml");
  auto r = edgesplit("import onnx tests/data/onnx/dynamic.onnx --out '" + out.string() + "' --input-shape 3,32,32");
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = edgesplit("validate '" + out.string() + "'");
  EXPECT_EQ(v.code, 0) << v.err;
  std::filesystem::remove(out);
}

TEST(Cli, ImportOnnxWithDynamicDimensionsNeedsAnInputShapeAndWritesNothing) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-onnx2-" + std::to_string(::getpid()) + ".yaml");
  auto r = edgesplit("import onnx tests/data/onnx/dynamic.onnx --out '" + out.string() + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--input-shape"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace

namespace {

TEST(Cli, ParetoFrontIsWrittenToParetoCsv) {
  const auto out = std::filesystem::temp_directory_path() / ("es-cli-pareto-" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  auto r = edgesplit("run scenarios/quickstart.yaml --quiet --set partitioner.name=pipeedge-energy "
                     "--set 'partitioner.options={pareto: true, slack: 0.5}' --set workload.requests=5 --out '" +
                     out.string() + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(slurp((out / "pareto.csv").string()));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "bottleneck_s,energy_j,chosen");
  int rows = 0, chosen = 0;
  double last_b = -1, last_e = 1e300;
  while (std::getline(in, line)) {
    ++rows;
    double b = 0, e = 0;
    int c = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%d", &b, &e, &c), 3) << line;
    EXPECT_GT(b, last_b);  // a front: slower only when cheaper
    EXPECT_LT(e, last_e);
    last_b = b;
    last_e = e;
    chosen += c;
  }
  EXPECT_GE(rows, 2);
  EXPECT_EQ(chosen, 1);
  std::filesystem::remove_all(out);
}

}  // namespace

namespace {

/// Every output file of a run directory, except summary.json's wall_time_s line.
std::map<std::string, std::string> outputs_without_wall_time(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string text = slurp(e.path().string());
    if (e.path().filename() == "summary.json") {
      std::istringstream in(text);
      std::string kept;
      for (std::string line; std::getline(in, line);)
        if (line.find("\"wall_time_s\"") == std::string::npos) kept += line + "\n";
      text = kept;
    }
    files[e.path().filename().string()] = text;
  }
  return files;
}

TEST(Determinism, EveryShippedScenarioTwiceGivesIdenticalOutputs) {
  const std::filesystem::path root(EDGESPLIT_SOURCE_DIR);
  const auto tmp = std::filesystem::temp_directory_path() / ("es-det-" + std::to_string(::getpid()));
  int runs = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "scenarios")) {
    if (e.path().extension() != ".yaml" || e.path().parent_path().filename() == "fits") continue;
    const std::string text = slurp(e.path().string());
    // Scenarios name a partitioner at the top level; sweeps and platforms do not.
    if (text.find("\npartitioner:") == std::string::npos || text.find("\ngrid:") != std::string::npos) continue;
    const std::string rel = std::filesystem::relative(e.path(), root).string();
    std::filesystem::remove_all(tmp);
    auto a = edgesplit("run '" + rel + "' --quiet --out '" + (tmp / "a").string() + "'");
    auto b = edgesplit("run '" + rel + "' --quiet --out '" + (tmp / "b").string() + "'");
    ASSERT_EQ(a.code, 0) << rel << ": " << a.err;
    ASSERT_EQ(b.code, 0) << rel << ": " << b.err;
    const auto fa = outputs_without_wall_time(tmp / "a"), fb = outputs_without_wall_time(tmp / "b");
    ASSERT_EQ(fa.size(), fb.size()) << rel;
    for (const auto& [name, content] : fa) EXPECT_TRUE(content == fb.at(name)) << rel << ": " << name << " differs";
    EXPECT_GT(fa.count("summary.json"), 0u) << rel;
    ++runs;
  }
  std::filesystem::remove_all(tmp);
  EXPECT_GE(runs, 10);
}

}  // namespace

namespace {

TEST(Determinism, SweepWithOneOrTwoJobsGivesTheSameResults) {
  const auto tmp = std::filesystem::temp_directory_path() / ("es-det-sweep-" + std::to_string(::getpid()));
  std::filesystem::remove_all(tmp);
  auto one = edgesplit("sweep tests/sweep/data/tiny-sweep.yaml --quiet --jobs 1 --out '" + (tmp / "one").string() + "'");
  auto two = edgesplit("sweep tests/sweep/data/tiny-sweep.yaml --quiet --jobs 2 --out '" + (tmp / "two").string() + "'");
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(two.code, 0) << two.err;
  const std::string a = slurp((tmp / "one" / "results.csv").string());
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, slurp((tmp / "two" / "results.csv").string()));
  std::filesystem::remove_all(tmp);
}

}  // namespace

namespace {

TEST(Cli, PartitionPruneTransformShrinksTheModelBeforePartitioning) {
  // vgg16-64: classifier.0 is 2048 x 4096 and classifier.3 4096 x 4096 (docs/ONNX.md); pruned into
  // 2 diagonal blocks, each keeps half its weights: 2048*4096/2 + 4096*4096/2 = 12,582,912 fewer
  // params and MACs. One request alone on a 100 Gf device: compute = 2 x MACs / 1e11.
  const auto g = edgesplit::model::zoo_model("vgg16-64");
  ASSERT_TRUE(g);
  const double macs = static_cast<double>(g->total_macs() - 12582912);
  auto r = edgesplit("partition tests/data/transform/prune-scenario.yaml --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto at = r.out.find("\"predicted_compute_s\": ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const double compute_s = std::stod(r.out.substr(at + 23));
  EXPECT_NEAR(compute_s, 2 * macs / 1e11, 1e-12);
}

TEST(Cli, PartitionPruneOnANonFcLayerIsALocatedError) {
  auto r = edgesplit("partition tests/data/transform/prune-scenario.yaml --set 'transform=[{partition_prune: {layers: [features.0], parts: 2}}]'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("transform[0].partition_prune"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("features.0"), std::string::npos) << r.err;
}

}  // namespace
