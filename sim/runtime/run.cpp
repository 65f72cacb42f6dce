// One simulation: the plan's stages as SimGrid actors (compute + sender per stage), a source and a
// sink, arrivals, flow control, energy; every observation goes to the recorder.
#include "sim/runtime/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "partitioners/ofpm.hpp"
#include "sim/config/options.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/platform/profiles.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/gate.hpp"
#include "sim/runtime/arrivals.hpp"
#include "sim/runtime/controller.hpp"
#include "sim/runtime/session.hpp"
#include "sim/runtime/split_stage.hpp"
#include "sim/runtime/layer_exec.hpp"
#include "sim/runtime/run_common.hpp"
#include "sim/runtime/tensor_plan.hpp"

namespace edgesplit::runtime {

namespace sg4 = simgrid::s4u;

namespace {

// A message names its request and sender in the payload pointer itself (no allocation).
constexpr int kEntityBits = 12;
void* encode(int64_t req, int from) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(((req + 1) << kEntityBits) | (from + 1)));
}
std::pair<int64_t, int> decode(const void* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  return {static_cast<int64_t>(v >> kEntityBits) - 1, static_cast<int>(v & ((1u << kEntityBits) - 1)) - 1};
}

struct Route {
  std::vector<int> links;  ///< config link indices; empty on the same host
  double latency_s = 0;
};


/// A computed request waiting for (or in) its stage's sender.
struct Job {
  int64_t req = 0;
  double recv_end_s = 0, compute_start_s = 0, compute_end_s = 0;
};

struct StageState {
  int host = 0;
  double flops_per_thread = 0;
  int threads = 1;
  std::deque<Job> queue;
  GatePtr slots;  ///< outputs held (being or waiting to be sent): at most `buffers`
  GatePtr items;  ///< jobs in the queue
  double nominal_s = 0;    ///< compute time at nominal speed (what the estimator compares with)
  bool busy_open = false;  ///< host busy interval open (closed by close_accounting after a kill)
};

/// Shared state of the run; every actor runs in the one simulation thread.
class Pipeline {
 public:
  Pipeline(const config::Scenario& sc, const partition::Plan& plan, const cost::CostModel& cost, TensorPlan tp,
           recorder::Recorder& rec, const platform::BuiltPlatform& built, int source_host, int sink_host,
           EpochHooks* hooks, LinkUsage& links, std::vector<BusyUnion>& host_busy)
      : sc_(sc), tp_(std::move(tp)), rec_(rec), built_(built), arrivals_(sc.workload.arrival, sc.seed),
        hooks_(hooks), lu_(&links), hb_(&host_busy) {
    n_ = sc.workload.requests;
    // Epochs after the first (dynamics): their requests start later; busy times go to the run's.
    first_ = hooks_ ? hooks_->first_request() : 0;
    s_ = tp_.stages;
    const int buffers = sc.workload.buffers > 0 ? sc.workload.buffers : 1;
    entity_host_.assign(static_cast<std::size_t>(s_) + 2, -1);
    entity_host_[0] = source_host;
    for (int k = 0; k < s_; ++k)
      entity_host_[static_cast<std::size_t>(k) + 1] = plan.stages[static_cast<std::size_t>(k)].hosts[0].host;
    entity_host_[static_cast<std::size_t>(s_) + 1] = sink_host;

    for (int k = 0; k < s_; ++k) {
      StageState st;
      st.host = host_of(k);
      const config::Host& h = sc.platform.hosts[static_cast<std::size_t>(st.host)];
      const config::DeviceType& t = sc.platform.type_of(h);
      double compute_s = 0;
      for (model::LayerId l : plan.stages[static_cast<std::size_t>(k)].layers) compute_s += cost.compute_s(l, st.host);
      st.threads = t.cores > 0 ? t.cores : 1;
      // The host has `threads` cores of speed / threads flop/s each: compute_s at nominal speed.
      st.flops_per_thread = compute_s * platform::host_speed_flops(t) / st.threads;
      st.nominal_s = compute_s;
      st.slots = std::make_shared<Gate>(buffers);
      st.items = std::make_shared<Gate>(0);
      stages_.push_back(std::move(st));
    }
    // One credit gate per transfer: a consumer holds at most `buffers` received requests it
    // has not started, so upstream stages cannot flood it (memory stays O(buffers) per stage).
    credits_.resize(static_cast<std::size_t>(s_) + 1);
    to_release_.resize(static_cast<std::size_t>(s_) + 1);
    for (int e = -1; e < s_; ++e)
      for (const Transfer& t : tp_.sends_of(e)) {
        auto sem = std::make_shared<Gate>(buffers);
        credits_[static_cast<std::size_t>(e + 1)].push_back(sem);
        to_release_[static_cast<std::size_t>(t.to)].push_back(sem);
        const int a = host_of(t.from), b = host_of(t.to);
        if (a != b && !routes_.count({a, b})) {
          Route r;
          r.links = sc.platform.route(a, b);
          r.latency_s = sc.platform.route_latency_s(a, b);
          routes_[{a, b}] = std::move(r);
        }
      }
    early_.assign(static_cast<std::size_t>(s_) + 1, {});
    const int epoch = hooks_ ? hooks_->epoch_index() : 0;  // fresh mailboxes: a killed epoch may leave messages
    for (int c = 0; c <= s_; ++c)
      inbox_.push_back(sg4::Mailbox::by_name(epoch == 0 ? fmt::format("edgesplit-in-{}", c)
                                                        : fmt::format("edgesplit-in-{}-{}", epoch, c)));
    open_sends_.resize(static_cast<std::size_t>(s_) + 1);
    if (tp_.has_sink) {
      parts_needed_ = static_cast<int>(tp_.producers[static_cast<std::size_t>(s_)].size());
    } else {
      parts_needed_ = 0;
      for (bool o : tp_.holds_output) parts_needed_ += o ? 1 : 0;
    }
  }

