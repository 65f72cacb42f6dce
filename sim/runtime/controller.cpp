// The run controller: epochs, failures, re-plans and weight migration (see controller.hpp).
#include "sim/runtime/controller.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include "sim/recorder/json_writer.hpp"
#include "sim/runtime/split_stage.hpp"
#include "sim/runtime/tensor_plan.hpp"

namespace edgesplit::runtime {

namespace sg4 = simgrid::s4u;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
/// A re-plan is applied only when it predicts a bottleneck at least this much lower (hysteresis).
constexpr double kMinGain = 0.01;
double now() { return sg4::Engine::get_clock(); }
}  // namespace

bool same_plan(const partition::Plan& a, const partition::Plan& b) {
  if (a.stages.size() != b.stages.size()) return false;
  for (std::size_t k = 0; k < a.stages.size(); ++k) {
    const auto& x = a.stages[k];
    const auto& y = b.stages[k];
    if (x.layers != y.layers || x.hosts.size() != y.hosts.size()) return false;
    for (std::size_t i = 0; i < x.hosts.size(); ++i)
      if (x.hosts[i].host != y.hosts[i].host || x.hosts[i].share != y.hosts[i].share) return false;
    // Split stages: the same bands (hosts, rows) gathered on the same host.
    if (x.bands.size() != y.bands.size() || (!x.bands.empty() && x.gather_host != y.gather_host)) return false;
    for (std::size_t i = 0; i < x.bands.size(); ++i)
      if (x.bands[i].host != y.bands[i].host || x.bands[i].first_row != y.bands[i].first_row ||
          x.bands[i].last_row != y.bands[i].last_row)
        return false;
  }
  return true;
}

Controller::Controller(const config::Scenario& scenario, const partition::Plan& initial,
                       const platform::Profiles& profiles, const platform::BuiltPlatform& built,
                       recorder::Recorder& rec, Session& session, Estimator* estimator, EpochFactory factory,
                       Replanner replanner)
    : sc_(scenario),
      running_(initial),
      profiles_(profiles),
      built_(built),
      rec_(rec),
      session_(session),
      estimator_(estimator),
      factory_(std::move(factory)),
      replanner_(std::move(replanner)) {
  source_host_ = scenario.workload.source.empty() ? -1 : scenario.platform.host_index(scenario.workload.source);
  sink_host_ = scenario.workload.sink.empty() ? -1 : scenario.platform.host_index(scenario.workload.sink);
  resident_.resize(scenario.platform.hosts.size());
  note_resident(initial);
}

void Controller::note_resident(const partition::Plan& plan) {
  // Every host of a stage holds its layers' weights (each band of a split stage needs all of them).
  for (const auto& st : plan.stages)
    for (const auto& hs : st.hosts)
      for (model::LayerId l : st.layers) resident_[static_cast<std::size_t>(hs.host)].insert(l);
}

void Controller::create_actor(sg4::Host* host) {
  // State changes come from SimGrid's profiles (maestro context): wake the controller.
  sg4::Host::on_state_change_cb([this](sg4::Host const&) { session_.notify(); });
  sg4::Link::on_state_change_cb([this](sg4::Link const&) { session_.notify(); });
  sg4::Actor::create("controller", host, [this] {
    try {
      main();
    } catch (const simgrid::ForcefulKillException&) {
      throw;
    } catch (...) {
      if (!error_) error_ = std::current_exception();
      sg4::Actor::kill_all();
    }
  });
}

void Controller::rethrow_if_failed() const {
  if (error_) std::rethrow_exception(error_);
}

std::vector<int> Controller::plan_hosts(const partition::Plan& plan) const {
  std::vector<int> hosts;
  for (const auto& st : plan.stages)
    for (const auto& hs : st.hosts) hosts.push_back(hs.host);
  if (source_host_ >= 0) hosts.push_back(source_host_);
  if (sink_host_ >= 0) hosts.push_back(sink_host_);
  return hosts;
}

namespace {
/// Links crossed by the transfers of `plan` (exact: the tensor plan's sends, or the split executor's).
std::vector<int> plan_links(const config::Scenario& sc, const partition::Plan& plan, int source, int sink) {
  if (has_split_stage(plan)) {
    std::set<int> links;
    for (const auto& [a, b] : split_host_pairs(plan, source, sink))
      for (int l : sc.platform.route(a, b)) links.insert(l);
    return {links.begin(), links.end()};
  }
  const TensorPlan tp = make_tensor_plan(sc.model, plan, sc.batch, source >= 0, sink >= 0);
  auto host_of = [&](int e) {
    if (e < 0) return source;
    if (e >= tp.stages) return sink;
    return plan.stages[static_cast<std::size_t>(e)].hosts[0].host;
  };
  std::set<int> links;
  for (int e = -1; e < tp.stages; ++e)
    for (const Transfer& t : tp.sends_of(e))
      for (int l : sc.platform.route(host_of(t.from), host_of(t.to))) links.insert(l);
  return {links.begin(), links.end()};
}
}  // namespace

