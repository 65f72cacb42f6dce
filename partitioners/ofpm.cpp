// ofpm (Shen 2023): horizontal + vertical partitioning on heterogeneous, loaded hosts, and the split
// stage timing model, band allocation and boundary DP it shares with fpm (ofpm.hpp, docs/OFPM.md).
#include "partitioners/ofpm.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <stdexcept>

#include "partitioners/option_util.hpp"
#include "sim/cost/regression.hpp"

namespace edgesplit::partition {

namespace hpm {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

// ---- loaded rates -------------------------------------------------------------------------------

LoadedRates::LoadedRates(const Problem& p, std::vector<double> load_by_host) : p_(p), load_(std::move(load_by_host)) {
  load_.resize(p.hosts.size(), 0.0);
  // Measured rates (runtime estimates under adapt) already include the load: they win over the belief.
  if (const auto* m = dynamic_cast<const MeasuredRates*>(&p.cost))
    for (std::size_t h = 0; h < load_.size(); ++h)
      if (m->rate_measured(static_cast<int>(h))) load_[h] = 0.0;
  const std::size_t L = p.graph.size();
  prefix_.assign(p.hosts.size(), std::vector<double>(L + 1, 0.0));
  for (std::size_t h = 0; h < p.hosts.size(); ++h)
    for (std::size_t l = 0; l < L; ++l) prefix_[h][l + 1] = prefix_[h][l] + compute_s(l, static_cast<int>(h));
}

double LoadedRates::compute_s(model::LayerId l, int host) const {
  const double u = load(host);
  if (u >= 1.0) return kInf;
  if (const auto* m = dynamic_cast<const MeasuredRates*>(&p_.cost)) {
    // The base model's load-aware prediction at the believed load, over the measured factor.
    if (const auto* reg = dynamic_cast<const cost::RegressionCost*>(&m->base_cost()))
      return reg->compute_s_at_load(l, host, u) / m->speed_factor(host);
  } else if (const auto* reg = dynamic_cast<const cost::RegressionCost*>(&p_.cost)) {
    return reg->compute_s_at_load(l, host, u);
  }
  // Without a load-aware model the host gets the share 1 - u of its processor (processor sharing).
  return p_.cost.compute_s(l, host) / (1.0 - u);
}

double LoadedRates::range_s(std::size_t b, std::size_t e, int host) const {
  const auto& pre = prefix_.at(static_cast<std::size_t>(host));
  if (std::isinf(pre[e])) {
    for (std::size_t l = b; l < e; ++l)
      if (std::isinf(compute_s(l, host))) return kInf;
  }
  return pre[e] - pre[b];
}

// ---- band allocation ----------------------------------------------------------------------------

namespace {
bool usable(double c, double r) { return std::isfinite(c) && std::isfinite(r) && r > 0; }
}  // namespace

double makespan_s(const std::vector<int64_t>& h, const std::vector<double>& c, const std::vector<double>& r) {
  double t = 0;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i] > 0) t = std::max(t, c[i] + static_cast<double>(h[i]) * r[i]);
  return t;
}

std::vector<int64_t> allocate_rows(int64_t H, const std::vector<double>& c, const std::vector<double>& r) {
  const std::size_t k = c.size();
  if (r.size() != k) throw std::invalid_argument("allocate_rows: fixed and per-row sizes differ");
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < k; ++i)
    if (usable(c[i], r[i])) order.push_back(i);
  if (order.empty()) throw std::invalid_argument("allocate_rows: no host can take a row");
  std::vector<int64_t> h(k, 0);
  if (H <= 0) return h;
  // Water-filling: with the m hosts of smallest fixed cost active, sum (T - c_i) / r_i = H gives
  // T = (H + sum c_i / r_i) / sum 1 / r_i; stop when the next host's fixed cost is >= T.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return c[a] < c[b]; });
  double sum_inv = 0, sum_cr = 0, T = 0;
  for (std::size_t m = 0; m < order.size(); ++m) {
    sum_inv += 1.0 / r[order[m]];
    sum_cr += c[order[m]] / r[order[m]];
    T = (static_cast<double>(H) + sum_cr) / sum_inv;
    if (m + 1 == order.size() || c[order[m + 1]] >= T) break;
  }
  // Floors: every row whose finish time is <= T* (all of them belong to any optimal allocation).
  int64_t used = 0;
  for (auto i : order) {
    if (c[i] >= T) continue;
    h[i] = static_cast<int64_t>(std::floor((T - c[i]) / r[i]));
    h[i] = std::clamp<int64_t>(h[i], 0, H);
    used += h[i];
  }
  // Rounding error can overshoot by a row: take rows back from the latest finishers.
  while (used > H) {
    std::size_t worst = order.front();
    double wt = -kInf;
    for (auto i : order)
      if (h[i] > 0 && c[i] + static_cast<double>(h[i]) * r[i] > wt) wt = c[i] + static_cast<double>(h[i]) * r[i], worst = i;
    --h[worst];
    --used;
  }
  // Remaining rows: largest remainder in time, i.e. each to the host finishing earliest with one
  // more row. This is the greedy that is optimal for min-max with costs increasing in h.
  using Item = std::pair<double, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
  for (auto i : order) q.push({c[i] + static_cast<double>(h[i] + 1) * r[i], i});
  while (used < H) {
    auto [t, i] = q.top();
    q.pop();
    ++h[i];
    ++used;
    q.push({c[i] + static_cast<double>(h[i] + 1) * r[i], i});
  }
  return h;
}

