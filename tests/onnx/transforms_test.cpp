// Partition Pruning on hand-sized fc layers, and the vgg16-64 stand-in for TinyVGG16 by closed form.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "sim/model/transforms.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::model {
namespace {

// input {8} -> fc 8->4 (32 weights + 4 biases) -> relu.
Graph tiny() {
  Graph g("tiny", {8});
  Layer fc;
  fc.name = "fc";
  fc.type = "fc";
  fc.inputs = {kInput};
  fc.output_shape = {4};
  fc.macs = 32;
  fc.params = 36;
  g.add_layer(fc);
  Layer relu;
  relu.name = "relu";
  relu.type = "relu";
  relu.inputs = {0};
  relu.output_shape = {4};
  g.add_layer(relu);
  return g;
}

std::string message_of(const Graph& g, const std::vector<std::string>& names, int parts, double keep) {
  try {
    partition_prune(g, names, parts, keep);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PartitionPrune, BlockDiagonalByHand) {
  const Graph p = partition_prune(tiny(), {"fc"}, 2, 0.0);
  const Layer& fc = p.layer(0);
  // Two diagonal blocks of 4x2 = 16 of the 32 weights; 4 biases unchanged.
  EXPECT_EQ(fc.params, 16 + 4);
  EXPECT_EQ(fc.macs, 16);
  ASSERT_TRUE(fc.pruned.has_value());
  EXPECT_EQ(fc.pruned->parts, 2);
  EXPECT_EQ(fc.pruned->kept_fraction, 0.0);
  // Each part reads its half of the 8 float32 inputs: 4 x 4 B = 16 B.
  EXPECT_EQ(fc.pruned->part_input_bytes, 16.0);
  EXPECT_FALSE(p.layer(1).pruned.has_value());
  EXPECT_EQ(p.total_params(), 20);
}

TEST(PartitionPrune, KeptCrossBlockFractionByHand) {
  const Graph p = partition_prune(tiny(), {"fc"}, 2, 0.25);
  const Layer& fc = p.layer(0);
  // 16 diagonal + 0.25 x 16 cross-block = 20 weights; + 4 biases.
  EXPECT_EQ(fc.params, 24);
  EXPECT_EQ(fc.macs, 20);
  // A kept cross-block weight reads the other part's slice: every part needs all 32 B.
  EXPECT_EQ(fc.pruned->part_input_bytes, 32.0);
  EXPECT_EQ(fc.pruned->kept_fraction, 0.25);
  // keep = 1 restores every weight.
  EXPECT_EQ(partition_prune(tiny(), {"fc"}, 2, 1.0).layer(0).params, 36);
}

TEST(PartitionPrune, ValidationNamesTheNumbers) {
  const Graph g = tiny();
  EXPECT_EQ(message_of(g, {"fc"}, 3, 0.0),
            "partition_prune: layer \"fc\": 3 parts must divide both the 8 input and the 4 output features");
  EXPECT_EQ(message_of(g, {"fc"}, 1, 0.0), "partition_prune: expected parts >= 2, found 1");
  EXPECT_NE(message_of(g, {"fc"}, 2, 1.5).find("expected 0 <= keep <= 1, found 1.5"), std::string::npos);
  EXPECT_NE(message_of(g, {"fc"}, 2, -0.1).find("expected 0 <= keep <= 1"), std::string::npos);
  EXPECT_EQ(message_of(g, {"relu"}, 2, 0.0), "partition_prune: layer \"relu\" is of type relu, expected fc");
  EXPECT_EQ(message_of(g, {"fc9"}, 2, 0.0), "partition_prune: no layer named \"fc9\" in tiny");
  EXPECT_EQ(message_of(g, {"fc", "fc"}, 2, 0.0), "partition_prune: layer \"fc\" is listed twice");
  EXPECT_EQ(message_of(g, {}, 2, 0.0), "partition_prune: expected at least one fc layer, found none");
  const Graph once = partition_prune(g, {"fc"}, 2, 0.0);
  EXPECT_EQ(message_of(once, {"fc"}, 2, 0.0), "partition_prune: layer \"fc\" is already pruned");
}

// vgg16-64: VGG16's 13 convs on 64x64 and FC 2048-4096-4096-200, counted by closed form.
TEST(PartitionPrune, Vgg16At64StandInAndItsPrunedClassifier) {
  const Graph g = *zoo_model("vgg16-64");
  EXPECT_EQ(g.input_shape(), (std::vector<int64_t>{3, 64, 64}));
  const int64_t widths[] = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
  const int64_t sizes[] = {64, 64, 32, 32, 16, 16, 16, 8, 8, 8, 4, 4, 4};
  int64_t macs = 0, params = 0, cin = 3;
  for (int i = 0; i < 13; ++i) {
    macs += widths[i] * sizes[i] * sizes[i] * cin * 9;
    params += widths[i] * cin * 9 + widths[i];
    cin = widths[i];
  }
  const int64_t fc[] = {2048, 4096, 4096, 200};
  for (int i = 0; i < 3; ++i) {
    macs += fc[i] * fc[i + 1];
    params += fc[i] * fc[i + 1] + fc[i + 1];
  }
  EXPECT_EQ(macs, 1278771200);
  EXPECT_EQ(params, 40708104);
  EXPECT_EQ(g.total_macs(), macs);
  EXPECT_EQ(g.total_params(), params);
  EXPECT_EQ(g.layer(*g.find("flatten")).output_shape, (std::vector<int64_t>{2048}));

  const Graph p = partition_prune(g, {"classifier.0", "classifier.3"}, 2, 0.0);
  // 2048x4096/2 + 4096 and 4096x4096/2 + 4096.
  EXPECT_EQ(p.layer(*p.find("classifier.0")).params, 4198400);
  EXPECT_EQ(p.layer(*p.find("classifier.3")).params, 8392704);
  EXPECT_EQ(p.total_params(), params - (2048 * 4096 + 4096 * 4096) / 2);
  EXPECT_EQ(p.total_macs(), macs - (2048 * 4096 + 4096 * 4096) / 2);
  // classifier.3 parts each read half of classifier.1's 4096 float32 outputs.
  EXPECT_EQ(p.layer(*p.find("classifier.3")).pruned->part_input_bytes, 8192.0);
  EXPECT_EQ(message_of(g, {"classifier.6"}, 3, 0.0),
            "partition_prune: layer \"classifier.6\": 3 parts must divide both the 4096 input and the 200 output "
            "features");
}

}  // namespace
}  // namespace edgesplit::model