bool Controller::plan_up(const partition::Plan& plan, const Epoch* epoch) const {
  for (int h : epoch ? epoch->hosts_used() : plan_hosts(plan))
    if (!built_.hosts[static_cast<std::size_t>(h)]->is_on()) return false;
  for (int l : epoch ? epoch->links_used() : plan_links(sc_, plan, source_host_, sink_host_))
    if (!platform::link_is_on(built_.links[static_cast<std::size_t>(l)])) return false;
  return true;
}

double Controller::next_up_time(const partition::Plan& plan) const {
  double t = now();
  for (int h : plan_hosts(plan))
    if (!built_.hosts[static_cast<std::size_t>(h)]->is_on()) t = std::max(t, profiles_.host_up_from(h, now()));
  for (int l : plan_links(sc_, plan, source_host_, sink_host_))
    if (!platform::link_is_on(built_.links[static_cast<std::size_t>(l)])) t = std::max(t, profiles_.link_up_from(l, now()));
  return t;
}

void Controller::wait(double deadline_s) {
  std::unique_lock<sg4::Mutex> lock(*session_.mutex());
  if (std::isfinite(deadline_s))
    session_.cv()->wait_until(lock, deadline_s);
  else
    session_.cv()->wait(lock);
}

void Controller::touch(const Epoch& epoch) {
  for (int h : epoch.hosts_used())
    if (std::find(hosts_touched_.begin(), hosts_touched_.end(), h) == hosts_touched_.end()) hosts_touched_.push_back(h);
  for (int l : epoch.links_used())
    if (std::find(links_touched_.begin(), links_touched_.end(), l) == links_touched_.end()) links_touched_.push_back(l);
}

bool Controller::replan(const std::string& reason, const partition::Plan& running) {
  if (!replanner_ || !estimator_) return false;
  for (std::size_t h = 0; h < built_.hosts.size(); ++h) estimator_->set_host_up(static_cast<int>(h), built_.hosts[h]->is_on());
  for (std::size_t l = 0; l < built_.links.size(); ++l) estimator_->set_link_up(static_cast<int>(l), platform::link_is_on(built_.links[l]));
  const Estimates est = estimator_->estimates();
  recorder::ReplanRecord r;
  r.time_s = now();
  r.reason = reason;
  bool apply = false;
  try {
    ReplanResult res = replanner_(est, running);
    r.plan = std::move(res.plan);
    r.predicted_bottleneck_before_s = res.current_bottleneck_s;
    r.predicted_bottleneck_after_s = r.plan.predicted_bottleneck_s;
    const bool differs = !same_plan(r.plan, running);
    const bool new_up = plan_up(r.plan, nullptr);
    const bool running_up = plan_up(running, nullptr);
    if (!running_up) r.predicted_bottleneck_before_s = kInf;  // the running plan cannot run (null in plan.json)
    const double before = r.predicted_bottleneck_before_s;
    const double after = r.predicted_bottleneck_after_s;
    // Requests not completed yet: each would take about one bottleneck period under either plan.
    const auto left = static_cast<double>(session_.requests() - session_.completed_count() - session_.failed_count());
    const double cost_s = predict_migration_s(running_, r.plan, est) + r.plan.predicted_latency_s;
    const bool gain = after < before * (1 - kMinGain);
    const bool worth = left * (before - after) > cost_s;
    apply = differs && new_up && (!running_up || !std::isfinite(before) || (gain && worth));
    if (!differs)
      r.note = "same plan";
    else if (!new_up)
      r.note = "the new plan uses a failed host or link";
    else if (!gain)
      r.note = "predicted gain below 1%";
    else if (!apply)
      r.note = fmt::format("predicted saving {} s over {} requests left below migration and refill {} s",
                           left * (before - after), left, cost_s);
  } catch (const partition::Infeasible& e) {
    r.note = std::string("infeasible: ") + (e.reasons().empty() ? e.what() : e.reasons().front().message);
  }
  r.applied = apply;
  session_.set_basis(est);
  recorder::JsonWriter args;
  args.begin_object();
  args.key("reason").value(r.reason);
  args.key("applied").value(r.applied);
  args.key("predicted_bottleneck_before_s").value(r.predicted_bottleneck_before_s);
  args.key("predicted_bottleneck_after_s").value(r.predicted_bottleneck_after_s);
  args.key("stages").value(static_cast<int64_t>(r.plan.stages.size()));
  args.end_object();
  std::string a = args.str();
  a.erase(std::remove(a.begin(), a.end(), '\n'), a.end());
  rec_.instant_event("replan (" + reason + ")", a, r.time_s);
  replans_.push_back(std::move(r));
  if (apply) {
    pending_ = std::make_unique<partition::Plan>(replans_.back().plan);
    pending_record_ = static_cast<int>(replans_.size()) - 1;
  }
  return apply;
}

