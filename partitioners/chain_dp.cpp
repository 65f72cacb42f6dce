// Exact dynamic programs over contiguous chain plans and device types (PipeEdge, Hu et al.,
// DSD 2022): a bitset feasibility DP searched over candidate bottlenecks, and a value DP for
// additive objectives (latency, energy under a bottleneck bound).
#include "partitioners/chain_dp.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "partitioners/evaluate.hpp"

namespace edgesplit::partition::chain {

namespace {

using Word = std::uint64_t;

// Limits on the DP tables, so a huge instance fails with a message instead of exhausting memory.
constexpr double kMaxBitsetWords = 1u << 26;   // 512 MiB of reach bitsets
constexpr double kMaxValueEntries = 1u << 25;  // 256 MiB of doubles

/// Mixed-radix encoding of the multiset of types used: digit u in 0..n_u.
struct Radix {
  std::vector<std::size_t> place;  ///< place[u] = prod_{k<u} (n_k + 1); place[K] = number of multisets
  std::vector<int> max_digit;

  explicit Radix(const ChainInstance& c) {
    const std::size_t k = c.types();
    place.assign(k + 1, 1);
    max_digit.resize(k);
    double total = 1;
    for (std::size_t u = 0; u < k; ++u) {
      max_digit[u] = c.count(u);
      total *= static_cast<double>(max_digit[u] + 1);
      if (total > 1e15) throw std::runtime_error("pipeedge: too many device types and hosts for the DP");
      place[u + 1] = place[u] * static_cast<std::size_t>(max_digit[u] + 1);
    }
  }
  std::size_t size() const { return place.back(); }
  int digit(std::size_t s, std::size_t u) const {
    return static_cast<int>((s / place[u]) % static_cast<std::size_t>(max_digit[u] + 1));
  }
  /// Odometer step of the digits of s to those of s + 1.
  void next(std::vector<int>& d) const {
    for (std::size_t u = 0; u < d.size(); ++u) {
      if (++d[u] <= max_digit[u]) return;
      d[u] = 0;
    }
  }
};

/// Feasibility of "every stage cost <= T" as reach bitsets: reach[S][u] holds the positions i
/// such that layers 0..i-1 fit on stages whose types form S, each within T, and the stage
/// starting at i runs on type u (its incoming send already checked against T).
class Decision {
 public:
  explicit Decision(const ChainInstance& c) : c_(c), radix_(c) {
    k_ = c.types();
    l_ = c.layers;
    w_ = (l_ + 1 + 63) / 64;
    const double words = static_cast<double>(radix_.size()) * static_cast<double>(k_) * static_cast<double>(w_);
    if (words > kMaxBitsetWords) {
      throw std::runtime_error(fmt::format(
          "pipeedge: the DP needs {:.3g} state words (types x multisets x layers/64), above its limit of {:.3g}",
          words, kMaxBitsetWords));
    }
    fit_.assign(k_ * (l_ + 1) * w_, 0);
    for (std::size_t u = 0; u < k_; ++u)
      for (std::size_t i = 0; i < l_; ++i)
        for (std::size_t j = i + 1; j <= l_; ++j)
          if (c.fits(u, i, j)) set(&fit_[(u * (l_ + 1) + i) * w_], j);
    ok_.assign(fit_.size(), 0);
    send_ok_.assign(k_ * k_ * w_, 0);
    reach_.assign(radix_.size() * k_ * w_, 0);
  }

