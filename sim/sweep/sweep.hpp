// Sweep files (docs/SWEEPS.md): a base scenario plus grid/zip/repeat, expanded to points with stable ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"

namespace edgesplit::sweep {

/// One varied key with its values, each already in the flow-YAML text `--set` takes.
struct Axis {
  std::string key;                  ///< dotted scenario path, as --set takes it ("workload.requests")
  std::vector<std::string> values;  ///< flow YAML ("100", "{process: poisson, rate: 5}", "[1, 2]")
  config::SourceLoc loc;            ///< where the key is written
};

/// A parsed sweep file.
struct SweepFile {
  std::string path;                 ///< the sweep file as given
  std::string base_path;            ///< base scenario, relative to the current directory (or absolute)
  std::string inline_scenario;      ///< `scenario:` inline as block YAML (relative paths made absolute); base_path empty then
  std::vector<Axis> grid;           ///< crossed, first key varies slowest
  std::vector<Axis> zip;            ///< advanced together (equal lengths), crossed with the grid
  int repeat = 0;                   ///< 0: not given (one seed, the base seed)
  uint64_t base_seed = 1;           ///< `seed:` of the base scenario, default 1
  bool seed_varied = false;         ///< `seed` is a grid/zip key: no --seed is passed then
  /// Varied keys in file order (grid then zip): the parameter columns of results.csv.
  std::vector<std::string> keys() const;
};

/// One `--set key=value` of a point.
struct Param {
  std::string key;
  std::string value;  ///< flow YAML text
};

/// A resolved point: the base scenario plus these overrides and seed.
struct Point {
  std::string id;             ///< point_id(params, seed): 12 lowercase hex digits
  std::vector<Param> params;  ///< in SweepFile::keys() order
  std::optional<uint64_t> seed;  ///< passed as --seed; empty when `seed` is itself a varied key
};

/// FNV-1a, 64 bit (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/): offset basis
/// 14695981039346656037, prime 1099511628211. Same value on every machine and compiler.
uint64_t fnv1a64(const std::string& bytes);

/// "key=value\n" lines sorted by key, plus "seed=S\n" when a seed is passed (sorted with the rest).
std::string canonical_text(const std::vector<Param>& params, const std::optional<uint64_t>& seed);

/// First 12 hex digits of fnv1a64(canonical_text(...)), lowercase.
std::string point_id(const std::vector<Param>& params, const std::optional<uint64_t>& seed);

/// Parses a sweep file; on error appends to `diag` (FILE:LINE:COLUMN: error: KEY: ...) and returns nullopt.
/// Reads the base scenario only for its `seed:`.
std::optional<SweepFile> load_sweep(const std::string& path, config::Diagnostics& diag);

/// Same from text; `name` is FILE in messages, `dir` the directory relative paths start from.
std::optional<SweepFile> load_sweep_text(const std::string& text, const std::string& name, const std::string& dir,
                                         config::Diagnostics& diag);

/// True when the YAML file looks like a sweep (a top-level map with `grid`, `zip` or `repeat` next to
/// `base` or `scenario`): lets `edgesplit validate` pick the sweep checker.
bool looks_like_sweep(const std::string& path);

/// Every point: grid combinations (last key fastest) x zip tuples x repeats, in that nesting order,
/// sorted by id. Ids are unique (duplicate values are rejected by the loader).
std::vector<Point> expand(const SweepFile& sweep);

/// Points with index % n == k - 1 (1 <= k <= n) of `points` (already sorted by id).
std::vector<Point> shard(const std::vector<Point>& points, int k, int n);

}  // namespace edgesplit::sweep