std::map<std::pair<int, int>, double> Controller::migration_bytes(const partition::Plan& from,
                                                                  const partition::Plan& to,
                                                                  const Estimates& est) const {
  (void)from;  // resident_ holds every placement so far, `from` included
  std::map<std::pair<int, int>, double> bytes;
  if (sc_.adapt.migration == "free") return bytes;
  auto up = [&](int h) { return h >= 0 && built_.hosts[static_cast<std::size_t>(h)]->is_on(); };
  // Estimated time of b bytes alone on the route a -> h.
  auto time_s = [&](int a, int h, double b) {
    double bw = kInf;
    for (int l : sc_.platform.route(a, h)) bw = std::min(bw, est.link_bandwidth_Bps[static_cast<std::size_t>(l)]);
    return sc_.platform.route_latency_s(a, h) + (bw > 0 ? b / bw : kInf);
  };
  for (const auto& st : to.stages) {
    for (const auto& hs : st.hosts) {  // every band of a split stage needs every weight of its stage
      const int h = hs.host;
      for (model::LayerId l : st.layers) {
        const double b = sc_.model.weight_bytes(l);
        if (b <= 0 || resident_[static_cast<std::size_t>(h)].count(l)) continue;  // already there
        // Holders: every up host that ran the layer before (weights stay), and the workload
        // source, which deployed the model; the fastest estimated route wins.
        int src = -1;
        for (std::size_t a = 0; a < resident_.size(); ++a) {
          const int ai = static_cast<int>(a);
          const bool holds = resident_[a].count(l) > 0 || ai == source_host_;
          if (holds && up(ai) && (src < 0 || time_s(ai, h, b) < time_s(src, h, b))) src = ai;
        }
        if (src < 0) continue;  // no holder up: a local copy is assumed (free)
        bytes[{src, h}] += b;
      }
    }
  }
  return bytes;
}

double Controller::predict_migration_s(const partition::Plan& from, const partition::Plan& to,
                                       const Estimates& est) const {
  std::map<int, double> per_link;
  double latency_s = 0;
  for (const auto& [ab, b] : migration_bytes(from, to, est)) {
    for (int l : sc_.platform.route(ab.first, ab.second)) per_link[l] += b;
    latency_s = std::max(latency_s, sc_.platform.route_latency_s(ab.first, ab.second));
  }
  double worst_s = 0;
  for (const auto& [l, b] : per_link) {
    const double bw = est.link_bandwidth_Bps[static_cast<std::size_t>(l)];
    worst_s = std::max(worst_s, bw > 0 ? b / bw : kInf);
  }
  return worst_s + latency_s;
}

bool Controller::migrate(const partition::Plan& from, const partition::Plan& to, recorder::ReplanRecord* record) {
  if (sc_.adapt.migration == "free") return true;
  const std::map<std::pair<int, int>, double> bytes =
      migration_bytes(from, to, estimator_ ? estimator_->estimates() : nominal_estimates(sc_.platform));
  const double t0 = now();
  double total = 0;
  std::vector<sg4::CommPtr> comms;
  try {
    for (const auto& [ab, b] : bytes) {
      total += b;
      comms.push_back(sg4::Comm::sendto_async(built_.hosts[static_cast<std::size_t>(ab.first)],
                                              built_.hosts[static_cast<std::size_t>(ab.second)],
                                              static_cast<uint64_t>(std::llround(b))));
      for (int l : sc_.platform.route(ab.first, ab.second))
        if (std::find(links_touched_.begin(), links_touched_.end(), l) == links_touched_.end()) links_touched_.push_back(l);
    }
    for (auto& c : comms) c->wait();
  } catch (const simgrid::NetworkFailureException&) {
    return false;
  } catch (const simgrid::HostFailureException&) {
    return false;
  }
  if (record) {
    record->migration_s = now() - t0;
    record->migration_bytes = total;
  }
  if (total > 0) {
    recorder::JsonWriter args;
    args.begin_object();
    args.key("bytes").value(total);
    args.key("duration_s").value(now() - t0);
    args.end_object();
    std::string a = args.str();
    a.erase(std::remove(a.begin(), a.end(), '\n'), a.end());
    rec_.instant_event("migration done", a, now());
  }
  return true;
}