  /// Host pairs that need a SimGrid route.
  static std::vector<std::pair<int, int>> route_pairs(const TensorPlan& tp, const std::vector<int>& entity_host) {
    std::set<std::pair<int, int>> pairs;
    for (int e = -1; e < tp.stages; ++e)
      for (const Transfer& t : tp.sends_of(e)) {
        const int a = entity_host[static_cast<std::size_t>(t.from + 1)];
        const int b = entity_host[static_cast<std::size_t>(t.to + 1)];
        if (a != b) pairs.insert({a, b});
      }
    return {pairs.begin(), pairs.end()};
  }

  void create_actors() {
    const auto& hosts = built_.hosts;
    if (tp_.has_source)
      actors_.push_back(sg4::Actor::create("source", hosts[static_cast<std::size_t>(host_of(-1))],
                                           [this] { guarded([this] { source(); }); }));
    for (int k = 0; k < s_; ++k) {
      sg4::Host* h = hosts[static_cast<std::size_t>(host_of(k))];
      sg4::ActorPtr a = sg4::Actor::create(fmt::format("stage-{}", k), h, [this, k] { guarded([this, k] { stage(k); }); });
      actors_.push_back(a);
      // Eager transfers: data flows into the host while the stage computes (notes section 5).
      inbox_[static_cast<std::size_t>(k)]->set_receiver(a);
      if (!tp_.sends_of(k).empty())
        actors_.push_back(
            sg4::Actor::create(fmt::format("sender-{}", k), h, [this, k] { guarded([this, k] { sender(k); }); }));
    }
    if (tp_.has_sink) {
      sg4::ActorPtr a = sg4::Actor::create("sink", hosts[static_cast<std::size_t>(host_of(s_))],
                                           [this] { guarded([this] { sink(); }); });
      actors_.push_back(a);
      inbox_[static_cast<std::size_t>(s_)]->set_receiver(a);
    }
  }

  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }
  int64_t completed() const { return completed_; }
  int64_t issued() const { return issued_; }
  /// Weight loading and layer-level execution (layer_exec.hpp); set before the actors run.
  void set_layer_exec(LayerExec* x) { layer_exec_ = x; }
  const std::map<std::pair<int, int>, Route>& routes() const { return routes_; }
  const std::vector<int>& entity_hosts() const { return entity_host_; }

  // Epochs of runs with dynamics (session.hpp).
  /// Kills every actor of this pipeline still alive.
  void kill_actors() {
    for (auto& a : actors_)
      if (a) a->kill();
    actors_.clear();
  }
  /// Ends, at t_s, the busy intervals and transfers the killed actors left open.
  void close_accounting(double t_s) {
    for (auto& o : open_sends_)
      if (o.route) {
        lu_->transfer_abort(o.route->links, o.data_start_s, t_s);
        o.route = nullptr;
      }
    for (auto& st : stages_)
      if (st.busy_open) {
        (*hb_)[static_cast<std::size_t>(st.host)].end(t_s);
        st.busy_open = false;
      }
  }
  const std::vector<std::vector<int>>& producers() const { return tp_.producers; }

 private:
  int host_of(int entity) const { return entity_host_[static_cast<std::size_t>(entity + 1)]; }
  static double now() { return sg4::Engine::get_clock(); }

  template <class F>
  void guarded(F body) {
    run_guarded(body, hooks_, error_);
  }

  /// Admission of the next request: open-loop arrivals wait for their time; saturate admits now.
  double admit(int64_t req) {
    if (hooks_) {  // arrival times live in the session: a retried request keeps its own
      const double t = hooks_->arrival_of(req);
      if (!arrivals_.saturate() && t > now()) sg4::this_actor::sleep_until(t);
      return t;
    }
    if (arrivals_.saturate()) return now();
    const double t = arrivals_.next();
    if (t > now()) sg4::this_actor::sleep_until(t);
    return t;
  }

  /// A drain was asked for (re-plan): admit nothing more in this epoch.
  bool stopped() const { return hooks_ && hooks_->admission_stopped(); }

  void issue(int64_t req, double arrival_s, double start_s) {
    if (hooks_) hooks_->issued(req, arrival_s, start_s);
    inflight_.push_back({arrival_s, start_s});
    ++issued_;
  }

  /// Waits until every producer's message for `req` is in consumer c's inbox.
  void gather(int c, int64_t req) {
    const int need = static_cast<int>(tp_.producers[static_cast<std::size_t>(c)].size());
    int& have = early_[static_cast<std::size_t>(c)][req];
    while (have < need) {
      const auto [r, from] = decode(inbox_[static_cast<std::size_t>(c)]->get<char>());
      (void)from;
      if (r == req)
        ++have;
      else
        ++early_[static_cast<std::size_t>(c)][r];
    }
    early_[static_cast<std::size_t>(c)].erase(req);
    for (auto& sem : to_release_[static_cast<std::size_t>(c)]) sem->release();
  }

  /// Sends entity e's outputs of request `req`, one transfer after the other (one sender per
  /// device, as PipeEdge's send thread). Returns the bytes put on the network.
  /// `on_first_credit` runs once the first destination can accept (the source admits there).
  template <class F>
  double send_all(int e, int64_t req, F on_first_credit) {
    double total = 0;
    const auto& sends = tp_.sends_of(e);
    for (std::size_t j = 0; j < sends.size(); ++j) {
      const Transfer& t = sends[j];
      credits_[static_cast<std::size_t>(e + 1)][j]->acquire();
      if (j == 0) on_first_credit();
      const int a = host_of(t.from), b = host_of(t.to);
      const double bytes = a == b ? 0.0 : t.bytes;  // same host: no network (cost::send_s is 0 too)
      const double t0 = now();
      rec_.send_begin(e, t0);
      const Route* route = a == b ? nullptr : &routes_.at({a, b});
      // Data phase: from start + route latency to the end. Exact under network "exact"; under
      // "simgrid" (LV08, latency factor 13.01) it also counts part of the longer latency phase.
      if (route) {
        lu_->transfer_start(route->links, t0 + route->latency_s, bytes);
        open_sends_[static_cast<std::size_t>(e + 1)] = {route, t0 + route->latency_s};
      }
      double latency_now_s = 0;  // what a measurement would subtract: the latency in force now
      if (route && hooks_)
        for (int l : route->links) latency_now_s += built_.links[static_cast<std::size_t>(l)]->get_latency();
      inbox_[static_cast<std::size_t>(t.to)]->put(encode(req, e), static_cast<uint64_t>(std::llround(bytes)));
      const double t1 = now();
      if (route) {
        lu_->transfer_end(route->links, t1);
        open_sends_[static_cast<std::size_t>(e + 1)].route = nullptr;
        if (hooks_) hooks_->observe_transfer(route->links, bytes, t1 - t0 - latency_now_s);
      }
      rec_.send_end(e, req, t.to, t1, bytes);
      total += bytes;
    }
    return total;
  }

  void source() {
    for (int64_t i = first_; i < n_; ++i) {
      if (stopped()) return;
      const double arrival_s = admit(i);
      if (stopped()) return;
      // saturate: a request arrives when admitted (a retried one keeps its first arrival).
      send_all(-1, i, [&] { issue(i, arrivals_.saturate() ? (hooks_ ? hooks_->arrival_of(i) : now()) : arrival_s, now()); });
    }
  }

  void stage(int k) {
    StageState& st = stages_[static_cast<std::size_t>(k)];
    const bool self_driven = k == 0 && !tp_.has_source;
    const bool done_here = tp_.holds_output[static_cast<std::size_t>(k)] && !tp_.has_sink;
    const bool sends = !tp_.sends_of(k).empty();
    for (int64_t i = first_; i < n_; ++i) {
      if (self_driven) {
        if (stopped()) return;
        const double arrival_s = admit(i);
        if (stopped()) return;
        issue(i, arrival_s, now());
      } else {
        gather(k, i);
      }
      const double recv_end_s = now();
      double compute_start_s = recv_end_s;
      if (layer_exec_ && layer_exec_->handles(k)) {
        // Weights still loading, or a CIM stage split with its host: layer by layer (layer_exec.hpp).
        layer_exec_->run(k, [&] {
          compute_start_s = now();
          rec_.compute_begin(k, i, compute_start_s);
        });
      } else {
        rec_.compute_begin(k, i, recv_end_s);
        BusyUnion& busy = (*hb_)[static_cast<std::size_t>(st.host)];
        busy.begin(recv_end_s);
        st.busy_open = true;
        if (st.flops_per_thread > 0) {
          if (st.threads == 1)
            sg4::this_actor::execute(st.flops_per_thread);
          else
            sg4::this_actor::exec_init(st.flops_per_thread)->set_thread_count(st.threads)->wait();
        }
        busy.end(now());
        st.busy_open = false;
        if (hooks_) hooks_->observe_compute(st.host, st.nominal_s, now() - recv_end_s);
      }
      const double end_s = now();
      rec_.compute_end(k, i, end_s);
      if (done_here) part_done(i, end_s);
      if (sends) {
        st.slots->acquire();
        st.queue.push_back({i, recv_end_s, compute_start_s, end_s});
        st.items->release();
      } else {
        rec_.stage_done(i, k, recv_end_s, compute_start_s, end_s, end_s, 0.0);
      }
    }
  }

  void sender(int k) {
    StageState& st = stages_[static_cast<std::size_t>(k)];
    for (int64_t i = first_; i < n_; ++i) {
      st.items->acquire();
      const Job job = st.queue.front();
      st.queue.pop_front();
      const double bytes = send_all(k, job.req, [] {});
      st.slots->release();
      rec_.stage_done(job.req, k, job.recv_end_s, job.compute_start_s, job.compute_end_s, now(), bytes);
    }
  }

  void sink() {
    for (int64_t i = first_; i < n_; ++i) {
      gather(s_, i);
      rec_.sink_receive(i, now());
      complete(i, now());
    }
  }

  void part_done(int64_t req, double t_s) {
    if (parts_needed_ == 1) return complete(req, t_s);
    int& c = parts_[req];
    if (++c == parts_needed_) {
      parts_.erase(req);
      complete(req, t_s);
    }
  }

  void complete(int64_t req, double t_s) {
    // Every entity handles requests in id order, so they complete in id order.
    auto [arrival_s, start_s] = inflight_.front();
    inflight_.pop_front();
    if (hooks_) std::tie(arrival_s, start_s) = hooks_->completed(req);
    rec_.request_done(req, arrival_s, start_s, t_s);
    ++completed_;
  }

  const config::Scenario& sc_;
  TensorPlan tp_;
  recorder::Recorder& rec_;
  const platform::BuiltPlatform& built_;
  Arrivals arrivals_;
  int64_t n_ = 0;
  int s_ = 0;
  std::vector<int> entity_host_;  ///< entity + 1 -> host index (source, stages, sink)
  std::vector<StageState> stages_;
  std::vector<std::vector<GatePtr>> credits_;     ///< per sender entity + 1, per transfer
  std::vector<std::vector<GatePtr>> to_release_;  ///< per consumer
  std::vector<std::map<int64_t, int>> early_;  ///< per consumer: messages of requests not yet gathered
  std::vector<sg4::Mailbox*> inbox_;
  std::map<std::pair<int, int>, Route> routes_;
  std::deque<std::pair<double, double>> inflight_;  ///< arrival_s, start_s of issued, not completed requests
  std::map<int64_t, int> parts_;
  int parts_needed_ = 1;
  int64_t issued_ = 0, completed_ = 0;
  EpochHooks* hooks_ = nullptr;  ///< set in runs with dynamics or adapt (session.hpp)
  int64_t first_ = 0;            ///< first request of this epoch
  LinkUsage* lu_ = nullptr;      ///< where busy times go: the run's (shared by every epoch)
  std::vector<BusyUnion>* hb_ = nullptr;
  std::vector<sg4::ActorPtr> actors_;
  struct OpenSend {
    const Route* route = nullptr;
    double data_start_s = 0;
  };
  std::vector<OpenSend> open_sends_;  ///< per entity + 1: the transfer in progress
  LayerExec* layer_exec_ = nullptr;
  std::exception_ptr error_;
};

