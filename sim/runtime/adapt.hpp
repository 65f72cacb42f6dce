// Adaptive re-partitioning: what the runtime measures (recent per-link throughput, per-host compute
// rate), the estimates a re-plan is made from, and the cost model built on them. Pure (no SimGrid).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "partitioners/ofpm.hpp"
#include "partitioners/partitioner.hpp"
#include "sim/config/platform.hpp"
#include "sim/cost/cost_model.hpp"

namespace edgesplit::runtime {

/// What the controller believes of the platform now, from measurements only (never the trace).
struct Estimates {
  std::vector<double> link_bandwidth_Bps;  ///< per platform link
  std::vector<double> host_speed_factor;   ///< per platform host: measured / nominal compute rate
  std::vector<bool> host_measured;         ///< per platform host: its speed factor comes from a measurement
  std::vector<bool> host_up;               ///< per platform host: false while it is failed
  std::vector<bool> link_up;               ///< per platform link
};

/// Nominal estimates: the platform's bandwidths, speed factor 1, everything up.
Estimates nominal_estimates(const config::Platform& platform);

/// Largest relative difference |a - b| / b over every link bandwidth and host speed factor.
double relative_change(const Estimates& now, const Estimates& basis);

/// Turns observations into estimates. A transfer of B bytes over a route observed to take d
/// seconds beyond the route's latency delivered B / d B/s; the route's rate is the bytes over the
/// data time of its last `window` transfers. Every link of the route carried at least that rate,
/// and the route's slowest link (by the current estimates) is taken to carry exactly it. A
/// computation expected to take n seconds at nominal speed that took a seconds gives the host
/// the speed factor n / a, averaged the same way over its last `window` computations.
class Estimator {
 public:
  Estimator(const config::Platform& platform, int window = 3);
  void observe_transfer(const std::vector<int>& links, double bytes, double data_s);
  void observe_compute(int host, double nominal_s, double actual_s);
  void set_host_up(int host, bool up) { now_.host_up.at(static_cast<std::size_t>(host)) = up; }
  void set_link_up(int link, bool up) { now_.link_up.at(static_cast<std::size_t>(link)) = up; }
  const Estimates& estimates() const { return now_; }

 private:
  struct Window {
    std::deque<std::pair<double, double>> obs;  ///< (amount, seconds)
    double rate() const;
  };
  int window_;
  Estimates now_;
  std::map<std::vector<int>, Window> routes_;
  std::vector<Window> hosts_;
};

/// The platform as the estimates see it: link bandwidths replaced by their estimates.
config::Platform estimated_platform(const config::Platform& platform, const Estimates& est);

/// A cost model over an estimated platform: compute time = the base model's time / the host's
/// speed factor (a failed host: 1e9 x slower); transfers priced on the estimated platform.
/// As a partition::hpm::MeasuredRates it tells ofpm which hosts' rates were measured (the
/// measurement then wins over ofpm's `load` belief, docs/DYNAMICS.md).
class EstimatedCost : public cost::CostModel, public partition::hpm::MeasuredRates {
 public:
  /// `estimated` must outlive this object (send_s reads its links).
  EstimatedCost(const cost::CostModel& base, const config::Platform& estimated, const Estimates& est);
  double compute_s(model::LayerId l, int host) const override;
  double compute_energy_j(model::LayerId l, int host) const override { return base_.compute_energy_j(l, host); }
  std::string name() const override { return base_.name(); }
  bool rate_measured(int host) const override {
    return static_cast<std::size_t>(host) < measured_.size() && measured_[static_cast<std::size_t>(host)];
  }
  double speed_factor(int host) const override { return factor_.at(static_cast<std::size_t>(host)); }
  const cost::CostModel& base_cost() const override { return base_; }

 private:
  const cost::CostModel& base_;
  std::vector<double> factor_;
  std::vector<bool> measured_;
};

/// The answer of a re-plan.
struct ReplanResult {
  partition::Plan plan;             ///< the partitioner's new plan (predictions under the estimates)
  double current_bottleneck_s = 0;  ///< the running plan's predicted bottleneck under the same estimates
};

/// Re-invokes the scenario's partitioner on a platform with the given estimates (failed hosts
/// offered with no memory, so no stage fits there). Built by the CLI, which owns the registry.
/// Throws partition::Infeasible when no plan fits.
using Replanner = std::function<ReplanResult(const Estimates& estimates, const partition::Plan& current)>;

}  // namespace edgesplit::runtime
