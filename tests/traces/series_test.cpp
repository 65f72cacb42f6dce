// Piecewise-constant series: values, integrals and finish times checked against hand computations.
#include "sim/traces/series.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace edgesplit::traces {
namespace {

// 1e8 B/s on [0, 2), 2e7 B/s on [2, 4).
Series step() {
  Series s;
  s.times_s = {0, 2};
  s.values = {1e8, 2e7};
  s.span_s = 4;
  return s;
}

TEST(Series, StepIsValidAndRightContinuous) {
  const Series s = step();
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(value_at(s, 0), 1e8);
  EXPECT_EQ(value_at(s, 1.999), 1e8);
  EXPECT_EQ(value_at(s, 2), 2e7);
  EXPECT_EQ(value_at(s, 100), 2e7);  // hold
}

TEST(Series, InvalidSeriesAreDetected) {
  Series s = step();
  s.span_s = 2;  // not past the last time
  EXPECT_FALSE(s.valid());
  s = step();
  s.times_s = {0.5, 2};
  EXPECT_FALSE(s.valid());
}

TEST(Series, FinishTimeUnderStepTrace) {
  // 3e8 bytes from t=0: 2e8 by t=2, then 1e8 at 2e7 B/s takes 5 s more.
  EXPECT_DOUBLE_EQ(finish_time(step(), 0, 3e8), 7.0);
  // 1e8 bytes from t=1: 1e8 B/s for 1 s exactly.
  EXPECT_DOUBLE_EQ(finish_time(step(), 1, 1e8), 2.0);
  // 2e7 bytes from t=1.5: 0.5 s at 1e8 (5e7 B) covers it in 0.2 s.
  EXPECT_DOUBLE_EQ(finish_time(step(), 1.5, 2e7), 1.7);
  EXPECT_DOUBLE_EQ(finish_time(step(), 3, 0), 3.0);
}

TEST(Series, IntegralMatchesHandSums) {
  const Series s = step();
  EXPECT_DOUBLE_EQ(integral(s, 0, 7), 2e8 + 5 * 2e7);
  EXPECT_DOUBLE_EQ(integral(s, 1, 3), 1e8 + 2e7);
  EXPECT_DOUBLE_EQ(integral(s, 3, 1), -(1e8 + 2e7));
  EXPECT_DOUBLE_EQ(mean_value(s), (2e8 + 2 * 2e7) / 4);
}

TEST(Series, LoopRepeatsWithPeriodSpan) {
  Series s = step();
  s.end = EndMode::Loop;
  EXPECT_EQ(value_at(s, 4), 1e8);
  EXPECT_EQ(value_at(s, 6.5), 2e7);
  EXPECT_EQ(value_at(s, 401), 1e8);
  // One period carries 2.4e8 bytes; 10 periods and 1 s = 2.4e9 + 1e8.
  EXPECT_DOUBLE_EQ(integral(s, 0, 41), 2.4e9 + 1e8);
  // 5e8 bytes: 2 periods (4.8e8) by t=8, then 2e7 at 1e8 B/s: 0.2 s.
  EXPECT_DOUBLE_EQ(finish_time(s, 0, 5e8), 8.2);
  // Exactly one period's bytes end where the last positive piece of that period ends.
  EXPECT_DOUBLE_EQ(finish_time(s, 0, 2.4e8), 4.0);
}

TEST(Series, HoldEndingAtZeroNeverFinishes) {
  Series s;
  s.times_s = {0, 1};
  s.values = {10, 0};
  s.span_s = 2;
  EXPECT_DOUBLE_EQ(finish_time(s, 0, 10), 1.0);
  EXPECT_TRUE(std::isinf(finish_time(s, 0, 11)));
  s.end = EndMode::Loop;
  EXPECT_DOUBLE_EQ(finish_time(s, 0, 11), 2.1);  // next period starts at 2
}

TEST(Series, OffsetDelaysTheTrace) {
  Series s = step();
  s.offset_s = 10;
  EXPECT_EQ(value_at(s, 5), 1e8);  // before the trace: its first value
  EXPECT_EQ(value_at(s, 12), 2e7);
  EXPECT_DOUBLE_EQ(integral(s, 0, 12), 12 * 1e8);
  // From t=9: 1e8 B on [9,10) (first value before the trace), 2e8 B on [10,12).
  EXPECT_DOUBLE_EQ(finish_time(s, 9, 3e8), 12.0);
  EXPECT_DOUBLE_EQ(finish_time(s, 9, 3.2e8), 13.0);
}

TEST(Series, NegativeOffsetStartsInsideTheTrace) {
  Series s = step();
  s.offset_s = -3;  // t=0 is base time 3
  s.end = EndMode::Loop;
  EXPECT_EQ(value_at(s, 0), 2e7);
  EXPECT_EQ(value_at(s, 1), 1e8);
  EXPECT_DOUBLE_EQ(integral(s, 0, 2), 2e7 + 1e8);
}

TEST(Series, ProfileExpandsLoopsUpToTheHorizon) {
  Series s = step();
  s.end = EndMode::Loop;
  EXPECT_EQ(to_simgrid_profile(s, 9), "0 100000000\n2 20000000\n4 100000000\n6 20000000\n8 100000000\n");
  s.end = EndMode::Hold;
  EXPECT_EQ(to_simgrid_profile(s, 100), "0 100000000\n2 20000000\n");
  s.offset_s = 1.5;
  EXPECT_EQ(to_simgrid_profile(s, 100), "0 100000000\n3.5 20000000\n");
}

TEST(Series, ProfileMergesEqualNeighbours) {
  Series s;
  s.times_s = {0, 1, 2};
  s.values = {5, 5, 7};
  s.span_s = 3;
  s.end = EndMode::Loop;
  EXPECT_EQ(to_simgrid_profile(s, 7), "0 5\n2 7\n3 5\n5 7\n6 5\n");
}

TEST(Series, RebinAveragesAndKeepsTheMean) {
  const Series s = step();
  const Series b = rebin(s, 3);  // windows [0,3) and [3,4)
  ASSERT_EQ(b.values.size(), 2u);
  EXPECT_DOUBLE_EQ(b.values[0], (2e8 + 2e7) / 3);
  EXPECT_DOUBLE_EQ(b.values[1], 2e7);
  EXPECT_DOUBLE_EQ(mean_value(b), mean_value(s));
}

}  // namespace
}  // namespace edgesplit::traces