/// An epoch of a run with dynamics: one Pipeline (the first is run()'s own, later ones owned here).
class PipelineEpoch : public Epoch {
 public:
  PipelineEpoch(Pipeline* p, std::unique_ptr<Pipeline> owned) : p_(p), owned_(std::move(owned)) {}
  void start() override { p_->create_actors(); }
  void rethrow_if_failed() const override { p_->rethrow_if_failed(); }
  void kill() override { p_->kill_actors(); }
  void close_accounting(double t_s) override { p_->close_accounting(t_s); }
  std::vector<int> hosts_used() const override {
    std::vector<int> out;
    for (int h : p_->entity_hosts())
      if (h >= 0) out.push_back(h);
    return out;
  }
  std::vector<int> links_used() const override {
    std::set<int> out;
    for (const auto& [ab, r] : p_->routes()) out.insert(r.links.begin(), r.links.end());
    return {out.begin(), out.end()};
  }
  const std::vector<std::vector<int>>& producers() const override { return p_->producers(); }
  std::vector<int> stage_hosts() const override {
    const auto& e = p_->entity_hosts();
    return {e.begin() + 1, e.end() - 1};
  }

 private:
  Pipeline* p_;
  std::unique_ptr<Pipeline> owned_;
};

/// What a run with dynamics or adapt adds: profiles, measurements, the session and its controller.
struct DynamicRun {
  platform::Profiles profiles;
  Estimator estimator;
  Session session;
  std::unique_ptr<Controller> controller;
  std::vector<recorder::LinkChange> link_changes;
  std::map<std::string, int> link_of_name;  ///< SimGrid link name (also NAME_UP, NAME_DOWN) -> link