std::vector<int64_t> allocate_rows_oracle(int64_t H, const std::vector<double>& c, const std::vector<double>& r) {
  const std::size_t k = c.size();
  std::vector<int64_t> h(k, 0);
  if (H <= 0) return h;
  // Rows host i fits under T: the largest j <= H with c_i + j r_i <= T (binary search on j).
  auto fit = [&](std::size_t i, double T) -> int64_t {
    if (!usable(c[i], r[i])) return 0;
    int64_t lo = 0, hi = H;
    while (lo < hi) {
      int64_t mid = (lo + hi + 1) / 2;
      if (c[i] + static_cast<double>(mid) * r[i] <= T) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  auto count = [&](double T) {
    int64_t s = 0;
    for (std::size_t i = 0; i < k; ++i) s += fit(i, T);
    return s;
  };
  double lo = 0, hi = kInf;
  for (std::size_t i = 0; i < k; ++i)
    if (usable(c[i], r[i])) hi = std::min(hi, c[i] + static_cast<double>(H) * r[i]);
  if (!std::isfinite(hi)) throw std::invalid_argument("allocate_rows_oracle: no host can take a row");
  // Binary search on the common finish time; the optimum is one of the values c_i + j r_i, so
  // finish by snapping to the largest finish time of the rows under hi.
  for (int it = 0; it < 200 && lo < hi; ++it) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (count(mid) >= H) hi = mid;
    else lo = mid;
  }
  int64_t used = 0;
  for (std::size_t i = 0; i < k; ++i) used += h[i] = fit(i, hi);
  while (used > H) {  // ties at T: drop the rows finishing last
    std::size_t worst = 0;
    double wt = -kInf;
    for (std::size_t i = 0; i < k; ++i)
      if (h[i] > 0 && c[i] + static_cast<double>(h[i]) * r[i] > wt) wt = c[i] + static_cast<double>(h[i]) * r[i], worst = i;
    --h[worst];
    --used;
  }
  return h;
}

// ---- split stage timing -------------------------------------------------------------------------

SplitResult time_split(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run,
                       const std::vector<int>& hosts, const std::vector<int64_t>& heights, int from, int to) {
  const auto& g = p.graph;
  SplitResult out;
  auto ranges = halo::bands_from_heights(heights);
  const model::LayerId in_tensor = g.layer(run.front()).inputs.front();
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (ranges[i].empty()) continue;
    const int host = hosts[i];
    Band b;
    b.host = host;
    b.first_row = ranges[i].first;
    b.last_row = ranges[i].last;
    auto rr = halo::run_rows(g, run, ranges[i]);
    b.in_first_row = rr.input.first;
    b.in_last_row = rr.input.last;
    for (std::size_t j = 0; j < run.size(); ++j) {
      const auto l = run[j];
      // A band of a layer costs the layer's time scaled by its share of the output rows.
      const double frac = static_cast<double>(rr.out_rows[j].rows()) / static_cast<double>(halo::height(g, l));
      b.layer_rows.emplace_back(rr.out_rows[j].first, rr.out_rows[j].last);
      b.flops += frac * static_cast<double>(p.batch) * g.layer(l).flops_per_sample();
      b.compute_s += frac * rates.compute_s(l, host);
    }
    b.in_bytes = halo::row_bytes(g, in_tensor, rr.input.rows(), p.batch);
    b.out_bytes = halo::row_bytes(g, run.back(), ranges[i].rows(), p.batch);
    b.recv_s = from < 0 ? 0.0 : p.cost.send_s(b.in_bytes, from, host);
    b.send_s = to < 0 ? 0.0 : p.cost.send_s(b.out_bytes, host, to);
    out.finish_s = std::max(out.finish_s, b.recv_s + b.compute_s + b.send_s);
    out.bands.push_back(std::move(b));
  }
  return out;
}