  /// True when some plan has every stage cost <= t. The search stops at the first complete
  /// plan; every state it needs to rebuild that plan is final by then (predecessors come first).
  bool run(double t) {
    for (std::size_t u = 0; u < k_; ++u)
      for (std::size_t i = 0; i < l_; ++i) {
        const Word* fit = &fit_[(u * (l_ + 1) + i) * w_];
        Word* ok = &ok_[(u * (l_ + 1) + i) * w_];
        std::fill(ok, ok + w_, 0);
        for (std::size_t j = i + 1; j <= l_; ++j)
          if (test(fit, j) && c_.compute(u, i, j) <= t) set(ok, j);
      }
    std::fill(send_ok_.begin(), send_ok_.end(), 0);
    for (std::size_t u = 0; u < k_; ++u)
      for (std::size_t v = 0; v < k_; ++v)
        for (std::size_t j = 1; j < l_; ++j)
          if (c_.send(u, v, j) <= t) set(&send_ok_[(u * k_ + v) * w_], j);

    std::fill(reach_.begin(), reach_.end(), 0);
    for (std::size_t u = 0; u < k_; ++u)
      if (c_.source_s[u] <= t) set(&reach_[u * w_], 0);
    std::vector<int> d(k_, 0);
    std::vector<Word> span(w_);
    const std::size_t m = radix_.size();
    for (std::size_t s = 0; s < m; radix_.next(d), ++s) {
      for (std::size_t u = 0; u < k_; ++u) {
        if (d[u] >= radix_.max_digit[u]) continue;
        const Word* r = &reach_[(s * k_ + u) * w_];
        // span = every end j reachable by one stage on u from any start in r.
        std::fill(span.begin(), span.end(), 0);
        bool any = false;
        for (std::size_t w = 0; w < w_; ++w) {
          for (Word bits = r[w]; bits != 0; bits &= bits - 1) {
            const std::size_t i = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            const Word* ok = &ok_[(u * (l_ + 1) + i) * w_];
            for (std::size_t x = 0; x < w_; ++x) span[x] |= ok[x];
            any = true;
          }
        }
        if (!any) continue;
        if (test(span.data(), l_) && c_.sink_s[u] <= t) {
          found_s_ = s;
          found_u_ = u;
          return true;
        }
        const std::size_t s2 = s + radix_.place[u];
        for (std::size_t v = 0; v < k_; ++v) {
          const int dv = d[v] + (v == u ? 1 : 0);
          if (dv >= radix_.max_digit[v]) continue;
          const Word* sok = &send_ok_[(u * k_ + v) * w_];
          Word* target = &reach_[(s2 * k_ + v) * w_];
          for (std::size_t x = 0; x < w_; ++x) target[x] |= span[x] & sok[x];
        }
      }
    }
    return false;
  }

  /// The stages of the plan found by the last successful run().
  std::vector<ChainStage> rebuild() const {
    std::vector<ChainStage> rev;
    std::size_t s = found_s_, u = found_u_;
    // The last stage: a start in reach[s][u] from which one stage reaches L.
    std::size_t i = l_ + 1;
    const Word* r = &reach_[(s * k_ + u) * w_];
    for (std::size_t x = 0; x <= l_ && i > l_; ++x)
      if (test(r, x) && test(&ok_[(u * (l_ + 1) + x) * w_], l_)) i = x;
    if (i > l_) throw std::logic_error("pipeedge: rebuild found no last stage");
    rev.push_back({u, i, l_});
    while (i > 0) {
      bool stepped = false;
      for (std::size_t pu = 0; pu < k_ && !stepped; ++pu) {
        if (radix_.digit(s, pu) == 0) continue;
        const std::size_t ps = s - radix_.place[pu];
        if (!test(&send_ok_[(pu * k_ + u) * w_], i)) continue;
        const Word* pr = &reach_[(ps * k_ + pu) * w_];
        for (std::size_t pi = 0; pi < i; ++pi) {
          if (test(pr, pi) && test(&ok_[(pu * (l_ + 1) + pi) * w_], i)) {
            rev.push_back({pu, pi, i});
            s = ps;
            u = pu;
            i = pi;
            stepped = true;
            break;
          }
        }
      }
      if (!stepped) throw std::logic_error("pipeedge: rebuild found no predecessor");
    }
    return {rev.rbegin(), rev.rend()};
  }

 private:
  static void set(Word* b, std::size_t j) { b[j / 64] |= Word{1} << (j % 64); }
  static bool test(const Word* b, std::size_t j) { return ((b[j / 64] >> (j % 64)) & 1u) != 0; }

