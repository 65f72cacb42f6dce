// Placement bounds of the `ilp` partitioner: see ilp_bounds.hpp and docs/ILP.md.
#include "partitioners/ilp_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgesplit::partition {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Durations in seconds, per layer and candidate host, and the ancestor waits.
struct Durations {
  std::vector<std::vector<double>> c, wl;            // compute, weight load
  std::vector<char> weighted;
  std::vector<double> input_k;                       // model input ready on candidate k
  std::vector<std::vector<std::vector<double>>> tr;  // [u][a][b]: u's output sent from a to b
  std::vector<std::vector<double>> wait;             // [l][k]: l on k starts no earlier
};

Durations durations(const PlacementProblem& pp) {
  const Problem& p = pp.p;
  const model::Graph& graph = p.graph;
  const std::size_t L = graph.size(), K = pp.hosts.size();
  auto gidx = [&](model::LayerId l) { return static_cast<std::size_t>(pp.group_of[l]); };
  auto ok = [&](std::size_t g, std::size_t k) { return pp.allowed[g][k] != 0; };
  Durations d;
  d.c.assign(L, std::vector<double>(K));
  d.wl.assign(L, std::vector<double>(K));
  d.weighted.assign(L, 0);
  d.input_k.assign(K, 0.0);
  d.tr.assign(L, std::vector<std::vector<double>>(K, std::vector<double>(K, 0.0)));
  std::vector<double> wmin(L, kInf);
  for (model::LayerId l = 0; l < L; ++l) {
    d.weighted[l] = graph.weight_bytes(l) > 0;
    for (std::size_t k = 0; k < K; ++k) {
      d.c[l][k] = p.cost.compute_s(l, pp.hosts[k]);
      d.wl[l][k] = weight_load_s(p, l, pp.hosts[k], pp.w);
      if (ok(gidx(l), k)) wmin[l] = std::min(wmin[l], d.wl[l][k]);
      for (std::size_t b = 0; b < K; ++b)
        if (b != k) d.tr[l][k][b] = activation_transfer_s(p, l, pp.hosts[k], pp.hosts[b]);
    }
    if (!std::isfinite(wmin[l])) wmin[l] = 0;  // no host may hold it: nothing to bound
  }
  for (std::size_t k = 0; k < K; ++k) d.input_k[k] = input_arrival_s(p, pp.hosts[k]);

  // l on k waits for all its ancestors. A host h != k holding weighted ancestors finishes the
  // last of them only after loading all of them (L_h, its loading channel works in id order),
  // and a path from there to l then enters k: at least cross_in[k], the cheapest transfer into
  // k over a group edge among l's ancestors. k itself loads its share L_k before l starts. The
  // L's add up to at least anc_load (the cheapest loads of l's weighted ancestors), so with m
  // other hosts holding some, S[l] >= max(cross_in, (anc_load + m cross_in) / (m + 1)), and with
  // none, S[l] >= anc_load.
  const auto anc = graph.ancestors();  // anc[l][j]: j is an ancestor of l
  d.wait.assign(L, std::vector<double>(K, 0.0));
  for (model::LayerId l = 0; l < L; ++l) {
    double anc_load = 0;
    std::vector<double> cross_in(K, kInf);
    for (model::LayerId v = 0; v <= l; ++v) {
      if (v != l && !anc[l][v]) continue;
      if (v != l && d.weighted[v]) anc_load += wmin[v];
      for (auto u : graph.layer(v).inputs) {
        if (u == model::kInput || gidx(u) == gidx(v)) continue;
        for (std::size_t b = 0; b < K; ++b)
          for (std::size_t a = 0; a < K; ++a)
            if (a != b && ok(gidx(u), a) && ok(gidx(v), b)) cross_in[b] = std::min(cross_in[b], d.tr[u][a][b]);
      }
    }
    for (std::size_t k = 0; k < K; ++k) {
      double w = anc_load;
      for (std::size_t m = 1; m < K; ++m)
        w = std::min(w, std::max(cross_in[k], (anc_load + static_cast<double>(m) * cross_in[k]) / static_cast<double>(m + 1)));
      d.wait[l][k] = w;
    }
  }
  return d;
}

