// `ilp`: one-request latency with weight loading as a MILP (Viramontes and Davoodi, ISQED 2023),
// or the pipeline period (objective: throughput), solved by COIN-OR CBC through its C interface.
// Formulation and choices: docs/ILP.md; the schedule it optimises is partitioners/schedule.hpp's,
// the period ilp_host_period's; both also check its answer.
#include "partitioners/ilp.hpp"

#include <Cbc_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "partitioners/evaluate.hpp"
#include "partitioners/ilp_bounds.hpp"
#include "partitioners/option_util.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::partition {

std::vector<std::vector<model::LayerId>> ilp_blocks(const model::Graph& g, int max_layers) {
  std::vector<std::size_t> group_of(g.size(), 0);
  std::vector<std::vector<model::LayerId>> groups;
  for (model::LayerId v = 0; v < g.size(); ++v) {
    const auto& in = g.layer(v).inputs;
    // v continues u's run when it is u's only consumer and u its only input: then u is the
    // last layer of its group, so every group is a path.
    if (in.size() == 1 && in[0] != model::kInput && g.consumers(in[0]).size() == 1) {
      const std::size_t gu = group_of[in[0]];
      if (max_layers <= 0 || groups[gu].size() < static_cast<std::size_t>(max_layers)) {
        groups[gu].push_back(v);
        group_of[v] = gu;
        continue;
      }
    }
    group_of[v] = groups.size();
    groups.push_back({v});
  }
  return groups;
}

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool same_rate(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }
}  // namespace

WeightOptions ilp_weight_options(const Problem& p, const Options& o, const config::Scenario* scenario) {
  WeightOptions w;
  const config::Weights* sw = scenario && scenario->weights.enabled ? &scenario->weights : nullptr;
  const std::string at = sw ? (sw->loc.file.empty() ? std::string("the scenario")
                                                    : fmt::format("{}:{}", sw->loc.file, sw->loc.line))
                            : std::string();

  // preload: the option, else weights.preload, else true.
  w.preload = sw ? sw->preload : true;
  if (const config::Node* n = util::option(o, "preload")) {
    std::optional<bool> v;
    if (n->is_scalar()) v = config::scalar_to_bool(n->scalar);
    if (!v) util::fail(*n, fmt::format("expected true or false, found \"{}\"", n->is_scalar() ? n->scalar : "a list"));
    if (sw && *v != sw->preload)
      util::fail(*n, fmt::format("preload: {} contradicts the scenario's weights.preload: {} ({}); the ilp would plan "
                                 "for a loading the simulation does not run: remove the option or make them agree",
                                 *v, sw->preload, at));
    w.preload = *v;
  }

  // weights_from: the option, else weights.from, else local storage.
  const int scenario_from = sw && !sw->from.empty() ? util::host_index(p, sw->from) : -1;
  w.weights_from = scenario_from;
  if (const config::Node* n = util::option(o, "weights_from")) {
    const int h = util::resolve_host(p, *n);
    if (sw && h != scenario_from)
      util::fail(*n, fmt::format("weights_from: {} contradicts the scenario's weights ({}: {}); remove the option or "
                                 "make them agree",
                                 n->scalar, at,
                                 sw->from.empty() ? std::string("each host reads its own storage")
                                                  : "from: " + sw->from));
    w.weights_from = h;
  }

  // load_bandwidth (the local read rate): the option, else the scenario's rate for the hosts
  // that read locally (the store with `from`, else every candidate host), else 1e9 B/s.
  std::optional<double> scenario_rate;
  if (sw) {
    auto rate_of = [&](int host) -> std::optional<double> {
      const auto& type = p.hosts[static_cast<std::size_t>(host)].type;
      const auto it = scenario->platform.device_types.find(type);
      if (it != scenario->platform.device_types.end() && it->second.storage_bandwidth_Bps)
        return it->second.storage_bandwidth_Bps;
      return sw->storage_bandwidth_Bps;
    };
    std::vector<int> readers;
    if (w.weights_from >= 0) {
      readers.push_back(w.weights_from);
    } else if (auto list = util::host_list(p, o, "hosts")) {
      readers = *list;
    } else {
      for (const auto& h : p.hosts) readers.push_back(h.index);
    }
    for (int h : readers) {
      const auto r = rate_of(h);
      if (!r) continue;
      if (scenario_rate && !same_rate(*scenario_rate, *r) && !util::option(o, "load_bandwidth"))
        throw config::InputError(config::Diagnostic{
            sw->loc, "weights.storage_bandwidth",
            fmt::format("the hosts read weights at different rates ({} B/s and {} B/s, device types' "
                        "storage_bandwidth); the ilp models one local rate: give partitioner.options.load_bandwidth",
                        *scenario_rate, *r)});
      if (!scenario_rate) scenario_rate = r;
    }
  }
  w.load_bandwidth_Bps = scenario_rate.value_or(1e9);
  if (const config::Node* n = util::option(o, "load_bandwidth")) {
    std::optional<double> v;
    if (n->is_scalar()) v = config::scalar_to_double(n->scalar);
    if (!v || !(*v > 0) || *v == kInfinity)
      util::fail(*n, fmt::format("expected a positive number, found \"{}\"", n->is_scalar() ? n->scalar : "a list"));
    if (scenario_rate && !same_rate(*v, *scenario_rate))
      util::fail(*n, fmt::format("load_bandwidth: {} contradicts the scenario's storage read rate, {} B/s ({}); remove "
                                 "the option or make them agree",
                                 n->scalar, *scenario_rate, at));
    w.load_bandwidth_Bps = *v;
  }
  return w;
}

HostPeriod ilp_host_period(const Problem& p, const std::vector<int>& device_of_layer) {
  const model::Graph& g = p.graph;
  const std::size_t L = g.size();
  if (device_of_layer.size() != L) throw std::invalid_argument("ilp_host_period: one host per layer expected");
  for (int h : device_of_layer)
    if (h < 0 || static_cast<std::size_t>(h) >= p.hosts.size())
      throw std::invalid_argument(fmt::format("ilp_host_period: host index {} out of range", h));
  // Stages: maximal runs of consecutive ids on one host (as the plan's stages).
  std::vector<int> run(L), run_host;
  for (std::size_t l = 0; l < L; ++l) {
    if (l == 0 || device_of_layer[l] != device_of_layer[l - 1]) run_host.push_back(device_of_layer[l]);
    run[l] = static_cast<int>(run_host.size()) - 1;
  }
  const std::size_t R = run_host.size();
  HostPeriod out;
  out.compute_s.assign(p.hosts.size(), 0.0);
  out.send_s.assign(p.hosts.size(), 0.0);
  for (std::size_t l = 0; l < L; ++l)
    out.compute_s[static_cast<std::size_t>(device_of_layer[l])] += p.cost.compute_s(l, device_of_layer[l]);
  // Bytes each stage sends to each later stage: a tensor once per reading stage.
  std::vector<std::map<int, double>> to(R);
  std::vector<double> output_bytes(R, 0.0);
  std::vector<char> reads_input(R, 0);
  for (std::size_t l = 0; l < L; ++l) {
    const double bytes = g.output_bytes(l, p.batch);
    const auto& consumers = g.consumers(l);
    if (consumers.empty()) output_bytes[static_cast<std::size_t>(run[l])] += bytes;
    std::vector<int> dests;
    for (auto c : consumers)
      if (run[c] != run[l]) dests.push_back(run[c]);
    std::sort(dests.begin(), dests.end());
    dests.erase(std::unique(dests.begin(), dests.end()), dests.end());
    for (int d : dests) to[static_cast<std::size_t>(run[l])][d] += bytes;
    for (auto in : g.layer(l).inputs)
      if (in == model::kInput) reads_input[static_cast<std::size_t>(run[l])] = 1;
  }
  const int sink = p.sink_host.empty() ? -1 : util::host_index(p, p.sink_host);
  const int source = p.source_host.empty() ? -1 : util::host_index(p, p.source_host);
  if (!p.sink_host.empty() && sink < 0) throw std::invalid_argument("unknown sink host " + p.sink_host);
  if (!p.source_host.empty() && source < 0) throw std::invalid_argument("unknown source host " + p.source_host);
  const double input_bytes = g.input_bytes(p.batch);
  for (std::size_t r = 0; r < R; ++r) {
    const int h = run_host[r];
    double send = 0;
    for (const auto& [d, bytes] : to[r]) send += p.cost.send_s(bytes, h, run_host[static_cast<std::size_t>(d)]);
    if (sink >= 0) send += p.cost.send_s(output_bytes[r], h, sink);
    out.send_s[static_cast<std::size_t>(h)] += send;
    if (source >= 0 && reads_input[r]) out.source_s += p.cost.send_s(input_bytes, source, h);
  }
  out.period_s = out.source_s;
  for (std::size_t h = 0; h < p.hosts.size(); ++h) out.period_s = std::max({out.period_s, out.compute_s[h], out.send_s[h]});
  return out;
}

