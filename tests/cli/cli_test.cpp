// The edgesplit command line end to end: commands, exit codes, and file formats others read.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/model/zoo.hpp"

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `edgesplit ARGS` from the source directory, capturing stdout, stderr and the exit code.
Result edgesplit(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path() / ("es-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  const std::string cmd = std::string("cd '") + EDGESPLIT_SOURCE_DIR + "' && '" + EDGESPLIT_BINARY + "' " + args +
                          " >'" + out + "' 2>'" + err + "'";
  Result r;
  int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

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
