// Plans with split stages (fpm, ofpm): a graph of actors (source, one per band or single-host
// stage, a relay per gather host that re-splits, sink) exchanging row bands; see split_stage.hpp.
#include "sim/runtime/split_stage.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "partitioners/halo.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/gate.hpp"
#include "sim/runtime/arrivals.hpp"
#include "sim/runtime/run_common.hpp"
#include "sim/runtime/session.hpp"

namespace edgesplit::runtime {

namespace sg4 = simgrid::s4u;

bool has_split_stage(const partition::Plan& plan) {
  for (const partition::Stage& st : plan.stages)
    if (st.hosts.size() > 1 || st.bands.size() > 1) return true;
  return false;
}

namespace {

void* encode(int64_t req) { return reinterpret_cast<void*>(static_cast<uintptr_t>(req + 1)); }
int64_t decode(const void* p) { return static_cast<int64_t>(reinterpret_cast<uintptr_t>(p)) - 1; }


enum class Kind { Source, Part, Relay, Sink };

/// One message per request from node `from` to node `to`.
struct Edge {
  int from = 0, to = 0;
  double bytes = 0;  ///< on the network (0 on the same host)
  std::vector<int> links;
  double latency_s = 0;
  std::shared_ptr<Gate> credit;  ///< messages the consumer has not started yet: at most `buffers`
  double open_data_start_s = -1;  ///< data phase start of the transfer in progress (-1: none)
  bool contended = false;         ///< the transfer in progress shared a link with another one
};

struct Node {
  Kind kind = Kind::Part;
  int host = 0;
  int stage = -1;        ///< Part: its stage; Relay: the stage it feeds; Sink: S
  int send_entity = -1;  ///< recorder entity of its sends (stage, or -1 the source)
  int to_entity = 0;     ///< recorder consumer of its sends (stage, or S the sink)
  double flops = 0;      ///< Part: per request (stages.csv)
  double flops_per_thread = 0;
  double nominal_s = 0;  ///< Part: compute seconds at nominal speed (what the estimator compares with)
  int threads = 1;
  bool busy_open = false;  ///< host busy interval open (closed by close_accounting after a kill)
  bool self_driven = false;  ///< first stage without source: admits requests itself
  bool completes = false;    ///< last stage without sink: a request is done when every such part is
  std::vector<int> in, out;  ///< edge indices
  sg4::Mailbox* inbox = nullptr;
};

class SplitPipeline {
 public:
  /// `hooks`: the session of a run with dynamics or adapt (null: a plain run); busy times and link
  /// bytes go to `links` and `host_busy` (shared by every epoch of a run).
  SplitPipeline(const config::Scenario& sc, const partition::Plan& plan, const cost::CostModel& cost,
                recorder::Recorder& rec, int source_host, int sink_host, EpochHooks* hooks, LinkUsage& links,
                std::vector<BusyUnion>& host_busy)
      : sc_(sc), rec_(rec), arrivals_(sc.workload.arrival, sc.seed), hooks_(hooks), links_(links),
        host_busy_(host_busy) {
    n_ = sc.workload.requests;
    first_ = hooks_ ? hooks_->first_request() : 0;
    next_issue_ = first_;
    epoch_ = hooks_ ? hooks_->epoch_index() : 0;
    buffers_ = sc.workload.buffers > 0 ? sc.workload.buffers : 1;
    build(sc.model, plan, cost, source_host, sink_host);
    for (Edge& e : edges_) {
      const int a = nodes_[static_cast<std::size_t>(e.from)].host, b = nodes_[static_cast<std::size_t>(e.to)].host;
      if (a != b) {
        e.links = sc_.platform.route(a, b);
        e.latency_s = sc_.platform.route_latency_s(a, b);
      }
    }
  }