/// The bound for group gs on candidate ks: earliest finish times over the layers in id order,
/// with two states per layer, "on ks" or "on the cheapest other candidate allowed for its group"
/// (a transfer between two "other" candidates counts as free: they may be one host). The layers
/// of gs are on ks; along an edge inside a group the state is kept; a layer takes each input in
/// the state best for it (a relaxation: two consumers may see one producer in different states).
/// A layer starts no earlier than its ancestor wait, and, when weighted, than its own load; a
/// layer of gs also waits for the loads of gs's earlier layers on ks.
double bound_for(const PlacementProblem& pp, const Durations& d, std::size_t gs, std::size_t ks) {
  const Problem& p = pp.p;
  const model::Graph& graph = p.graph;
  const std::size_t L = graph.size(), K = pp.hosts.size();
  const bool preload = pp.w.preload;
  auto gidx = [&](model::LayerId l) { return static_cast<std::size_t>(pp.group_of[l]); };
  auto ok = [&](std::size_t g, std::size_t k) { return pp.allowed[g][k] != 0; };
  std::vector<double> on(L, kInf), off(L, kInf);
  double own = 0;  // loads of gs's layers so far, on ks
  for (model::LayerId l = 0; l < L; ++l) {
    const std::size_t g = gidx(l);
    const bool can_on = ok(g, ks);
    bool can_off = false;
    double c_off = kInf, w_off = kInf, in_off = kInf, wait_off = kInf;
    for (std::size_t k = 0; k < K; ++k)
      if (k != ks && ok(g, k) && g != gs) {
        can_off = true;
        c_off = std::min(c_off, d.c[l][k]);
        w_off = std::min(w_off, d.wl[l][k]);
        in_off = std::min(in_off, d.input_k[k]);
        wait_off = std::min(wait_off, d.wait[l][k]);
      }
    double arr_on = d.wait[l][ks], arr_off = can_off ? wait_off : kInf;
    for (auto u : graph.layer(l).inputs) {
      if (u == model::kInput) {
        arr_on = std::max(arr_on, d.input_k[ks]);
        arr_off = std::max(arr_off, in_off);
        continue;
      }
      double to_on = kInf, to_off = kInf;  // cheapest switch from the other state
      if (gidx(u) != g)
        for (std::size_t k = 0; k < K; ++k) {
          if (k == ks) continue;
          if (ok(gidx(u), k)) to_on = std::min(to_on, d.tr[u][k][ks]);
          if (ok(g, k)) to_off = std::min(to_off, d.tr[u][ks][k]);
        }
      arr_on = std::max(arr_on, std::min(on[u], off[u] + to_on));
      arr_off = std::max(arr_off, std::min(off[u], on[u] + to_off));
    }
    if (d.weighted[l] && g == gs) own += d.wl[l][ks];
    if (can_on) {
      // Preloaded: ready after its own load (and, in gs, after gs's loads up to l). On demand: its
      // load starts once its inputs are there; the channel has loaded gs's earlier layers before.
      const double w = d.weighted[l] ? d.wl[l][ks] : 0.0;
      const double ready = g == gs ? own : 0.0;
      on[l] = (preload ? std::max({arr_on, w, ready}) : std::max(arr_on + w, ready)) + d.c[l][ks];
    }
    if (can_off) {
      const double w = d.weighted[l] ? w_off : 0.0;
      off[l] = (preload ? std::max(arr_off, w) : arr_off + w) + c_off;
    }
  }
  double bound = 0;
  for (auto o : graph.outputs()) {
    double best = on[o] + output_delivery_s(p, o, pp.hosts[ks]);
    for (std::size_t k = 0; k < K; ++k)
      if (k != ks && ok(gidx(o), k) && gidx(o) != gs) best = std::min(best, off[o] + output_delivery_s(p, o, pp.hosts[k]));
    bound = std::max(bound, best);
  }
  return bound;
}

}  // namespace

std::vector<std::vector<double>> placement_bounds_s(const PlacementProblem& pp) {
  const std::size_t K = pp.hosts.size();
  std::vector<std::vector<double>> out(pp.groups, std::vector<double>(K, kInf));
  if (pp.groups == 0 || K == 0) return out;
  const Durations d = durations(pp);
  for (std::size_t g = 0; g < pp.groups; ++g)
    for (std::size_t k = 0; k < K; ++k)
      if (pp.allowed[g][k]) out[g][k] = bound_for(pp, d, g, k);
  return out;
}

}  // namespace edgesplit::partition
