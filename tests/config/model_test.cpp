// Layer-table model loader: defaults, references, located errors, and the YAML/CSV writers'
// round trip on hand-built graphs and on every zoo model.
#include <gtest/gtest.h>

#include "sim/config/loader.hpp"
#include "sim/model/zoo.hpp"

using namespace edgesplit;
using namespace edgesplit::config;

namespace {

const char* kToy = R"(name: toy
input: {shape: [3, 32, 32]}
dtype_bytes: 4
layers:
  - name: conv1
    type: conv
    output: [64, 32, 32]
    macs: 1769472
    params: 1792
    geometry: {kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 1}
  - {name: relu1, type: relu, output: [64, 32, 32], macs: 0, params: 0}
  - {name: skip, type: conv, inputs: [input], output: [64, 32, 32], macs: 196608, params: 256, flops: 1e6}
  - {name: add, type: add, inputs: [relu1, skip], output: [64, 32, 32], macs: 0, params: 0}
  - {name: fc, type: fc, output: [10], macs: 655360, params: 655370, weight_bytes: 1MB, output_bytes: 40}
)";

std::string errors_of(const std::string& text) {
  Diagnostics diag;
  auto g = load_model_text(text, "m.yaml", diag);
  EXPECT_EQ(g.has_value(), !diag.has_errors());
  return diag.format();
}

void expect_same(const model::Graph& a, const model::Graph& b) {
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.input_shape(), b.input_shape());
  EXPECT_EQ(a.dtype_bytes(), b.dtype_bytes());
  EXPECT_EQ(a.input_bytes(1), b.input_bytes(1));
  ASSERT_EQ(a.size(), b.size());
  for (model::LayerId i = 0; i < a.size(); ++i) {
    const auto& x = a.layer(i);
    const auto& y = b.layer(i);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.inputs, y.inputs) << x.name;
    EXPECT_EQ(x.output_shape, y.output_shape) << x.name;
    EXPECT_EQ(x.macs, y.macs);
    EXPECT_EQ(x.params, y.params);
    EXPECT_EQ(x.flops, y.flops);
    EXPECT_EQ(x.weight_bytes_override, y.weight_bytes_override);
    EXPECT_EQ(x.output_bytes_override, y.output_bytes_override);
    ASSERT_EQ(x.geometry.has_value(), y.geometry.has_value());
    if (x.geometry) {
      EXPECT_EQ(x.geometry->kernel, y.geometry->kernel);
      EXPECT_EQ(x.geometry->stride, y.geometry->stride);
      EXPECT_EQ(x.geometry->pad, y.geometry->pad);
      EXPECT_EQ(x.geometry->groups, y.geometry->groups);
    }
    EXPECT_EQ(a.output_bytes(i), b.output_bytes(i));
    EXPECT_EQ(a.weight_bytes(i), b.weight_bytes(i));
  }
  EXPECT_EQ(a.total_macs(), b.total_macs());
  EXPECT_EQ(a.total_params(), b.total_params());
  EXPECT_EQ(a.total_flops(), b.total_flops());
}

}  // namespace

TEST(ModelLoader, ToyModelFields) {
  Diagnostics diag;
  const auto g = load_model_text(kToy, "m.yaml", diag);
  ASSERT_TRUE(g) << diag.format();
  ASSERT_EQ(g->size(), 5u);
  EXPECT_EQ(g->name(), "toy");
  EXPECT_EQ(g->layer(0).inputs, std::vector<model::LayerId>{model::kInput});  // first: the input
  EXPECT_EQ(g->layer(1).inputs, std::vector<model::LayerId>{0});              // default: previous
  EXPECT_EQ(g->layer(2).inputs, std::vector<model::LayerId>{model::kInput});
  EXPECT_EQ(g->layer(3).inputs, (std::vector<model::LayerId>{1, 2}));
  EXPECT_EQ(g->layer(4).inputs, std::vector<model::LayerId>{3});
  EXPECT_EQ(g->layer(0).geometry->pad, (std::array<int64_t, 4>{1, 1, 1, 1}));
  EXPECT_EQ(g->layer(2).flops, 1e6);
  EXPECT_EQ(g->layer(4).weight_bytes_override, 1e6);
  EXPECT_EQ(g->layer(4).output_bytes_override, 40.0);
  // Hand totals: 1769472 + 196608 + 655360 MACs; 1792 + 256 + 655370 params.
  EXPECT_EQ(g->total_macs(), 2621440);
  EXPECT_EQ(g->total_params(), 657418);
  EXPECT_EQ(g->output_bytes(0), 64.0 * 32 * 32 * 4);
}