  /// Host pairs with a network transfer.
  std::vector<std::pair<int, int>> route_pairs() const {
    std::set<std::pair<int, int>> p;
    for (const Edge& e : edges_) {
      const int a = nodes_[static_cast<std::size_t>(e.from)].host, b = nodes_[static_cast<std::size_t>(e.to)].host;
      if (a != b) p.insert({a, b});
    }
    return {p.begin(), p.end()};
  }
  void create_actors(const platform::BuiltPlatform& built) {
    built_ = &built;
    // Every mailbox before any actor: created from the controller (an actor), a new actor may run
    // before this loop ends. Fresh mailboxes per epoch: a killed epoch may leave messages behind.
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      nodes_[i].inbox = sg4::Mailbox::by_name(epoch_ == 0 ? fmt::format("edgesplit-split-{}", i)
                                                          : fmt::format("edgesplit-split-{}-{}", epoch_, i));
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      Node& nd = nodes_[i];
      const int id = static_cast<int>(i);
      sg4::ActorPtr a = sg4::Actor::create(fmt::format("split-node-{}", i), built.hosts[static_cast<std::size_t>(nd.host)],
                                           [this, id] { guarded([this, id] { body(id); }); });
      if (!nd.in.empty()) nd.inbox->set_receiver(a);
      actors_.push_back(a);
    }
  }

  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }
  int64_t completed() const { return completed_; }
  int64_t issued() const { return issued_; }
  std::vector<int> hosts_used() const {
    std::set<int> out;
    for (const Node& n : nodes_) out.insert(n.host);
    return {out.begin(), out.end()};
  }
  std::set<int> links_used() const {
    std::set<int> out;
    for (const Edge& e : edges_) out.insert(e.links.begin(), e.links.end());
    return out;
  }

  // Epochs of runs with dynamics (session.hpp).
  void kill_actors() {
    for (auto& a : actors_)
      if (a) a->kill();
    actors_.clear();
  }
  /// Ends, at t_s, the busy intervals and transfers the killed actors left open.
  void close_accounting(double t_s) {
    for (Edge& e : edges_)
      if (e.open_data_start_s >= 0) {
        if (!e.links.empty()) links_.transfer_abort(e.links, e.open_data_start_s, t_s);
        e.open_data_start_s = -1;
      }
    for (Node& n : nodes_)
      if (n.busy_open) {
        host_busy_[static_cast<std::size_t>(n.host)].end(t_s);
        n.busy_open = false;
      }
  }

 private:
  static double now() { return sg4::Engine::get_clock(); }

