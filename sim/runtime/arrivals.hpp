// Request arrival times: saturate, poisson {rate} or periodic {interval}, seeded and portable.
#pragma once

#include <cstdint>
#include <random>

#include "sim/config/scenario.hpp"

namespace edgesplit::runtime {

/// Generates arrival times lazily (O(1) memory). Poisson inter-arrival times are exponential,
/// sampled by inversion, -ln(1 - U) / rate, with U built from the top 53 bits of std::mt19937_64
/// (whose output sequence the C++ standard fixes), so runs do not depend on the standard
/// library's distributions. The first poisson arrival is one sampled gap after t = 0; periodic
/// arrivals are at 0, interval, 2 x interval, ...
class Arrivals {
 public:
  /// Throws std::invalid_argument for an unknown process or a non-positive rate / interval.
  Arrivals(const config::Arrival& arrival, uint64_t seed);
  /// saturate: requests are admitted whenever the pipeline can take them.
  bool saturate() const { return kind_ == Kind::Saturate; }
  /// Arrival time of the next request (not for saturate).
  double next();

 private:
  enum class Kind { Saturate, Poisson, Periodic };
  Kind kind_ = Kind::Saturate;
  double rate_per_s_ = 0, interval_s_ = 0;
  std::mt19937_64 rng_;
  double t_s_ = 0;
  int64_t count_ = 0;
};

}  // namespace edgesplit::runtime