void linear_model(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run, int host,
                  Position pos, int from, int to, double& fixed_s, double& per_row_s) {
  const auto& g = p.graph;
  const auto aff = halo::run_affine(g, run);
  const std::size_t n = run.size();
  const int64_t H = aff[n - 1].height;
  // Rows of a tensor for h output rows = S h + e(pos) (halo.hpp: [a S - P, b S + Q], clipped at the
  // image edges only); for the whole image the count is bottom_last + 1.
  auto offset = [&](const halo::Affine& a) -> double {
    switch (pos) {
      case Position::Top: return static_cast<double>(a.Q + 1 - a.S);
      case Position::Middle: return static_cast<double>(a.P + a.Q + 1 - a.S);
      case Position::Bottom: return static_cast<double>(a.bottom_last - H * a.S + a.P + 1);
      case Position::Whole: return static_cast<double>(a.bottom_last + 1);
    }
    return 0.0;
  };
  auto slope = [&](const halo::Affine& a) { return pos == Position::Whole ? 0.0 : static_cast<double>(a.S); };
  fixed_s = 0;
  per_row_s = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double t_row = rates.compute_s(run[j], host) / static_cast<double>(aff[j].height);
    fixed_s += t_row * offset(aff[j]);
    per_row_s += t_row * slope(aff[j]);
  }
  if (from >= 0 && from != host) {
    const auto& pl = p.cost.platform();
    const double row_b = halo::row_bytes(g, g.layer(run.front()).inputs.front(), 1, p.batch);
    const double bw = pl.route_bandwidth_Bps(from, host);
    fixed_s += pl.route_latency_s(from, host) + row_b * offset(aff[n]) / bw;
    per_row_s += row_b * slope(aff[n]) / bw;
  }
  if (to >= 0 && to != host) {
    const auto& pl = p.cost.platform();
    const double row_b = halo::row_bytes(g, run.back(), 1, p.batch);
    const double bw = pl.route_bandwidth_Bps(host, to);
    fixed_s += pl.route_latency_s(host, to);
    per_row_s += row_b / bw;
  }
}

std::vector<int64_t> balanced_heights(const Problem& p, const LoadedRates& rates, const std::vector<model::LayerId>& run,
                                      const std::vector<int>& hosts, int from, int to) {
  const int64_t H = halo::height(p.graph, run.back());
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < hosts.size(); ++i)
    if (rates.load(hosts[i]) < 1.0 && std::isfinite(rates.range_s(run.front(), run.back() + 1, hosts[i])))
      active.push_back(i);
  std::vector<int64_t> out(hosts.size(), 0);
  if (active.empty()) return out;
  // Positions matter (edge bands have halo on one side only): allocate, drop hosts given no row,
  // re-position the rest and allocate again until every active host keeps a row.
  for (std::size_t round = 0; round <= hosts.size(); ++round) {
    if (active.size() == 1) {
      std::fill(out.begin(), out.end(), 0);
      out[active[0]] = H;
      return out;
    }
    std::vector<double> c(active.size()), r(active.size());
    for (std::size_t a = 0; a < active.size(); ++a) {
      Position pos = a == 0 ? Position::Top : (a + 1 == active.size() ? Position::Bottom : Position::Middle);
      linear_model(p, rates, run, hosts[active[a]], pos, from, to, c[a], r[a]);
      if (!(r[a] > 0)) r[a] = std::numeric_limits<double>::min();  // layers costing nothing (pool on analytic)
    }
    auto h = allocate_rows(H, c, r);
    std::vector<std::size_t> keep;
    for (std::size_t a = 0; a < active.size(); ++a)
      if (h[a] > 0) keep.push_back(active[a]);
    std::fill(out.begin(), out.end(), 0);
    for (std::size_t a = 0; a < active.size(); ++a) out[active[a]] = h[a];
    if (keep.size() == active.size()) return out;
    active = keep;
  }
  return out;
}