  const ChainInstance& c_;
  Radix radix_;
  std::size_t k_ = 0, l_ = 0, w_ = 1;
  std::vector<Word> fit_, ok_, send_ok_, reach_;
  std::size_t found_s_ = 0, found_u_ = 0;
};

}  // namespace

double ChainInstance::stage_memory_bytes(std::size_t i, std::size_t j) const {
  const double in = cut_bytes[i], out = cut_bytes[j];
  double mem = weight_prefix_bytes[j] - weight_prefix_bytes[i];
  if (i > 0) mem += settings.buffers_in * in;  // the first stage reads the input without receive buffers
  mem += settings.buffers_out * out;
  mem += in + out;  // one input and one output processing buffer
  return mem;
}

bool ChainInstance::fits(std::size_t u, std::size_t i, std::size_t j) const {
  if (memory_bytes[u] <= 0) return true;
  const double need = stage_memory_bytes(i, j);
  if (need < memory_bytes[u]) return true;
  // A reprogramming CIM type (docs/CIM.md): only the activation buffers must fit.
  return rewrite_s_per_byte[u] > 0 && need - (weight_prefix_bytes[j] - weight_prefix_bytes[i]) < memory_bytes[u];
}

ChainInstance build_chain(const Problem& p, const ChainSettings& settings) {
  ChainInstance c;
  c.settings = settings;
  const auto& g = p.graph;
  const std::size_t l = g.size();
  c.layers = l;
  std::map<std::string, std::size_t> index;
  for (const auto& h : p.hosts) {
    auto [it, added] = index.emplace(h.type, c.type_names.size());
    if (added) {
      c.type_names.push_back(h.type);
      c.type_hosts.emplace_back();
    }
    c.type_hosts[it->second].push_back(h.index);
  }
  const std::size_t k = c.types();
  // Profiles and the analytic model are linear in the batch: scale from the cost model's batch.
  const double scale = static_cast<double>(settings.batch) / static_cast<double>(p.cost.batch());
  c.compute_prefix_s.assign(k, std::vector<double>(l + 1, 0.0));
  c.energy_prefix_j.assign(k, std::vector<double>(l + 1, 0.0));
  for (std::size_t u = 0; u < k; ++u) {
    const int rep = c.type_hosts[u].front();
    for (std::size_t x = 0; x < l; ++x) {
      c.compute_prefix_s[u][x + 1] = c.compute_prefix_s[u][x] + scale * p.cost.compute_s(x, rep);
      c.energy_prefix_j[u][x + 1] = c.energy_prefix_j[u][x] + scale * p.cost.compute_energy_j(x, rep);
    }
    const auto& hv = p.hosts.at(static_cast<std::size_t>(rep));
    c.idle_w.push_back(hv.idle_w);
    c.memory_bytes.push_back(hv.memory_bytes);
    // Reprogramming: linear in the overflow, so the cost of one byte gives every stage's.
    c.rewrite_s_per_byte.push_back(p.cost.reprograms(rep) ? p.cost.reprogram_s(1.0, rep) : 0.0);
    c.rewrite_j_per_byte.push_back(p.cost.reprograms(rep) ? p.cost.reprogram_energy_j(1.0, rep) : 0.0);
  }
  c.weight_prefix_bytes.assign(l + 1, 0.0);
  for (std::size_t x = 0; x < l; ++x) c.weight_prefix_bytes[x + 1] = c.weight_prefix_bytes[x] + g.weight_bytes(x);

  // Cut bytes by a difference array: a tensor crosses every cut between its producer and its
  // last reader; a model output (no reader) crosses every later cut up to L.
  std::vector<double> diff(l + 2, 0.0);
  auto add = [&](std::size_t from, std::size_t to, double bytes) {
    if (from > to) return;
    diff[from] += bytes;
    diff[to + 1] -= bytes;
  };
  {
    std::size_t last = 0;
    for (auto r : g.consumers(model::kInput)) last = std::max(last, r);
    add(0, last, g.input_bytes(settings.batch));
  }
  for (std::size_t x = 0; x < l; ++x) {
    const auto& readers = g.consumers(x);
    std::size_t last = l;
    if (!readers.empty()) last = *std::max_element(readers.begin(), readers.end());
    add(x + 1, last, g.output_bytes(x, settings.batch));
  }
  c.cut_bytes.assign(l + 1, 0.0);
  double run = 0;
  for (std::size_t j = 0; j <= l; ++j) {
    run += diff[j];
    c.cut_bytes[j] = run;
  }

  c.send_s.assign(k * k * (l + 1), kInf);
  c.send_energy_j.assign(k * k * (l + 1), 0.0);
  for (std::size_t u = 0; u < k; ++u)
    for (std::size_t v = 0; v < k; ++v) {
      const int a = c.type_hosts[u].front();
      int b = c.type_hosts[v].front();
      if (u == v) {
        if (c.type_hosts[v].size() < 2) continue;  // no second host of this type
        b = c.type_hosts[v][1];
      }
      for (std::size_t j = 1; j < l; ++j) {
        c.send_s[(u * k + v) * (l + 1) + j] = p.cost.send_s(c.cut_bytes[j], a, b);
        c.send_energy_j[(u * k + v) * (l + 1) + j] = p.cost.send_energy_j(c.cut_bytes[j], a, b);
      }
    }
  // Source and sink transfers, costed from the representative (first) host of each type.
  const int source = p.source_host.empty() ? -1 : [&] {
    for (const auto& h : p.hosts)
      if (h.name == p.source_host) return h.index;
    return -1;
  }();
  const int sink = p.sink_host.empty() ? -1 : [&] {
    for (const auto& h : p.hosts)
      if (h.name == p.sink_host) return h.index;
    return -1;
  }();
  c.source_s.assign(k, 0.0);
  c.source_energy_j.assign(k, 0.0);
  c.sink_s.assign(k, 0.0);
  c.sink_energy_j.assign(k, 0.0);
  for (std::size_t u = 0; u < k; ++u) {
    const int rep = c.type_hosts[u].front();
    if (source >= 0) {
      c.source_s[u] = p.cost.send_s(c.cut_bytes[0], source, rep);
      c.source_energy_j[u] = p.cost.send_energy_j(c.cut_bytes[0], source, rep);
    }
    if (sink >= 0) {
      c.sink_s[u] = p.cost.send_s(c.cut_bytes[l], rep, sink);
      c.sink_energy_j[u] = p.cost.send_energy_j(c.cut_bytes[l], rep, sink);
    }
  }
  return c;
}

double bottleneck_of(const ChainInstance& c, const std::vector<ChainStage>& stages) {
  double b = 0;
  if (!stages.empty()) b = std::max(c.source_s[stages.front().type], c.sink_s[stages.back().type]);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto& st = stages[s];
    b = std::max(b, c.compute(st.type, st.begin, st.end));
    if (s + 1 < stages.size()) b = std::max(b, c.send(st.type, stages[s + 1].type, st.end));
  }
  return b;
}

