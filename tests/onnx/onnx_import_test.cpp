// ONNX import on the fixtures of tests/data/onnx (make_fixtures.py): shapes, MACs and params
// against hand counts, located errors, and a resnet18-shaped export against the zoo.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"
#include "sim/importers/onnx_import.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::importers {
namespace {

using model::Graph;
using model::kInput;
using model::Layer;

std::string fixture(const std::string& name) { return std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/onnx/" + name; }

const Layer& layer(const Graph& g, const std::string& name) {
  const auto id = g.find(name);
  EXPECT_TRUE(id.has_value()) << "no layer " << name;
  return g.layer(id.value_or(0));
}

// The diagnostic of the InputError `f` throws (fails the test if it throws nothing or else).
template <typename F>
config::Diagnostic error_of(F f) {
  try {
    f();
  } catch (const config::InputError& e) {
    return e.diagnostic();
  }
  ADD_FAILURE() << "expected config::InputError";
  return {};
}

using Shape = std::vector<int64_t>;

TEST(OnnxImport, ConvBnReluPoolGemmChain) {
  const Graph g = import_onnx(fixture("chain.onnx"));
  EXPECT_EQ(g.name(), "chain");
  EXPECT_EQ(g.input_shape(), (Shape{3, 8, 8}));
  EXPECT_EQ(g.dtype_bytes(), 4);
  ASSERT_EQ(g.size(), 6u);
  EXPECT_TRUE(g.is_chain());
  // Conv 3->4, 3x3, pad 1 on 8x8: 4x8x8 = 256 outputs x (3 x 3 x 3) = 6912 MACs; 4x3x3x3 + 4 = 112 params.
  const Layer& conv = layer(g, "conv_out");
  EXPECT_EQ(conv.type, "conv");
  EXPECT_EQ(conv.output_shape, (Shape{4, 8, 8}));
  EXPECT_EQ(conv.macs, 6912);
  EXPECT_EQ(conv.params, 112);
  ASSERT_TRUE(conv.geometry.has_value());
  EXPECT_EQ(conv.geometry->kernel, (std::array<int64_t, 2>{3, 3}));
  EXPECT_EQ(conv.geometry->stride, (std::array<int64_t, 2>{1, 1}));
  EXPECT_EQ(conv.geometry->pad, (std::array<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(conv.geometry->groups, 1);
  EXPECT_EQ(conv.inputs, (std::vector<model::LayerId>{kInput}));
  // BatchNorm(4): scale 4 + bias 4 = 8 params; running mean and variance are not counted.
  const Layer& bn = layer(g, "bn_out");
  EXPECT_EQ(bn.type, "bn");
  EXPECT_EQ(bn.params, 8);
  EXPECT_EQ(bn.macs, 0);
  EXPECT_EQ(layer(g, "relu_out").type, "relu");
  // MaxPool 2x2 stride 2: 4x8x8 -> 4x4x4.
  const Layer& pool = layer(g, "pool_out");
  EXPECT_EQ(pool.type, "pool");
  EXPECT_EQ(pool.output_shape, (Shape{4, 4, 4}));
  ASSERT_TRUE(pool.geometry.has_value());
  EXPECT_EQ(pool.geometry->kernel, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(pool.geometry->stride, (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ(layer(g, "flat_out").output_shape, (Shape{64}));
  // Gemm 64 -> 10: 640 MACs, 640 + 10 = 650 params.
  const Layer& fc = layer(g, "output");
  EXPECT_EQ(fc.type, "fc");
  EXPECT_EQ(fc.output_shape, (Shape{10}));
  EXPECT_EQ(fc.macs, 640);
  EXPECT_EQ(fc.params, 650);
  EXPECT_EQ(g.total_macs(), 6912 + 640);
  EXPECT_EQ(g.total_params(), 112 + 8 + 650);
}

TEST(OnnxImport, ResidualAddAndFoldedIdentity) {
  const OnnxImport r = import_onnx_detailed(fixture("residual.onnx"));
  const Graph& g = r.graph;
  ASSERT_EQ(g.size(), 4u);  // conv, relu1, add, relu2: the Identity is folded
  ASSERT_EQ(r.folded.size(), 1u);
  EXPECT_EQ(r.folded[0].name, "x");
  EXPECT_EQ(r.folded[0].op, "Identity");
  EXPECT_EQ(r.folded[0].merged_into, "");  // it forwards the model input
  // Conv 4->4, 3x3, pad 1, no bias on 8x8: 256 outputs x 36 = 9216 MACs, 144 params.
  EXPECT_EQ(layer(g, "conv_out").macs, 9216);
  EXPECT_EQ(layer(g, "conv_out").params, 144);
  const Layer& add = layer(g, "add_out");
  EXPECT_EQ(add.type, "add");
  EXPECT_EQ(add.inputs, (std::vector<model::LayerId>{*g.find("relu1_out"), kInput}));
  EXPECT_EQ(add.output_shape, (Shape{4, 8, 8}));
  EXPECT_FALSE(g.is_chain());
  EXPECT_EQ(g.total_macs(), 9216);
  EXPECT_EQ(g.total_params(), 144);
}

TEST(OnnxImport, ConcatAndGlobalPool) {
  const Graph g = import_onnx(fixture("concat.onnx"));
  ASSERT_EQ(g.size(), 4u);
  // 1x1 conv 3->2 on 8x8: 128 outputs x 3 = 384 MACs; 6 + 2 = 8 params.
  EXPECT_EQ(layer(g, "a_out").macs, 384);
  EXPECT_EQ(layer(g, "a_out").params, 8);
  // 3x3 conv 3->5 pad 1: 320 outputs x 27 = 8640 MACs; 135 + 5 = 140 params.
  EXPECT_EQ(layer(g, "b_out").macs, 8640);
  EXPECT_EQ(layer(g, "b_out").params, 140);
  const Layer& cat = layer(g, "cat_out");
  EXPECT_EQ(cat.type, "concat");
  EXPECT_EQ(cat.output_shape, (Shape{7, 8, 8}));
  EXPECT_EQ(cat.inputs, (std::vector<model::LayerId>{*g.find("a_out"), *g.find("b_out")}));
  const Layer& gap = layer(g, "output");
  EXPECT_EQ(gap.type, "pool");
  EXPECT_EQ(gap.output_shape, (Shape{7, 1, 1}));
  EXPECT_EQ(gap.geometry->kernel, (std::array<int64_t, 2>{8, 8}));
  EXPECT_EQ(gap.geometry->stride, (std::array<int64_t, 2>{8, 8}));
  EXPECT_EQ(g.total_macs(), 384 + 8640);
  EXPECT_EQ(g.total_params(), 8 + 140);
}

TEST(OnnxImport, ReshapeShapeInitializerIsNotAParamNorAnInput) {
  const Graph g = import_onnx(fixture("reshape.onnx"));
  EXPECT_EQ(g.input_shape(), (Shape{2, 4, 4}));
  ASSERT_EQ(g.size(), 4u);
  const Layer& reshape = layer(g, "flat");
  EXPECT_EQ(reshape.type, "reshape");
  EXPECT_EQ(reshape.output_shape, (Shape{32}));
  EXPECT_EQ(reshape.params, 0);  // the int64 [1, -1] shape is plumbing
  // MatMul 32x5: 160 MACs and params; Add bias(5): 5 params; Softmax: none.
  EXPECT_EQ(layer(g, "mm_out").type, "fc");
  EXPECT_EQ(layer(g, "mm_out").macs, 160);
  EXPECT_EQ(layer(g, "mm_out").params, 160);
  EXPECT_EQ(layer(g, "add_out").params, 5);
  EXPECT_EQ(layer(g, "output").type, "softmax");
  EXPECT_EQ(g.total_params(), 165);
}

TEST(OnnxImport, DynamicInputNeedsInputShape) {
  const auto d = error_of([] { import_onnx(fixture("dynamic.onnx")); });
  EXPECT_EQ(d.loc.file, fixture("dynamic.onnx"));
  EXPECT_EQ(d.key, "input \"input\"");
  EXPECT_NE(d.message.find("dynamic dimensions [batch, 3, height, width]"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("--input-shape C,H,W"), std::string::npos) << d.message;

  const Graph g = import_onnx(fixture("dynamic.onnx"), Shape{3, 16, 16});
  EXPECT_EQ(g.input_shape(), (Shape{3, 16, 16}));
  // Conv 3->2, 3x3 pad 1 on 16x16: 512 outputs x 27 = 13824 MACs; 54 params.
  EXPECT_EQ(layer(g, "conv_out").output_shape, (Shape{2, 16, 16}));
  EXPECT_EQ(layer(g, "conv_out").macs, 13824);
  EXPECT_EQ(layer(g, "conv_out").params, 54);
  EXPECT_EQ(layer(g, "output").output_shape, (Shape{2, 1, 1}));

  const auto wrong_rank = error_of([] { import_onnx(fixture("dynamic.onnx"), Shape{3, 16}); });
  EXPECT_NE(wrong_rank.message.find("gives 2 dimensions"), std::string::npos) << wrong_rank.message;
  const auto fixed = error_of([] { import_onnx(fixture("dynamic.onnx"), Shape{4, 16, 16}); });
  EXPECT_NE(fixed.message.find("fixes dimension 1"), std::string::npos) << fixed.message;
}

TEST(OnnxImport, ExternalDataFileAbsentStillImports) {
  ASSERT_FALSE(std::filesystem::exists(fixture("external.bin")));
  const Graph g = import_onnx(fixture("external.onnx"));
  // Conv 3->8, 3x3, stride 2, pad 1 on 16x16 -> 8x8x8 = 512 outputs x 27 = 13824 MACs; 216 + 8 params.
  const Layer& conv = layer(g, "conv_out");
  EXPECT_EQ(conv.output_shape, (Shape{8, 8, 8}));
  EXPECT_EQ(conv.macs, 13824);
  EXPECT_EQ(conv.params, 224);
  EXPECT_EQ(conv.geometry->stride, (std::array<int64_t, 2>{2, 2}));
}

TEST(OnnxImport, ShapePlumbingAndDropoutAreFolded) {
  const OnnxImport r = import_onnx_detailed(fixture("plumbing.onnx"));
  const Graph& g = r.graph;
  ASSERT_EQ(g.size(), 3u);  // conv, reshape, fc
  // Conv 1x1 2->3 (+bias) on 4x4: 48 outputs x 2 = 96 MACs; 6 + 3 = 9 params.
  EXPECT_EQ(layer(g, "conv_out").macs, 96);
  EXPECT_EQ(layer(g, "conv_out").params, 9);
  // Reshape reads the Dropout's input (the conv) directly; data propagation gives [1, 48].
  EXPECT_EQ(layer(g, "flat").inputs, (std::vector<model::LayerId>{*g.find("conv_out")}));
  EXPECT_EQ(layer(g, "flat").output_shape, (Shape{48}));
  // Gemm 48 -> 2: 96 MACs, 96 + 2 = 98 params.
  EXPECT_EQ(layer(g, "output").macs, 96);
  EXPECT_EQ(layer(g, "output").params, 98);
  std::vector<std::string> folded;
  for (const auto& f : r.folded) folded.push_back(f.op + ":" + f.name + "->" + f.merged_into);
  EXPECT_EQ(folded, (std::vector<std::string>{"Dropout:drop_out->conv_out", "Shape:shape_out->", "Constant:zero->",
                                              "Gather:batch->", "Unsqueeze:batch1->", "Constant:minus1->",
                                              "Concat:new_shape->"}));
}

TEST(OnnxImport, MissingShapeIsALocatedError) {
  const auto d = error_of([] { import_onnx(fixture("no_shape.onnx")); });
  EXPECT_EQ(d.key, "node[4] reshape (Reshape)");
  EXPECT_NE(d.message.find("no static shape for tensor \"reshaped\""), std::string::npos) << d.message;
}

TEST(OnnxImport, UnknownOperatorIsALocatedError) {
  const auto d = error_of([] { import_onnx(fixture("unknown_op.onnx")); });
  EXPECT_EQ(d.loc.file, fixture("unknown_op.onnx"));
  EXPECT_EQ(d.key, "node[1] frob (Frobnicate)");
  EXPECT_NE(d.message.find("unsupported ONNX operator \"com.example:Frobnicate\""), std::string::npos) << d.message;
}

TEST(OnnxImport, UnreadableFilesAreLocatedErrors) {
  const auto missing = error_of([] { import_onnx(fixture("no_such.onnx")); });
  EXPECT_EQ(missing.loc.file, fixture("no_such.onnx"));
  EXPECT_EQ(missing.message, "cannot open the ONNX file");
  const std::string text = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/autodice/vertical.json";
  const auto not_onnx = error_of([&] { import_onnx(text); });
  EXPECT_NE(not_onnx.message.find("not an ONNX model"), std::string::npos) << not_onnx.message;
}

// make_fixtures.py writes torchvision resnet18 as torch.onnx.export does in eval mode: every
// BatchNorm folded into its conv (new bias), weights as external data in an absent resnet18.bin.
TEST(OnnxImport, Resnet18ExportMatchesTheZoo) {
  const Graph onnx = import_onnx(fixture("resnet18.onnx"));
  const Graph zoo = *model::zoo_model("resnet18");
  EXPECT_EQ(onnx.input_shape(), zoo.input_shape());
  // 20 conv + 17 relu + 8 add + maxpool + global pool + flatten + fc; the zoo adds 20 bn.
  EXPECT_EQ(onnx.size(), 49u);
  EXPECT_EQ(onnx.size() + 20, zoo.size());
  EXPECT_EQ(onnx.total_macs(), 1814073344);
  EXPECT_EQ(onnx.total_macs(), zoo.total_macs());
  // Per-conv MACs agree as multisets.
  std::vector<int64_t> a, b;
  for (const Layer& l : onnx.layers()) if (l.type == "conv") a.push_back(l.macs);
  for (const Layer& l : zoo.layers()) if (l.type == "conv") b.push_back(l.macs);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  // Params: the zoo's 11,689,512 minus the 2 x 4800 = 9600 BatchNorm affine terms the export
  // folds away, plus the 4800 conv biases the folding creates (one per BN channel).
  int64_t bn_params = 0;
  for (const Layer& l : zoo.layers()) if (l.type == "bn") bn_params += l.params;
  EXPECT_EQ(zoo.total_params(), 11689512);
  EXPECT_EQ(bn_params, 9600);
  EXPECT_EQ(onnx.total_params(), zoo.total_params() - bn_params + bn_params / 2);
  EXPECT_EQ(onnx.total_params(), 11684712);
  EXPECT_EQ(onnx.layer(onnx.size() - 1).output_shape, (Shape{1000}));
  EXPECT_EQ(onnx.layer(0).name, "_conv1_Conv_output_0");  // AutoDiCE's node naming
}

}  // namespace
}  // namespace edgesplit::importers