// ---- options ------------------------------------------------------------------------------------

std::vector<double> load_option(const Problem& p, const Options& o) {
  std::vector<double> load(p.hosts.size(), 0.0);
  const config::Node* n = util::option(o, "load");
  if (!n) return load;
  if (!n->is_map()) util::fail(*n, "expected a map of host name to load in [0, 1], such as {rpi-0: 0.5}");
  for (const auto& [name, value] : n->entries) {
    config::Node key_node = value;
    key_node.kind = config::Node::Kind::Scalar;
    key_node.scalar = name;
    const int h = util::resolve_host(p, key_node);
    auto u = value.is_scalar() ? config::scalar_to_double(value.scalar) : std::nullopt;
    if (!u || *u < 0 || *u > 1)
      util::fail(value, fmt::format("expected a load in [0, 1], found \"{}\"", value.is_scalar() ? value.scalar : "a collection"));
    load[static_cast<std::size_t>(h)] = *u;
  }
  return load;
}

std::vector<int> candidate_hosts(const Problem& p, const Options& o) {
  if (auto list = util::host_list(p, o, "hosts")) return *list;
  std::vector<int> all;
  for (const auto& h : p.hosts) all.push_back(h.index);
  return all;
}

// ---- boundary DP --------------------------------------------------------------------------------

namespace {

enum Kind { kPlain = 0, kGathered = 1 };

struct Choice {
  std::size_t b = 0;
  int h = -1, kind = kPlain;
  bool split = false;
  int g = -1;  ///< single: its host; split: the gather host (or sink / -1 at the end)
};

/// Valid cut before layer b: the only tensor crossing it is layer b-1's output.
std::vector<bool> valid_cuts(const model::Graph& g) {
  const std::size_t L = g.size();
  std::vector<bool> ok(L + 1, true);
  for (std::size_t b = 1; b < L; ++b)
    for (std::size_t l = b; l < L && ok[b]; ++l)
      for (auto in : g.layer(l).inputs)
        if (in == model::kInput || (in < b && in != b - 1)) ok[b] = false;
  return ok;
}

/// One segment of a plan: layers [b, e), single-host on g, or split over `hosts` with `heights`
/// (aligned, 0 = left out) gathered on g (the sink or -1 at the end); `from` holds its input.
struct Segment {
  std::size_t b, e;
  int from;  ///< host holding the input (-1: every host)
  bool split;
  int g;
  std::vector<int> hosts;
  std::vector<int64_t> heights;
};

/// The plan of a chain of segments with its predictions (docs/OFPM.md); `latency` = the sum of the
/// segments' times, as the DP adds them.
Plan assemble(const Problem& p, const LoadedRates& rates, const std::vector<Segment>& segs, int source, int sink,
              double& latency) {
  const auto& g = p.graph;
  const std::size_t N = p.hosts.size();
  Plan plan;
  double energy = 0, bottleneck = 0;
  latency = 0;
  std::vector<bool> used(N, false);
  if (source >= 0 && !segs.front().split) energy += p.cost.send_energy_j(g.input_bytes(p.batch), source, segs.front().g);
  int split_stages = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto& sg = segs[i];
    Stage st;
    for (std::size_t l = sg.b; l < sg.e; ++l) st.layers.push_back(l);
    if (!sg.split) {
      const int gh = sg.g;
      st.hosts.push_back({gh, 1.0});
      used[static_cast<std::size_t>(gh)] = true;
      st.predicted_compute_s = rates.range_s(sg.b, sg.e, gh);
      const double in_b = sg.b == 0 ? g.input_bytes(p.batch) : g.output_bytes(sg.b - 1, p.batch);
      latency += (sg.from < 0 ? 0.0 : p.cost.send_s(in_b, sg.from, gh)) + st.predicted_compute_s;
      for (std::size_t l = sg.b; l < sg.e; ++l) energy += p.cost.compute_energy_j(l, gh);
      const double out_b = g.output_bytes(sg.e - 1, p.batch);
      if (i + 1 < segs.size() && !segs[i + 1].split) {
        st.predicted_send_s = p.cost.send_s(out_b, gh, segs[i + 1].g);
        energy += p.cost.send_energy_j(out_b, gh, segs[i + 1].g);
      } else if (i + 1 == segs.size() && sink >= 0) {
        st.predicted_send_s = p.cost.send_s(out_b, gh, sink);
        energy += p.cost.send_energy_j(out_b, gh, sink);
        latency += st.predicted_send_s;
      }
      // Sends to a split stage are that stage's receives (filled below).
    } else {
      ++split_stages;
      std::vector<model::LayerId> run(st.layers.begin(), st.layers.end());
      const int to = sg.g;
      auto r = time_split(p, rates, run, sg.hosts, sg.heights, sg.from, to);
      latency += r.finish_s;
      const double H = static_cast<double>(halo::height(g, sg.e - 1));
      double max_recv = 0;
      for (const auto& band : r.bands) {
        st.hosts.push_back({band.host, static_cast<double>(band.last_row - band.first_row + 1) / H});
        used[static_cast<std::size_t>(band.host)] = true;
        st.predicted_compute_s = std::max(st.predicted_compute_s, band.compute_s);
        st.predicted_send_s = std::max(st.predicted_send_s, band.send_s);
        max_recv = std::max(max_recv, band.recv_s);
        bottleneck = std::max({bottleneck, band.recv_s, band.compute_s, band.send_s});
        for (std::size_t j = 0; j < run.size(); ++j) {
          const double frac = static_cast<double>(band.layer_rows[j].second - band.layer_rows[j].first + 1) /
                              static_cast<double>(halo::height(g, run[j]));
          energy += frac * p.cost.compute_energy_j(run[j], band.host);
        }
        if (sg.from >= 0) energy += p.cost.send_energy_j(band.in_bytes, sg.from, band.host);
        if (to >= 0) energy += p.cost.send_energy_j(band.out_bytes, band.host, to);
      }
      // The previous single-host stage sends the input bands, in parallel (docs/OFPM.md); after a
      // split stage the gather host sends them.
      if (i > 0 && !segs[i - 1].split) plan.stages.back().predicted_send_s = max_recv;
      bottleneck = std::max(bottleneck, max_recv);
      st.bands = std::move(r.bands);
      st.gather_host = to;
    }
    bottleneck = std::max({bottleneck, st.predicted_compute_s, st.predicted_send_s});
    plan.stages.push_back(std::move(st));
  }
  for (std::size_t h = 0; h < N; ++h)
    if (used[h]) energy += p.hosts[h].idle_w * bottleneck;
  plan.predicted_latency_s = latency;
  plan.predicted_bottleneck_s = bottleneck;
  plan.predicted_energy_j = energy;
  plan.notes["split_stages"] = std::to_string(split_stages);
  return plan;
}

}  // namespace

