// Latency figures of a run computed at its end from the streamed requests.csv in bounded memory
// (exact nearest-rank percentiles by radix selection), instead of keeping every latency in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/recorder/dynamics_json.hpp"

namespace edgesplit::recorder {

struct LatencyStats {
  int64_t count = 0;  ///< data rows read
  double mean_s = 0, p50_s = 0, p95_s = 0, p99_s = 0, max_s = 0;  ///< 0 when count is 0
  std::vector<TimelineWindow> timeline;  ///< what make_timeline() returns for the same latencies
};

/// Reads the `latency_s` column (the last one) of a requests.csv whose rows are in completion
/// order and returns what the recorder used to compute from every latency kept in memory, to the
/// bit: the mean (summed in row order), nearest-rank p50, p95, p99 (sorted[ceil(p/100 n) - 1]),
/// the maximum, and the timeline of make_timeline(latencies, marks, window_s, end_s).
/// Memory stays below about 1.5 MB whatever the number of rows: a percentile is found by radix
/// selection on the bits of the doubles (a 16-bit histogram per pass over the file, then the
/// values of the one bucket that holds it, selected in memory once they are at most 32,768).
/// Throws std::runtime_error when the file cannot be read or a latency does not parse.
LatencyStats latency_stats(const std::string& requests_csv, const std::vector<std::size_t>& marks, double window_s,
                           double end_s);

/// The k-th smallest (1-based) of the `latency_s` column over rows [from, to) of `requests_csv`, by
/// the same bounded-memory selection (for tests; k in [1, to - from]).
double kth_latency(const std::string& requests_csv, std::size_t from, std::size_t to, std::size_t k);

}  // namespace edgesplit::recorder