double latency_of(const ChainInstance& c, const std::vector<ChainStage>& stages) {
  double t = 0;
  if (!stages.empty()) t = c.source_s[stages.front().type] + c.sink_s[stages.back().type];
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto& st = stages[s];
    t += c.compute(st.type, st.begin, st.end);
    if (s + 1 < stages.size()) t += c.send(st.type, stages[s + 1].type, st.end);
  }
  return t;
}

double energy_of(const ChainInstance& c, const std::vector<ChainStage>& stages, double period_s) {
  double e = 0;
  if (!stages.empty()) e = c.source_energy_j[stages.front().type] + c.sink_energy_j[stages.back().type];
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto& st = stages[s];
    e += c.energy(st.type, st.begin, st.end) + c.idle_w[st.type] * period_s;
    if (s + 1 < stages.size()) e += c.send_energy(st.type, stages[s + 1].type, st.end);
  }
  return e;
}

std::vector<double> candidate_bottlenecks(const ChainInstance& c) {
  std::vector<double> out;
  const std::size_t k = c.types(), l = c.layers;
  for (std::size_t u = 0; u < k; ++u)
    for (std::size_t i = 0; i < l; ++i)
      for (std::size_t j = i + 1; j <= l; ++j)
        if (c.fits(u, i, j)) out.push_back(c.compute(u, i, j));
  for (std::size_t u = 0; u < k; ++u)
    for (std::size_t v = 0; v < k; ++v)
      for (std::size_t j = 1; j < l; ++j)
        if (c.send(u, v, j) < kInf) out.push_back(c.send(u, v, j));
  for (std::size_t u = 0; u < k; ++u) {
    out.push_back(c.source_s[u]);
    out.push_back(c.sink_s[u]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ChainSolution min_bottleneck(const ChainInstance& c) {
  ChainSolution sol;
  if (c.layers == 0 || c.types() == 0) return sol;
  const auto cands = candidate_bottlenecks(c);
  if (cands.empty()) return sol;
  Decision dp(c);
  // The optimum is the least candidate T for which every stage can stay within T.
  if (!dp.run(cands.back())) return sol;
  std::size_t lo = 0, hi = cands.size() - 1;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (dp.run(cands[mid]))
      hi = mid;
    else
      lo = mid + 1;
  }
  if (!dp.run(cands[lo])) throw std::logic_error("pipeedge: feasibility not monotone");
  sol.feasible = true;
  sol.stages = dp.rebuild();
  sol.value = bottleneck_of(c, sol.stages);
  return sol;
}

ChainSolution min_additive(const ChainInstance& c, Additive kind, double bound_s, double period_s) {
  ChainSolution sol;
  if (c.layers == 0 || c.types() == 0) return sol;
  const Radix radix(c);
  const std::size_t k = c.types(), l = c.layers, m = radix.size();
  const double entries = static_cast<double>(m) * static_cast<double>(k) * static_cast<double>(l + 1);
  if (entries > kMaxValueEntries) {
    throw std::runtime_error(fmt::format(
        "{}: the DP needs {:.3g} states (multisets x types x layers), above its limit of {:.3g}",
        kind == Additive::Latency ? "latency DP" : "energy DP", entries, kMaxValueEntries));
  }
  std::vector<double> h(m * k * (l + 1), kInf);
  auto at = [&](std::size_t s, std::size_t u, std::size_t i) -> double& { return h[(s * k + u) * (l + 1) + i]; };
  auto stage_cost = [&](std::size_t u, std::size_t i, std::size_t j) {
    return kind == Additive::Latency ? c.compute(u, i, j) : c.energy(u, i, j) + c.idle_w[u] * period_s;
  };
  auto edge_cost = [&](std::size_t u, std::size_t v, std::size_t j) {
    return kind == Additive::Latency ? c.send(u, v, j) : c.send_energy(u, v, j);
  };
  auto stage_ok = [&](std::size_t u, std::size_t i, std::size_t j) {
    return c.fits(u, i, j) && c.compute(u, i, j) <= bound_s;
  };
  for (std::size_t u = 0; u < k; ++u)
    if (c.source_s[u] <= bound_s) at(0, u, 0) = kind == Additive::Latency ? c.source_s[u] : c.source_energy_j[u];
  // Stage ends that fit, per (u, i), ascending. Without reprogramming a type's compute grows with j,
  // so the scan of a start stops at the first end above the bound.
  std::vector<std::vector<std::uint32_t>> fit_ends(k * l);
  for (std::size_t u = 0; u < k; ++u)
    for (std::size_t i = 0; i < l; ++i)
      for (std::size_t j = i + 1; j <= l; ++j)
        if (c.fits(u, i, j)) fit_ends[u * l + i].push_back(static_cast<std::uint32_t>(j));
  double best = kInf;
  std::size_t best_s = 0, best_u = 0, best_i = 0;
  std::vector<int> d(k, 0);
  // Per (s, u): end[j] = least value of a stage on u ending at j (h + stage cost, min over its
  // start), then one pass over the ends adds the send to each next type. min(x_i) + e equals
  // min(x_i + e) exactly (rounding is monotone), so the values match the rebuild's sums.
  std::vector<double> end(l + 1);
  std::vector<std::size_t> end_from(l + 1);
  for (std::size_t s = 0; s < m; radix.next(d), ++s) {
    for (std::size_t u = 0; u < k; ++u) {
      if (d[u] >= radix.max_digit[u]) continue;
      const bool monotone = c.rewrite_s_per_byte[u] <= 0;
      std::fill(end.begin(), end.end(), kInf);
      bool any = false;
      for (std::size_t i = 0; i < l; ++i) {
        const double hv = at(s, u, i);
        if (hv == kInf) continue;
        for (const std::uint32_t j : fit_ends[u * l + i]) {
          if (!(c.compute(u, i, j) <= bound_s)) {
            if (monotone) break;
            continue;
          }
          const double hs = hv + stage_cost(u, i, j);
          if (hs < end[j]) {
            end[j] = hs;
            end_from[j] = i;
            any = true;
          }
        }
      }
      if (!any) continue;
      if (end[l] < kInf && c.sink_s[u] <= bound_s) {
        const double hs_end = end[l] + (kind == Additive::Latency ? c.sink_s[u] : c.sink_energy_j[u]);
        if (hs_end < best) {
          best = hs_end;
          best_s = s;
          best_u = u;
          best_i = end_from[l];
        }
      }
      const std::size_t s2 = s + radix.place[u];
      for (std::size_t v = 0; v < k; ++v) {
        const int dv = d[v] + (v == u ? 1 : 0);
        if (dv >= radix.max_digit[v]) continue;
        for (std::size_t j = 1; j < l; ++j) {
          if (end[j] == kInf || !(c.send(u, v, j) <= bound_s)) continue;
          const double val = end[j] + edge_cost(u, v, j);
          double& target = at(s2, v, j);
          if (val < target) target = val;
        }
      }
    }
  }
  if (best == kInf) return sol;
  // Rebuild by recomputing each predecessor's value with the same operations (exact equality).
  std::vector<ChainStage> rev{{best_u, best_i, l}};
  std::size_t s = best_s, u = best_u, i = best_i;
  while (i > 0) {
    const double target = at(s, u, i);
    bool stepped = false;
    for (std::size_t pu = 0; pu < k && !stepped; ++pu) {
      if (radix.digit(s, pu) == 0) continue;
      const std::size_t ps = s - radix.place[pu];
      if (!(c.send(pu, u, i) <= bound_s)) continue;
      for (std::size_t pi = 0; pi < i; ++pi) {
        const double hv = at(ps, pu, pi);
        if (hv == kInf || !stage_ok(pu, pi, i)) continue;
        if (hv + stage_cost(pu, pi, i) + edge_cost(pu, u, i) == target) {
          rev.push_back({pu, pi, i});
          s = ps;
          u = pu;
          i = pi;
          stepped = true;
          break;
        }
      }
    }
    if (!stepped) throw std::logic_error("chain DP: rebuild found no predecessor");
  }
  sol.feasible = true;
  sol.value = best;
  sol.stages.assign(rev.rbegin(), rev.rend());
  return sol;
}

Plan to_plan(const Problem& p, const ChainInstance& c, const std::vector<ChainStage>& stages, const std::string& name) {
  Plan plan;
  plan.partitioner = name;
  std::vector<std::size_t> used(c.types(), 0);
  for (const auto& st : stages) {
    Stage s;
    s.hosts.push_back({c.type_hosts[st.type].at(used[st.type]++), 1.0});
    for (std::size_t x = st.begin; x < st.end; ++x) s.layers.push_back(x);
    plan.stages.push_back(std::move(s));
  }
  evaluate(p, plan);
  return plan;
}

bool has_option(const Options& o, const std::string& name) {
  auto it = o.values().find(name);
  return it != o.values().end() && it->second.kind != config::Node::Kind::Null;
}

config::InputError option_error(const Options& o, const std::string& name, const std::string& message) {
  config::Diagnostic d;
  d.key = "partitioner.options." + name;
  d.message = message;
  if (o.has(name)) {
    const auto& n = o.node(name);
    d.loc = n.loc;
    if (!n.key.empty()) d.key = n.key;
  }
  return config::InputError(d);
}

ChainSettings settings_from(const Problem& p) {
  ChainSettings s;
  const auto& o = p.options;
  s.batch = has_option(o, "batch") ? static_cast<int>(o.get_int("batch")) : p.batch;
  if (s.batch < 1) throw option_error(o, "batch", fmt::format("expected an integer >= 1, found {}", s.batch));
  auto buffers = [&](const char* name) {
    const std::int64_t b = has_option(o, name) ? o.get_int(name) : p.buffers;
    if (b < 0) throw option_error(o, name, fmt::format("expected an integer >= 0, found {}", b));
    return static_cast<double>(b);
  };
  s.buffers_in = buffers("buffers_in");
  s.buffers_out = buffers("buffers_out");
  return s;
}

std::vector<OptionSpec> chain_option_specs() {
  return {
      {"batch", OptionType::Int, "", "samples per micro-batch for bytes and compute (default: the scenario's batch)", {}, false},
      {"buffers_in", OptionType::Int, "", "receive buffers per stage in the memory rule (default: workload.buffers)", {}, false},
      {"buffers_out", OptionType::Int, "", "send buffers per stage in the memory rule (default: workload.buffers)", {}, false},
  };
}

}  // namespace edgesplit::partition::chain
