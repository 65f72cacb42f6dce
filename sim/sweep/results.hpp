// A sweep's on-disk state: per-point point.json records, atomic writes, and results.csv rebuilt from them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/sweep/sweep.hpp"

namespace edgesplit::sweep {

/// What happened to one point; stored as DIR/points/<id>/point.json.
struct PointRecord {
  std::string id;
  std::vector<Param> params;
  std::optional<uint64_t> seed;
  std::string status;       ///< ok | invalid (exit 2) | infeasible (exit 3) | fault (exit 1, or no summary) | crashed (signal) | error (other)
  int exit_code = 0;        ///< the run's exit code; -1 when killed by a signal or not started
  int signal = 0;           ///< the signal that ended the run, 0 if none
  std::string error;        ///< first non-empty stderr line of a failed run (or what went wrong); "" when ok
  double wall_time_s = 0;   ///< the run's wall time as seen by the sweep (not in results.csv: it varies)
  bool ok() const { return status == "ok"; }
};

/// point.json text (JSON object; params as an object in sweep key order).
std::string point_json(const PointRecord& r);
/// Reads point.json; nullopt (with `why`) when missing or unreadable.
std::optional<PointRecord> read_point_json(const std::filesystem::path& path, std::string& why);

/// Writes `content` to `path` through a unique temporary file in the same directory and rename(2),
/// so readers (and a resumed sweep after SIGKILL) see the old file or the new one, never a part.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

/// A unique suffix for temporary names in a shared directory: "<host>-<pid>".
std::string unique_suffix();

/// Flattens summary.json to (column, value) pairs: nested keys joined by "_" with a unit suffix of any
/// component (_s, _j, _rps, _Bps, _w, _b) moved to the end (latency_s.p95 -> latency_p95_s,
/// energy_j.per_inference -> energy_per_inference_j, bottleneck.stage -> bottleneck_stage).
/// `wall_time_s` is left out (it differs between identical runs). Values are the JSON text of numbers
/// (byte-identical), strings unquoted. Throws std::runtime_error on malformed JSON.
std::vector<std::pair<std::string, std::string>> flatten_summary(const std::string& json_text);

/// The column a flattened path gets (exposed for tests).
std::string flat_name(const std::vector<std::string>& path);

/// One CSV field, quoted when it holds a comma, quote, newline or edge space (RFC 4180).
std::string csv_field(const std::string& s);

/// A finished point and the directory holding its run outputs.
struct PointDir {
  PointRecord record;
  std::filesystem::path dir;
};

/// results.csv text: point, parameter columns (first-seen order), seed, status, error, then summary
/// columns (throughput_rps, latency_p50_s, latency_p95_s, energy_per_inference_j, bottleneck_stage first,
/// the rest in first-seen order). Rows sorted by point id. Reads summary.json of each ok point.
std::string results_csv(std::vector<PointDir> points);

/// Point dirs under `dir`/points with a readable point.json (skipping temporaries), sorted by id.
std::vector<PointDir> scan_points(const std::filesystem::path& dir);

}  // namespace edgesplit::sweep