double ilp_host_period_s(const Problem& p, const std::vector<int>& device_of_layer) {
  return ilp_host_period(p, device_of_layer).period_s;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- options ---------------------------------------------------------------------------

double number_option(const Options& o, const std::string& name, double fallback) {
  const config::Node* n = util::option(o, name);
  if (!n) return fallback;
  std::optional<double> v;
  if (n->is_scalar()) v = config::scalar_to_double(n->scalar);
  if (!v || !(*v > 0))
    util::fail(*n, fmt::format("expected a positive number, found \"{}\"", n->is_scalar() ? n->scalar : "a list"));
  return *v;
}

int64_t int_option(const Options& o, const std::string& name, int64_t fallback) {
  const config::Node* n = util::option(o, name);
  if (!n) return fallback;
  std::optional<int64_t> v;
  if (n->is_scalar()) v = config::scalar_to_int(n->scalar);
  if (!v || *v < 0)
    util::fail(*n, fmt::format("expected an integer >= 0, found \"{}\"", n->is_scalar() ? n->scalar : "a list"));
  return *v;
}

bool bool_option(const Options& o, const std::string& name, bool fallback) {
  const config::Node* n = util::option(o, name);
  if (!n) return fallback;
  std::optional<bool> v;
  if (n->is_scalar()) v = config::scalar_to_bool(n->scalar);
  if (!v) util::fail(*n, fmt::format("expected true or false, found \"{}\"", n->is_scalar() ? n->scalar : "a list"));
  return *v;
}

struct Settings {
  double time_limit_s = 30;
  bool block = false;
  bool warm_start = true;
  bool throughput = false;  // objective: throughput (the host period) instead of latency
  int block_layers = 8;
  int threads = 1;  // CBC threads; above 1, ties may be broken differently from run to run
  WeightOptions weights;
  std::vector<int> hosts;  // candidate host indices
};

Settings read_settings(const Problem& p, const Options& o, const config::Scenario* scenario) {
  Settings s;
  s.time_limit_s = number_option(o, "time_limit_s", 30.0);
  const std::string granularity = util::string_option(o, "granularity", "layer");
  if (granularity != "layer" && granularity != "block")
    util::fail(*util::option(o, "granularity"), fmt::format("expected layer or block, found \"{}\"", granularity));
  s.block = granularity == "block";
  s.block_layers = static_cast<int>(std::min<int64_t>(int_option(o, "block_layers", 8), 1 << 20));
  s.weights = ilp_weight_options(p, o, scenario);
  s.warm_start = bool_option(o, "warm_start", true);
  s.threads = static_cast<int>(std::min<int64_t>(int_option(o, "threads", 1), 64));
  if (s.threads < 1) util::fail(*util::option(o, "threads"), "expected an integer >= 1, found \"0\"");
  const std::string objective = util::string_option(o, "objective", "latency");
  if (objective != "latency" && objective != "throughput")
    util::fail(*util::option(o, "objective"), fmt::format("expected latency or throughput, found \"{}\"", objective));
  s.throughput = objective == "throughput";
  if (auto list = util::host_list(p, o, "hosts")) {
    s.hosts = *list;
  } else {
    for (const auto& h : p.hosts) s.hosts.push_back(h.index);
  }
  return s;
}

// The scenario the partitioner plans for (set by the CLI; null in library use).
const config::Scenario* scenario_of(const Problem& p) { return p.scenario; }

// ---- a column/row model handed to CBC ----------------------------------------------------

struct Lp {
  std::vector<double> col_lb, col_ub, obj;
  std::vector<int> integers;
  std::vector<double> row_lb, row_ub;
  std::vector<std::vector<std::pair<int, double>>> rows;

  int col(double lb, double ub, double cost = 0.0) {
    col_lb.push_back(lb);
    col_ub.push_back(std::max(lb, ub));
    obj.push_back(cost);
    return static_cast<int>(col_lb.size()) - 1;
  }
  int binary(double ub) {
    const int c = col(0.0, ub);
    integers.push_back(c);
    return c;
  }
  void row(std::vector<std::pair<int, double>> terms, double lb, double ub) {
    // One term per column (CBC's matrix rejects repeated indices): add up repeats.
    std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<int, double>> merged;
    for (const auto& t : terms) {
      if (!merged.empty() && merged.back().first == t.first) {
        merged.back().second += t.second;
      } else {
        merged.push_back(t);
      }
    }
    terms = std::move(merged);
    terms.erase(std::remove_if(terms.begin(), terms.end(), [](const auto& t) { return t.second == 0.0; }), terms.end());
    rows.push_back(std::move(terms));
    row_lb.push_back(lb);
    row_ub.push_back(ub);
  }
  void geq(std::vector<std::pair<int, double>> terms, double lb) { row(std::move(terms), lb, kInf); }
  void eq(std::vector<std::pair<int, double>> terms, double v) { row(std::move(terms), v, v); }
};

// ---- the instance -----------------------------------------------------------------------

struct Instance {
  const Problem& p;
  WeightOptions w;
  bool throughput = false;                        // value() is the host period, not the latency
  std::vector<int> cand;                          // candidate host indices, k -> host
  std::vector<std::vector<model::LayerId>> groups;
  std::vector<int> group_of;                      // layer -> group
  std::vector<double> group_weight_bytes;
  std::vector<std::vector<char>> allowed;         // [g][k]: the group's weights fit host k alone
  /// [g][k]: placement_bounds_s (latency objective with a start only; else empty): no assignment
  /// with group g on candidate k has a latency below it.
  std::vector<std::vector<double>> bound_s;

  std::vector<int> expand(const std::vector<int>& gk) const {
    std::vector<int> d(p.graph.size());
    for (std::size_t l = 0; l < d.size(); ++l) d[l] = cand[static_cast<std::size_t>(gk[static_cast<std::size_t>(group_of[l])])];
    return d;
  }
  bool fits(const std::vector<int>& gk) const {
    std::vector<double> used(cand.size(), 0.0);
    for (std::size_t g = 0; g < groups.size(); ++g) used[static_cast<std::size_t>(gk[g])] += group_weight_bytes[g];
    for (std::size_t k = 0; k < cand.size(); ++k) {
      const double cap = p.hosts[static_cast<std::size_t>(cand[k])].memory_bytes;
      if (cap > 0 && used[k] > cap) return false;
    }
    return true;
  }
  double latency(const std::vector<int>& gk) const {
    return fits(gk) ? one_request_latency_s(p, expand(gk), w) : kInf;
  }
  /// The objective of an assignment: its latency, or with `throughput` its host period.
  double value(const std::vector<int>& gk) const {
    if (!fits(gk)) return kInf;
    return throughput ? ilp_host_period_s(p, expand(gk)) : one_request_latency_s(p, expand(gk), w);
  }
};

Instance make_instance(const Problem& p, const Settings& s) {
  Instance in{p, s.weights, s.throughput, s.hosts, {}, {}, {}, {}, {}};
  if (s.block) {
    in.groups = ilp_blocks(p.graph, s.block_layers);
  } else {
    for (model::LayerId l = 0; l < p.graph.size(); ++l) in.groups.push_back({l});
  }
  in.group_of.assign(p.graph.size(), 0);
  for (std::size_t g = 0; g < in.groups.size(); ++g) {
    double bytes = 0;
    for (model::LayerId l : in.groups[g]) {
      in.group_of[l] = static_cast<int>(g);
      bytes += p.graph.weight_bytes(l);
    }
    in.group_weight_bytes.push_back(bytes);
    std::vector<char> ok(in.cand.size());
    for (std::size_t k = 0; k < in.cand.size(); ++k) {
      const double cap = p.hosts[static_cast<std::size_t>(in.cand[k])].memory_bytes;
      ok[k] = cap <= 0 || bytes <= cap;
    }
    in.allowed.push_back(std::move(ok));
  }
  // The bounds serve the start (moves that cannot improve) and the fixings against its latency:
  // without a start there is nothing to compare them with.
  if (!in.throughput && s.warm_start)
    in.bound_s = placement_bounds_s({p, in.w, in.cand, in.group_of, in.groups.size(), in.allowed});
  return in;
}

// ---- start solution: best single host, then moves of runs of groups -----------------------

struct Start {
  std::vector<int> gk;  // empty: none found
  double value_s = kInf;  // the objective: one request's latency, or the host period (throughput)
};

Start heuristic_start(const Instance& in, double budget_s) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t G = in.groups.size();
  const std::size_t K = in.cand.size();
  Start best;
  std::vector<Start> singles;  // every host alone that holds the whole model, best first
  for (std::size_t k = 0; k < K; ++k) {
    std::vector<int> gk(G, static_cast<int>(k));
    const double v = in.value(gk);
    if (std::isfinite(v)) singles.push_back({gk, v});
    if (v < best.value_s) best = {gk, v};
  }
  std::stable_sort(singles.begin(), singles.end(), [](const Start& a, const Start& b) { return a.value_s < b.value_s; });
  if (best.gk.empty()) {
    // No host holds everything: pack groups in id order, staying on the current host while it
    // has room, else moving to the host with most room left.
    std::vector<double> room(K);
    for (std::size_t k = 0; k < K; ++k) {
      const double cap = in.p.hosts[static_cast<std::size_t>(in.cand[k])].memory_bytes;
      room[k] = cap > 0 ? cap : kInf;
    }
    std::vector<int> gk(G, 0);
    std::size_t cur = 0;
    bool ok = true;
    for (std::size_t g = 0; g < G && ok; ++g) {
      if (room[cur] < in.group_weight_bytes[g])
        cur = static_cast<std::size_t>(std::max_element(room.begin(), room.end()) - room.begin());
      if (room[cur] < in.group_weight_bytes[g]) ok = false;
      room[cur] -= in.group_weight_bytes[g];
      gk[g] = static_cast<int>(cur);
    }
    if (ok) best = {gk, in.value(gk)};
  }
  if (best.gk.empty()) return best;

  // An evaluation budget keeps the start (and so CBC's path) the same on every machine; the
  // wall-clock guard (the solver's own time limit) only cuts in on very large models.
  long evals = 0;
  const long max_evals = 100000;
  auto out_of_budget = [&] {
    return evals >= max_evals ||
           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > budget_s;
  };
  // A move that puts some group where its placement bound is no better than the current value
  // cannot improve it: skipped without an evaluation.
  auto hopeless = [&](const std::vector<int>& gk, double value_s) {
    if (in.bound_s.empty()) return false;
    for (std::size_t g = 0; g < G; ++g)
      if (in.bound_s[g][static_cast<std::size_t>(gk[g])] >= value_s) return true;
    return false;
  };
  auto try_move = [&](Start& cur, std::vector<int>& gk) {
    if (hopeless(gk, cur.value_s)) return false;
    ++evals;
    const double v = in.value(gk);
    if (v < cur.value_s * (1 - 1e-12)) {
      cur = {gk, v};
      return true;
    }
    return false;
  };
  // First-improvement descent over two neighbourhoods: every run of consecutive groups to one
  // host; then every pair of groups to any two hosts (escapes "two loads must swap" minima).
  auto descend = [&](Start cur) {
    bool improved = true;
    while (improved && !out_of_budget()) {
      improved = false;
      for (std::size_t a = 0; a < G && !out_of_budget(); ++a)
        for (std::size_t b = a; b < G; ++b)
          for (std::size_t k = 0; k < K; ++k) {
            std::vector<int> gk = cur.gk;
            bool changed = false;
            for (std::size_t g = a; g <= b; ++g) {
              changed = changed || gk[g] != static_cast<int>(k);
              gk[g] = static_cast<int>(k);
            }
            if (changed && try_move(cur, gk)) improved = true;
          }
      if (improved || K < 2) continue;
      for (std::size_t a = 0; a < G && !out_of_budget(); ++a)
        for (std::size_t b = a + 1; b < G; ++b)
          for (std::size_t ka = 0; ka < K; ++ka)
            for (std::size_t kb = 0; kb < K; ++kb) {
              if (cur.gk[a] == static_cast<int>(ka) || cur.gk[b] == static_cast<int>(kb)) continue;
              std::vector<int> gk = cur.gk;
              gk[a] = static_cast<int>(ka);
              gk[b] = static_cast<int>(kb);
              if (try_move(cur, gk)) improved = true;
            }
    }
    return cur;
  };
  // Descend from every host alone, best first: the best one may be a local minimum (a fast
  // host behind a slow link, from which every split pays the link) that another host's is not.
  if (singles.empty()) {
    best = descend(best);
  } else {
    for (const Start& s : singles) {
      if (out_of_budget()) break;
      const Start d = descend(s);
      if (d.value_s < best.value_s * (1 - 1e-12)) best = d;
    }
  }
  // Perturbation rounds with a fixed seed: re-host three random groups and descend again.
  std::mt19937 rng(12345);
  for (std::size_t round = 0; round < G && K > 1 && !out_of_budget(); ++round) {
    Start next = best;
    for (int i = 0; i < 3; ++i)
      next.gk[std::uniform_int_distribution<std::size_t>(0, G - 1)(rng)] =
          static_cast<int>(std::uniform_int_distribution<std::size_t>(0, K - 1)(rng));
    next.value_s = in.value(next.gk);
    ++evals;
    next = descend(next);
    if (next.value_s < best.value_s * (1 - 1e-12)) best = std::move(next);
  }
  return best;
}

