// The run controller of runs with dynamics or adaptation: starts the pipeline of a plan as an
// epoch, stops it when a host or link it uses fails, resumes it when they are back (or after a
// re-plan), and re-plans from measured estimates (`adapt: periodic | on-change`).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <simgrid/forward.h>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/platform/profiles.hpp"
#include "sim/recorder/dynamics_record.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/adapt.hpp"
#include "sim/runtime/session.hpp"

namespace edgesplit::runtime {

/// Builds the epoch of `plan` starting at session.first_request() (run.cpp).
using EpochFactory = std::function<std::unique_ptr<Epoch>(const partition::Plan& plan)>;

/// Semantics (docs/DYNAMICS.md):
/// - Failure: when a host or link used by the running plan goes down, the epoch stops at once;
///   every request in flight fails (`on_failure: drop`, counted in requests_failed) or is admitted
///   again later with its original arrival time (`retry`, requests_retried). The pipeline stays
///   stopped until every host and link of the plan is up, or, with `adapt`, until a re-plan
///   avoids the failed ones. Without adapt, a resource that never comes back ends the run early.
/// - Re-plan: the partitioner runs on the measured estimates; a plan that differs, predicts a
///   bottleneck at least 1% lower, and whose predicted saving over the requests left exceeds its
///   predicted migration time plus one pipeline fill (its latency) is applied (after a failure,
///   any plan avoiding the failed resources is), by draining:
///   admission stops, requests in flight complete under the old plan, then weights of every
///   layer new to its host are sent from the fastest up holder: a host that ran it before (weights
///   stay where they were loaded) or the workload source (`migration: transfer`; free when no
///   holder is up), then the new epoch starts.
class Controller {
 public:
  Controller(const config::Scenario& scenario, const partition::Plan& initial, const platform::Profiles& profiles,
             const platform::BuiltPlatform& built, recorder::Recorder& rec, Session& session, Estimator* estimator,
             EpochFactory factory, Replanner replanner);

  /// Creates the controller actor on `host` (a host that never fails).
  void create_actor(simgrid::s4u::Host* host);
  void rethrow_if_failed() const;

  const std::vector<recorder::ReplanRecord>& replans() const { return replans_; }
  /// Every epoch created, in order (for busy times and energy at the end).
  const std::vector<std::unique_ptr<Epoch>>& epochs() const { return epochs_; }
  /// Hosts and links any epoch or migration used.
  /// True when the run ended early because a resource of the plan never came back.
  bool stalled() const { return stalled_; }
  const std::vector<int>& hosts_touched() const { return hosts_touched_; }
  const std::vector<int>& links_touched() const { return links_touched_; }

 private:
  void main();
  bool plan_up(const partition::Plan& plan, const Epoch* epoch) const;
  std::vector<int> plan_hosts(const partition::Plan& plan) const;
  double next_up_time(const partition::Plan& plan) const;
  /// Runs the partitioner; returns true and sets pending_ when the new plan is to be applied.
  bool replan(const std::string& reason, const partition::Plan& running);
  /// Weight bytes to send, per (from host, to host), to go from placement `from` to plan `to`:
  /// each moved layer from whichever up holder (its previous host, or the workload source, which
  /// deployed the model) has the faster estimated route; none when no holder is up.
  std::map<std::pair<int, int>, double> migration_bytes(const partition::Plan& from, const partition::Plan& to,
                                                        const Estimates& est) const;
  /// Predicted migration time under the estimates: per link, the bytes crossing it over its
  /// estimated bandwidth (transfers run in parallel), the largest, plus the largest route latency.
  double predict_migration_s(const partition::Plan& from, const partition::Plan& to, const Estimates& est) const;
  /// Sends the weights of layers that moved; returns false when a failure interrupted it.
  bool migrate(const partition::Plan& from, const partition::Plan& to, recorder::ReplanRecord* record);
  void wait(double deadline_s);
  bool failed_inflight_retry(const Epoch& epoch) const;
  void touch(const Epoch& epoch);
  /// Records that every host of every stage of `plan` holds the weights of its stage's layers.
  void note_resident(const partition::Plan& plan);

  const config::Scenario& sc_;
  partition::Plan running_;
  const platform::Profiles& profiles_;
  const platform::BuiltPlatform& built_;
  recorder::Recorder& rec_;
  Session& session_;
  Estimator* estimator_;
  EpochFactory factory_;
  Replanner replanner_;
  std::vector<std::unique_ptr<Epoch>> epochs_;
  std::vector<recorder::ReplanRecord> replans_;
  std::unique_ptr<partition::Plan> pending_;
  int pending_record_ = -1;  ///< index in replans_ of the re-plan that made pending_
  std::vector<int> hosts_touched_, links_touched_;
  std::vector<std::set<model::LayerId>> resident_;  ///< per host: layers whose weights it holds
  int source_host_ = -1, sink_host_ = -1;
  bool stalled_ = false;
  std::exception_ptr error_;
};

/// True when two plans place the same layers on the same hosts in the same stages.
bool same_plan(const partition::Plan& a, const partition::Plan& b);

}  // namespace edgesplit::runtime
