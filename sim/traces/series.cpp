// Piecewise-constant series arithmetic: evaluation, exact integrals over loops, the inverse
// integral (transfer finish time), change points and SimGrid profile text.
#include "sim/traces/series.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgesplit::traces {
namespace {

// Index of the piece holding base time u, for u in [0, span).
std::size_t piece_at(const Series& s, double u) {
  const auto it = std::upper_bound(s.times_s.begin(), s.times_s.end(), u);
  if (it == s.times_s.begin()) return 0;
  return static_cast<std::size_t>(it - s.times_s.begin()) - 1;
}

// cum[i] = integral of the base series over [0, times_s[i]); cum[n] = over the whole span.
std::vector<double> prefix(const Series& s) {
  const std::size_t n = s.values.size();
  std::vector<double> cum(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double end = i + 1 < n ? s.times_s[i + 1] : s.span_s;
    cum[i + 1] = cum[i] + s.values[i] * (end - s.times_s[i]);
  }
  return cum;
}

// Base time u folded into one period [0, span) for loops.
double fold(const Series& s, double u, double* periods) {
  double k = std::floor(u / s.span_s);
  double r = u - k * s.span_s;
  if (r < 0) {  // rounding: keep r in [0, span)
    r += s.span_s;
    k -= 1;
  } else if (r >= s.span_s) {
    r -= s.span_s;
    k += 1;
  }
  if (periods) *periods = k;
  return r;
}

// Integral of the base series over [0, u) inside one span (0 <= u <= span).
double cum_within(const Series& s, const std::vector<double>& cum, double u) {
  if (u >= s.span_s) return cum.back();
  const std::size_t i = piece_at(s, u);
  return cum[i] + s.values[i] * (u - s.times_s[i]);
}

// G(u): integral of the base series from base time 0 to u (negative for u < 0).
double base_cum(const Series& s, const std::vector<double>& cum, double u) {
  if (u < 0) return s.values.front() * u;
  if (u <= s.span_s) return cum_within(s, cum, u);
  if (s.end == EndMode::Hold) return cum.back() + s.values.back() * (u - s.span_s);
  double k = 0;
  const double r = fold(s, u, &k);
  return k * cum.back() + cum_within(s, cum, r);
}

// Earliest base time u in [0, span] with cum_within(u) >= rem, for 0 < rem <= cum.back().
double inverse_within(const Series& s, const std::vector<double>& cum, double rem) {
  // First piece j whose end cumulative reaches rem; its start cumulative is below rem, so it has a
  // positive value.
  const auto it = std::lower_bound(cum.begin() + 1, cum.end(), rem);
  if (it == cum.end()) return s.span_s;
  const std::size_t j = static_cast<std::size_t>(it - cum.begin()) - 1;
  if (rem <= cum[j] || s.values[j] <= 0) return s.times_s[j];
  const double end = j + 1 < s.values.size() ? s.times_s[j + 1] : s.span_s;
  return std::min(end, s.times_s[j] + (rem - cum[j]) / s.values[j]);
}

}  // namespace

bool Series::valid() const {
  if (times_s.empty() || times_s.size() != values.size()) return false;
  if (times_s.front() != 0.0) return false;
  for (std::size_t i = 1; i < times_s.size(); ++i)
    if (!(times_s[i] > times_s[i - 1])) return false;
  for (double v : values)
    if (!std::isfinite(v)) return false;
  return std::isfinite(span_s) && span_s > times_s.back() && std::isfinite(offset_s);
}

Series constant_series(double value) {
  Series s;
  s.times_s = {0.0};
  s.values = {value};
  s.span_s = 1.0;
  return s;
}

double value_at(const Series& s, double t_s) {
  double u = t_s - s.offset_s;
  if (u < 0) return s.values.front();
  if (u >= s.span_s) {
    if (s.end == EndMode::Hold) return s.values.back();
    u = fold(s, u, nullptr);
  }
  return s.values[piece_at(s, u)];
}

double integral(const Series& s, double t0_s, double t1_s) {
  const std::vector<double> cum = prefix(s);
  return base_cum(s, cum, t1_s - s.offset_s) - base_cum(s, cum, t0_s - s.offset_s);
}

double finish_time(const Series& s, double t0_s, double amount) {
  if (!(amount > 0)) return t0_s;
  const std::vector<double> cum = prefix(s);
  const double total = cum.back();
  const double target = base_cum(s, cum, t0_s - s.offset_s) + amount;
  double u = 0;
  if (target <= 0) {
    // Still before the trace starts (negative base time), where values[0] holds; it is positive
    // here, since the integral grew from G(u0) < 0 up to target.
    u = target / s.values.front();
  } else if (s.end == EndMode::Hold || target <= total) {
    if (target <= total) {
      u = inverse_within(s, cum, target);
    } else {
      if (!(s.values.back() > 0)) return std::numeric_limits<double>::infinity();
      u = s.span_s + (target - total) / s.values.back();
    }
  } else {
    if (!(total > 0)) return std::numeric_limits<double>::infinity();
    // target = k * total + rem with rem in (0, total]: k whole periods, then part of one more.
    double k = std::ceil(target / total) - 1;
    double rem = target - k * total;
    if (rem <= 0) {
      k -= 1;
      rem += total;
    } else if (rem > total) {
      k += 1;
      rem -= total;
    }
    u = k * s.span_s + inverse_within(s, cum, rem);
  }
  return std::max(t0_s, u + s.offset_s);
}

double mean_value(const Series& s) { return prefix(s).back() / s.span_s; }

std::vector<std::pair<double, double>> changes(const Series& s, double horizon_s) {
  std::vector<std::pair<double, double>> out;
  out.emplace_back(0.0, value_at(s, 0.0));
  const std::size_t n = s.values.size();
  // Period k of the base series starts at offset + k * span; the first one that can matter is the
  // one containing time 0.
  double k = 0;
  if (s.end == EndMode::Loop && s.offset_s < 0) k = std::floor(-s.offset_s / s.span_s);
  for (;; k += 1) {
    const double start = s.offset_s + k * s.span_s;
    if (start >= horizon_s) break;
    for (std::size_t i = 0; i < n; ++i) {
      const double t = start + s.times_s[i];
      if (t <= 0) continue;
      if (t >= horizon_s) break;
      if (s.values[i] != out.back().second) out.emplace_back(t, s.values[i]);
    }
    if (s.end == EndMode::Hold) break;
  }
  return out;
}

std::string to_simgrid_profile(const Series& s, double horizon_s) {
  std::string out;
  for (const auto& [t, v] : changes(s, horizon_s)) out += fmt::format("{} {}\n", t, v);
  return out;
}

Series rebin(const Series& s, double bin_s) {
  const std::vector<double> cum = prefix(s);
  // Windows of bin_s; a last partial window shorter than a billionth of a bin is merged away.
  const auto count = static_cast<std::size_t>(std::max(1.0, std::ceil(s.span_s / bin_s - 1e-9)));
  Series out;
  out.end = s.end;
  out.offset_s = s.offset_s;
  out.span_s = s.span_s;
  for (std::size_t k = 0; k < count; ++k) {
    const double a = static_cast<double>(k) * bin_s;
    const double b = k + 1 == count ? s.span_s : static_cast<double>(k + 1) * bin_s;
    out.times_s.push_back(a);
    out.values.push_back((cum_within(s, cum, b) - cum_within(s, cum, a)) / (b - a));
  }
  return out;
}

}  // namespace edgesplit::traces
