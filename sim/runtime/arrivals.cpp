// Arrival processes (see arrivals.hpp).
#include "sim/runtime/arrivals.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace edgesplit::runtime {

Arrivals::Arrivals(const config::Arrival& arrival, uint64_t seed) : rng_(seed) {
  if (arrival.process == "saturate") {
    kind_ = Kind::Saturate;
  } else if (arrival.process == "poisson") {
    if (!(arrival.rate_per_s > 0)) throw std::invalid_argument("workload.arrival.rate: expected a positive rate");
    kind_ = Kind::Poisson;
    rate_per_s_ = arrival.rate_per_s;
  } else if (arrival.process == "periodic") {
    if (!(arrival.interval_s > 0))
      throw std::invalid_argument("workload.arrival.interval: expected a positive interval");
    kind_ = Kind::Periodic;
    interval_s_ = arrival.interval_s;
  } else {
    throw std::invalid_argument(fmt::format(
        "workload.arrival.process: expected saturate, poisson or periodic, found \"{}\"", arrival.process));
  }
}

double Arrivals::next() {
  if (kind_ == Kind::Periodic) return static_cast<double>(count_++) * interval_s_;
  if (kind_ == Kind::Poisson) {
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
    t_s_ += -std::log1p(-u) / rate_per_s_;
    ++count_;
    return t_s_;
  }
  return 0;
}

}  // namespace edgesplit::runtime