  explicit DynamicRun(const config::Scenario& sc)
      : profiles(sc),
        estimator(sc.platform),
        session(sc, &estimator, sc.adapt.policy == "on-change" ? sc.adapt.threshold : 0.0) {
    for (std::size_t l = 0; l < sc.platform.links.size(); ++l)
      for (const char* suffix : {"", "_UP", "_DOWN"})
        link_of_name[sc.platform.links[l].name + suffix] = static_cast<int>(l);
  }
  /// links.csv: every bandwidth SimGrid applies (a split-duplex link reports each direction once).
  void record_bandwidth_changes() {
    sg4::Link::on_bandwidth_change_cb([this](sg4::Link const& link) {
      const auto it = link_of_name.find(link.get_name());
      if (it == link_of_name.end()) return;
      const recorder::LinkChange c{sg4::Engine::get_clock(), it->second, link.get_bandwidth()};
      for (auto r = link_changes.rbegin(); r != link_changes.rend() && r->time_s == c.time_s; ++r)
        if (r->link == c.link && r->bandwidth_Bps == c.bandwidth_Bps) return;
      link_changes.push_back(c);
    });
  }
  recorder::DynamicsOutcome outcome(const config::Scenario& sc) const {
    recorder::DynamicsOutcome o;
    for (const platform::ResolvedDynamics& r : profiles.entries())
      if (r.spec.trace) {
        const traces::TraceInfo& t = *r.spec.trace;
        const std::string target = r.target_kind == "link" ? sc.platform.links[static_cast<std::size_t>(r.target)].name
                                                           : sc.platform.hosts[static_cast<std::size_t>(r.target)].name;
        o.traces.push_back({target, r.what, t.path, t.format, t.sha256, t.mean});
      }
    o.link_changes = link_changes;
    o.requests_failed = session.failed_count();
    o.requests_retried = session.retried_count();
    if (controller) o.replans = controller->replans();
    o.adapt_policy = sc.adapt.policy;
    return o;
  }
};

