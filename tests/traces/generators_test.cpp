// Load generators: exact square waves, random walks reproducible by seed and inside their bounds.
#include "sim/traces/generators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace edgesplit::traces {
namespace {

TEST(Generators, Uniform01UsesTheTop53RawBits) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64: 9981545732273789042.
  std::mt19937_64 rng;
  for (int i = 0; i < 9999; ++i) rng();
  EXPECT_EQ(uniform01(rng), static_cast<double>(9981545732273789042ull >> 11) / 9007199254740992.0);
}

TEST(Generators, Uniform01StaysInUnitInterval) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const double u = uniform01(rng);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Generators, OnOffIsAnExactSquareWave) {
  const Series s = onoff_load(10, 0.3, 0.8);
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(value_at(s, 0), 0.8);
  EXPECT_EQ(value_at(s, 2.999), 0.8);
  EXPECT_EQ(value_at(s, 3), 0.0);
  EXPECT_EQ(value_at(s, 9.999), 0.0);
  EXPECT_EQ(value_at(s, 10), 0.8);
  EXPECT_EQ(value_at(s, 53), 0.0);
  // Over 5 periods the load is on for 5 * 3 s at 0.8.
  EXPECT_DOUBLE_EQ(integral(s, 0, 50), 5 * 3 * 0.8);
  EXPECT_DOUBLE_EQ(mean_value(s), 0.3 * 0.8);
  EXPECT_EQ(to_simgrid_profile(available_from_utilisation(s), 25),
            "0 0.19999999999999996\n3 1\n10 0.19999999999999996\n13 1\n20 0.19999999999999996\n23 1\n");
}

TEST(Generators, OnOffDegenerateDuties) {
  EXPECT_EQ(value_at(onoff_load(4, 0, 0.5), 1), 0.0);
  EXPECT_EQ(value_at(onoff_load(4, 1, 0.5), 3.9), 0.5);
}

TEST(Generators, RandomWalkReproducibleAndBounded) {
  RandomWalk p;
  p.step = 0.3;
  p.interval_s = 0.5;
  p.min = 0.1;
  p.max = 0.6;
  p.start = 0.35;
  p.seed = 42;
  const Series a = random_walk(p, 100);
  const Series b = random_walk(p, 100);
  EXPECT_TRUE(a.valid());
  EXPECT_EQ(a.values, b.values);
  ASSERT_EQ(a.values.size(), 200u);
  EXPECT_EQ(a.values.front(), 0.35);
  EXPECT_DOUBLE_EQ(a.times_s[1], 0.5);
  bool moved = false;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    ASSERT_GE(a.values[i], 0.1);
    ASSERT_LE(a.values[i], 0.6);
    if (i) {
      ASSERT_LE(std::abs(a.values[i] - a.values[i - 1]), 0.3 + 1e-15);
      moved = moved || a.values[i] != a.values[i - 1];
    }
  }
  EXPECT_TRUE(moved);
  // The first step by hand: start + (2u - 1) * step with u from the first raw draw for seed 42.
  std::mt19937_64 rng(42);
  const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
  EXPECT_DOUBLE_EQ(a.values[1], std::clamp(0.35 + (2 * u - 1) * 0.3, 0.1, 0.6));
  p.seed = 43;
  EXPECT_NE(random_walk(p, 100).values, a.values);
  // A longer horizon extends the same walk.
  const Series longer = random_walk(p = RandomWalk{0.3, 0.5, 0.1, 0.6, 0.35, 42}, 200);
  EXPECT_TRUE(std::equal(a.values.begin(), a.values.end(), longer.values.begin()));
}

}  // namespace
}  // namespace edgesplit::traces