// ---- the MILP ------------------------------------------------------------------------------

struct Model {
  Lp lp;
  std::vector<std::vector<int>> x;  // [g][k] columns
  int makespan = -1;
  int fixed = 0;                    // placements fixed to 0 by placement_bounds_s
};

/// The assignment columns x[g][k] (each group on exactly one host; 0 where its weights do not
/// fit) and the memory rows (weights of the groups on host k within its capacity).
void add_assignment(const Instance& in, Model& m) {
  Lp& lp = m.lp;
  const std::size_t G = in.groups.size(), K = in.cand.size();
  m.x.assign(G, std::vector<int>(K));
  for (std::size_t g = 0; g < G; ++g) {
    std::vector<std::pair<int, double>> one;
    for (std::size_t k = 0; k < K; ++k) {
      m.x[g][k] = lp.binary(in.allowed[g][k] ? 1.0 : 0.0);
      one.push_back({m.x[g][k], 1.0});
    }
    lp.eq(one, 1.0);
  }
  double all_bytes = 0;
  for (double b : in.group_weight_bytes) all_bytes += b;
  for (std::size_t k = 0; k < K; ++k) {
    const double cap = in.p.hosts[static_cast<std::size_t>(in.cand[k])].memory_bytes;
    if (cap <= 0 || all_bytes <= cap) continue;
    std::vector<std::pair<int, double>> t;
    for (std::size_t g = 0; g < G; ++g) t.push_back({m.x[g][k], in.group_weight_bytes[g] / cap});
    lp.row(t, -kInf, 1.0);
  }
}

