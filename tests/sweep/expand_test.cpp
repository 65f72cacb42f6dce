// Sweep files: parsing errors, grid/zip/repeat counts, stable ids (pinned), order, shards.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sim/sweep/sweep.hpp"
#include "test_util.hpp"

namespace edgesplit::sweep {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::write;

std::optional<SweepFile> parse(const std::string& text, config::Diagnostics& diag, const std::string& dir) {
  return load_sweep_text(text, "s.yaml", dir, diag);
}

struct ExpandTest : ::testing::Test {
  TempDir tmp{"expand"};
  void SetUp() override { write(tmp / "base.yaml", "name: b\nseed: 1\n"); }
  SweepFile ok(const std::string& text) {
    config::Diagnostics diag;
    auto s = parse(text, diag, tmp.path.string());
    EXPECT_FALSE(diag.has_errors()) << diag.format();
    return s ? *s : SweepFile{};
  }
  std::string errors(const std::string& text) {
    config::Diagnostics diag;
    auto s = parse(text, diag, tmp.path.string());
    EXPECT_FALSE(s.has_value());
    return diag.format();
  }
};

TEST(Fnv1a, PublishedTestVectors) {
  // http://www.isthe.com/chongo/src/fnv/test_fnv.c: FNV-1a 64 of "", "a", "foobar".
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(PointId, PinnedValues) {
  // Pinned: computed once by an independent Python FNV-1a of the canonical text. A change here
  // renames every point directory of existing sweeps: do not "fix" the numbers.
  EXPECT_EQ(canonical_text({{"workload.requests", "100"}, {"partitioner.name", "pipeedge"}}, 1),
            "partitioner.name=pipeedge\nseed=1\nworkload.requests=100\n");
  EXPECT_EQ(point_id({{"partitioner.name", "pipeedge"}, {"workload.requests", "100"}}, 1), "89c8916e1909");
  EXPECT_EQ(point_id({{"workload.requests", "200"}, {"partitioner.name", "dads"}}, 3), "c2f211867e1b");
  EXPECT_EQ(point_id({{"workload.arrival", "{process: poisson, rate: 5}"}}, 1), "0913d456176d");
  EXPECT_EQ(point_id({}, 7), "0b05667c08e0");
}

TEST_F(ExpandTest, GridZipRepeatCounts) {
  const auto s = ok(
      "base: base.yaml\n"
      "grid:\n  partitioner.name: [pipeedge, dads, single]\n  workload.requests: [100, 200]\n"
      "zip:\n  platform: [a.yaml, b.yaml]\n  name: [a, b]\n"
      "repeat: 3\n");
  const auto points = expand(s);
  ASSERT_EQ(points.size(), 3u * 2u * 2u * 3u);
  std::set<std::string> ids;
  std::set<std::vector<std::string>> combos;
  for (const auto& p : points) {
    ids.insert(p.id);
    ASSERT_EQ(p.params.size(), 4u);
    EXPECT_EQ(p.params[0].key, "partitioner.name");
    EXPECT_EQ(p.params[3].key, "name");
    // zip advanced together: platform a.yaml always with name a.
    EXPECT_EQ(p.params[2].value.substr(0, 1), p.params[3].value);
    combos.insert({p.params[0].value, p.params[1].value, p.params[2].value, std::to_string(*p.seed)});
    EXPECT_EQ(p.id, point_id(p.params, p.seed));
  }
  EXPECT_EQ(ids.size(), points.size());
  EXPECT_EQ(combos.size(), points.size());
  EXPECT_TRUE(std::is_sorted(points.begin(), points.end(), [](auto& a, auto& b) { return a.id < b.id; }));
  EXPECT_EQ(s.keys(), (std::vector<std::string>{"partitioner.name", "workload.requests", "platform", "name"}));
  // The pinned point is among them (seed 1 from base.yaml).
  config::Diagnostics diag;
  const auto one = ok("base: base.yaml\ngrid:\n  workload.requests: [100]\n  partitioner.name: [pipeedge]\n");
  ASSERT_EQ(expand(one).size(), 1u);
  EXPECT_EQ(expand(one)[0].id, "89c8916e1909");
}

TEST_F(ExpandTest, IdsIndependentOfKeyOrderAndStableAcrossParses) {
  const auto a = expand(ok("base: base.yaml\ngrid:\n  x: [1, 2, 3]\n  y: [a, b]\n"));
  const auto b = expand(ok("grid:\n  y: [b, a]\n  x: [3, 1, 2]\nbase: base.yaml\n"));
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
}

TEST_F(ExpandTest, RepeatUsesTheBaseSeed) {
  write(tmp / "seeded.yaml", "name: s\nseed: 7\n");
  const auto points = expand(ok("base: seeded.yaml\nrepeat: 3\n"));
  std::vector<uint64_t> seeds;
  for (const auto& p : points) seeds.push_back(*p.seed);
  std::sort(seeds.begin(), seeds.end());
  EXPECT_EQ(seeds, (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_EQ(expand(ok("base: seeded.yaml\n"))[0].id, "0b05667c08e0");
  // No seed in the base: 1.
  write(tmp / "noseed.yaml", "name: s\n");
  EXPECT_EQ(*expand(ok("base: noseed.yaml\ngrid: {x: [1]}\n"))[0].seed, 1u);
}

TEST_F(ExpandTest, SeedAsGridKeyPassesNoSeedFlag) {
  const auto points = expand(ok("base: base.yaml\ngrid:\n  seed: [4, 5]\n"));
  ASSERT_EQ(points.size(), 2u);
  for (const auto& p : points) EXPECT_FALSE(p.seed.has_value());
  EXPECT_NE(errors("base: base.yaml\ngrid:\n  seed: [4, 5]\nrepeat: 2\n").find(
                "s.yaml:4:9: error: repeat: expected no repeat when seed is a grid or zip key, found 2"),
            std::string::npos);
}

TEST_F(ExpandTest, StructuredValuesBecomeFlowYaml) {
  const auto s = ok(
      "base: base.yaml\n"
      "grid:\n"
      "  workload.arrival:\n"
      "    - {process: poisson, rate: 5}\n"
      "    - process: periodic\n"
      "      interval: 2ms\n"
      "  partitioner.options.stages: [[0, 1], [2]]\n"
      "  name: [\"123\", 'a, b', plain]\n");
  ASSERT_EQ(s.grid.size(), 3u);
  EXPECT_EQ(s.grid[0].values, (std::vector<std::string>{"{process: poisson, rate: 5}", "{process: periodic, interval: 2ms}"}));
  EXPECT_EQ(s.grid[1].values, (std::vector<std::string>{"[0, 1]", "[2]"}));
  EXPECT_EQ(s.grid[2].values, (std::vector<std::string>{"\"123\"", "\"a, b\"", "plain"}));
}

TEST_F(ExpandTest, ErrorsAreLocatedAndComplete) {
  const std::string e = errors(
      "base: base.yaml\n"             // 1
      "gird:\n"                       // 2
      "  x: [1]\n"                    // 3
      "zip:\n"                        // 4
      "  a: [1, 2]\n"                 // 5
      "  b: [1, 2, 3]\n"              // 6
      "repeat: 0\n");                 // 7
  EXPECT_EQ(e,
            "s.yaml:2:1: error: gird: unknown key; did you mean \"grid\"?\n"
            "s.yaml:6:3: error: zip.b: expected 2 values as zip.a has, found 3\n"
            "s.yaml:7:9: error: repeat: expected an integer >= 1, found \"0\"\n");
}

TEST_F(ExpandTest, DuplicatesAndShapes) {
  EXPECT_EQ(errors("base: base.yaml\ngrid:\n  x: [1, 2, 1]\n"),
            "s.yaml:3:13: error: grid.x[2]: expected distinct values, found \"1\" again (also at [0])\n");
  EXPECT_EQ(errors("base: base.yaml\ngrid:\n  x: [1]\n  x: [2]\n"),
            "s.yaml:4:3: error: grid.x: duplicate key (first at line 3)\n");
  EXPECT_EQ(errors("base: base.yaml\nbase: base.yaml\n"), "s.yaml:2:1: error: base: duplicate key (first at line 1)\n");
  EXPECT_EQ(errors("base: base.yaml\ngrid:\n  workload.requests: 100\n"),
            "s.yaml:3:22: error: grid.workload.requests: expected a list of values such as [1, 2], found \"100\"\n");
  EXPECT_EQ(errors("base: base.yaml\ngrid:\n  x: []\n"), "s.yaml:3:6: error: grid.x: expected at least one value, found []\n");
  EXPECT_EQ(errors("base: base.yaml\ngrid:\n  bad key: [1]\n"),
            "s.yaml:3:3: error: grid.bad key: expected a dotted scenario key such as workload.requests, found \"bad key\"\n");
  EXPECT_EQ(errors("base: base.yaml\ngrid: {x: [1]}\nzip: {x: [2]}\n"),
            "s.yaml:3:7: error: zip.x: expected a key not already in grid, found it at line 2\n");
  EXPECT_EQ(errors("base: missing.yaml\n").substr(0, 80),
            std::string("s.yaml:1:7: error: base: expected an existing scenario file, found \"missing.yaml\" (").substr(0, 80));
  EXPECT_EQ(errors("grid: {x: [1]}\n"), "s.yaml:1:1: error: missing key \"base\" (or an inline \"scenario\")\n");
  EXPECT_EQ(errors("- 1\n"),
            "s.yaml:1:1: error: expected a sweep (a map with base or scenario, and grid, zip or repeat), found a list\n");
  EXPECT_NE(errors("base: [\n").find("s.yaml:2:1: error: malformed YAML"), std::string::npos);
  EXPECT_EQ(errors("base: base.yaml\nzip:\n  a: [1, 1]\n  b: [2, 2]\n"),
            "s.yaml:3:3: error: zip: expected distinct tuples, found position 1 equal to position 0\n");
}

TEST_F(ExpandTest, InlineScenarioGetsAbsolutePaths) {
  const auto s = ok("scenario:\n  name: inl\n  seed: 4\n  platform: ../platforms/p.yaml\n  model: vgg16\ngrid: {x: [1]}\n");
  EXPECT_TRUE(s.base_path.empty());
  EXPECT_EQ(s.base_seed, 4u);
  const std::string abs = (fs::absolute(tmp.path) / "../platforms/p.yaml").lexically_normal().string();
  EXPECT_NE(s.inline_scenario.find("platform: " + abs), std::string::npos) << s.inline_scenario;
}

TEST(Shard, EveryPointExactlyOnce) {
  std::vector<Point> points;
  for (int i = 0; i < 10; ++i) points.push_back(Point{point_id({{"x", std::to_string(i)}}, 1), {{"x", std::to_string(i)}}, 1});
  std::sort(points.begin(), points.end(), [](auto& a, auto& b) { return a.id < b.id; });
  std::multiset<std::string> seen;
  for (int k = 1; k <= 3; ++k) {
    const auto part = shard(points, k, 3);
    EXPECT_EQ(part.size(), k == 1 ? 4u : 3u);  // indices 0,3,6,9 / 1,4,7 / 2,5,8
    EXPECT_EQ(part.front().id, points[static_cast<std::size_t>(k - 1)].id);
    for (const auto& p : part) seen.insert(p.id);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 10u);
  EXPECT_TRUE(shard(points, 4, 3).empty());
}

}  // namespace
}  // namespace edgesplit::sweep