/// The scenario's re-planner, made consistent for split stages: when the running plan or the new
/// one has a split stage, both are predicted with the split-stage timing model of docs/OFPM.md
/// (partition::hpm::evaluate_plan, bands kept) under the same estimates, instead of the share-based
/// partition::evaluate, so that before/after compare on equal terms and ofpm's figures (its band
/// times, its latency) are the ones recorded. ofpm's `load` option enters for the hosts whose rate
/// was not measured yet (hpm::MeasuredRates: measured rates win). Plain plans: unchanged.
Replanner split_aware_replanner(const config::Scenario& sc, const cost::CostModel& base, Replanner inner) {
  if (!inner) return inner;
  return [&sc, &base, inner = std::move(inner)](const Estimates& est, const partition::Plan& current) {
    ReplanResult r = inner(est, current);
    if (!has_split_stage(current) && !has_split_stage(r.plan)) return r;
    const config::Platform estimated = estimated_platform(sc.platform, est);
    const EstimatedCost cost(base, estimated, est);
    std::vector<partition::HostView> hosts = partition::host_views(estimated);
    for (std::size_t h = 0; h < hosts.size() && h < est.host_up.size(); ++h)
      if (!est.host_up[h]) hosts[h].memory_bytes = 1;
    const config::Options options(sc.partitioner.options);
    const partition::Problem problem{sc.model, hosts, cost, sc.batch, sc.workload.buffers, partition::Objective::Latency,
                                     options, sc.workload.source, sc.workload.sink};
    std::vector<double> load(hosts.size(), 0.0);
    if (sc.partitioner.name == "ofpm") load = partition::hpm::load_option(problem, options);
    try {
      partition::Plan running = current;
      partition::hpm::evaluate_plan(problem, load, running);
      partition::Plan next = r.plan;
      partition::hpm::evaluate_plan(problem, load, next);
      r.current_bottleneck_s = running.predicted_bottleneck_s;
      r.plan = std::move(next);
    } catch (const std::invalid_argument&) {
      // Not a chain of consecutive ranges (a DAG plan): keep partition::evaluate's figures.
    }
    return r;
  };
}

