// The registry: built-in names, declared options, lookups and the Infeasible message.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"

namespace edgesplit::partition::test {
namespace {

TEST(Registry, BuiltinsAreRegisteredWithOptions) {
  const auto& r = builtin_registry();
  for (const char* name : {"single", "even", "manual", "neurosurgeon"}) {
    const PartitionerInfo* info = r.find(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_FALSE(info->summary.empty());
    for (const auto& o : info->options) EXPECT_FALSE(o.help.empty()) << name << "." << o.name;
  }
  auto names = r.names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(r.find("nope"), nullptr);
  auto catalog = r.catalog();
  ASSERT_EQ(catalog.count("even"), 1u);
  ASSERT_EQ(catalog["even"].size(), 1u);
  EXPECT_EQ(catalog["even"][0].name, "hosts");
  EXPECT_TRUE(catalog["even"][0].required);
}

TEST(Registry, DuplicateNameIsRejected) {
  Registry r;
  r.add(*builtin_registry().find("single"));
  EXPECT_THROW(r.add(*builtin_registry().find("single")), std::logic_error);
}

TEST(Registry, InfeasibleJoinsReasons) {
  Infeasible e({{0, "a", 2, 1, "first"}, {1, "b", 4, 3, "second"}});
  EXPECT_EQ(std::string(e.what()), "first\nsecond");
  EXPECT_EQ(e.reasons().size(), 2u);
}

TEST(Registry, HostViewsCopyThePlatform) {
  auto p = make_platform({{"a", 1000, 10, 0, 1.5, 4.0}, {"b", 0}});
  auto v = host_views(p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].index, 1);
  EXPECT_EQ(v[0].name, "a");
  EXPECT_EQ(v[0].type, "a-type");
  EXPECT_DOUBLE_EQ(v[0].memory_bytes, 1000);
  EXPECT_DOUBLE_EQ(v[0].idle_w, 1.5);
  EXPECT_DOUBLE_EQ(v[0].busy_w, 4.0);
}

}  // namespace
}  // namespace edgesplit::partition::test