Plan plan_hpm(const Problem& p, const Settings& s) {
  const auto& g = p.graph;
  const std::size_t L = g.size();
  const std::size_t N = p.hosts.size();
  if (L == 0) throw std::invalid_argument(s.name + ": the model has no layer");
  const auto outs = g.outputs();
  if (outs.size() != 1 || outs[0] != L - 1)
    throw std::invalid_argument(s.name + ": the model must have a single output, its last layer");
  LoadedRates rates(p, s.load);
  const int source = util::host_index(p, p.source_host);
  const int sink = util::host_index(p, p.sink_host);
  const int kEvery = static_cast<int>(N);  // state: no source, the input is on every host
  const auto cut = valid_cuts(g);
  const double factor = static_cast<double>(p.buffers) + 1.0;

  auto tensor_bytes = [&](std::size_t b) { return b == 0 ? g.input_bytes(p.batch) : g.output_bytes(b - 1, p.batch); };
  auto fits = [&](int host, double weights, double act_bytes) {
    const double mem = p.hosts[static_cast<std::size_t>(host)].memory_bytes;
    return mem <= 0 || weights + factor * act_bytes <= mem;
  };

  // best[b][h][kind]: least latency with layers < b done and their output on host h.
  std::vector<std::vector<std::array<double, 2>>> best(L + 1, std::vector<std::array<double, 2>>(N + 1, {kInf, kInf}));
  std::vector<std::vector<std::array<Choice, 2>>> parent(L + 1, std::vector<std::array<Choice, 2>>(N + 1));
  if (source >= 0) best[0][static_cast<std::size_t>(source)][kPlain] = 0;
  else best[0][N][kPlain] = 0;

  std::vector<double> weights_prefix(L + 1, 0);
  for (std::size_t l = 0; l < L; ++l) weights_prefix[l + 1] = weights_prefix[l] + g.weight_bytes(l);

  for (std::size_t b = 0; b < L; ++b) {
    if (!cut[b]) continue;
    for (std::size_t hs = 0; hs <= N; ++hs) {
      for (int kind : {kPlain, kGathered}) {
        const double base = best[b][hs][static_cast<std::size_t>(kind)];
        if (!std::isfinite(base)) continue;
        const int h = static_cast<int>(hs);
        const int from = h == kEvery ? -1 : h;
        const double in_b = tensor_bytes(b);
        std::vector<model::LayerId> run;
        std::string why_not;
        for (std::size_t e = b + 1; e <= L; ++e) {
          run.push_back(e - 1);
          if (why_not.empty()) why_not = halo::check_run(g, run);
          if (!cut[e]) continue;
          const double weights = weights_prefix[e] - weights_prefix[b];
          const double out_b = g.output_bytes(e - 1, p.batch);
          const int end_to = e == L ? sink : -1;
          auto relax = [&](std::size_t ee, int gs, int k, double t, Choice ch) {
            auto& cell = best[ee][static_cast<std::size_t>(gs)][static_cast<std::size_t>(k)];
            if (t < cell) {
              cell = t;
              parent[ee][static_cast<std::size_t>(gs)][static_cast<std::size_t>(k)] = ch;
            }
          };
          // Single-host segment [b, e) on host gh.
          for (int gh : s.hosts) {
            if (kind == kGathered && gh != h) continue;
            if (!fits(gh, weights, in_b + out_b)) continue;
            double t = base + (from < 0 ? 0.0 : p.cost.send_s(in_b, from, gh)) + rates.range_s(b, e, gh);
            if (e == L && sink >= 0) t += p.cost.send_s(out_b, gh, sink);
            if (!std::isfinite(t)) continue;
            relax(e, gh, kPlain, t, Choice{b, h, kind, false, gh});
          }
          // Split segment [b, e) over the hosts, gathered on gh (or sent to the sink at the end).
          if (!s.allow_split || !why_not.empty() || halo::height(g, e - 1) < 2 || s.hosts.size() < 2) continue;
          std::vector<int> targets = e == L ? std::vector<int>{end_to} : s.hosts;
          for (int to : targets) {
            auto heights = s.balanced ? balanced_heights(p, rates, run, s.hosts, from, to)
                                      : halo::equal_heights(halo::height(g, e - 1), static_cast<int>(s.hosts.size()));
            auto r = time_split(p, rates, run, s.hosts, heights, from, to);
            if (r.bands.size() < 2 || !std::isfinite(r.finish_s)) continue;
            bool ok = true;
            for (const auto& band : r.bands) ok = ok && fits(band.host, weights, band.in_bytes + band.out_bytes);
            if (!ok) continue;
            const int state = e == L ? (to >= 0 ? to : kEvery) : to;
            relax(e, state, e == L ? kPlain : kGathered, base + r.finish_s, Choice{b, h, kind, true, to});
          }
        }
      }
    }
  }

  // The best end state.
  double best_t = kInf;
  std::size_t bh = 0;
  int bk = 0;
  for (std::size_t hs = 0; hs <= N; ++hs)
    for (int k : {kPlain, kGathered})
      if (best[L][hs][static_cast<std::size_t>(k)] < best_t) best_t = best[L][hs][static_cast<std::size_t>(k)], bh = hs, bk = k;
  if (!std::isfinite(best_t)) {
    throw Infeasible({InfeasibleReason{-1, "", 0, 0,
                                       fmt::format("{}: no plan over the given hosts fits their memory "
                                                   "(or every host is fully loaded)", s.name)}});
  }

  // Rebuild the segments, first to last.
  std::vector<Segment> segs;
  std::size_t e = L;
  std::size_t hs = bh;
  int k = bk;
  while (e > 0) {
    const Choice ch = parent[e][hs][static_cast<std::size_t>(k)];
    Segment sg{ch.b, e, ch.h == kEvery ? -1 : ch.h, ch.split, ch.g, {}, {}};
    if (ch.split) {
      std::vector<model::LayerId> run;
      for (std::size_t l = ch.b; l < e; ++l) run.push_back(l);
      sg.hosts = s.hosts;
      sg.heights = s.balanced ? balanced_heights(p, rates, run, s.hosts, sg.from, sg.g)
                              : halo::equal_heights(halo::height(g, e - 1), static_cast<int>(s.hosts.size()));
    }
    segs.push_back(std::move(sg));
    e = ch.b;
    hs = static_cast<std::size_t>(ch.h);
    k = ch.kind;
  }
  std::reverse(segs.begin(), segs.end());
  double latency = 0;
  Plan plan = assemble(p, rates, segs, source, sink, latency);
  plan.partitioner = s.name;
  plan.predicted_latency_s = best_t;  // the DP's sum: equals `latency` up to rounding
  plan.notes["objective"] = "latency";
  return plan;
}