TEST(ModelLoader, NameDefaultsToFileStem) {
  Diagnostics diag;
  const auto g = load_model_text("input: {shape: [4]}\nlayers: [{name: a, type: fc, output: [2], macs: 8, params: 10}]\n",
                                 "dir/tiny.model.yaml", diag);
  ASSERT_TRUE(g) << diag.format();
  EXPECT_EQ(g->name(), "tiny.model");
}

TEST(ModelLoader, CsvColumnsExactly) {
  Diagnostics diag;
  const auto g = load_model_text(kToy, "m.yaml", diag);
  ASSERT_TRUE(g);
  const std::string csv = model_to_csv(*g);
  EXPECT_EQ(csv,
            "name,type,inputs,output_shape,output_bytes,macs,params\n"
            "conv1,conv,input,64x32x32,262144,1769472,1792\n"
            "relu1,relu,conv1,64x32x32,262144,0,0\n"
            "skip,conv,input,64x32x32,262144,196608,256\n"
            "add,add,relu1;skip,64x32x32,262144,0,0\n"
            "fc,fc,add,10,40,655360,655370\n");
}

TEST(ModelLoader, YamlRoundTripOfAHandBuiltGraph) {
  Diagnostics diag;
  const auto g = load_model_text(kToy, "m.yaml", diag);
  ASSERT_TRUE(g);
  auto h = *g;
  h.set_input_bytes_override(1234.5);
  const std::string yaml = model_to_yaml(h);
  const auto back = load_model_text(yaml, "back.yaml", diag);
  ASSERT_TRUE(back) << diag.format() << yaml;
  expect_same(h, *back);
  EXPECT_EQ(back->input_bytes(1), 1234.5);
}

TEST(ModelLoader, YamlRoundTripOfEveryZooModel) {
  const auto names = model::zoo_names();
  ASSERT_FALSE(names.empty());
  for (const auto& name : names) {
    const auto g = model::zoo_model(name);
    ASSERT_TRUE(g) << name;
    Diagnostics diag;
    const auto back = load_model_text(model_to_yaml(*g), name + ".yaml", diag);
    ASSERT_TRUE(back) << name << "\n" << diag.format();
    expect_same(*g, *back);
  }
}

struct BadCase {
  const char* name;
  const char* text;
  const char* expected;
};

const BadCase kBad[] = {
    {"later layer", "input: {shape: [4]}\nlayers:\n  - {name: a, type: fc, inputs: [b], output: [2], macs: 8, params: 10}\n"
                    "  - {name: b, type: fc, output: [2], macs: 4, params: 6}\n",
     "m.yaml:3:34: error: layers[0].inputs[0]: expected the name of an earlier layer or input (layers must be in a "
     "topological order), found \"b\", which is layers[1]\n"},
    {"unknown input", "input: {shape: [4]}\nlayers:\n  - {name: conv, type: fc, output: [2], macs: 8, params: 10}\n"
                      "  - {name: b, type: fc, inputs: [cnov], output: [2], macs: 4, params: 6}\n",
     "m.yaml:4:34: error: layers[1].inputs[0]: expected the name of an earlier layer or input, found \"cnov\" "
     "(did you mean \"conv\"?)\n"},
    {"missing macs", "input: {shape: [4]}\nlayers:\n  - {name: a, type: fc, output: [2], params: 10}\n",
     "m.yaml:3:5: error: layers[0]: missing key \"macs\"\n"},
    {"negative params", "input: {shape: [4]}\nlayers:\n  - {name: a, type: fc, output: [2], macs: 1, params: -10}\n",
     "m.yaml:3:55: error: layers[0].params: expected an integer >= 0, found \"-10\"\n"},
    {"duplicate layer", "input: {shape: [4]}\nlayers:\n  - {name: a, type: fc, output: [2], macs: 1, params: 1}\n"
                        "  - {name: a, type: fc, output: [2], macs: 1, params: 1}\n",
     "m.yaml:4:12: error: layers[1].name: expected a unique layer name, found \"a\" (first at line 3)\n"},
    {"bad shape", "input: {shape: [3, x]}\nlayers:\n  - {name: a, type: fc, output: [2], macs: 1, params: 1}\n",
     "m.yaml:1:20: error: input.shape[1]: expected an integer >= 1, found \"x\"\n"},
    {"unknown key", "input: {shape: [4]}\nlayers:\n  - {name: a, type: fc, output: [2], macs: 1, params: 1, parms: 2}\n",
     "m.yaml:3:58: error: layers[0].parms: unknown key; did you mean \"params\"?\n"},
};

TEST(ModelLoader, EachMistakeIsLocated) {
  for (const auto& c : kBad) EXPECT_EQ(errors_of(c.text), c.expected) << c.name;
}