/// Builds the MILP in time units of `scale` seconds; every time is bounded by `horizon`
/// (an upper bound on the optimal latency, in those units). docs/ILP.md lists the rows.
Model build_model(const Instance& in, double scale, double horizon) {
  const Problem& p = in.p;
  const model::Graph& graph = p.graph;
  const std::size_t L = graph.size();
  const std::size_t K = in.cand.size();
  const bool preload = in.w.preload;
  const double U = horizon;
  auto host = [&](std::size_t k) { return in.cand[k]; };
  auto gidx = [&](model::LayerId l) { return static_cast<std::size_t>(in.group_of[l]); };
  auto ok = [&](std::size_t g, std::size_t k) { return in.allowed[g][k] != 0; };

  // Durations in model units.
  std::vector<std::vector<double>> c(L, std::vector<double>(K)), wl(L, std::vector<double>(K));
  std::vector<double> cmin(L, kInf), wmin(L, kInf);
  std::vector<char> weighted(L);
  for (model::LayerId l = 0; l < L; ++l) {
    weighted[l] = graph.weight_bytes(l) > 0;
    for (std::size_t k = 0; k < K; ++k) {
      c[l][k] = p.cost.compute_s(l, host(k)) / scale;
      wl[l][k] = weight_load_s(p, l, host(k), in.w) / scale;
      if (ok(gidx(l), k)) {
        cmin[l] = std::min(cmin[l], c[l][k]);
        wmin[l] = std::min(wmin[l], wl[l][k]);
      }
    }
    if (!std::isfinite(cmin[l])) cmin[l] = wmin[l] = 0;  // no host fits: the model is infeasible anyway
  }
  std::vector<double> input_k(K), input_min(1, kInf);
  for (std::size_t k = 0; k < K; ++k) {
    input_k[k] = input_arrival_s(p, host(k)) / scale;
    input_min[0] = std::min(input_min[0], input_k[k]);
  }
  const auto outputs = graph.outputs();
  std::vector<char> is_output(L);
  for (auto o : outputs) is_output[o] = 1;

  // Earliest-start lower bounds and remaining-work tails (cheapest host, free transfers).
  std::vector<double> esa(L, 0.0), es(L, 0.0), tail(L, 0.0);
  for (model::LayerId l = 0; l < L; ++l) {
    for (auto u : graph.layer(l).inputs) esa[l] = std::max(esa[l], u == model::kInput ? input_min[0] : es[u] + cmin[u]);
    es[l] = esa[l];
    if (weighted[l]) es[l] = preload ? std::max(esa[l], wmin[l]) : esa[l] + wmin[l];
  }
  for (model::LayerId l = L; l-- > 0;) {
    double after = 0;
    for (auto v : graph.consumers(l)) after = std::max(after, tail[v]);
    if (is_output[l]) {
      double out = kInf;
      for (std::size_t k = 0; k < K; ++k)
        if (ok(gidx(l), k)) out = std::min(out, output_delivery_s(p, l, host(k)) / scale);
      after = std::max(after, std::isfinite(out) ? out : 0.0);
    }
    tail[l] = cmin[l] + after;
  }
  auto s_ub = [&](model::LayerId l) { return std::max(es[l], U - tail[l]); };
  auto f_ub = [&](model::LayerId l) { return s_ub(l) + cmin[l]; };

  Model m;
  Lp& lp = m.lp;
  m.makespan = lp.col(0.0, U, 1.0);
  const int makespan = m.makespan;
  add_assignment(in, m);

  const auto anc = graph.ancestors();  // anc[l][j]: j is an ancestor of l

  // Placements that cannot beat the horizon (the start's latency): x fixed to 0. Valid because
  // the bound holds for every assignment with that placement, the start included.
  if (!in.bound_s.empty()) {
    for (std::size_t g = 0; g < in.groups.size(); ++g)
      for (std::size_t k = 0; k < K; ++k)
        if (ok(g, k) && in.bound_s[g][k] / scale > U) {
          lp.col_ub[static_cast<std::size_t>(m.x[g][k])] = 0.0;
          ++m.fixed;
        }
  }

  // Start and finish times as expressions: a column plus terms in x. F[l] = S[l] + compute on
  // the chosen host. A layer without weights whose only input is l - 1, in its own group, starts
  // exactly when l - 1 finishes (its id-order rows below are those of l - 1), so S[l] is F[l - 1],
  // without a column. Every other layer has a start column. The LP is the per-layer LP projected;
  // it is about half the size for ResNet-50 blocks, and CBC's node LPs are that much faster.
  struct Time {
    int col = -1;
    std::vector<std::pair<int, double>> x;  // coefficient of x columns
  };
  auto add = [](std::vector<std::pair<int, double>>& t, const Time& e, double sign) {
    t.push_back({e.col, sign});
    for (const auto& [col, v] : e.x) t.push_back({col, sign * v});
  };
  std::vector<Time> S(L), F(L);
  std::vector<char> own(L, 1);
  std::vector<int> P(L, -1);
  for (model::LayerId l = 0; l < L; ++l) {
    const auto& ins = graph.layer(l).inputs;
    own[l] = !(l > 0 && ins.size() == 1 && ins[0] == l - 1 && gidx(l - 1) == gidx(l) && !weighted[l]);
    if (own[l]) {
      S[l].col = lp.col(es[l], s_ub(l));
    } else {
      S[l] = F[l - 1];
    }
    F[l] = S[l];
    for (std::size_t k = 0; k < K; ++k)
      if (c[l][k] != 0) F[l].x.push_back({m.x[gidx(l)][k], c[l][k]});
  }

  // Activation transfers. For each pair of groups joined by an edge, y[k][k'] is the flow
  // "producer group on k, consumer group on k'": marginals equal the x's (a transportation
  // polytope, tighter than y >= x + x' - 1), so with integral x, y is their product.
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::vector<int>>> flows;
  auto flow = [&](std::size_t gu, std::size_t gv) -> const std::vector<std::vector<int>>& {
    auto it = flows.find({gu, gv});
    if (it != flows.end()) return it->second;
    std::vector<std::vector<int>> y(K, std::vector<int>(K));
    for (std::size_t a = 0; a < K; ++a)
      for (std::size_t b = 0; b < K; ++b) y[a][b] = lp.col(0.0, ok(gu, a) && ok(gv, b) ? 1.0 : 0.0);
    for (std::size_t a = 0; a < K; ++a) {
      std::vector<std::pair<int, double>> t{{m.x[gu][a], -1.0}};
      for (std::size_t b = 0; b < K; ++b) t.push_back({y[a][b], 1.0});
      lp.eq(t, 0.0);
    }
    for (std::size_t b = 0; b < K; ++b) {
      std::vector<std::pair<int, double>> t{{m.x[gv][b], -1.0}};
      for (std::size_t a = 0; a < K; ++a) t.push_back({y[a][b], 1.0});
      lp.eq(t, 0.0);
    }
    return flows.emplace(std::make_pair(gu, gv), std::move(y)).first->second;
  };
  // Rows "column >= arrival of each input of v" (the model input from the source, or the
  // producer's finish plus the transfer when the two groups' hosts differ).
  auto after_inputs = [&](int col, model::LayerId v) {
    for (auto u : graph.layer(v).inputs) {
      std::vector<std::pair<int, double>> t{{col, 1.0}};
      if (u == model::kInput) {
        for (std::size_t k = 0; k < K; ++k) t.push_back({m.x[gidx(v)][k], -input_k[k]});
      } else {
        add(t, F[u], -1.0);
        if (gidx(u) != gidx(v)) {
          const auto& y = flow(gidx(u), gidx(v));
          for (std::size_t a = 0; a < K; ++a)
            for (std::size_t b = 0; b < K; ++b)
              if (a != b) t.push_back({y[a][b], -activation_transfer_s(p, u, host(a), host(b)) / scale});
        }
      }
      lp.geq(t, 0.0);
    }
  };
  for (model::LayerId v = 0; v < L; ++v)
    if (own[v]) after_inputs(S[v].col, v);

  // One host runs its layers in id order. An earlier layer j that is an ancestor of l already
  // finishes before l starts, so only earlier non-ancestors need a row: for each host k,
  //   S[l] >= F[j] - M (2 - x[g(j)][k] - x[g(l)][k]),  M = upper(F[j]) - lower(S[l]).
  // A layer without a start column has these rows through l - 1.
  for (model::LayerId l = 0; l < L; ++l) {
    if (!own[l]) continue;
    for (model::LayerId j = 0; j < l; ++j) {
      if (anc[l][j]) continue;
      std::vector<std::pair<int, double>> t{{S[l].col, 1.0}};
      add(t, F[j], -1.0);
      if (gidx(j) == gidx(l)) {
        lp.geq(t, 0.0);
        continue;
      }
      const double M = std::max(0.0, f_ub(j) - es[l]);
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(gidx(j), k) || !ok(gidx(l), k)) continue;
        auto r = t;
        r.push_back({m.x[gidx(j)][k], -M});
        r.push_back({m.x[gidx(l)][k], -M});
        lp.geq(r, -2 * M);
      }
    }
  }

  // Weights: one loading channel per host, in id order, for layers with weight bytes.
  if (preload) {
    // Loads run back to back from t = 0: for l on host k, P[l] >= the load times of every
    // weighted layer j <= l on k. Per host k:
    //   P[l] >= sum_{g' != g(l)} W(g', l, k) x[g'][k] + (W(g(l), l, k) + M) x[g(l)][k] - M,
    // W(g', l, k) = load time on k of the layers of g' with id <= l, M = sum_{g' != g(l)} W.
    for (model::LayerId l = 0; l < L; ++l) {
      if (!weighted[l]) continue;
      P[l] = lp.col(wmin[l], s_ub(l));
      lp.geq({{S[l].col, 1.0}, {P[l], -1.0}}, 0.0);
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(gidx(l), k)) continue;
        std::map<std::size_t, double> per_group;
        for (model::LayerId j = 0; j <= l; ++j)
          if (weighted[j] && ok(gidx(j), k)) per_group[gidx(j)] += wl[j][k];
        double M = 0;
        std::vector<std::pair<int, double>> t{{P[l], 1.0}};
        for (const auto& [g, load] : per_group) {
          if (g == gidx(l)) continue;
          M += load;
          t.push_back({m.x[g][k], -load});
        }
        t.push_back({m.x[gidx(l)][k], -(per_group[gidx(l)] + M)});
        lp.geq(t, -M);
      }
    }
    // Load-balance rows, valid without big-M (the rows above vanish when x is fractional):
    // if any weighted layer j <= l sits on k, the last of them, j*, is ready only after every
    // load of those layers on k, and the request still needs tail[j*] after that, so
    //   T >= sum_{j <= l, weighted} load(j, k) x[g(j)][k] + min_{j <= l, weighted} tail[j]
    // (with no such layer on k the sum is 0 and the row holds as T >= tail of layer 0).
    double min_tail = kInf;
    std::vector<std::map<std::size_t, double>> cum(K);
    for (model::LayerId l = 0; l < L; ++l) {
      if (!weighted[l]) continue;
      min_tail = std::min(min_tail, tail[l]);
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(gidx(l), k)) continue;
        cum[k][gidx(l)] += wl[l][k];
        std::vector<std::pair<int, double>> t{{makespan, 1.0}};
        for (const auto& [g, load] : cum[k]) t.push_back({m.x[g][k], -load});
        lp.geq(t, min_tail);
      }
    }
    // Crossing rows (one model output; docs/ILP.md "Crossing rows"). Let host k hold weighted
    // layers and host k' != k the output group. The last weighted layer j of k is ready at C_k
    // (k's whole load) and computes; a path from j to the output then leaves k and enters k'
    // over group edges, each crossing costing at least the cheapest crossable activation
    // between those hosts; the request still needs the tail after the last crossing. So
    //   T >= C_k + delta[k][k'],  delta = min_j c(j, k) + dist(k, k') + min tail after a crossing,
    // with dist the shortest path between hosts over those cheapest crossings. A host that holds
    // the output has T >= C_k + min_tail. One row per host k puts these together:
    //   T >= C_k + min_tail + sum_{k' != k} (sure - min_tail) x[g(out)][k'] + (delta - sure) w[k][k'],
    // sure = min(delta, lb_all). Every plan has T >= lb_all (the cheapest loads spread evenly, plus
    // min_tail), so the part up to lb_all holds even when k holds no weights; the part above needs
    // w[k][k'] >= u_k + x[g(out)][k'] - 1, with u_k >= x[g][k] for each weighted group g.
    // With x fractional, this charges the hosts their crossings, which the load-balance rows miss.
    if (outputs.size() == 1 && std::isfinite(min_tail)) {
      const std::size_t go = gidx(outputs[0]);
      std::vector<char> desc(L, 0);  // a weighted layer or a descendant of one
      for (model::LayerId l = 0; l < L; ++l) {
        desc[l] = weighted[l];
        for (auto u : graph.layer(l).inputs)
          if (u != model::kInput && desc[u]) desc[l] = 1;
      }
      // Cheapest crossing between each pair of hosts, and the least tail after any crossing.
      std::vector<std::vector<double>> dist(K, std::vector<double>(K, kInf));
      double tail_after = kInf;
      for (model::LayerId v = 0; v < L; ++v)
        for (auto u : graph.layer(v).inputs) {
          if (u == model::kInput || !desc[u] || gidx(u) == gidx(v)) continue;
          tail_after = std::min(tail_after, tail[v]);
          for (std::size_t a = 0; a < K; ++a)
            for (std::size_t b = 0; b < K; ++b)
              if (a != b && ok(gidx(u), a) && ok(gidx(v), b))
                dist[a][b] = std::min(dist[a][b], activation_transfer_s(p, u, host(a), host(b)) / scale);
        }
      for (std::size_t k = 0; k < K; ++k) dist[k][k] = 0;
      for (std::size_t mid = 0; mid < K; ++mid)
        for (std::size_t a = 0; a < K; ++a)
          for (std::size_t b = 0; b < K; ++b) dist[a][b] = std::min(dist[a][b], dist[a][mid] + dist[mid][b]);
      double all_loads = 0;  // every plan has T >= the cheapest loads spread evenly + min_tail
      for (model::LayerId l = 0; l < L; ++l)
        if (weighted[l]) all_loads += wmin[l];
      const double lb_all = all_loads / static_cast<double>(K) + min_tail;
      for (std::size_t k = 0; k < K; ++k) {
        double cj = kInf;
        std::vector<std::size_t> wgroups;
        for (model::LayerId j = 0; j < L; ++j)
          if (weighted[j] && ok(gidx(j), k)) {
            cj = std::min(cj, c[j][k]);
            if (std::find(wgroups.begin(), wgroups.end(), gidx(j)) == wgroups.end()) wgroups.push_back(gidx(j));
          }
        if (wgroups.empty()) continue;
        std::vector<std::pair<int, double>> t{{makespan, 1.0}};
        for (model::LayerId l = 0; l < L; ++l)
          if (weighted[l] && ok(gidx(l), k)) t.push_back({m.x[gidx(l)][k], -wl[l][k]});
        int u = -1;  // u_k, created when needed
        bool crossing = false;
        for (std::size_t k2 = 0; k2 < K; ++k2) {
          if (k2 == k || !ok(go, k2)) continue;
          const double delta = cj + dist[k][k2] + tail_after;
          if (!std::isfinite(delta) || delta <= min_tail) continue;
          crossing = true;
          // Up to lb_all the charge holds for every plan; above it only when k is used.
          const double sure = std::min(delta, lb_all);
          if (sure > min_tail) t.push_back({m.x[go][k2], -(sure - min_tail)});
          if (delta <= sure) continue;
          if (u < 0) {
            u = lp.col(0.0, 1.0);
            for (std::size_t g : wgroups) lp.geq({{u, 1.0}, {m.x[g][k], -1.0}}, 0.0);
          }
          const int w = lp.col(0.0, 1.0);
          lp.geq({{w, 1.0}, {u, -1.0}, {m.x[go][k2], -1.0}}, -1.0);
          t.push_back({w, -(delta - sure)});
        }
        if (crossing) lp.geq(t, min_tail);
      }
    }
  } else {
    // On demand: load start LS[l] >= inputs arrived, >= the previous load on its host (Q: the
    // end of the loads of weighted layers <= l on host k).
    std::vector<int> prev_q(K, -1);
    for (model::LayerId l = 0; l < L; ++l) {
      if (!weighted[l]) continue;
      const int LS = lp.col(esa[l], s_ub(l));
      P[l] = lp.col(es[l], s_ub(l));
      std::vector<std::pair<int, double>> t{{P[l], 1.0}, {LS, -1.0}};
      for (std::size_t k = 0; k < K; ++k) t.push_back({m.x[gidx(l)][k], -wl[l][k]});
      lp.eq(t, 0.0);
      after_inputs(LS, l);
      lp.geq({{S[l].col, 1.0}, {P[l], -1.0}}, 0.0);
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(gidx(l), k)) continue;
        const int x = m.x[gidx(l)][k];
        if (prev_q[k] >= 0) lp.geq({{LS, 1.0}, {prev_q[k], -1.0}, {x, -U}}, -U);
        const int q = lp.col(0.0, U);
        lp.geq({{q, 1.0}, {P[l], -1.0}, {x, -U}}, -U);
        if (prev_q[k] >= 0) lp.geq({{q, 1.0}, {prev_q[k], -1.0}, {x, -wl[l][k]}}, 0.0);
        prev_q[k] = q;
      }
    }
  }

  // Makespan: every output finished and delivered to the sink.
  for (auto o : outputs) {
    std::vector<std::pair<int, double>> t{{m.makespan, 1.0}};
    add(t, F[o], -1.0);
    for (std::size_t k = 0; k < K; ++k) t.push_back({m.x[gidx(o)][k], -output_delivery_s(p, o, host(k)) / scale});
    lp.geq(t, 0.0);
  }
  return m;
}

