// Graph behaviours on small hand-built DAGs: validation, consumers, outputs, chains,
// topological order, and byte counts checked against hand counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "sim/model/graph.hpp"

namespace edgesplit::model {
namespace {

Layer make(const std::string& name, std::vector<LayerId> inputs, std::vector<int64_t> shape, int64_t params = 0) {
  Layer l;
  l.name = name;
  l.type = "conv";
  l.inputs = std::move(inputs);
  l.output_shape = std::move(shape);
  l.params = params;
  l.macs = params * 3;
  return l;
}

// input(3) -> a(8) -> b(4) -> c(2) -> d = add(c, a) (8) -> e(1); a skips over b and c.
// float32: input 12 B, a 32 B, b 16 B, c 8 B, d 32 B, e 4 B.
Graph skip_dag() {
  Graph g("skip", {3}, 4);
  g.add_layer(make("a", {kInput}, {8}, 5));
  g.add_layer(make("b", {0}, {4}, 7));
  g.add_layer(make("c", {1}, {2}, 11));
  g.add_layer(make("d", {2, 0}, {8}));
  g.add_layer(make("e", {3}, {1}, 13));
  return g;
}

TEST(Graph, AddLayerRejectsLaterOrMissingInputs) {
  Graph g = skip_dag();
  EXPECT_THROW(g.add_layer(make("self", {5}, {1})), std::invalid_argument);   // its own id
  EXPECT_THROW(g.add_layer(make("ahead", {9}, {1})), std::invalid_argument);  // not yet a layer
  EXPECT_EQ(g.size(), 5u);
}

TEST(Graph, AddLayerRejectsDuplicateAndEmptyNames) {
  Graph g = skip_dag();
  EXPECT_THROW(g.add_layer(make("c", {4}, {1})), std::invalid_argument);
  EXPECT_THROW(g.add_layer(make("", {4}, {1})), std::invalid_argument);
  EXPECT_EQ(g.size(), 5u);
  // A rejected layer leaves no trace: the name is still free afterwards.
  EXPECT_EQ(g.add_layer(make("f", {4}, {1})), 5u);
  EXPECT_EQ(g.consumers(4), std::vector<LayerId>{5});
}

TEST(Graph, ConsumersOutputsAndFind) {
  Graph g = skip_dag();
  EXPECT_EQ(g.consumers(kInput), std::vector<LayerId>{0});
  EXPECT_EQ(g.consumers(0), (std::vector<LayerId>{1, 3}));
  EXPECT_EQ(g.consumers(2), std::vector<LayerId>{3});
  EXPECT_TRUE(g.consumers(4).empty());
  EXPECT_EQ(g.outputs(), std::vector<LayerId>{4});
  EXPECT_EQ(g.find("d"), std::optional<LayerId>(3));
  EXPECT_FALSE(g.find("zz").has_value());
  // Two outputs when a branch ends without a reader.
  g.add_layer(make("side", {1}, {1}));
  EXPECT_EQ(g.outputs(), (std::vector<LayerId>{4, 5}));
}

TEST(Graph, ReadingOneTensorTwiceIsOneConsumer) {
  Graph g("twice", {2});
  g.add_layer(make("x", {kInput}, {2}));
  g.add_layer(make("sq", {0, 0}, {2}));
  EXPECT_EQ(g.consumers(0), std::vector<LayerId>{1});
}

// Hand-written for skip_dag (a -> b -> c -> d -> e, and a -> d) plus x, which reads the model
// input and has no consumer: nobody's ancestor, and with none of its own.
TEST(Graph, Ancestors) {
  Graph g = skip_dag();
  g.add_layer(make("x", {kInput}, {1}));
  const auto a = g.ancestors();
  const std::vector<std::vector<char>> expected = {
      {0, 0, 0, 0, 0, 0},  // a
      {1, 0, 0, 0, 0, 0},  // b
      {1, 1, 0, 0, 0, 0},  // c
      {1, 1, 1, 0, 0, 0},  // d
      {1, 1, 1, 1, 0, 0},  // e
      {0, 0, 0, 0, 0, 0},  // x
  };
  EXPECT_EQ(a, expected);
}

TEST(Graph, IsChain) {
  EXPECT_FALSE(skip_dag().is_chain());
  Graph chain("chain", {3});
  chain.add_layer(make("a", {kInput}, {3}));
  chain.add_layer(make("b", {0}, {3}));
  chain.add_layer(make("c", {1}, {3}));
  EXPECT_TRUE(chain.is_chain());
  chain.add_layer(make("d", {kInput}, {3}));  // a second reader of the input
  EXPECT_FALSE(chain.is_chain());
}

TEST(Graph, TopologicalOrderIsAPermutationRespectingEveryEdge) {
  Graph g = skip_dag();
  g.add_layer(make("side", {1}, {1}));
  g.add_layer(make("join", {5, 4}, {1}));
  const auto order = g.topological_order();
  ASSERT_EQ(order.size(), g.size());
  std::vector<std::size_t> pos(g.size(), g.size());
  for (std::size_t i = 0; i < order.size(); ++i) pos.at(order[i]) = i;
  for (LayerId id = 0; id < g.size(); ++id) {
    ASSERT_LT(pos[id], g.size()) << "layer " << id << " missing";
    for (LayerId in : g.layer(id).inputs) {
      if (in != kInput) {
        EXPECT_LT(pos[in], pos[id]) << in << " -> " << id;
      }
    }
  }
}

TEST(Graph, CutBytesCountsSkipConnectionsAcrossTwoBoundaries) {
  const Graph g = skip_dag();
  // Stages {a,b} | {c} | {d,e}. Crossing: input -> a (12), a -> d skipping stage 1 (32),
  // b -> c (16), c -> d (8): 68 bytes per sample.
  EXPECT_DOUBLE_EQ(g.cut_bytes({0, 0, 1, 2, 2}), 68.0);
  EXPECT_DOUBLE_EQ(g.cut_bytes({0, 0, 1, 2, 2}, 3), 204.0);
  // {a} | {b,c} | {d,e}: a is read in stages 1 and 2, sent twice: 12 + 2*32 + 8 = 84.
  EXPECT_DOUBLE_EQ(g.cut_bytes({0, 1, 1, 2, 2}), 84.0);
  // {a} | {b,c,d,e}: a read twice in stage 1, sent once: 12 + 32 = 44.
  EXPECT_DOUBLE_EQ(g.cut_bytes({0, 1, 1, 1, 1}), 44.0);
  // Everything in one stage: only the model input crosses.
  EXPECT_DOUBLE_EQ(g.cut_bytes({0, 0, 0, 0, 0}), 12.0);
  EXPECT_THROW(g.cut_bytes({0, 0}), std::invalid_argument);
}

TEST(Graph, ByteHelpersAndOverrides) {
  Graph g = skip_dag();
  EXPECT_DOUBLE_EQ(g.input_bytes(), 12.0);
  EXPECT_DOUBLE_EQ(g.output_bytes(0, 2), 64.0);
  // a (5 params) + c (11 params), float32; a set counts each layer once.
  EXPECT_DOUBLE_EQ(g.weight_bytes(std::vector<LayerId>{0, 2}), 64.0);
  EXPECT_DOUBLE_EQ(g.weight_bytes(std::vector<LayerId>{2, 0, 0}), 64.0);
  EXPECT_DOUBLE_EQ(g.weight_bytes(std::vector<LayerId>{}), 0.0);
  EXPECT_EQ(g.total_params(), 5 + 7 + 11 + 13);
  EXPECT_EQ(g.total_macs(), 3 * (5 + 7 + 11 + 13));
  EXPECT_DOUBLE_EQ(g.total_flops(), 6.0 * (5 + 7 + 11 + 13));

  Layer o = make("o", {4}, {100}, 1000);
  o.weight_bytes_override = 10.0;
  o.output_bytes_override = 3.0;
  o.flops = 1.5;
  const LayerId id = g.add_layer(o);
  EXPECT_DOUBLE_EQ(g.weight_bytes(id), 10.0);
  EXPECT_DOUBLE_EQ(g.output_bytes(id, 4), 12.0);
  EXPECT_DOUBLE_EQ(g.layer(id).flops_per_sample(), 1.5);
  g.set_input_bytes_override(7.0);
  EXPECT_DOUBLE_EQ(g.input_bytes(2), 14.0);
  Graph half("half", {10}, 2);
  EXPECT_DOUBLE_EQ(half.input_bytes(), 20.0);
}

TEST(Graph, Elements) {
  EXPECT_EQ(elements({64, 112, 112}), 802816);
  EXPECT_EQ(elements({}), 1);
}

}  // namespace
}  // namespace edgesplit::model
