// Piecewise-constant time series (bandwidth, latency, speed fraction, up/down state) and the
// arithmetic the runtime needs on them: value, integral, finish time, SimGrid profile text.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace edgesplit::traces {

/// What happens after the last piece of a trace.
enum class EndMode {
  Hold,  ///< the last value stays forever
  Loop,  ///< the trace repeats with period span_s
};

/// A right-continuous step function of time. Piece i holds values[i] on
/// [times_s[i], times_s[i+1]) (the last piece on [times_s.back(), span_s)).
/// Invariants (checked by valid()): times_s[0] == 0, strictly increasing, same size as values
/// (at least one piece), span_s > times_s.back(), every value finite.
/// Evaluated at simulated time t, the series gives base(t - offset_s), where base(u) for u < 0
/// is values[0] and for u >= span_s follows `end`.
struct Series {
  std::vector<double> times_s;
  std::vector<double> values;
  double span_s = 1.0;
  EndMode end = EndMode::Hold;
  double offset_s = 0.0;

  bool valid() const;
};

/// A constant series (one piece of 1 s, held).
Series constant_series(double value);

/// Value at simulated time t_s (right-continuous: a step at t belongs to the new value).
double value_at(const Series& s, double t_s);

/// Integral of the series over [t0_s, t1_s] (bytes for a bandwidth series in B/s); t1 < t0 gives
/// the negated integral. Exact for loops: whole periods are counted, not stepped through.
double integral(const Series& s, double t0_s, double t1_s);

/// Earliest time t >= t0_s at which integral(s, t0_s, t) == amount (the end of a transfer of
/// `amount` bytes started at t0_s under a bandwidth series). Returns +infinity when the series
/// can never deliver that much (hold mode ending at zero). amount <= 0 returns t0_s.
double finish_time(const Series& s, double t0_s, double amount);

/// Time-weighted mean of one span [0, span_s) of the base series (offset ignored):
/// the "mean rate" reported for a bandwidth trace.
double mean_value(const Series& s);

/// The (time, value) points where the evaluated series takes a new value, for t in [0, horizon_s):
/// the first point is always (0, value_at(0)); later points only where the value changes.
/// Loops are expanded period by period.
std::vector<std::pair<double, double>> changes(const Series& s, double horizon_s);

/// SimGrid profile text for ProfileBuilder::from_string(name, text, -1): one "DATE VALUE\n" line per
/// point of changes(s, horizon_s), absolute dates in seconds, numbers in shortest round-trip form.
/// Loops are expanded up to the horizon (no SimGrid periodicity argument is needed).
std::string to_simgrid_profile(const Series& s, double horizon_s);

/// Averages the base series over windows [k*bin_s, min((k+1)*bin_s, span_s)): each window's value is
/// the integral over it divided by its width, so the mean over the span is unchanged.
/// The last window may be shorter than bin_s. end and offset are kept.
Series rebin(const Series& s, double bin_s);

}  // namespace edgesplit::traces