/// The throughput MILP (docs/ILP.md "Throughput"): minimise T >= ilp_host_period's terms, in
/// time units of `scale` seconds; `horizon` bounds T (in those units). No big-M: given x, every
/// auxiliary column has a lower bound that is its exact 0/1 value (or an upper bound, for the
/// "same stage" columns), and all enter the rows on T with the sign that makes the least T exact.
Model build_throughput_model(const Instance& in, double scale, double horizon) {
  const Problem& p = in.p;
  const model::Graph& graph = p.graph;
  const std::size_t L = graph.size();
  const std::size_t K = in.cand.size();
  const config::Platform& plat = p.cost.platform();
  auto host = [&](std::size_t k) { return in.cand[k]; };
  auto gidx = [&](model::LayerId l) { return static_cast<std::size_t>(in.group_of[l]); };
  auto ok = [&](model::LayerId l, std::size_t k) { return in.allowed[gidx(l)][k] != 0; };

  Model m;
  Lp& lp = m.lp;
  m.makespan = lp.col(0.0, horizon, 1.0);
  const int T = m.makespan;
  add_assignment(in, m);
  auto X = [&](model::LayerId l, std::size_t k) { return m.x[gidx(l)][k]; };

  // Compute: a host runs every one of its layers once per period.
  for (std::size_t k = 0; k < K; ++k) {
    std::vector<std::pair<int, double>> t{{T, 1.0}};
    for (model::LayerId l = 0; l < L; ++l)
      if (ok(l, k)) t.push_back({X(l, k), -p.cost.compute_s(l, host(k)) / scale});
    lp.geq(t, 0.0);
  }

  // A 0/1 quantity: a column, or the constant `value` when col < 0.
  struct Ind {
    int col = -1;
    double value = 0;
  };
  auto is_const = [](const Ind& a, double v) { return a.col < 0 && a.value == v; };
  // cont[t] = 1 when layers t and t+1 are on one host (so in one stage): sum_k z[t][k] with
  // z = x[t][k] AND x[t+1][k] written exactly (z <= both, z >= their sum - 1).
  std::vector<Ind> cont(L > 0 ? L - 1 : 0);
  for (model::LayerId t = 0; t + 1 < L; ++t) {
    if (gidx(t) == gidx(t + 1)) {
      cont[t] = {-1, 1.0};
      continue;
    }
    std::vector<std::pair<int, double>> sum;
    for (std::size_t k = 0; k < K; ++k) {
      if (!ok(t, k) || !ok(t + 1, k)) continue;
      const int z = lp.col(0.0, 1.0);
      lp.geq({{X(t, k), 1.0}, {z, -1.0}}, 0.0);
      lp.geq({{X(t + 1, k), 1.0}, {z, -1.0}}, 0.0);
      lp.geq({{z, 1.0}, {X(t, k), -1.0}, {X(t + 1, k), -1.0}}, -1.0);
      sum.push_back({z, 1.0});
    }
    if (sum.empty()) {
      cont[t] = {-1, 0.0};
    } else {
      const int c = lp.col(0.0, 1.0);
      sum.push_back({c, -1.0});
      lp.eq(sum, 0.0);
      cont[t] = {c, 0.0};
    }
  }
  // same(i, j): at most 1 when layers i..j are all on one host (one stage), else 0. Only upper
  // bounds: it is used to cancel a charge, so the solver raises it to its true value.
  std::map<std::pair<model::LayerId, model::LayerId>, Ind> memo;
  auto same = [&](model::LayerId i, model::LayerId j) -> Ind {
    if (i > j) std::swap(i, j);
    if (i == j) return {-1, 1.0};
    if (auto it = memo.find({i, j}); it != memo.end()) return it->second;
    // Extend the longest memoised prefix i..e one layer at a time.
    model::LayerId e = i;
    Ind r{-1, 1.0};
    for (model::LayerId q = j; q > i; --q)
      if (auto it = memo.find({i, q}); it != memo.end()) {
        e = q;
        r = it->second;
        break;
      }
    for (model::LayerId q = e + 1; q <= j; ++q) {
      const Ind b = cont[q - 1];
      if (is_const(r, 0.0) || is_const(b, 0.0)) {
        r = {-1, 0.0};
      } else if (r.col < 0) {
        r = b;
      } else if (b.col >= 0) {
        const int n = lp.col(0.0, 1.0);
        lp.geq({{r.col, 1.0}, {n, -1.0}}, 0.0);
        lp.geq({{b.col, 1.0}, {n, -1.0}}, 0.0);
        r = {n, 0.0};
      }
      memo[{i, q}] = r;
    }
    return r;
  };
  // Sum of blockers: true when one is the constant 1 (the charge never applies); else their
  // columns are appended to `terms` with coefficient +1.
  auto add_blockers = [&](const std::vector<Ind>& blockers, std::vector<std::pair<int, double>>& terms) {
    for (const Ind& b : blockers) {
      if (is_const(b, 1.0)) return true;
      if (b.col >= 0) terms.push_back({b.col, 1.0});
    }
    return false;
  };

  std::vector<std::vector<std::pair<int, double>>> send(K, std::vector<std::pair<int, double>>{{T, 1.0}});
  const int batch = p.batch;
  // Tensors between stages. Stage R (host k) sends D (host k' != k), for every later stage D
  // that reads one of its tensors: route latency(k, k') once, plus bytes(l) / bandwidth(k, k')
  // for each layer l of R that D reads. Each charge sits on one (producer l, consumer c) edge:
  // - bytes of l to D on the first consumer c of l in D: v >= x[l][k] + x[c][k'] - 1 - sum over
  //   earlier consumers c' of l of same(c', c);
  // - the latency of R -> D on the first edge (c, l) in (consumer, producer) order with l in R and
  //   c in D: lambda >= x[l][k] + x[c][k'] - 1 - B, B <= 1, B <= sum over earlier edges (c', l')
  //   of beta, beta <= same(l', l), beta <= same(c', c).
  struct Edge {
    model::LayerId c, l;
  };
  std::vector<Edge> edges;
  for (model::LayerId l = 0; l < L; ++l) {
    const double bytes = graph.output_bytes(l, batch);
    if (!(bytes > 0)) continue;  // evaluate skips a destination with 0 bytes
    std::vector<model::LayerId> cs(graph.consumers(l).begin(), graph.consumers(l).end());
    std::sort(cs.begin(), cs.end());
    cs.erase(std::unique(cs.begin(), cs.end()), cs.end());
    for (std::size_t i = 0; i < cs.size(); ++i) {
      const model::LayerId c = cs[i];
      edges.push_back({c, l});
      if (gidx(l) == gidx(c)) continue;
      std::vector<Ind> blockers;
      for (std::size_t j = 0; j < i; ++j) blockers.push_back(same(cs[j], c));
      std::vector<std::pair<int, double>> block_terms;
      if (add_blockers(blockers, block_terms)) continue;
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t k2 = 0; k2 < K; ++k2) {
          if (k == k2 || !ok(l, k) || !ok(c, k2)) continue;
          const double coef = bytes / plat.route_bandwidth_Bps(host(k), host(k2)) / scale;
          const int v = lp.col(0.0, 1.0);
          std::vector<std::pair<int, double>> t{{v, 1.0}, {X(l, k), -1.0}, {X(c, k2), -1.0}};
          t.insert(t.end(), block_terms.begin(), block_terms.end());
          lp.geq(t, -1.0);
          send[k].push_back({v, -coef});
        }
    }
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.c != b.c ? a.c < b.c : a.l < b.l; });
  for (std::size_t q = 0; q < edges.size(); ++q) {
    const auto [c, l] = edges[q];
    if (gidx(l) == gidx(c)) continue;
    bool any = false;
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t k2 = 0; k2 < K; ++k2)
        any = any || (k != k2 && ok(l, k) && ok(c, k2) && plat.route_latency_s(host(k), host(k2)) > 0);
    if (!any) continue;
    std::vector<std::pair<int, double>> block_terms;
    bool blocked = false;
    for (std::size_t q2 = 0; q2 < q && !blocked; ++q2) {
      const auto [c2, l2] = edges[q2];
      // c2 inside l's stage (c2 <= max(l, l2) with l2 in it) cannot share a stage with c.
      if (c2 <= std::max(l, l2)) continue;
      const Ind a = same(l2, l), b = same(c2, c);
      if (is_const(a, 0.0) || is_const(b, 0.0)) continue;
      if (a.col < 0 && b.col < 0) {
        blocked = true;
      } else if (a.col < 0 || b.col < 0) {
        block_terms.push_back({a.col < 0 ? b.col : a.col, 1.0});
      } else {
        const int beta = lp.col(0.0, 1.0);
        lp.geq({{a.col, 1.0}, {beta, -1.0}}, 0.0);
        lp.geq({{b.col, 1.0}, {beta, -1.0}}, 0.0);
        block_terms.push_back({beta, 1.0});
      }
    }
    if (blocked) continue;
    int B = -1;
    if (!block_terms.empty()) {
      B = lp.col(0.0, 1.0);
      std::vector<std::pair<int, double>> t{{B, 1.0}};
      for (const auto& [col, one] : block_terms) t.push_back({col, -one});
      lp.row(t, -kInf, 0.0);
    }
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t k2 = 0; k2 < K; ++k2) {
        if (k == k2 || !ok(l, k) || !ok(c, k2)) continue;
        const double lat = plat.route_latency_s(host(k), host(k2));
        if (!(lat > 0)) continue;
        const int lambda = lp.col(0.0, 1.0);
        std::vector<std::pair<int, double>> t{{lambda, 1.0}, {X(l, k), -1.0}, {X(c, k2), -1.0}};
        if (B >= 0) t.push_back({B, 1.0});
        lp.geq(t, -1.0);
        send[k].push_back({lambda, -lat / scale});
      }
  }

  // Model outputs to the sink: each stage sends the bytes of its outputs, with one latency
  // charged on its first output layer: w >= x[o][k] - sum over earlier outputs o' of same(o', o).
  const int sink = p.sink_host.empty() ? -1 : util::host_index(p, p.sink_host);
  if (sink >= 0) {
    std::vector<model::LayerId> outs;
    for (model::LayerId o = 0; o < L; ++o)
      if (graph.consumers(o).empty() && graph.output_bytes(o, batch) > 0) outs.push_back(o);
    for (std::size_t i = 0; i < outs.size(); ++i) {
      const model::LayerId o = outs[i];
      std::vector<Ind> blockers;
      for (std::size_t j = 0; j < i; ++j) blockers.push_back(same(outs[j], o));
      std::vector<std::pair<int, double>> block_terms;
      const bool blocked = add_blockers(blockers, block_terms);
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(o, k) || host(k) == sink) continue;
        send[k].push_back({X(o, k), -graph.output_bytes(o, batch) / plat.route_bandwidth_Bps(host(k), sink) / scale});
        const double lat = plat.route_latency_s(host(k), sink);
        if (blocked || !(lat > 0)) continue;
        const int w = lp.col(0.0, 1.0);
        std::vector<std::pair<int, double>> t{{w, 1.0}, {X(o, k), -1.0}};
        t.insert(t.end(), block_terms.begin(), block_terms.end());
        lp.geq(t, 0.0);
        send[k].push_back({w, -lat / scale});
      }
    }
  }
  for (auto& t : send) lp.geq(std::move(t), 0.0);

  // The source sends the input to every stage that reads it: one charge per stage, on its
  // first reading layer, as for the sink.
  const int source = p.source_host.empty() ? -1 : util::host_index(p, p.source_host);
  const double input_bytes = graph.input_bytes(batch);
  if (source >= 0 && input_bytes > 0) {
    std::vector<model::LayerId> readers;
    for (model::LayerId l = 0; l < L; ++l)
      for (auto u : graph.layer(l).inputs)
        if (u == model::kInput) {
          readers.push_back(l);
          break;
        }
    std::vector<std::pair<int, double>> src{{T, 1.0}};
    for (std::size_t i = 0; i < readers.size(); ++i) {
      const model::LayerId r = readers[i];
      std::vector<Ind> blockers;
      for (std::size_t j = 0; j < i; ++j) blockers.push_back(same(readers[j], r));
      std::vector<std::pair<int, double>> block_terms;
      if (add_blockers(blockers, block_terms)) continue;
      for (std::size_t k = 0; k < K; ++k) {
        if (!ok(r, k) || host(k) == source) continue;
        const int w = lp.col(0.0, 1.0);
        std::vector<std::pair<int, double>> t{{w, 1.0}, {X(r, k), -1.0}};
        t.insert(t.end(), block_terms.begin(), block_terms.end());
        lp.geq(t, 0.0);
        src.push_back({w, -p.cost.send_s(input_bytes, source, host(k)) / scale});
      }
    }
    lp.geq(src, 0.0);
  }
  return m;
}