  int add_node(Node n) {
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size()) - 1;
  }
  void add_edge(int from, int to, double bytes) {
    Edge e;
    e.from = from;
    e.to = to;
    const bool local = nodes_[static_cast<std::size_t>(from)].host == nodes_[static_cast<std::size_t>(to)].host;
    e.bytes = local ? 0.0 : bytes;  // same host: no network (cost::send_s is 0 too)
    e.credit = std::make_shared<Gate>(buffers_);
    edges_.push_back(std::move(e));
    const int id = static_cast<int>(edges_.size()) - 1;
    nodes_[static_cast<std::size_t>(from)].out.push_back(id);
    nodes_[static_cast<std::size_t>(to)].in.push_back(id);
  }

  /// A Part node computing `compute_s` (whole-layer times scaled by rows) on `host`.
  Node part(int host, int stage, double compute_s, double flops) const {
    Node n;
    n.kind = Kind::Part;
    n.host = host;
    n.stage = stage;
    n.send_entity = stage;
    n.to_entity = stage + 1;
    n.flops = flops;
    const config::DeviceType& t = sc_.platform.type_of(sc_.platform.hosts.at(static_cast<std::size_t>(host)));
    n.threads = t.cores > 0 ? t.cores : 1;
    n.flops_per_thread = compute_s * platform::host_speed_flops(t) / n.threads;
    n.nominal_s = compute_s;
    return n;
  }

  void build(const model::Graph& g, const partition::Plan& plan, const cost::CostModel& cost, int source_host,
             int sink_host) {
    const int s = static_cast<int>(plan.stages.size());
    if (s == 0) throw std::invalid_argument("the plan has no stage");
    const int nh = static_cast<int>(sc_.platform.hosts.size());
    auto check_host = [&](int h) {
      if (h < 0 || h >= nh) throw std::invalid_argument(fmt::format("plan names host {} beyond the platform", h));
    };
    // Chain check: stage k reads only its own layers and the last layer of stage k-1 (k = 0: the input).
    std::vector<int> stage_of(g.size(), -1);
    for (int k = 0; k < s; ++k) {
      const partition::Stage& st = plan.stages[static_cast<std::size_t>(k)];
      if (st.layers.empty()) throw std::invalid_argument(fmt::format("stage {} has no layer", k));
      for (model::LayerId l : st.layers) {
        if (l >= g.size()) throw std::invalid_argument(fmt::format("stage {} names layer {} beyond the model", k, l));
        if (stage_of[l] >= 0) throw std::invalid_argument(fmt::format("layer {} is in two stages", g.layer(l).name));
        stage_of[l] = k;
      }
    }
    for (model::LayerId l = 0; l < g.size(); ++l) {
      if (stage_of[l] < 0) throw std::invalid_argument(fmt::format("layer {} is in no stage", g.layer(l).name));
      const int k = stage_of[l];
      for (model::LayerId p : g.layer(l).inputs) {
        const bool ok = p == model::kInput ? k == 0
                                           : stage_of[p] == k ||
                                                 (stage_of[p] == k - 1 &&
                                                  p == plan.stages[static_cast<std::size_t>(k - 1)].layers.back());
        if (!ok)
          throw std::invalid_argument(fmt::format(
              "split stages: the runtime runs chain plans only (layer {} of stage {} reads across the cut)",
              g.layer(l).name, k));
      }
    }
    const model::LayerId last = plan.stages.back().layers.back();
    if (g.outputs().size() != 1 || g.outputs().front() != last)
      throw std::invalid_argument("split stages: the model must have one output, the last layer of the last stage");

    int holder = -1;  // node holding stage k's whole input tensor (-1: none, the input is everywhere)
    std::vector<int> prev_bands;  // previous split stage's band nodes (gathered on prev_gather)
    int prev_gather = -1;
    if (source_host >= 0) {
      Node src;
      src.kind = Kind::Source;
      src.host = source_host;
      src.send_entity = -1;
      src.to_entity = 0;
      holder = add_node(src);
    }
    for (int k = 0; k < s; ++k) {
      const partition::Stage& st = plan.stages[static_cast<std::size_t>(k)];
      const double in_bytes = k == 0 ? g.input_bytes(sc_.batch)
                                     : g.output_bytes(plan.stages[static_cast<std::size_t>(k - 1)].layers.back(), sc_.batch);
      const bool split = st.hosts.size() > 1 || st.bands.size() > 1;
      if (!split) {
        if (st.hosts.empty()) throw std::invalid_argument(fmt::format("stage {} has no host", k));
        const int h = st.hosts[0].host;
        check_host(h);
        double compute_s = 0, flops = 0;
        for (model::LayerId l : st.layers) {
          compute_s += cost.compute_s(l, h);
          flops += g.layer(l).flops_per_sample() * sc_.batch;
        }
        const int id = add_node(part(h, k, compute_s, flops));
        if (!prev_bands.empty()) {
          if (prev_gather != h)
            throw std::invalid_argument(fmt::format(
                "stage {}: the previous split stage gathers on host {}, not on this stage's host {}", k, prev_gather, h));
          const auto& pb = plan.stages[static_cast<std::size_t>(k - 1)].bands;
          for (std::size_t b = 0; b < prev_bands.size(); ++b) add_edge(prev_bands[b], id, pb[b].out_bytes);
        } else if (holder >= 0) {
          add_edge(holder, id, in_bytes);
        } else {
          nodes_[static_cast<std::size_t>(id)].self_driven = true;
        }
        holder = id;
        prev_bands.clear();
        continue;
      }
      if (st.bands.size() < 2)
        throw std::invalid_argument(fmt::format(
            "stage {} runs on {} hosts without row bands: the runtime executes split stages of fpm/ofpm "
            "(Stage::bands) only",
            k, st.hosts.size()));
      if (!prev_bands.empty()) {  // gather host re-splits: a relay gathers the bands, sends the new ones
        check_host(prev_gather);
        Node relay;
        relay.kind = Kind::Relay;
        relay.host = prev_gather;
        relay.stage = k;
        relay.send_entity = k - 1;
        relay.to_entity = k;
        const int r = add_node(relay);
        const auto& pb = plan.stages[static_cast<std::size_t>(k - 1)].bands;
        for (std::size_t b = 0; b < prev_bands.size(); ++b) add_edge(prev_bands[b], r, pb[b].out_bytes);
        holder = r;
      }
      std::vector<int> bands;
      for (const partition::Band& b : st.bands) {
        check_host(b.host);
        if (b.layer_rows.size() != st.layers.size())
          throw std::invalid_argument(fmt::format("stage {}: a band has {} layer row ranges for {} layers", k,
                                                  b.layer_rows.size(), st.layers.size()));
        // docs/OFPM.md: compute_s_i = sum_j compute(run[j], host_i) x rows_j,i / H_j.
        double compute_s = 0;
        for (std::size_t j = 0; j < st.layers.size(); ++j) {
          const auto [a, z] = b.layer_rows[j];
          const double rows = z >= a ? static_cast<double>(z - a + 1) : 0.0;
          compute_s += cost.compute_s(st.layers[j], b.host) * rows /
                       static_cast<double>(partition::halo::height(g, st.layers[j]));
        }
        const int id = add_node(part(b.host, k, compute_s, b.flops));
        if (holder >= 0)
          add_edge(holder, id, b.in_bytes);
        else
          nodes_[static_cast<std::size_t>(id)].self_driven = true;
        bands.push_back(id);
      }
      prev_bands = bands;
      prev_gather = st.gather_host;
      holder = -1;
      if (k + 1 < s && prev_gather < 0)
        throw std::invalid_argument(fmt::format("split stage {} has no gather host", k));
    }
    // The result: to the sink, or done where it is computed.
    if (sink_host >= 0) {
      Node snk;
      snk.kind = Kind::Sink;
      snk.host = sink_host;
      snk.stage = s;
      const int id = add_node(snk);
      if (!prev_bands.empty()) {
        const auto& pb = plan.stages.back().bands;
        for (std::size_t b = 0; b < prev_bands.size(); ++b) add_edge(prev_bands[b], id, pb[b].out_bytes);
      } else {
        add_edge(holder, id, g.output_bytes(last, sc_.batch));
      }
    } else if (!prev_bands.empty()) {
      for (int b : prev_bands) nodes_[static_cast<std::size_t>(b)].completes = true;
    } else {
      nodes_[static_cast<std::size_t>(holder)].completes = true;
    }
    for (const Node& n : nodes_) parts_needed_ += n.completes ? 1 : 0;
  }

  template <class F>
  void guarded(F body) {
    run_guarded(body, hooks_, error_);
  }

  /// Arrival time of request i, drawn once (several self-driven band actors may ask); with a
  /// session, its own (a retried request keeps its first arrival).
  double arrival_of(int64_t i) {
    if (hooks_) return hooks_->arrival_of(i);
    if (arrivals_.saturate()) return now();
    while (static_cast<int64_t>(arrival_s_.size()) <= i) arrival_s_.push_back(arrivals_.next());
    return arrival_s_[static_cast<std::size_t>(i)];
  }
  /// A drain was asked for (re-plan): admit nothing more in this epoch.
  bool stopped() const { return hooks_ && hooks_->admission_stopped(); }
  /// Admission of request i by the source or a self-driven band: waits for its arrival; false when
  /// the epoch admits no more. The first actor to decide for a request decides for all (several
  /// self-driven bands admit the same requests). `arrival_s` is set when this actor admits it.
  bool admit(int64_t i, double& arrival_s) {
    for (int pass = 0; pass < 2; ++pass) {
      if (i < next_issue_) return true;                   // admitted by another band
      if (stop_at_ >= 0 && i >= stop_at_) return false;  // another band saw the drain
      if (stopped()) {
        stop_at_ = i;
        return false;
      }
      if (pass == 0) {
        arrival_s = arrival_of(i);
        if (!arrivals_.saturate() && arrival_s > now()) sg4::this_actor::sleep_until(arrival_s);
      }
    }
    return true;
  }
  void issue(int64_t i, double arrival_s, double start_s) {
    if (i < next_issue_) return;  // another self-driven band issued it
    if (hooks_) hooks_->issued(i, arrival_s, start_s);
    inflight_[i] = {arrival_s, start_s};
    next_issue_ = i + 1;
    ++issued_;
  }
  void complete(int64_t i, double t_s) {
    auto [arrival_s, start_s] = inflight_.at(i);
    inflight_.erase(i);
    if (hooks_) std::tie(arrival_s, start_s) = hooks_->completed(i);
    rec_.request_done(i, arrival_s, start_s, t_s);
    ++completed_;
  }

  void gather(Node& nd, int64_t req) {
    const int need = static_cast<int>(nd.in.size());
    int& have = early_[&nd][req];
    while (have < need) {
      const int64_t r = decode(nd.inbox->get<char>());
      if (r == req)
        ++have;
      else
        ++early_[&nd][r];
    }
    early_[&nd].erase(req);
    for (int e : nd.in) edges_[static_cast<std::size_t>(e)].credit->release();
  }

  /// Sends every output of node nd for request req in parallel (independent routes, as the model);
  /// returns the bytes put on the network.
  double send_all(Node& nd, int64_t req, bool credits_held) {
    if (!credits_held)
      for (int e : nd.out) edges_[static_cast<std::size_t>(e)].credit->acquire();
    std::vector<sg4::CommPtr> comms;
    std::vector<int> which;
    std::vector<double> latency_now_s;  // what a measurement subtracts: the route latency in force now
    const double t0 = now();
    double total = 0;
    int& active = sends_active_[nd.send_entity];
    if (active++ == 0) rec_.send_begin(nd.send_entity, t0);
    for (int e : nd.out) {
      Edge& ed = edges_[static_cast<std::size_t>(e)];
      double lat = 0;
      if (!ed.links.empty()) {
        links_.transfer_start(ed.links, t0 + ed.latency_s, ed.bytes);
        ed.open_data_start_s = t0 + ed.latency_s;
        if (hooks_)
          for (int l : ed.links) lat += built_->links[static_cast<std::size_t>(l)]->get_latency();
        // Transfers sharing a link (bands sent in parallel) each see a share of its rate: none of
        // them measures the link, so the estimator is only told of transfers that ran alone.
        ed.contended = false;
        for (int l : ed.links) {
          auto& on = on_link_[l];
          for (int other : on) edges_[static_cast<std::size_t>(other)].contended = true;
          if (!on.empty()) ed.contended = true;
          on.insert(e);
        }
      }
      comms.push_back(nodes_[static_cast<std::size_t>(ed.to)].inbox->put_async(
          encode(req), static_cast<uint64_t>(std::llround(ed.bytes))));
      which.push_back(e);
      latency_now_s.push_back(lat);
      total += ed.bytes;
    }
    while (!comms.empty()) {
      const ssize_t j = sg4::Comm::wait_any(comms);
      const auto ju = static_cast<std::size_t>(j);
      Edge& ed = edges_[static_cast<std::size_t>(which[ju])];
      if (!ed.links.empty()) {
        links_.transfer_end(ed.links, now());
        ed.open_data_start_s = -1;
        for (int l : ed.links) on_link_[l].erase(which[ju]);
        if (hooks_ && !ed.contended) hooks_->observe_transfer(ed.links, ed.bytes, now() - t0 - latency_now_s[ju]);
      }
      comms.erase(comms.begin() + j);
      which.erase(which.begin() + j);
      latency_now_s.erase(latency_now_s.begin() + j);
    }
    if (--active == 0) rec_.send_end(nd.send_entity, req, nd.to_entity, now(), total);
    return total;
  }

  void compute(Node& nd, int64_t req) {
    const double t = now();
    int& active = computing_[nd.stage];
    if (active++ == 0) rec_.compute_begin(nd.stage, req, t);
    BusyUnion& busy = host_busy_[static_cast<std::size_t>(nd.host)];
    busy.begin(t);
    nd.busy_open = true;
    if (nd.flops_per_thread > 0) {
      if (nd.threads == 1)
        sg4::this_actor::execute(nd.flops_per_thread);
      else
        sg4::this_actor::exec_init(nd.flops_per_thread)->set_thread_count(nd.threads)->wait();
    }
    busy.end(now());
    nd.busy_open = false;
    if (hooks_) hooks_->observe_compute(nd.host, nd.nominal_s, now() - t);
    if (--active == 0) rec_.compute_end(nd.stage, req, now());
  }

  void body(int id) {
    Node& nd = nodes_[static_cast<std::size_t>(id)];
    for (int64_t i = first_; i < n_; ++i) {
      bool credits_held = false;
      if (nd.kind == Kind::Source) {
        double arrival_s = 0;
        if (!admit(i, arrival_s)) return;
        for (int e : nd.out) edges_[static_cast<std::size_t>(e)].credit->acquire();
        credits_held = true;
        // saturate: a request arrives when admitted (a retried one keeps its first arrival).
        issue(i, arrivals_.saturate() ? (hooks_ ? hooks_->arrival_of(i) : now()) : arrival_s, now());
      } else if (nd.self_driven) {
        double arrival_s = 0;
        if (!admit(i, arrival_s)) return;
        issue(i, arrival_s, now());
      } else {
        gather(nd, i);
      }
      const double recv_end_s = now();
      if (nd.kind == Kind::Sink) {
        rec_.sink_receive(i, now());
        complete(i, now());
        continue;
      }
      if (nd.kind == Kind::Part) compute(nd, i);
      const double compute_end_s = now();
      if (nd.completes) part_done(i, compute_end_s);
      const double bytes = nd.out.empty() ? 0.0 : send_all(nd, i, credits_held);
      if (nd.kind == Kind::Part)
        rec_.stage_part_done(i, nd.stage, nd.host, recv_end_s, recv_end_s, compute_end_s, now(), bytes, nd.flops);
    }
  }

  void part_done(int64_t req, double t_s) {
    int& c = parts_[req];
    if (++c == parts_needed_) {
      parts_.erase(req);
      complete(req, t_s);
    }
  }

  const config::Scenario& sc_;
  recorder::Recorder& rec_;
  Arrivals arrivals_;
  EpochHooks* hooks_ = nullptr;  ///< set in runs with dynamics or adapt (session.hpp)
  LinkUsage& links_;             ///< shared by every epoch of the run
  std::vector<BusyUnion>& host_busy_;
  const platform::BuiltPlatform* built_ = nullptr;
  std::vector<sg4::ActorPtr> actors_;
  std::vector<double> arrival_s_;
  int64_t n_ = 0;
  int64_t first_ = 0;       ///< first request of this epoch
  int64_t next_issue_ = 0;  ///< first request not issued yet
  int64_t stop_at_ = -1;    ///< first request this epoch does not admit (a drain), -1: none yet
  int epoch_ = 0;
  int buffers_ = 2;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::map<const Node*, std::map<int64_t, int>> early_;
  std::map<int, int> sends_active_, computing_;
  std::map<int, std::set<int>> on_link_;  ///< per link: edges whose transfer is in progress on it
  std::map<int64_t, std::pair<double, double>> inflight_;
  std::map<int64_t, int> parts_;
  int parts_needed_ = 0;
  int64_t issued_ = 0, completed_ = 0;
  std::exception_ptr error_;
};

