// Typed `dynamics:` entry values (bandwidth, latency, load, fail) from a located config::Node:
// strict key checks, trace files read and hashed, series ready for SimGrid profiles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/config/diagnostics.hpp"
#include "sim/config/node.hpp"
#include "sim/traces/generators.hpp"
#include "sim/traces/series.hpp"

namespace edgesplit::traces {

/// What a request does when a host or link it uses fails (`on_failure:`).
enum class OnFailure { Drop, Retry };

/// Where a series came from, for summary.json.
struct TraceInfo {
  std::string path;     ///< as written in the scenario
  std::string display;  ///< resolved against the scenario's directory, not normalised (FILE in errors)
  std::string format;   ///< csv | simgrid | mahimahi | bwlog | cooked | lumos5g
  std::string sha256;   ///< of the file's bytes, 64 hex digits
  double mean = 0;      ///< mean_value of the final series: B/s (bandwidth), s (latency), speed fraction, up fraction
};

/// A load process (`load: {process: ...}`), kept because random_walk needs the horizon.
struct LoadProcess {
  std::string process;      ///< constant | onoff | random_walk
  bool utilisation = true;  ///< kind: utilisation (values are load u) or available (values are 1 - u)
  double value = 0;         ///< constant, onoff
  double period_s = 0;      ///< onoff
  double duty = 0;          ///< onoff
  RandomWalk walk;          ///< random_walk
};

/// One parsed dynamics value.
struct DynamicsSpec {
  std::string what;  ///< bandwidth | latency | load | fail
  /// bandwidth: B/s; latency: s; load: available speed fraction (1 - utilisation), as SimGrid's
  /// speed profiles take; fail: 1 up, 0 down. For random_walk, see materialize().
  Series series;
  std::optional<TraceInfo> trace;       ///< set when the series came from a file
  std::optional<LoadProcess> process;   ///< set for load processes
  std::optional<OnFailure> on_failure;  ///< fail entries only: `on_failure:` inside the fail map
};

/// Parses the value of a dynamics entry `what: VALUE` (what = bandwidth | latency | load | fail).
/// Trace paths are resolved against scenario_dir (the scenario file's directory, "" for the cwd).
/// Errors go to `diags` located at the offending node (or at FILE:LINE:COLUMN inside a trace file);
/// returns nullopt when any error was found. default_seed seeds a random_walk without `seed:`.
std::optional<DynamicsSpec> parse_dynamics(const std::string& what, const config::Node& value,
                                           const std::string& scenario_dir, config::Diagnostics& diags,
                                           uint64_t default_seed = 1);

/// The series to use for a run lasting horizon_s: spec.series, or the random walk generated up to
/// horizon_s (and turned into an available fraction).
Series materialize(const DynamicsSpec& spec, double horizon_s);

/// Parses an `on_failure:` scalar (drop | retry), at a dynamics entry or at the scenario level.
std::optional<OnFailure> parse_on_failure(const config::Node& node, config::Diagnostics& diags);

/// Path of a trace as shown and opened: `written` if absolute or scenario_dir is empty, else
/// scenario_dir + "/" + written (not normalised, so errors show what the user wrote).
std::string resolve_trace_path(const std::string& scenario_dir, const std::string& written);

}  // namespace edgesplit::traces
