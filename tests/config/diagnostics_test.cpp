// Diagnostics: the FILE:LINE:COLUMN: error: KEY: message format, sorting, de-duplication, did-you-mean.
#include <gtest/gtest.h>

#include "sim/config/diagnostics.hpp"
#include "sim/config/node.hpp"
#include "sim/config/options.hpp"

using namespace edgesplit::config;

TEST(Diagnostics, FormatMatchesTheContract) {
  Diagnostics diag;
  diag.error(SourceLoc{"platforms/lab.yaml", 9, 29}, "links[0].bandwidth", "expected x, found \"y\"");
  diag.error(SourceLoc{"a.yaml", 1, 1}, "", "malformed YAML: oops");
  EXPECT_EQ(diag.items()[0].format(), "platforms/lab.yaml:9:29: error: links[0].bandwidth: expected x, found \"y\"");
  EXPECT_EQ(diag.items()[1].format(), "a.yaml:1:1: error: malformed YAML: oops");
}

TEST(Diagnostics, SortedByFileLineColumnWithoutDuplicates) {
  Diagnostics diag;
  diag.error({"b.yaml", 2, 1}, "k", "m");
  diag.error({"a.yaml", 10, 3}, "k", "m");
  diag.error({"a.yaml", 9, 7}, "k", "m");
  diag.error({"a.yaml", 10, 3}, "k", "m");  // duplicate
  diag.error({"a.yaml", 10, 1}, "k", "m");
  EXPECT_EQ(diag.format(),
            "a.yaml:9:7: error: k: m\n"
            "a.yaml:10:1: error: k: m\n"
            "a.yaml:10:3: error: k: m\n"
            "b.yaml:2:1: error: k: m\n");
  EXPECT_EQ(diag.items().size(), 5u);
}

TEST(Diagnostics, DidYouMean) {
  EXPECT_EQ(did_you_mean("partitoner", {"name", "partitioner", "platform"}), "did you mean \"partitioner\"?");
  EXPECT_EQ(did_you_mean("rpi5", {"rpi4", "jetson-nano"}), "did you mean \"rpi4\"?");
  EXPECT_EQ(did_you_mean("wrokload", {"workload"}), "did you mean \"workload\"?");  // transposition
  EXPECT_EQ(did_you_mean("zzzzzz", {"workload", "seed"}), "");
  EXPECT_EQ(did_you_mean("x", {}), "");
}

TEST(Options, GettersParseScalarsAndThrowOnBadTypes) {
  auto scalar = [](std::string text) {
    Node n;
    n.kind = Node::Kind::Scalar;
    n.scalar = std::move(text);
    n.key = "partitioner.options.k";
    return n;
  };
  Node list;
  list.kind = Node::Kind::Sequence;
  list.items = {scalar("a"), scalar("b")};
  Options o({{"b", scalar("true")}, {"i", scalar("-42")}, {"d", scalar("2.5e3")}, {"s", scalar("hi")},
             {"l", list}, {"bad", scalar("ten")}});
  EXPECT_TRUE(o.get_bool("b"));
  EXPECT_EQ(o.get_int("i"), -42);
  EXPECT_EQ(o.get_double("d"), 2500.0);
  EXPECT_EQ(o.get_double("i"), -42.0);
  EXPECT_EQ(o.get_string("s"), "hi");
  EXPECT_EQ(o.get_list("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(o.get_int("bad"), std::invalid_argument);
  EXPECT_THROW(o.get_int("d"), std::invalid_argument);
  EXPECT_THROW(o.get_bool("bad"), std::invalid_argument);
  EXPECT_THROW(o.get_list("s"), std::invalid_argument);
  EXPECT_THROW(o.get_string("l"), std::invalid_argument);
  EXPECT_THROW(o.node("absent"), std::out_of_range);
  try {
    o.get_int("bad");
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "partitioner.options.k: expected an integer, found \"ten\"");
  }
}