/// An epoch of a run with dynamics or adapt whose plan has split stages.
class SplitEpoch : public Epoch {
 public:
  SplitEpoch(std::unique_ptr<SplitPipeline> p, const platform::BuiltPlatform& built, std::vector<int> stage_hosts,
             std::vector<std::vector<int>> producers)
      : p_(std::move(p)), built_(built), stage_hosts_(std::move(stage_hosts)), producers_(std::move(producers)) {}
  void start() override { p_->create_actors(built_); }
  void kill() override { p_->kill_actors(); }
  void close_accounting(double t_s) override { p_->close_accounting(t_s); }
  void rethrow_if_failed() const override { p_->rethrow_if_failed(); }
  std::vector<int> hosts_used() const override { return p_->hosts_used(); }
  std::vector<int> links_used() const override {
    const std::set<int> l = p_->links_used();
    return {l.begin(), l.end()};
  }
  const std::vector<std::vector<int>>& producers() const override { return producers_; }
  std::vector<int> stage_hosts() const override { return stage_hosts_; }

 private:
  std::unique_ptr<SplitPipeline> p_;
  const platform::BuiltPlatform& built_;
  std::vector<int> stage_hosts_;
  std::vector<std::vector<int>> producers_;
};

}  // namespace

void split_recorder_layout(const partition::Plan& plan, int source_host, int sink_host, std::vector<int>& stage_hosts,
                           std::vector<std::vector<int>>& producers) {
  stage_hosts.clear();
  for (const partition::Stage& st : plan.stages) {
    if (!st.bands.empty())
      stage_hosts.push_back(st.bands.front().host);
    else if (!st.hosts.empty())
      stage_hosts.push_back(st.hosts.front().host);
    else
      throw std::invalid_argument("a stage has no host");
  }
  const int s = static_cast<int>(stage_hosts.size());
  producers.assign(static_cast<std::size_t>(s) + 1, {});
  if (source_host >= 0) producers[0] = {-1};
  for (int k = 1; k < s; ++k) producers[static_cast<std::size_t>(k)] = {k - 1};
  if (sink_host >= 0) producers[static_cast<std::size_t>(s)] = {s - 1};
}

