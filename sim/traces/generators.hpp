// Background-load generators (constant, on/off square wave, seeded random walk) and the
// utilisation -> available-speed conversion used for host speed profiles.
#pragma once

#include <cstdint>
#include <random>

#include "sim/traces/series.hpp"

namespace edgesplit::traces {

/// A uniform double in [0, 1) from the top 53 bits of one raw 64-bit draw: independent of the
/// standard library's distributions, so a seed gives the same walk on every platform.
double uniform01(std::mt19937_64& rng);

/// Constant load `value` (a one-piece held series).
Series constant_load(double value);

/// Square wave of period period_s: `value` on [k*period, k*period + duty*period), 0 on the rest,
/// looping from t = 0. duty in [0, 1]; period_s > 0.
Series onoff_load(double period_s, double duty, double value);

/// Random-walk parameters. The walk starts at `start`, then every interval_s moves by a uniform
/// step in [-step, +step] and is clamped to [min, max].
struct RandomWalk {
  double step = 0.1;
  double interval_s = 1.0;
  double min = 0.0;
  double max = 1.0;
  double start = 0.5;
  uint64_t seed = 1;
};

/// The walk's pieces covering [0, horizon_s) (at least one), held after the last one.
/// Same parameters and seed, same series.
Series random_walk(const RandomWalk& p, double horizon_s);

/// 1 - u for each value u of a utilisation series (the speed fraction left to our work).
Series available_from_utilisation(const Series& utilisation);

}  // namespace edgesplit::traces
