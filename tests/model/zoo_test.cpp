// Zoo totals against published figures (torchvision's model docs, DNN+NeuroSim's VGG8 by hand),
// plus shape spot-checks and DAG structure (residual adds are real two-input layers).
#include <gtest/gtest.h>

#include <set>

#include "sim/model/zoo.hpp"

namespace edgesplit::model {
namespace {

Graph get(const std::string& name) {
  auto g = zoo_model(name);
  if (!g) throw std::runtime_error("no zoo model " + name);
  return *g;
}

std::vector<int64_t> shape_of(const Graph& g, const std::string& layer) {
  const auto id = g.find(layer);
  if (!id) throw std::runtime_error("no layer " + layer + " in " + g.name());
  return g.layer(*id).output_shape;
}

int count_type(const Graph& g, const std::string& type) {
  int n = 0;
  for (const Layer& l : g.layers()) n += l.type == type ? 1 : 0;
  return n;
}

TEST(Zoo, NamesAndSummaries) {
  const std::vector<std::string> expected = {"vgg8", "alexnet", "vgg16", "resnet18",
                                             "resnet50", "resnet152", "mobilenetv2", "vgg16-64"};
  EXPECT_EQ(zoo_names(), expected);
  for (const auto& n : zoo_names()) {
    const std::string s = zoo_summary(n);
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s.find('\n'), std::string::npos);
  }
  EXPECT_FALSE(zoo_model("resnet51").has_value());
  EXPECT_THROW(zoo_summary("resnet51"), std::invalid_argument);
}

TEST(Zoo, Vgg8) {
  const Graph g = get("vgg8");
  // Params, no biases: convs 3*3*(3*128 + 128*128 + 128*256 + 256*256 + 256*512 + 512*512)
  //   = 9 * 508,288 = 4,574,592; fc 8192*1024 + 1024*10 = 8,398,848; total 12,973,440.
  EXPECT_EQ(g.total_params(), 12973440);
  // MACs = out_C*H*W*in_C*9 per conv: 128*32*32*27 = 3,538,944; 128*32*32*1152 = 150,994,944;
  // 256*16*16*1152 = 75,497,472; 256*16*16*2304 = 150,994,944; 512*8*8*2304 = 75,497,472;
  // 512*8*8*4608 = 150,994,944; fc 8,388,608 + 10,240. Total 615,917,568.
  EXPECT_EQ(g.total_macs(), 615917568);
  EXPECT_EQ(shape_of(g, "pool3"), (std::vector<int64_t>{512, 4, 4}));
  EXPECT_EQ(shape_of(g, "fc2"), std::vector<int64_t>{10});
  EXPECT_TRUE(g.is_chain());
}

TEST(Zoo, AlexNet) {
  const Graph g = get("alexnet");
  EXPECT_EQ(g.total_params(), 61100840);  // torchvision docs
  // torchvision lists 0.71 GFLOPS. By hand (out 55, 27, 13, 13, 13; pools to 27, 13, 6):
  // 64*55*55*3*121 = 70,276,800; 192*27*27*64*25 = 223,948,800; 384*13*13*192*9 = 112,140,288;
  // 256*13*13*384*9 = 149,520,384; 256*13*13*256*9 = 99,680,256; fc 9216*4096 = 37,748,736,
  // 4096*4096 = 16,777,216, 4096*1000 = 4,096,000. Total 714,188,480 (0.71 G).
  EXPECT_EQ(g.total_macs(), 714188480);
  EXPECT_EQ(shape_of(g, "features.12"), (std::vector<int64_t>{256, 6, 6}));
  EXPECT_TRUE(g.is_chain());
}

TEST(Zoo, Vgg16) {
  const Graph g = get("vgg16");
  EXPECT_EQ(g.total_params(), 138357544);      // torchvision docs
  EXPECT_EQ(g.total_macs(), 15470264320);      // torchvision docs: 15.47 GFLOPS
  EXPECT_EQ(shape_of(g, "features.28"), (std::vector<int64_t>{512, 14, 14}));  // conv5_3
  EXPECT_EQ(g.layer(*g.find("features.28")).type, "conv");
  EXPECT_EQ(shape_of(g, "avgpool"), (std::vector<int64_t>{512, 7, 7}));
  EXPECT_TRUE(g.is_chain());
}

TEST(Zoo, ResNet18) {
  const Graph g = get("resnet18");
  EXPECT_EQ(g.total_params(), 11689512);  // torchvision docs
  // torchvision lists 1.81 GFLOPS. By hand: conv1 64*112*112*3*49 = 118,013,952;
  // layer1 four 3x3 64->64 convs at 56x56: 4 * 115,605,504 = 462,422,016;
  // layers 2-4 each: a strided 3x3 (57,802,752) + three 3x3 (3 * 115,605,504) + a 1x1
  // downsample (6,422,528) = 411,041,792, x3; fc 512*1000 = 512,000. Total 1,814,073,344.
  EXPECT_EQ(g.total_macs(), 1814073344);
  EXPECT_EQ(count_type(g, "add"), 8);
  EXPECT_FALSE(g.is_chain());
}

TEST(Zoo, ResNet50) {
  const Graph g = get("resnet50");
  EXPECT_EQ(g.total_params(), 25557032);  // torchvision docs
  EXPECT_EQ(g.total_macs(), 4089184256);  // torchvision docs: 4.09 GFLOPS
  EXPECT_EQ(shape_of(g, "layer4.2.relu"), (std::vector<int64_t>{2048, 7, 7}));
  EXPECT_EQ(shape_of(g, "avgpool"), (std::vector<int64_t>{2048, 1, 1}));
  // v1.5: the stride sits on conv2 (3x3), so layer2.0.conv1 keeps 56x56.
  EXPECT_EQ(shape_of(g, "layer2.0.conv1"), (std::vector<int64_t>{128, 56, 56}));
  EXPECT_EQ(shape_of(g, "layer2.0.conv2"), (std::vector<int64_t>{128, 28, 28}));
  EXPECT_EQ(count_type(g, "add"), 16);
}

TEST(Zoo, ResNet152) {
  const Graph g = get("resnet152");
  EXPECT_EQ(g.total_params(), 60192808);  // torchvision docs
  // torchvision lists 11.51 GFLOPS. By hand: every non-first bottleneck costs
  // 17*p^2*HW = 218,365,952 MACs at every stage (p=64@56^2 ... p=512@7^2); first blocks:
  // layer1 231,211,008, layers 2-4 372,506,624 each; stem 118,013,952; fc 2,048,000.
  // 118,013,952 + 231,211,008 + 3*372,506,624 + (2+7+35+2)*218,365,952 + 2,048,000
  // = 11,513,626,624. (The same sum with 2+3+5+2 blocks gives ResNet50's 4,089,184,256.)
  EXPECT_EQ(g.total_macs(), 11513626624);
  EXPECT_EQ(count_type(g, "add"), 50);
}

TEST(Zoo, MobileNetV2) {
  const Graph g = get("mobilenetv2");
  EXPECT_EQ(g.total_params(), 3504872);  // torchvision docs
  EXPECT_EQ(g.total_macs(), 300774272);  // torchvision docs: 0.30 GFLOPS
  EXPECT_EQ(shape_of(g, "features.18.2"), (std::vector<int64_t>{1280, 7, 7}));
  // Residual adds: stride-1 blocks with equal in/out channels: 1 + 2 + 3 + 2 + 2.
  EXPECT_EQ(count_type(g, "add"), 10);
  // The depthwise conv of block 2 has one group per channel.
  const Layer& dw = g.layer(*g.find("features.2.conv.1.0"));
  ASSERT_TRUE(dw.geometry.has_value());
  EXPECT_EQ(dw.geometry->groups, 96);
  EXPECT_EQ(dw.output_shape, (std::vector<int64_t>{96, 56, 56}));
}

TEST(Zoo, EveryModelIsAWellFormedDag) {
  for (const auto& n : zoo_names()) {
    SCOPED_TRACE(n);
    const Graph g = get(n);
    EXPECT_EQ(g.name(), n);
    EXPECT_EQ(g.outputs().size(), 1u);
    EXPECT_EQ(g.layer(g.outputs()[0]).type, "fc");
    EXPECT_EQ(g.topological_order().size(), g.size());
    for (const Layer& l : g.layers()) {
      EXPECT_FALSE(l.output_shape.empty()) << l.name;
      EXPECT_GT(elements(l.output_shape), 0) << l.name;
      if (l.type == "add") {
        EXPECT_EQ(l.inputs.size(), 2u) << l.name;
      }
      if (l.type == "conv" || l.type == "pool") {
        EXPECT_TRUE(l.geometry.has_value()) << l.name;
      }
      if (l.type != "conv" && l.type != "fc") {
        EXPECT_EQ(l.macs, 0) << l.name;
      }
    }
  }
}

}  // namespace
}  // namespace edgesplit::model