std::vector<std::pair<int, int>> split_host_pairs(const partition::Plan& plan, int source_host, int sink_host) {
  std::set<std::pair<int, int>> pairs;
  auto add = [&](int a, int b) {
    if (a >= 0 && b >= 0 && a != b) pairs.insert({a, b});
  };
  int holder = source_host;  // host holding the next stage's whole input (-1: none)
  std::vector<int> prev_bands;
  int prev_gather = -1;
  for (const partition::Stage& st : plan.stages) {
    const bool split = st.hosts.size() > 1 || st.bands.size() > 1;
    if (!split) {
      const int h = st.hosts.empty() ? -1 : st.hosts[0].host;
      for (int b : prev_bands) add(b, h);
      if (prev_bands.empty()) add(holder, h);
      holder = h;
      prev_bands.clear();
      continue;
    }
    if (!prev_bands.empty()) {  // the gather host re-splits
      for (int b : prev_bands) add(b, prev_gather);
      holder = prev_gather;
    }
    prev_bands.clear();
    for (const partition::Band& b : st.bands) {
      add(holder, b.host);
      prev_bands.push_back(b.host);
    }
    prev_gather = st.gather_host;
    holder = -1;
  }
  for (int b : prev_bands) add(b, sink_host);
  if (prev_bands.empty()) add(holder, sink_host);
  return {pairs.begin(), pairs.end()};
}

