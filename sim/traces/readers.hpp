// Strict readers for trace files: bandwidth (csv, simgrid, mahimahi, bwlog, cooked, lumos5g),
// latency (csv, simgrid), background load (csv) and up/down state (csv). See docs/TRACES.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/diagnostics.hpp"
#include "sim/traces/series.hpp"

namespace edgesplit::traces {

/// Bytes per mahimahi delivery opportunity (one MTU-sized packet).
inline constexpr double kMahimahiPacketBytes = 1500.0;
/// Default averaging window of a mahimahi trace, in seconds.
inline constexpr double kMahimahiDefaultBin_s = 1.0;

/// Most windows a reader or rebin may make of one trace (80 MB of values): a bound on memory for
/// mistaken inputs such as epoch-millisecond mahimahi timestamps or a 1us bin over hours.
inline constexpr double kMaxWindows = 1e7;

/// The bandwidth formats, in the order error messages list them.
const std::vector<std::string>& bandwidth_formats();
/// The latency formats.
const std::vector<std::string>& latency_formats();

/// Reader options that change how a file is read (not what is done with the series afterwards).
struct ReadOptions {
  double bin_s = 0;            ///< mahimahi: averaging window (0: kMahimahiDefaultBin_s); ignored elsewhere
  std::optional<int64_t> run;  ///< lumos5g: keep only rows whose run_num equals this
};

/// Every reader below takes the file's text and its display name (used as FILE in errors), appends
/// one located error per bad line to `diags` ("FILE:LINE:COLUMN: error: COLUMN_NAME: expected ...,
/// found ...") and returns nullopt when any error was found. A returned series starts at 0, holds at
/// the end (end and offset are the caller's business) and has no negative value.

/// Bandwidth trace in B/s. `format` must be one of bandwidth_formats().
std::optional<Series> read_bandwidth(std::string_view text, const std::string& format, const std::string& display,
                                     const ReadOptions& options, config::Diagnostics& diags);

/// Latency trace in seconds: csv (`time_s,latency`, unit strings allowed) or simgrid (`date value`, s).
std::optional<Series> read_latency(std::string_view text, const std::string& format, const std::string& display,
                                   config::Diagnostics& diags);

/// Load trace: csv `time_s,value` with values in [0, 1] (utilisation or available fraction: the
/// caller decides which).
std::optional<Series> read_load_csv(std::string_view text, const std::string& display, config::Diagnostics& diags);

/// State trace: csv `time_s,up` with values 0 (down) or 1 (up).
std::optional<Series> read_state_csv(std::string_view text, const std::string& display, config::Diagnostics& diags);

}  // namespace edgesplit::traces