struct Solved {
  bool has_solution = false, optimal = false, infeasible = false;
  std::vector<int> gk;
  double objective = kInf, bound = 0, solve_time_s = 0;
};

// CBC's standalone driver (behind Cbc_solve) keeps process-wide state: one solve at a time.
std::mutex& cbc_mutex() {
  static std::mutex m;
  return m;
}

/// The assignment when every group has exactly one host left (x not fixed to 0), else empty.
std::vector<int> single_assignment(const Model& m) {
  std::vector<int> gk(m.x.size(), -1);
  for (std::size_t g = 0; g < m.x.size(); ++g)
    for (std::size_t k = 0; k < m.x[g].size(); ++k) {
      if (m.lp.col_ub[static_cast<std::size_t>(m.x[g][k])] <= 0) continue;
      if (gk[g] >= 0) return {};
      gk[g] = static_cast<int>(k);
    }
  for (int k : gk)
    if (k < 0) return {};
  return gk;
}

Solved solve(const Model& m, const Start& start, double time_limit_s, int threads) {
  const Lp& lp = m.lp;
  const int ncols = static_cast<int>(lp.col_lb.size());
  const int nrows = static_cast<int>(lp.rows.size());
  // Column-major copy of the rows.
  std::vector<std::vector<std::pair<int, double>>> cols(static_cast<std::size_t>(ncols));
  for (int r = 0; r < nrows; ++r)
    for (const auto& [c, v] : lp.rows[static_cast<std::size_t>(r)]) cols[static_cast<std::size_t>(c)].push_back({r, v});
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> index;
  std::vector<double> value;
  for (const auto& col : cols) {
    for (const auto& [r, v] : col) {
      index.push_back(r);
      value.push_back(v);
    }
    starts.push_back(static_cast<CoinBigIndex>(index.size()));
  }

  std::lock_guard<std::mutex> lock(cbc_mutex());
  Cbc_Model* model = Cbc_newModel();
  Cbc_loadProblem(model, ncols, nrows, starts.data(), index.data(), value.data(), lp.col_lb.data(), lp.col_ub.data(),
                  lp.obj.data(), lp.row_lb.data(), lp.row_ub.data());
  for (int c : lp.integers) Cbc_setInteger(model, c);
  Cbc_setObjSense(model, 1.0);
  Cbc_setLogLevel(model, 0);
  Cbc_setParameter(model, "timeMode", "elapsed");  // time_limit_s is wall-clock time
  Cbc_setMaximumSeconds(model, std::max(0.01, time_limit_s));
  Cbc_setAllowableGap(model, 1e-10);
  Cbc_setAllowableFractionGap(model, 1e-9);
  // CBC's parallel tree search (opportunistic mode): on an idle 2-core machine it proves resnet50's
  // block-granularity pre-loading optimum in 3.3-4.7 s instead of 5.7-7.2 s (docs/ILP.md). Its
  // deterministic mode (threads + 100) was no faster than one thread, so it is not offered.
  if (threads > 1) Cbc_setParameter(model, "threads", std::to_string(threads).c_str());
  std::vector<int> start_cols;
  std::vector<double> start_vals;
  if (!start.gk.empty()) {
    for (std::size_t g = 0; g < m.x.size(); ++g)
      for (std::size_t k = 0; k < m.x[g].size(); ++k) {
        start_cols.push_back(m.x[g][k]);
        start_vals.push_back(start.gk[g] == static_cast<int>(k) ? 1.0 : 0.0);
      }
    Cbc_setMIPStartI(model, static_cast<int>(start_cols.size()), start_cols.data(), start_vals.data());
    // With the local-search start, CBC's primal heuristics rarely improve it and cost about a
    // fifth of the time on the pre-loading benches (same node counts; docs/ILP.md).
    Cbc_setParameter(model, "heuristicsOnOff", "off");
  }
  const auto t0 = std::chrono::steady_clock::now();
  Cbc_solve(model);
  Solved out;
  out.solve_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.infeasible = Cbc_isProvenInfeasible(model) != 0;
  const double* best = Cbc_bestSolution(model);
  if (best && !out.infeasible) {
    out.has_solution = true;
    out.optimal = Cbc_isProvenOptimal(model) != 0;
    out.objective = Cbc_getObjValue(model);
    out.bound = Cbc_getBestPossibleObjValue(model);
    out.gk.assign(m.x.size(), 0);
    for (std::size_t g = 0; g < m.x.size(); ++g) {
      double top = -1;
      for (std::size_t k = 0; k < m.x[g].size(); ++k)
        if (best[m.x[g][k]] > top) {
          top = best[m.x[g][k]];
          out.gk[g] = static_cast<int>(k);
        }
    }
  }
  Cbc_deleteModel(model);
  return out;
}

