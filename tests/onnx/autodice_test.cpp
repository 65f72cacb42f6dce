// AutoDiCE mapping files (tests/data/autodice): parsed stages by hand, located errors line by line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "partitioners/autodice.hpp"
#include "sim/importers/onnx_import.hpp"

namespace edgesplit::partition {
namespace {

std::string data(const std::string& name) { return std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/" + name; }

using Names = std::vector<std::string>;

TEST(AutoDice, VerticalMappingInFileOrder) {
  config::Diagnostics diag;
  const auto stages = parse_autodice(data("autodice/vertical.json"), diag);
  EXPECT_FALSE(diag.has_errors()) << diag.format();
  ASSERT_EQ(stages.size(), 4u);  // rank i = i-th key
  EXPECT_EQ(stages[0].key, "lenovo_cpu0");
  EXPECT_EQ(stages[0].host, "lenovo");
  EXPECT_EQ(stages[0].resource, "cpu0");
  EXPECT_EQ(stages[0].layers, (Names{"conv1_1", "conv1_2"}));
  EXPECT_EQ(stages[0].loc.line, 1);
  EXPECT_EQ(stages[0].loc.column, 2);
  EXPECT_EQ(stages[1].host, "lenovo");
  EXPECT_EQ(stages[1].resource, "cpu1");
  EXPECT_EQ(stages[1].layers, (Names{"norm1_1", "pool1_1", "conv2_1"}));
  ASSERT_EQ(stages[1].layer_locs.size(), 3u);
  EXPECT_EQ(stages[1].layer_locs[2].line, 2);
  EXPECT_EQ(stages[1].layer_locs[2].column, 40);
  EXPECT_EQ(stages[2].host, "nano");
  EXPECT_EQ(stages[2].resource, "gpu");
  EXPECT_EQ(stages[2].layers, (Names{"fc6_1", "prob_1"}));
  EXPECT_EQ(stages[3].host, "pi4");
  EXPECT_EQ(stages[3].resource, "arm0123");
  EXPECT_EQ(stages[3].layers, (Names{"fc8_1"}));
}

TEST(AutoDice, NamesMatchTheOnnxImport) {
  config::Diagnostics diag;
  const auto stages = parse_autodice(data("autodice/chain.json"), diag);
  ASSERT_FALSE(diag.has_errors()) << diag.format();
  const model::Graph g = importers::import_onnx(data("onnx/chain.onnx"));
  std::size_t mapped = 0;
  for (const auto& s : stages) {
    for (const auto& l : s.layers) EXPECT_TRUE(g.find(l).has_value()) << l;
    mapped += s.layers.size();
  }
  EXPECT_EQ(mapped, g.size());
}

TEST(AutoDice, EveryMistakeIsLocated) {
  config::Diagnostics diag;
  parse_autodice(data("autodice/bad.json"), diag);
  const std::string f = data("autodice/bad.json");
  EXPECT_EQ(diag.format(),
            f + ":2:2: error: nx01: expected <host>_<resource> such as \"lenovo_cpu0\", found \"nx01\"\n" +
            f + ":3:2: error: lenovo_npu0: expected a resource cpu<digits>, arm<digits> or one containing \"gpu\" "
                "after the first \"_\", found \"npu0\"\n" +
            f + ":4:2: error: lenovo_cpu0: duplicate key; first at line 1 (each key is one MPI rank)\n" +
            f + ":5:14: error: pi_cpu1[0]: layer \"conv1_2\" is already mapped to \"lenovo_cpu0\" at line 1\n" +
            f + ":5:25: error: pi_cpu1[1]: expected a layer name in quotes, found 12\n" +
            f + ":6:12: error: pi_gpu: expected at least one layer name, found an empty list\n");
}

TEST(AutoDice, HorizontalSplitsAreNotSupportedYet) {
  config::Diagnostics diag;
  const auto stages = parse_autodice(data("autodice/horizontal.json"), diag);
  EXPECT_TRUE(stages.empty());
  const std::string f = data("autodice/horizontal.json");
  EXPECT_EQ(diag.format(),
            f + ":1:2: error: conv2_1: horizontal AutoDiCE splits are not supported yet (layer split by \"lop\" "
                "over 2 devices); map each layer to one <host>_<resource> key\n" +
            f + ":2:2: error: fc6_1: horizontal AutoDiCE splits are not supported yet (layer split by \"rows\" "
                "over 2 devices); map each layer to one <host>_<resource> key\n" +
            f + ":2:12: error: fc6_1[0]: expected a horizontal split mode lop, lip, height or width, found \"rows\"\n");
}

TEST(AutoDice, MalformedAndMissingFiles) {
  config::Diagnostics diag;
  parse_autodice(data("autodice/malformed.json"), diag);
  ASSERT_EQ(diag.items().size(), 1u);
  EXPECT_EQ(diag.items()[0].loc.line, 1);
  EXPECT_NE(diag.items()[0].message.find("malformed JSON"), std::string::npos) << diag.format();
  config::Diagnostics missing;
  parse_autodice(data("autodice/none.json"), missing);
  ASSERT_EQ(missing.items().size(), 1u);
  EXPECT_EQ(missing.items()[0].message, "cannot open the AutoDiCE mapping file");
}

}  // namespace
}  // namespace edgesplit::partition