void Controller::main() {
  const int64_t n = session_.requests();
  const config::Adapt& adapt = sc_.adapt;
  const bool adaptive = adapt.policy != "none" && replanner_ && estimator_;
  double next_periodic = adapt.policy == "periodic" ? adapt.interval_s : kInf;
  partition::Plan target = running_;  // the plan the next epoch runs; running_ = the weights' placement
  int64_t first = 0;
  int index = 0;
  bool first_epoch = true;

  // Hosts and links seen down: their return triggers a "recovery" re-plan when adaptive.
  std::set<std::pair<int, int>> down;
  bool recovered = false;
  auto scan_states = [&] {
    for (std::size_t h = 0; h < built_.hosts.size(); ++h) {
      const std::pair<int, int> key{0, static_cast<int>(h)};
      if (!built_.hosts[h]->is_on())
        down.insert(key);
      else if (down.erase(key))
        recovered = true;
    }
    for (std::size_t l = 0; l < built_.links.size(); ++l) {
      const std::pair<int, int> key{1, static_cast<int>(l)};
      if (!platform::link_is_on(built_.links[l]))
        down.insert(key);
      else if (down.erase(key))
        recovered = true;
    }
  };

  while (first < n) {
    // (a) Every host and link of the plan up; with adapt, try a plan around the failed ones.
    std::set<std::pair<int, int>> replanned_for;
    while (!plan_up(target, nullptr)) {
      scan_states();
      if (adaptive && replanned_for != down) {
        replanned_for = down;
        if (replan("failure", target)) {
          target = *pending_;
          pending_.reset();
          continue;
        }
      }
      const double t_up = next_up_time(target);
      if (!std::isfinite(t_up)) {
        // Never back and no plan around it: the remaining requests are not served.
        session_.give_up(first);
        stalled_ = true;
        rec_.instant_event("stalled", R"({"reason": "a host or link of the plan never comes back up"})", now());
        return;
      }
      wait(t_up > now() ? t_up : now() + 1e-9);
    }
    scan_states();
    recovered = false;
    // (b) Weights of the layers that moved.
    if (!same_plan(target, running_)) {
      recorder::ReplanRecord* rec = pending_record_ >= 0 ? &replans_[static_cast<std::size_t>(pending_record_)] : nullptr;
      if (!migrate(running_, target, rec)) continue;  // a failure hit the migration: wait and redo it
      pending_record_ = -1;
      running_ = target;
      note_resident(target);
    }
    // (c) The epoch.
    session_.begin_epoch(index, first);
    std::unique_ptr<Epoch> ep = factory_(target);
    Epoch& e = *ep;
    epochs_.push_back(std::move(ep));
    if (!first_epoch) rec_.begin_epoch(e.stage_hosts(), e.producers(), now());
    first_epoch = false;
    ++index;
    touch(e);
    e.start();
    // (d) Supervise it.
    for (;;) {
      scan_states();
      // An actor ended on a failure: a resource of the epoch went down (even if only for an instant).
      const bool up = plan_up(target, &e) && !session_.take_actor_failures();
      const bool idle = session_.epoch_idle();
      std::string reason;
      if (up && !idle && adaptive && !pending_) {
        if (adapt.policy == "periodic" && now() >= next_periodic)
          reason = "periodic";
        else if (adapt.policy == "on-change" && session_.change_pending())
          reason = "on-change";
        else if (recovered)
          reason = "recovery";
      }
      if (up && !idle && reason.empty()) {
        wait(pending_ || !adaptive ? kInf : next_periodic);
        continue;
      }
      const double t = now();
      if (!up) {
        // A host or link of the running plan failed: stop the epoch, settle its requests.
        e.kill();
        e.close_accounting(t);
        rec_.abort_epoch(t);
        bool retry = false, found = false;
        for (int h : e.hosts_used())
          if (!built_.hosts[static_cast<std::size_t>(h)]->is_on())
            found = true, retry = retry || profiles_.on_failure_of("host", h) == traces::OnFailure::Retry;
        for (int l : e.links_used())
          if (!platform::link_is_on(built_.links[static_cast<std::size_t>(l)]))
            found = true, retry = retry || profiles_.on_failure_of("link", l) == traces::OnFailure::Retry;
        if (!found) retry = sc_.on_failure == "retry";  // the failed resource is already back
        const int64_t inflight = session_.in_flight();
        first = session_.abort_inflight(retry);
        rec_.instant_event("failure", fmt::format(R"({{"requests_in_flight": {}, "on_failure": "{}"}})", inflight,
                                                  retry ? "retry" : "drop"),
                           t);
        if (pending_) {  // the drain was cut short: the new plan still wins
          target = *pending_;
          pending_.reset();
        }
        break;
      }
      if (idle) {
        e.kill();
        e.close_accounting(t);
        first = session_.next_admit();
        if (pending_) {
          target = *pending_;
          pending_.reset();
        }
        break;
      }
      if (reason == "periodic") next_periodic = t + adapt.interval_s;
      if (reason == "recovery") recovered = false;
      if (replan(reason, target)) session_.stop_admission();
    }
  }
}

}  // namespace edgesplit::runtime
