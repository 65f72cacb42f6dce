// Horizontal + vertical partitioning shared by fpm and ofpm (Shen 2023; docs/OFPM.md): the timing
// model of a split stage, band-height allocation (closed form and binary-search oracle) and the
// DP over layer boundaries that chooses which conv/pool runs to split and where to fuse back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "partitioners/halo.hpp"
#include "partitioners/partitioner.hpp"

namespace edgesplit::partition::hpm {

/// Implemented by a cost model whose compute times already hold each host's *measured* rate (the
/// runtime's estimates under `adapt`, runtime::EstimatedCost): compute_s = base_cost().compute_s /
/// speed_factor(host). LoadedRates then ignores the ofpm `load` belief for every host whose rate
/// was measured (the measurement wins: it already includes the load the host runs under), and keeps
/// the belief for hosts not measured yet (speed factor 1, or 1e-9 for a failed host).
class MeasuredRates {
 public:
  virtual ~MeasuredRates() = default;
  virtual bool rate_measured(int host) const = 0;
  virtual double speed_factor(int host) const = 0;
  virtual const cost::CostModel& base_cost() const = 0;
};

/// Compute time of a layer on a host under CPU load u in [0, 1): the cost model's own load-aware
/// prediction when it is a cost::RegressionCost (FCPM), else compute_s / (1 - u) (the host
/// gets 1 - u of its processor). A host with u >= 1 cannot compute (+infinity). When the cost
/// model is a MeasuredRates, hosts whose rate was measured get u = 0 (the measurement wins).
class LoadedRates {
 public:
  LoadedRates(const Problem& p, std::vector<double> load_by_host);
  double compute_s(model::LayerId l, int host) const;
  double load(int host) const { return load_.at(static_cast<std::size_t>(host)); }
  /// Sum of compute_s over layers [b, e) (prefix sums).
  double range_s(std::size_t b, std::size_t e, int host) const;

 private:
  const Problem& p_;
  std::vector<double> load_;
  std::vector<std::vector<double>> prefix_;  ///< [host][l]: sum of compute_s over layers < l
};

/// Integer band heights minimising the common finish time max_i (fixed_s[i] + h_i per_row_s[i])
/// over hosts with h_i > 0, with sum h_i = H (OPM, Shen 2023). Method: the continuous solution
/// (water-filling: T* with sum_i max(0, (T* - c_i) / r_i) = H), floors, then the remaining rows one
/// at a time to the host whose finish time after one more row is smallest: largest remainder
/// measured in time (slack under T*), which makes the rounding exact. Hosts left at 0 rows are too
/// slow to help. per_row_s must be > 0; infinite fixed_s excludes a host. Throws
/// std::invalid_argument when no host can take a row.
std::vector<int64_t> allocate_rows(int64_t H, const std::vector<double>& fixed_s, const std::vector<double>& per_row_s);

/// Test oracle for allocate_rows: binary search on the common finish time T, each host taking as
/// many rows as fit under T (O(k log^2 H) with the search on the integer candidates per host).
std::vector<int64_t> allocate_rows_oracle(int64_t H, const std::vector<double>& fixed_s,
                                          const std::vector<double>& per_row_s);

/// max_i (fixed_s[i] + h_i per_row_s[i]) over hosts with h_i > 0.
double makespan_s(const std::vector<int64_t>& h, const std::vector<double>& fixed_s, const std::vector<double>& per_row_s);

/// Timing model of a split stage (docs/OFPM.md): host i with output band [a_i, b_i] of the run's
/// last layer receives its input band (halo included) from host `from` (cost.send_s; -1: the input
/// is already on every host), computes rows_j / H_j of every layer j of the run (the rows its
/// successor band needs) at its loaded rate, and sends its output band to host `to` (-1: kept).
/// Its finish time is recv + compute + send; the stage finishes with its slowest host.
struct SplitResult {
  std::vector<Band> bands;  ///< hosts with at least one row, top to bottom
  double finish_s = 0;
};
SplitResult time_split(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run,
                       const std::vector<int>& hosts, const std::vector<int64_t>& heights, int from, int to);

/// Band heights for `hosts` (top to bottom in this order): equal (fpm) or balanced so all hosts
/// finish together (ofpm; allocate_rows on the affine per-host model, hosts dropped re-positioned
/// until stable). Heights are aligned with `hosts` (0 = left out).
std::vector<int64_t> balanced_heights(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run,
                                      const std::vector<int>& hosts, int from, int to);

/// Fixed and per-row seconds of host hosts[i] at a position (top, middle, bottom, whole) from the
/// run's affine row counts: finish(h) = fixed + h x per_row, exact without interior clipping.
enum class Position { Top, Middle, Bottom, Whole };
void linear_model(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run, int host,
                  Position pos, int from, int to, double& fixed_s, double& per_row_s);

/// The partitioner's choices.
struct Settings {
  std::string name;              ///< "fpm" | "ofpm" (plan.partitioner)
  bool balanced = false;         ///< ofpm: balanced bands; fpm: equal bands over all hosts
  std::vector<int> hosts;        ///< candidate hosts (top-to-bottom order of bands)
  std::vector<double> load;      ///< per platform host, 0..1
  bool allow_split = true;       ///< false: vertical-only (every stage on one host), for comparisons
};

/// DP over layer boundaries minimising one request's latency: segments are single-host runs or
/// split runs of row-splittable layers; a split stage sends its bands to a gather host (the next
/// single-host stage's host, or the host that re-splits for a next split stage; the sink at the end).
/// Throws Infeasible when no plan fits memory; std::invalid_argument for a graph with several outputs.
Plan plan_hpm(const Problem& p, const Settings& s);

/// Predictions of an existing plan under the timing model above, keeping its cuts, hosts, band
/// rows and gather hosts: per stage predicted_compute_s / predicted_send_s, bands re-timed
/// (time_split), and the plan's predicted latency, bottleneck and energy exactly as plan_hpm
/// computes them for its own plan (so a plan from plan_hpm evaluates to its own figures). Plans
/// must be chains of consecutive layer ranges covering the model (any fpm/ofpm plan, and any
/// vertical chain plan); throws std::invalid_argument otherwise.
void evaluate_plan(const Problem& p, const std::vector<double>& load, Plan& plan);

/// The `hosts` option (HostList) resolved, or every platform host when absent.
std::vector<int> candidate_hosts(const Problem& p, const Options& o);

/// Reads a `load` option (a map host -> utilisation in [0, 1]) into a per-host vector.
std::vector<double> load_option(const Problem& p, const Options& o);

}  // namespace edgesplit::partition::hpm