// Infeasible reasons: groups no candidate host can hold, else the total does not split.
std::vector<InfeasibleReason> memory_reasons(const Instance& in) {
  std::vector<InfeasibleReason> reasons;
  for (std::size_t g = 0; g < in.groups.size(); ++g) {
    bool any = false;
    for (char a : in.allowed[g]) any = any || a;
    if (any) continue;
    InfeasibleReason r;
    r.needed_bytes = in.group_weight_bytes[g];
    r.message = fmt::format("ilp: layer {} (\"{}\"{}) has {} weight bytes; no candidate host has that much memory",
                            in.groups[g].front(), in.p.graph.layer(in.groups[g].front()).name,
                            in.groups[g].size() > 1 ? fmt::format(", block of {} layers", in.groups[g].size()) : "",
                            in.group_weight_bytes[g]);
    reasons.push_back(std::move(r));
  }
  if (reasons.empty()) {
    double total = 0, room = 0;
    for (double b : in.group_weight_bytes) total += b;
    for (int h : in.cand) room += in.p.hosts[static_cast<std::size_t>(h)].memory_bytes;
    InfeasibleReason r;
    r.needed_bytes = total;
    r.available_bytes = room;
    r.message = fmt::format("ilp: the {} weight bytes of the model cannot be split over the candidate hosts' memory "
                            "({} bytes in total)", total, room);
    reasons.push_back(std::move(r));
  }
  return reasons;
}

// Stages: maximal runs of consecutive ids on one host.
std::vector<Stage> stages_of(const std::vector<int>& device_of_layer) {
  std::vector<Stage> stages;
  for (std::size_t l = 0; l < device_of_layer.size(); ++l) {
    if (stages.empty() || stages.back().hosts.front().host != device_of_layer[l])
      stages.push_back(util::single_host_stage(device_of_layer[l], {}));
    stages.back().layers.push_back(l);
  }
  return stages;
}