int host_index_or_throw(const config::Platform& p, const std::string& name, const char* key) {
  const int h = p.host_index(name);
  if (h < 0) throw std::invalid_argument(fmt::format("{}: unknown host \"{}\"", key, name));
  return h;
}

}  // namespace

RunSummary run(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
               const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const config::Platform& pf = scenario.platform;
  if (scenario.workload.requests < 1) throw std::invalid_argument("workload.requests: expected at least 1 request");
  const int source_host =
      scenario.workload.source.empty() ? -1 : host_index_or_throw(pf, scenario.workload.source, "workload.source");
  const int sink_host =
      scenario.workload.sink.empty() ? -1 : host_index_or_throw(pf, scenario.workload.sink, "workload.sink");
  const bool dynamic = !scenario.dynamics.empty() || scenario.adapt.policy != "none";
  const bool split = has_split_stage(plan);
  // Split stages (fpm, ofpm) without dynamics: their own executor (split_stage.hpp). With dynamics
  // or adapt, the controller below runs them as epochs (make_split_epoch).
  if (split && !dynamic) return run_split(scenario, plan, cost, options, source_host, sink_host, wall_start);
  if (split) {
    check_split_plan(plan);
    refuse_weights_with_split_stages(scenario);
  }
  std::unique_ptr<TensorPlan> tp;
  if (!split) {
    tp = std::make_unique<TensorPlan>(
        make_tensor_plan(scenario.model, plan, scenario.batch, source_host >= 0, sink_host >= 0));
    if (tp->stages + 1 >= (1 << kEntityBits)) throw std::invalid_argument("too many stages for the runtime");
    for (const partition::Stage& st : plan.stages)
      if (st.hosts[0].host < 0 || static_cast<std::size_t>(st.hosts[0].host) >= pf.hosts.size())
        throw std::invalid_argument(fmt::format("plan names host {} beyond the platform", st.hosts[0].host));
  }
  platform::check_power(pf);
  WeightPlan weights = split ? WeightPlan{} : make_weight_plan(scenario, plan);  // throws InputError before any output
  static bool engine_used = false;  // a second engine in one process is wrong even after the first is gone
  if (engine_used || sg4::Engine::has_instance())
    throw std::runtime_error("runtime::run: one simulation per process (SimGrid allows one engine)");

  recorder::Setup setup = recorder_setup(scenario, plan, options, source_host, sink_host);
  if (split) {
    split_recorder_layout(plan, source_host, sink_host, setup.stage_hosts, setup.producers);
  } else {
    for (const partition::Stage& st : plan.stages) setup.stage_hosts.push_back(st.hosts[0].host);
    setup.producers = tp->producers;
  }
  recorder::Recorder rec(setup);  // removes its temporary directory if anything below throws

  std::vector<int> entity_host;
  entity_host.push_back(source_host);
  for (int h : setup.stage_hosts) entity_host.push_back(h);
  entity_host.push_back(sink_host);

  const EngineArgs args = quiet_engine_args();
  engine_used = true;
  sg4::Engine engine(args.argc, args.argv);
  platform::configure_engine(scenario.network_model);
  // Dynamics or adapt: profiles on hosts and links, routes between every pair (a re-plan may use
  // any), a controller on a host of its own (controller.hpp).
  if (dynamic && scenario.weights.enabled)  // the scenario loader refuses it, located
    throw std::logic_error("weights: together with dynamics or adapt is not supported yet");
  std::unique_ptr<DynamicRun> dyn = dynamic ? std::make_unique<DynamicRun>(scenario) : nullptr;
  std::vector<std::pair<int, int>> pairs = split ? std::vector<std::pair<int, int>>{} : Pipeline::route_pairs(*tp, entity_host);
  const std::vector<std::pair<int, int>> weight_pairs = weights.route_pairs();  // store -> host loads
  pairs.insert(pairs.end(), weight_pairs.begin(), weight_pairs.end());
  std::sort(pairs.begin(), pairs.end());  // a pair may carry both activations and weights:
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());  // SimGrid takes each route once
  const platform::BuiltPlatform built =
      dyn ? platform::build(pf, {}, &dyn->profiles, true) : platform::build(pf, pairs);

  // Busy times and link bytes of every epoch of the run.
  LinkUsage link_usage(pf.links.size());
  std::vector<BusyUnion> host_busy(pf.hosts.size());
  std::unique_ptr<Pipeline> pipe;         // the first plan when it has no split stage
  std::unique_ptr<Epoch> first_split;     // the first plan when it has split stages (dynamic runs)
  std::unique_ptr<LayerExec> layer_exec;  // weights and CIM stage splits (runs without dynamics)
  if (split)
    first_split = make_split_epoch(scenario, plan, cost, rec, built, source_host, sink_host, &dyn->session, link_usage,
                                   host_busy);
  else
    pipe = std::make_unique<Pipeline>(scenario, plan, cost, std::move(*tp), rec, built, source_host, sink_host,
                                      dyn ? &dyn->session : nullptr, link_usage, host_busy);
  if (dyn) {
    dyn->record_bandwidth_changes();
    // first_epoch lives in the lambda: the controller calls it from engine.run(), after this block
    // (a reference to a block-local was a stack-use-after-scope, found by scripts/test --sanitize).
    EpochFactory factory = [&, first_epoch = true](const partition::Plan& p) mutable -> std::unique_ptr<Epoch> {
      const bool first = std::exchange(first_epoch, false);
      if (first && pipe) return std::make_unique<PipelineEpoch>(pipe.get(), nullptr);
      if (first && first_split) return std::move(first_split);
      if (has_split_stage(p))
        return make_split_epoch(scenario, p, cost, rec, built, source_host, sink_host, &dyn->session, link_usage,
                                host_busy);
      auto next = std::make_unique<Pipeline>(
          scenario, p, cost, make_tensor_plan(scenario.model, p, scenario.batch, source_host >= 0, sink_host >= 0), rec,
          built, source_host, sink_host, &dyn->session, link_usage, host_busy);
      Pipeline* raw = next.get();
      return std::make_unique<PipelineEpoch>(raw, std::move(next));
    };
    dyn->controller = std::make_unique<Controller>(scenario, plan, dyn->profiles, built, rec, dyn->session,
                                                   &dyn->estimator, std::move(factory),
                                                   split_aware_replanner(scenario, cost, options.replan));
    dyn->controller->create_actor(dyn->profiles.controller_host());
  } else {
    layer_exec = std::make_unique<LayerExec>(scenario, plan, cost, std::move(weights), built, rec, link_usage, host_busy);
    pipe->set_layer_exec(layer_exec.get());
    pipe->create_actors();
    layer_exec->create_actors();
  }
  engine.run();
  if (pipe) pipe->rethrow_if_failed();
  if (layer_exec) layer_exec->rethrow_if_failed();
  if (dyn) {
    dyn->controller->rethrow_if_failed();
    for (const auto& e : dyn->controller->epochs()) e->rethrow_if_failed();
    const Session& ss = dyn->session;
    if (ss.in_flight() > 0 || (!dyn->controller->stalled() && ss.completed_count() + ss.failed_count() != ss.requests()))
      throw std::runtime_error(fmt::format("the simulation stopped with {} of {} requests completed and {} failed",
                                           ss.completed_count(), ss.requests(), ss.failed_count()));
  }
  if (!dyn && pipe->completed() != scenario.workload.requests)
    throw std::runtime_error(fmt::format("the simulation stopped with {} of {} requests completed",
                                         pipe->completed(), scenario.workload.requests));

  recorder::Final fin;
  fin.sim_time_s = sg4::Engine::get_clock();
  fin.requests_issued = dyn ? dyn->session.issued_count() : pipe->issued();
  const recorder::DynamicsOutcome outcome = dyn ? dyn->outcome(scenario) : recorder::DynamicsOutcome{};
  if (dyn) fin.dynamics = &outcome;
  fin.cost_model = cost.name();
  fin.network_model = scenario.network_model;
  fin.wall_start = wall_start;
  std::vector<bool> host_active(pf.hosts.size(), false), link_active(pf.links.size(), false);
  for (int h : entity_host)
    if (h >= 0) host_active[static_cast<std::size_t>(h)] = true;
  if (pipe)
    for (const auto& [ab, r] : pipe->routes())
      for (int l : r.links) link_active[static_cast<std::size_t>(l)] = true;
  for (const auto& [a, b] : weight_pairs) {
    for (int l : pf.route(a, b)) link_active[static_cast<std::size_t>(l)] = true;
    host_active[static_cast<std::size_t>(a)] = true;
  }
  if (dyn) {  // every plan the run used, and the links weights migrated over
    for (int h : dyn->controller->hosts_touched()) host_active[static_cast<std::size_t>(h)] = true;
    for (int l : dyn->controller->links_touched()) link_active[static_cast<std::size_t>(l)] = true;
  }
  add_entity_use(fin, pf, built, host_busy, link_usage, host_active, link_active, layer_exec.get());
  return run_summary(rec.finish(fin));
}

}  // namespace edgesplit::runtime