std::unique_ptr<Epoch> make_split_epoch(const config::Scenario& scenario, const partition::Plan& plan,
                                        const cost::CostModel& cost, recorder::Recorder& rec,
                                        const platform::BuiltPlatform& built, int source_host, int sink_host,
                                        EpochHooks* hooks, LinkUsage& links, std::vector<BusyUnion>& host_busy) {
  check_split_plan(plan);
  std::vector<int> stage_hosts;
  std::vector<std::vector<int>> producers;
  split_recorder_layout(plan, source_host, sink_host, stage_hosts, producers);
  auto p = std::make_unique<SplitPipeline>(scenario, plan, cost, rec, source_host, sink_host, hooks, links, host_busy);
  return std::make_unique<SplitEpoch>(std::move(p), built, std::move(stage_hosts), std::move(producers));
}

void check_split_plan(const partition::Plan& plan) {
  // Several hosts without row bands (a share-based split, not fpm/ofpm): not executable.
  for (const partition::Stage& st : plan.stages)
    if (st.hosts.size() > 1 && st.bands.size() < 2)
      throw std::runtime_error("split stages are not supported by the runtime yet");
}

RunSummary run_split(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
                     const RunOptions& options, int source_host, int sink_host,
                     std::chrono::steady_clock::time_point wall_start) {
  const config::Platform& pf = scenario.platform;
  if (!scenario.dynamics.empty() || scenario.adapt.policy != "none")
    throw std::logic_error("run_split: runs with dynamics or adapt go through run()'s controller");
  refuse_weights_with_split_stages(scenario);
  check_split_plan(plan);
  platform::check_power(pf);
  if (sg4::Engine::has_instance())
    throw std::runtime_error("runtime::run: one simulation per process (SimGrid allows one engine)");

  // The recorder needs the stage hosts before the engine: a first pass without SimGrid objects.
  recorder::Setup setup = recorder_setup(scenario, plan, options, source_host, sink_host);
  std::unique_ptr<recorder::Recorder> rec;  // removes its temporary directory if anything below throws

  const EngineArgs args = quiet_engine_args();
  std::unique_ptr<SplitPipeline> pipe;
  split_recorder_layout(plan, source_host, sink_host, setup.stage_hosts, setup.producers);
  rec = std::make_unique<recorder::Recorder>(setup);
  sg4::Engine engine(args.argc, args.argv);
  platform::configure_engine(scenario.network_model);
  LinkUsage link_usage(pf.links.size());
  std::vector<BusyUnion> host_busy(pf.hosts.size());
  pipe = std::make_unique<SplitPipeline>(scenario, plan, cost, *rec, source_host, sink_host, nullptr, link_usage,
                                         host_busy);
  const platform::BuiltPlatform built = platform::build(pf, pipe->route_pairs());
  pipe->create_actors(built);
  engine.run();
  pipe->rethrow_if_failed();
  if (pipe->completed() != scenario.workload.requests)
    throw std::runtime_error(fmt::format("the simulation stopped with {} of {} requests completed",
                                         pipe->completed(), scenario.workload.requests));

  recorder::Final fin;
  fin.sim_time_s = sg4::Engine::get_clock();
  fin.requests_issued = pipe->issued();
  fin.cost_model = cost.name();
  fin.network_model = scenario.network_model;
  fin.wall_start = wall_start;
  std::vector<bool> host_active(pf.hosts.size(), false), link_active(pf.links.size(), false);
  for (int h : pipe->hosts_used()) host_active[static_cast<std::size_t>(h)] = true;
  for (int l : pipe->links_used()) link_active[static_cast<std::size_t>(l)] = true;
  add_entity_use(fin, pf, built, host_busy, link_usage, host_active, link_active, nullptr);
  const recorder::Summary s = rec->finish(fin);
  pipe.reset();
  return run_summary(s);
}

}  // namespace edgesplit::runtime
