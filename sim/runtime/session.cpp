// Session state shared by the epochs of one run (see session.hpp).
#include "sim/runtime/session.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u/Engine.hpp>

namespace edgesplit::runtime {

Session::Session(const config::Scenario& scenario, Estimator* estimator, double on_change_threshold)
    : n_(scenario.workload.requests),
      arrivals_(scenario.workload.arrival, scenario.seed),
      estimator_(estimator),
      threshold_(on_change_threshold),
      cv_(simgrid::s4u::ConditionVariable::create()),
      mu_(simgrid::s4u::Mutex::create()) {
  if (estimator_) basis_ = estimator_->estimates();
}

double Session::arrival_of(int64_t req) {
  if (const auto it = arrival_s_.find(req); it != arrival_s_.end()) return it->second;  // a retry
  if (arrivals_.saturate()) return simgrid::s4u::Engine::get_clock();
  if (req < drawn_) throw std::logic_error(fmt::format("no arrival time kept for request {}", req));
  while (drawn_ <= req) arrival_s_[drawn_++] = arrivals_.next();
  return arrival_s_.at(req);
}

void Session::issued(int64_t req, double arrival_s, double start_s) {
  arrival_s_.emplace(req, arrival_s);
  if (req >= next_admit_) next_admit_ = req + 1;
  if (req >= issued_) issued_ = req + 1;  // ids are admitted in order, retries below the mark
  inflight_[req] = {arrival_s, start_s};
}

std::pair<double, double> Session::completed(int64_t req) {
  const auto it = inflight_.find(req);
  if (it == inflight_.end()) throw std::logic_error(fmt::format("request {} completed but not in flight", req));
  const auto times = it->second;
  inflight_.erase(it);
  arrival_s_.erase(req);
  ++completed_;
  if (epoch_idle()) notify();
  return times;
}

void Session::begin_epoch(int index, int64_t first) {
  epoch_ = index;
  first_ = first;
  next_admit_ = first;
  stop_ = false;
  actor_failures_ = 0;
}

int64_t Session::abort_inflight(bool retry) {
  const int64_t next = inflight_.empty() ? next_admit_ : inflight_.begin()->first;
  for (const auto& [req, times] : inflight_) {
    if (retry) {
      ++retried_;
      arrival_s_[req] = times.first;
    } else {
      ++failed_;
      arrival_s_.erase(req);
    }
  }
  inflight_.clear();
  return retry ? next : next_admit_;
}

void Session::observe_transfer(const std::vector<int>& links, double bytes, double data_s) {
  if (!estimator_) return;
  estimator_->observe_transfer(links, bytes, data_s);
  check_change();
}

void Session::observe_compute(int host, double nominal_s, double actual_s) {
  if (!estimator_) return;
  estimator_->observe_compute(host, nominal_s, actual_s);
  check_change();
}

void Session::check_change() {
  if (threshold_ <= 0 || change_pending_) return;
  if (relative_change(estimator_->estimates(), basis_) > threshold_) {
    change_pending_ = true;
    notify();
  }
}

}  // namespace edgesplit::runtime