void evaluate_plan(const Problem& p, const std::vector<double>& load, Plan& plan) {
  const auto& g = p.graph;
  const std::size_t L = g.size();
  const int N = static_cast<int>(p.hosts.size());
  if (plan.stages.empty()) throw std::invalid_argument("evaluate_plan: the plan has no stage");
  const auto cut = valid_cuts(g);
  LoadedRates rates(p, load);
  const int source = util::host_index(p, p.source_host);
  const int sink = util::host_index(p, p.sink_host);
  auto check = [&](int h) {
    if (h < 0 || h >= N) throw std::invalid_argument(fmt::format("evaluate_plan: host {} beyond the platform", h));
  };
  std::vector<Segment> segs;
  std::size_t b = 0;
  int holder = source;  // host holding the next stage's input (-1: every host)
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    const Stage& st = plan.stages[k];
    const std::size_t e = b + st.layers.size();
    for (std::size_t j = 0; j < st.layers.size(); ++j)
      if (st.layers[j] != b + j) throw std::invalid_argument("evaluate_plan: stages are not consecutive layer ranges");
    if (e > L || !cut[b] || !cut[e]) throw std::invalid_argument("evaluate_plan: a stage boundary is not a chain cut");
    Segment sg{b, e, holder, false, -1, {}, {}};
    if (st.bands.size() > 1) {
      sg.split = true;
      for (const Band& band : st.bands) {
        check(band.host);
        sg.hosts.push_back(band.host);
        sg.heights.push_back(band.last_row - band.first_row + 1);
      }
      sg.g = e == L ? sink : st.gather_host;
      if (e < L) check(sg.g);
    } else {
      if (st.hosts.size() != 1) throw std::invalid_argument("evaluate_plan: a stage on several hosts has no bands");
      check(st.hosts[0].host);
      sg.g = st.hosts[0].host;
    }
    holder = sg.g;
    segs.push_back(std::move(sg));
    b = e;
  }
  if (b != L) throw std::invalid_argument("evaluate_plan: the stages do not cover the model");
  double latency = 0;
  Plan out = assemble(p, rates, segs, source, sink, latency);
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    plan.stages[k].predicted_compute_s = out.stages[k].predicted_compute_s;
    plan.stages[k].predicted_send_s = out.stages[k].predicted_send_s;
    if (!plan.stages[k].bands.empty()) plan.stages[k].bands = std::move(out.stages[k].bands);
  }
  plan.predicted_latency_s = out.predicted_latency_s;
  plan.predicted_bottleneck_s = out.predicted_bottleneck_s;
  plan.predicted_energy_j = out.predicted_energy_j;
}

}  // namespace hpm

namespace {

class OfpmPartitioner : public Partitioner {
 public:
  explicit OfpmPartitioner(Options options) : options_(std::move(options)) {}
  Plan partition(const Problem& p) const override {
    hpm::Settings s;
    s.name = "ofpm";
    s.balanced = true;
    s.hosts = hpm::candidate_hosts(p, options_);
    s.load = hpm::load_option(p, options_);
    return hpm::plan_hpm(p, s);
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo ofpm_info() {
  PartitionerInfo info;
  info.name = "ofpm";
  info.summary = "horizontal+vertical split, bands balanced by host rate, load and bandwidth (Shen 2023)";
  info.options = {
      {"hosts", OptionType::HostList, "", "hosts that may run stages or bands, bands top to bottom in this order; default: all", {}, false},
      {"load", OptionType::Tree, "", "map host -> CPU load in [0, 1] (compute stretches by 1 / (1 - load)); default 0", {}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<OfpmPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
