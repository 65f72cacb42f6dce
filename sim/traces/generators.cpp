// Background-load generators: exact square waves and seeded random walks from raw mt19937_64 bits.
#include "sim/traces/generators.hpp"

#include <algorithm>
#include <cmath>

namespace edgesplit::traces {

double uniform01(std::mt19937_64& rng) {
  // 53 random mantissa bits times 2^-53: every value k * 2^-53 for k < 2^53 equally likely.
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

Series constant_load(double value) { return constant_series(value); }

Series onoff_load(double period_s, double duty, double value) {
  Series s;
  s.end = EndMode::Loop;
  s.span_s = period_s;
  if (duty <= 0 || duty >= 1) {
    s.times_s = {0.0};
    s.values = {duty <= 0 ? 0.0 : value};
    return s;
  }
  s.times_s = {0.0, duty * period_s};
  s.values = {value, 0.0};
  return s;
}

Series random_walk(const RandomWalk& p, double horizon_s) {
  std::mt19937_64 rng(p.seed);
  const auto count = static_cast<std::size_t>(std::max(1.0, std::ceil(horizon_s / p.interval_s)));
  Series s;
  s.end = EndMode::Hold;
  double v = std::clamp(p.start, p.min, p.max);
  for (std::size_t k = 0; k < count; ++k) {
    s.times_s.push_back(static_cast<double>(k) * p.interval_s);
    s.values.push_back(v);
    v = std::clamp(v + (2.0 * uniform01(rng) - 1.0) * p.step, p.min, p.max);
  }
  s.span_s = static_cast<double>(count) * p.interval_s;
  return s;
}

Series available_from_utilisation(const Series& utilisation) {
  Series s = utilisation;
  for (double& v : s.values) v = 1.0 - v;
  return s;
}

}  // namespace edgesplit::traces