// objective: throughput models no CIM reprogramming (evaluate.hpp adds its time to a stage's
// compute when the stage overflows the arrays): refused for such candidate hosts.
void refuse_reprogramming(const Problem& p, const Instance& in, const Options& o) {
  for (int h : in.cand)
    if (p.cost.reprograms(h))
      util::fail(*util::option(o, "objective"),
                 fmt::format("objective: throughput is not implemented for hosts that reprogram their arrays (host {} is "
                             "kind: cim with reprogram); use objective: latency, or leave {} out of `hosts`",
                             p.hosts[static_cast<std::size_t>(h)].name, p.hosts[static_cast<std::size_t>(h)].name));
}

class IlpPartitioner : public Partitioner {
 public:
  explicit IlpPartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    const Settings s = read_settings(p, options_, scenario_of(p));
    if (p.graph.size() == 0) throw std::invalid_argument("ilp: the model has no layers");
    const Instance in = make_instance(p, s);
    if (s.throughput) refuse_reprogramming(p, in, options_);

    const auto t_start = std::chrono::steady_clock::now();
    const Start start = s.warm_start ? heuristic_start(in, 0.5 * s.time_limit_s) : Start{};
    const double heuristic_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    // Time unit and horizon: the start solution's value when there is one (so the model's
    // times are about 1 and CBC's absolute tolerances are relative), else the sum of every
    // duration at its largest, which neither a schedule nor a host period exceeds.
    double scale = start.value_s;
    if (!std::isfinite(scale)) {
      scale = 0;
      for (model::LayerId l = 0; l < p.graph.size(); ++l) {
        double c = 0, w = 0, t = 0, io = 0;
        for (int h : in.cand) {
          c = std::max(c, p.cost.compute_s(l, h));
          w = std::max(w, weight_load_s(p, l, h, s.weights));
          io = std::max({io, input_arrival_s(p, h), output_delivery_s(p, l, h)});
          for (int h2 : in.cand) t = std::max(t, activation_transfer_s(p, l, h, h2));
        }
        scale += c + w + io + t * static_cast<double>(p.graph.consumers(l).size());
      }
    }
    Solved sol;
    bool single = false;
    int fixed_placements = 0;
    if (scale > 0) {
      const Model m = s.throughput ? build_throughput_model(in, scale, 1.0 + 1e-6) : build_model(in, scale, 1.0 + 1e-6);
      fixed_placements = m.fixed;
      const std::vector<int> only = single_assignment(m);
      if (!only.empty()) {
        // One host left per group (one candidate host, or the placement bounds ruled out the
        // rest): that assignment is the optimum when its weights fit, else there is none. CBC is
        // not called; its 2.10.8 preprocessing fails an assertion on such models.
        single = true;
        if (in.fits(only)) {
          sol.has_solution = sol.optimal = true;
          sol.gk = only;
          sol.objective = sol.bound = in.value(only) / scale;
        } else {
          sol.infeasible = true;
        }
      } else {
        sol = solve(m, start, s.time_limit_s - heuristic_s, s.threads);
      }
      if (sol.infeasible && start.gk.empty()) throw Infeasible(memory_reasons(in));
    } else if (!start.gk.empty()) {
      sol.has_solution = sol.optimal = true;  // every duration is zero
      sol.gk = start.gk;
      sol.objective = sol.bound = 0;
    }
    if (!sol.has_solution && start.gk.empty()) {
      if (sol.infeasible) throw Infeasible(memory_reasons(in));
      InfeasibleReason r;
      r.message = fmt::format("ilp: CBC found no assignment within time_limit_s = {} s", s.time_limit_s);
      throw Infeasible({r});
    }
    // The evaluators give the exact value of the chosen assignment (the schedule's latency, or
    // the host period); CBC's answer is kept unless (within its tolerances) it is worse than the
    // start.
    std::vector<int> gk = sol.has_solution ? sol.gk : start.gk;
    double value_s = in.value(gk);
    if (!start.gk.empty() && start.value_s < value_s) {
      gk = start.gk;
      value_s = start.value_s;
    }
    const double objective_s = sol.has_solution ? sol.objective * scale : start.value_s;
    const double bound_s = sol.has_solution ? sol.bound * scale : 0.0;
    const double gap = objective_s > 0 ? std::max(0.0, (objective_s - bound_s) / objective_s) : 0.0;

    const std::vector<int> device_of_layer = in.expand(gk);
    const double latency_s = one_request_latency_s(p, device_of_layer, s.weights);
    Plan plan;
    plan.partitioner = "ilp";
    plan.stages = stages_of(device_of_layer);
    evaluate(p, plan);
    const double evaluate_latency_s = plan.predicted_latency_s;
    plan.predicted_latency_s = latency_s;
    plan.notes["solver"] = fmt::format("cbc {}", Cbc_getVersion());
    // Placements ruled out before the solve by placement_bounds_s (latency objective with a start).
    plan.notes["fixed_placements"] = fmt::format("{}", fixed_placements);
    if (single) plan.notes["solver_called"] = "false: one assignment left";
    plan.notes["status"] = sol.optimal ? "optimal" : "feasible";
    plan.notes["gap"] = fmt::format("{}", sol.optimal ? 0.0 : gap);
    plan.notes["objective_s"] = fmt::format("{}", objective_s);
    plan.notes["bound_s"] = fmt::format("{}", bound_s);
    plan.notes["solve_time_s"] = fmt::format("{}", sol.solve_time_s);
    plan.notes[s.throughput ? "start_period_s" : "start_latency_s"] = fmt::format("{}", start.value_s);
    plan.notes["start_time_s"] = fmt::format("{}", heuristic_s);
    plan.notes["schedule_latency_s"] = fmt::format("{}", latency_s);
    plan.notes["evaluate_latency_s"] = fmt::format("{}", evaluate_latency_s);
    plan.notes["granularity"] = s.block ? "block" : "layer";
    plan.notes["threads"] = fmt::format("{}", s.threads);
    plan.notes["groups"] = fmt::format("{}", in.groups.size());
    plan.notes["preload"] = s.weights.preload ? "true" : "false";
    plan.notes["objective"] = s.throughput ? "throughput" : "latency";
    if (s.throughput) {
      // predicted_bottleneck_s is the host period the ILP minimised; evaluate()'s per-stage
      // figure (lower when a host holds several stages) is kept as a note.
      const HostPeriod period = ilp_host_period(p, device_of_layer);
      plan.notes["evaluate_bottleneck_s"] = fmt::format("{}", plan.predicted_bottleneck_s);
      plan.notes["period_s"] = fmt::format("{}", period.period_s);
      plan.predicted_bottleneck_s = period.period_s;
    }
    if (auto why = check_memory(p, plan.stages); !why.empty())
      plan.notes["memory_warning"] = why.front().message + " (the ILP's memory rule counts weights only)";
    return plan;
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo ilp_info() {
  PartitionerInfo info;
  info.name = "ilp";
  info.summary = "MILP (CBC): any layer-to-host assignment minimising one request's latency (with weight loading) or the period";
  info.options = {
      {"time_limit_s", OptionType::Double, "30", "wall-clock limit of the start search plus CBC, s; past it the best plan found is kept", {}, false},
      {"granularity", OptionType::Enum, "layer",
       "layer: assign each layer; block: assign single-input single-output runs (see block_layers)",
       {"layer", "block"}, false},
      {"block_layers", OptionType::Int, "8", "granularity block: at most this many layers per block (0: no cap)", {}, false},
      {"preload", OptionType::Bool, "",
       "true: hosts load their layers' weights from t = 0; false: a layer's load starts when its inputs arrive "
       "(default: the scenario's weights.preload, else true)", {}, false},
      {"weights_from", OptionType::Host, "",
       "host the weights are sent from (default: the scenario's weights.from, else each host's local storage)", {}, false},
      {"load_bandwidth", OptionType::Double, "",
       "local storage read rate, B/s (default: the scenario's storage_bandwidth, else 1e9)", {}, false},
      {"hosts", OptionType::HostList, "", "candidate hosts (default: every host)", {}, false},
      {"warm_start", OptionType::Bool, "true",
       "start CBC from a local-search plan (its value also bounds the model's times)", {}, false},
      {"threads", OptionType::Int, "1",
       "CBC threads; above 1 the search is faster on several cores but equally good plans may be chosen "
       "differently from run to run (the objective value does not change)", {}, false},
      {"objective", OptionType::Enum, "latency",
       "latency: one request's finish time, with weight loading; throughput: the pipeline period (per host: "
       "compute of its layers, sends of its stages; the source's sends)",
       {"latency", "throughput"}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<IlpPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
