// manual: user-given stages, and a located error for each kind of mistake.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

const std::string kStages = "partitioner.options.stages";

// One stage entry at line `line`: {host: H, layers: L}; L a range string or a list of names.
config::Node stage(std::size_t i, const std::string& host, const std::vector<std::string>& layers, int line,
                   bool as_list = true) {
  const std::string key = kStages + "[" + std::to_string(i) + "]";
  config::Node l;
  if (as_list) {
    std::vector<config::Node> items;
    for (std::size_t j = 0; j < layers.size(); ++j)
      items.push_back(scalar(layers[j], key + ".layers[" + std::to_string(j) + "]", line, 30 + 5 * static_cast<int>(j)));
    l = sequence(std::move(items), key + ".layers", line);
  } else {
    l = scalar(layers.at(0), key + ".layers", line, 30);
  }
  return map({{"host", scalar(host, key + ".host", line, 12)}, {"layers", l}}, key, line);
}

std::map<std::string, config::Node> stages(std::vector<config::Node> items) {
  return {{"stages", sequence(std::move(items), kStages, 4)}};
}

// conv1 -> relu1 -> conv2 -> fc, plus a skip conv1 -> fc.
struct ManualCase : ::testing::Test {
  static model::Graph graph() {
    auto g = make_graph(100);
    auto c1 = add(g, "conv1", {model::kInput}, 40, 10);
    auto r1 = add(g, "relu1", {c1}, 40, 0);
    auto c2 = add(g, "conv2", {r1}, 20, 30);
    add(g, "fc", {c2, c1}, 5, 50);
    return g;
  }
  World w{graph(), {{"pi", 1000, 100}, {"hub", 1000, 100}}, {{1, 1, 1, 1}, {0.5, 0.5, 0.5, 0.5}}};

  config::Diagnostic error_of(std::vector<config::Node> items) {
    try {
      run("manual", w, stages(std::move(items)));
    } catch (const config::InputError& e) {
      return e.diagnostic();
    }
    ADD_FAILURE() << "expected an InputError";
    return {};
  }
};

TEST_F(ManualCase, RangeAndListStages) {
  Plan plan = run("manual", w, stages({stage(0, "pi", {"conv1..relu1"}, 5, false), stage(1, "hub", {"fc", "conv2"}, 6)}));
  EXPECT_EQ(plan.partitioner, "manual");
  ASSERT_EQ(plan.stages.size(), 2u);
  EXPECT_EQ(plan.stages[0].hosts[0].host, 0);
  EXPECT_EQ(plan.stages[0].layers, (std::vector<model::LayerId>{0, 1}));
  EXPECT_EQ(plan.stages[1].layers, (std::vector<model::LayerId>{2, 3}));
  // pi computes 2 s and sends relu1 + conv1 (the skip) = 80 B at 100 B/s.
  EXPECT_DOUBLE_EQ(plan.stages[0].predicted_send_s, 0.8);
  EXPECT_DOUBLE_EQ(plan.predicted_bottleneck_s, 2);
}

TEST_F(ManualCase, UnknownHost) {
  auto d = error_of({stage(0, "hb", {"conv1..fc"}, 5, false)});
  EXPECT_EQ(d.key, kStages + "[0].host");
  EXPECT_EQ(d.loc.file, "s.yaml");
  EXPECT_EQ(d.loc.line, 5);
  EXPECT_EQ(d.loc.column, 12);
  EXPECT_EQ(d.message, "expected a host of the platform, found \"hb\"; did you mean \"hub\"?");
}

TEST_F(ManualCase, UnknownLayer) {
  auto d = error_of({stage(0, "pi", {"conv1", "relu"}, 5), stage(1, "hub", {"conv2", "fc"}, 6)});
  EXPECT_EQ(d.key, kStages + "[0].layers[1]");
  EXPECT_EQ(d.loc.line, 5);
  EXPECT_EQ(d.loc.column, 35);
  EXPECT_NE(d.message.find("found \"relu\"; did you mean \"relu1\"?"), std::string::npos) << d.message;
  auto r = error_of({stage(0, "pi", {"conv1..conv3"}, 5, false)});
  EXPECT_EQ(r.key, kStages + "[0].layers");
  EXPECT_NE(r.message.find("\"conv3\"; did you mean \"conv1\"?"), std::string::npos) << r.message;
}

TEST_F(ManualCase, LayerInTwoStages) {
  auto d = error_of({stage(0, "pi", {"conv1", "relu1"}, 5), stage(1, "hub", {"relu1", "conv2", "fc"}, 6)});
  EXPECT_EQ(d.key, kStages + "[1].layers[0]");
  EXPECT_EQ(d.loc.line, 6);
  EXPECT_EQ(d.message, "layer \"relu1\" is already in " + kStages + "[0]");
}

TEST_F(ManualCase, LayerInNoStage) {
  auto d = error_of({stage(0, "pi", {"conv1", "relu1"}, 5), stage(1, "hub", {"fc"}, 6)});
  EXPECT_EQ(d.key, kStages);
  EXPECT_EQ(d.loc.line, 4);
  EXPECT_NE(d.message.find("in none: \"conv2\""), std::string::npos) << d.message;
}

TEST_F(ManualCase, StagesOutOfOrder) {
  auto d = error_of({stage(0, "pi", {"conv2", "fc"}, 5), stage(1, "hub", {"conv1", "relu1"}, 6)});
  EXPECT_EQ(d.key, kStages + "[0].layers[0]");
  EXPECT_EQ(d.loc.line, 5);
  EXPECT_NE(d.message.find("reads \"relu1\" of the later " + kStages + "[1]"), std::string::npos) << d.message;
}

TEST_F(ManualCase, BackwardRangeAndUnknownKey) {
  auto d = error_of({stage(0, "pi", {"fc..conv1"}, 5, false)});
  EXPECT_EQ(d.key, kStages + "[0].layers");
  auto item = stage(0, "pi", {"conv1..fc"}, 5, false);
  item.entries.push_back({"layer", scalar("x", kStages + "[0].layer", 5, 40)});
  auto k = error_of({item});
  EXPECT_EQ(k.key, kStages + "[0].layer");
  EXPECT_EQ(k.message, "unknown key; did you mean \"layers\"?");
}

TEST_F(ManualCase, MemoryIsChecked) {
  w.platform.device_types["hub-type"].memory_bytes = 100;
  w.hosts = host_views(w.platform);
  try {
    run("manual", w, stages({stage(0, "pi", {"conv1..relu1"}, 5, false), stage(1, "hub", {"conv2..fc"}, 6, false)}));
    FAIL() << "expected Infeasible";
  } catch (const Infeasible& e) {
    ASSERT_EQ(e.reasons().size(), 1u);
    EXPECT_EQ(e.reasons()[0].stage, 1);
    EXPECT_EQ(e.reasons()[0].host, "hub");
    // weights 80 + 3 x (40 + 40) received + own output 5 = 325.
    EXPECT_DOUBLE_EQ(e.reasons()[0].needed_bytes, 325);
  }
}

}  // namespace
}  // namespace edgesplit::partition::test
