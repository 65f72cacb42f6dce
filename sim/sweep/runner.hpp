// Runs sweep points as child processes (`RUNNER run BASE --out ... --set ... --seed S --quiet`), N at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/sweep/results.hpp"
#include "sim/sweep/sweep.hpp"

namespace edgesplit::sweep {

struct RunnerOptions {
  std::filesystem::path out_dir;  ///< the sweep directory; points go to out_dir/points/<id>/
  std::string runner;             ///< the program run per point (normally this edgesplit)
  std::string scenario;           ///< base scenario path passed to `run`
  int jobs = 1;                   ///< points at once (>= 1)
  bool progress = false;          ///< redraw a progress line on `log`
};

struct RunnerStats {
  std::size_t ran = 0;     ///< points run by this call
  std::size_t failed = 0;  ///< of those, not ok
};

/// Command line of one point (argv, program first).
std::vector<std::string> point_command(const RunnerOptions& opt, const Point& p, const std::string& out);

/// Runs `points` (none of which is finished), at most opt.jobs at once. Each point's run writes to a
/// staging directory; then point.json (and the run's stderr as stderr.txt) go in, and the directory is
/// renamed to out_dir/points/<id>: a point appears whole or not at all. Children get SIGKILL if the
/// sweep dies (PR_SET_PDEATHSIG), so none outlives a killed sweep. Throws std::runtime_error on a
/// failure of the sweep itself (cannot fork, cannot write).
RunnerStats run_points(const RunnerOptions& opt, const std::vector<Point>& points, std::size_t already_done,
                       std::size_t total, std::ostream& log);

/// Turns a wait status and the run's stderr into a record's status/exit_code/signal/error.
void classify(PointRecord& r, int wait_status, bool summary_exists, const std::string& stderr_text);

}  // namespace edgesplit::sweep
