// State shared by the epochs of one run with dynamics or adaptation: arrivals (kept for retried
// requests), requests in flight, failure counts, measurements, and the wake-up of the controller.
// An epoch is the pipeline of one plan between two failures or re-plans.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "sim/config/scenario.hpp"
#include "sim/runtime/adapt.hpp"
#include "sim/runtime/arrivals.hpp"

namespace edgesplit::runtime {

/// What the pipeline of one epoch asks of, and tells, the run (run.cpp's Pipeline calls these).
class EpochHooks {
 public:
  virtual ~EpochHooks() = default;
  virtual int64_t first_request() const = 0;  ///< first request id of the epoch
  virtual int epoch_index() const = 0;        ///< 0, 1, ... (fresh mailbox names per epoch)
  /// True once the controller asked for a drain: the admitting actor admits no further request.
  virtual bool admission_stopped() const = 0;
  /// Arrival time of request `req`: drawn once, kept while it is in flight (a retry keeps it).
  virtual double arrival_of(int64_t req) = 0;
  virtual void issued(int64_t req, double arrival_s, double start_s) = 0;
  /// Request `req` completed; returns its (arrival_s, start_s).
  virtual std::pair<double, double> completed(int64_t req) = 0;
  virtual void observe_transfer(const std::vector<int>& links, double bytes, double data_s) = 0;
  virtual void observe_compute(int host, double nominal_s, double actual_s) = 0;
  /// An actor of the epoch ended on a host or network failure (the controller cleans up).
  virtual void actor_failed() = 0;
};

/// A running epoch, as the controller sees it (run.cpp implements it over its Pipeline).
class Epoch {
 public:
  virtual ~Epoch() = default;
  virtual void start() = 0;                        ///< creates the actors
  virtual void kill() = 0;                         ///< kills every actor still alive
  virtual void close_accounting(double t_s) = 0;  ///< ends open busy intervals at t_s (after kill)
  virtual std::vector<int> hosts_used() const = 0;
  virtual std::vector<int> links_used() const = 0;
  virtual const std::vector<std::vector<int>>& producers() const = 0;
  virtual std::vector<int> stage_hosts() const = 0;
  /// Rethrows an error (not a failure) an actor of the epoch hit; called after the simulation.
  virtual void rethrow_if_failed() const {}
};

class Session : public EpochHooks {
 public:
  Session(const config::Scenario& scenario, Estimator* estimator, double on_change_threshold);

  // EpochHooks
  int64_t first_request() const override { return first_; }
  int epoch_index() const override { return epoch_; }
  bool admission_stopped() const override { return stop_; }
  double arrival_of(int64_t req) override;
  void issued(int64_t req, double arrival_s, double start_s) override;
  std::pair<double, double> completed(int64_t req) override;
  void observe_transfer(const std::vector<int>& links, double bytes, double data_s) override;
  void observe_compute(int host, double nominal_s, double actual_s) override;
  void actor_failed() override {
    ++actor_failures_;
    notify();
  }
  /// Actor failures since the last call.
  int take_actor_failures() { return std::exchange(actor_failures_, 0); }

  bool saturate() const { return arrivals_.saturate(); }
  int64_t requests() const { return n_; }
  /// Starts epoch `index` at request `first`.
  void begin_epoch(int index, int64_t first);
  void stop_admission() { stop_ = true; }
  /// Nothing in flight and nothing more to admit in this epoch (drained, or every request admitted).
  bool epoch_idle() const { return inflight_.empty() && (stop_ || next_admit_ >= n_); }
  /// First request not yet admitted.
  int64_t next_admit() const { return next_admit_; }
  /// A failure stopped the epoch: every request in flight fails (drop) or will be admitted again
  /// (retry, keeping its arrival time). Returns the first request id of the next epoch.
  int64_t abort_inflight(bool retry);
  /// The run ends early (a failed resource never returns): requests awaiting a retry, ids in
  /// [first, issued), count as failed.
  void give_up(int64_t first) { failed_ += issued_ > first ? issued_ - first : 0; }
  int64_t in_flight() const { return static_cast<int64_t>(inflight_.size()); }
  int64_t issued_count() const { return issued_; }
  int64_t completed_count() const { return completed_; }
  int64_t failed_count() const { return failed_; }
  int64_t retried_count() const { return retried_; }

  /// Set by measurements when an estimate moved more than the on-change threshold from the basis.
  bool change_pending() const { return change_pending_; }
  void set_basis(const Estimates& basis) {
    basis_ = basis;
    change_pending_ = false;
  }

  /// Wakes the controller (any actor; also SimGrid signal callbacks).
  void notify() { cv_->notify_all(); }
  simgrid::s4u::ConditionVariablePtr cv() const { return cv_; }
  simgrid::s4u::MutexPtr mutex() const { return mu_; }

 private:
  void check_change();

  int64_t n_ = 0;
  Arrivals arrivals_;
  int64_t drawn_ = 0;                       ///< arrival times drawn so far (ids below it)
  std::map<int64_t, double> arrival_s_;     ///< drawn, not yet completed or dropped
  std::map<int64_t, std::pair<double, double>> inflight_;  ///< id -> (arrival_s, start_s)
  int64_t first_ = 0, next_admit_ = 0;
  int64_t issued_ = 0, completed_ = 0, failed_ = 0, retried_ = 0;
  int epoch_ = 0;
  bool stop_ = false;
  Estimator* estimator_ = nullptr;
  double threshold_ = 0;  ///< 0: no on-change checks
  Estimates basis_;
  bool change_pending_ = false;
  int actor_failures_ = 0;
  simgrid::s4u::ConditionVariablePtr cv_;
  simgrid::s4u::MutexPtr mu_;
};

}  // namespace edgesplit::runtime
