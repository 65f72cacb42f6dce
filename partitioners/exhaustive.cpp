// exhaustive: the oracle. Enumerates every contiguous chain plan (stage boundaries x a distinct
// host per stage) and keeps the best for the objective; refuses instances above a stated size.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"
#include "partitioners/evaluate.hpp"
#include "partitioners/pipeedge.hpp"

namespace edgesplit::partition {

namespace {

/// Index of the host called `name`, or -1 (empty name: none).
int host_named(const Problem& p, const std::string& name) {
  for (const auto& h : p.hosts)
    if (!name.empty() && h.name == name) return h.index;
  return -1;
}

// Size limits, stated in the error message and in `edgesplit partitioners`.
constexpr std::size_t kMaxLayers = 16;
constexpr std::size_t kMaxHosts = 16;
constexpr double kMaxPlans = 2e6;

/// Number of chain plans: sum over k of C(L-1, k-1) x (type sequences of length k within the
/// host counts). Hosts of one type are interchangeable, so only the type sequence matters.
double count_plans(std::size_t layers, const std::vector<int>& counts) {
  // Exponential generating function of bounded multiplicities: f[t] = sum prod 1/m_u!.
  std::size_t total = 0;
  for (int n : counts) total += static_cast<std::size_t>(n);
  std::vector<double> f(total + 1, 0.0);
  f[0] = 1;
  for (int n : counts) {
    std::vector<double> g(total + 1, 0.0);
    for (std::size_t t = 0; t <= total; ++t) {
      double inv_fact = 1;
      for (int m = 0; m <= n && static_cast<std::size_t>(m) <= t; ++m) {
        if (m > 0) inv_fact /= m;
        g[t] += f[t - static_cast<std::size_t>(m)] * inv_fact;
      }
    }
    f = g;
  }
  double plans = 0;
  for (std::size_t k = 1; k <= std::min(total, layers); ++k) {
    const double seqs = f[k] * std::tgamma(static_cast<double>(k) + 1);
    const double boundaries = std::tgamma(static_cast<double>(layers)) /
                              (std::tgamma(static_cast<double>(k)) * std::tgamma(static_cast<double>(layers - k) + 1));
    plans += seqs * boundaries;
  }
  return plans;
}

class Exhaustive : public Partitioner {
 public:
  Plan partition(const Problem& p) const override {
    const auto settings = chain::settings_from(p);
    const auto& o = p.options;
    const std::string objective = chain::has_option(o, "objective") ? o.get_string("objective") : "throughput";
    if (objective != "throughput" && objective != "latency" && objective != "energy")
      throw chain::option_error(o, "objective", fmt::format("expected throughput, latency or energy, found \"{}\"", objective));
    const double bound = chain::has_option(o, "max_bottleneck_s") ? o.get_double("max_bottleneck_s") : chain::kInf;
    // A bound equal to a plan's bottleneck computed elsewhere in another order of additions.
    const double bound_tol = bound * (1 + 1e-9);

    const auto& g = p.graph;
    const std::size_t l = g.size();
    if (l == 0) throw std::invalid_argument("exhaustive: the model has no layers");
    // Hosts grouped by type; hosts of one type are taken as identical (symmetry breaking).
    std::vector<std::vector<int>> type_hosts;
    std::map<std::string, std::size_t> index;
    for (const auto& h : p.hosts) {
      auto [it, added] = index.emplace(h.type, type_hosts.size());
      if (added) type_hosts.emplace_back();
      type_hosts[it->second].push_back(h.index);
    }
    std::vector<int> counts;
    for (const auto& t : type_hosts) counts.push_back(static_cast<int>(t.size()));
    const double plans = count_plans(l, counts);
    if (l > kMaxLayers || p.hosts.size() > kMaxHosts || plans > kMaxPlans) {
      throw std::runtime_error(fmt::format(
          "exhaustive: instance too large ({} layers, {} hosts, {:.3g} candidate plans); the limit is {} layers, "
          "{} hosts and {:.3g} candidate plans",
          l, p.hosts.size(), plans, kMaxLayers, kMaxHosts, kMaxPlans));
    }

    // Direct tables, computed independently of the DP's prefix sums.
    const std::size_t nh = p.hosts.size();
    const double scale = static_cast<double>(settings.batch) / static_cast<double>(p.cost.batch());
    std::vector<double> comp(nh * (l + 1) * (l + 1), 0.0), energy(comp.size(), 0.0);
    auto idx = [&](std::size_t h, std::size_t i, std::size_t j) { return (h * (l + 1) + i) * (l + 1) + j; };
    for (std::size_t h = 0; h < nh; ++h)
      for (std::size_t i = 0; i < l; ++i)
        for (std::size_t j = i + 1; j <= l; ++j) {
          double t = 0, e = 0;
          for (std::size_t x = i; x < j; ++x) {
            t += scale * p.cost.compute_s(x, static_cast<int>(h));
            e += scale * p.cost.compute_energy_j(x, static_cast<int>(h));
          }
          comp[idx(h, i, j)] = t;
          energy[idx(h, i, j)] = e;
        }
    // Bytes crossing cut j: the input while a later layer reads it, every layer output read
    // at or after j, and model outputs (no reader) at every later cut.
    std::vector<double> cut(l + 1, 0.0);
    for (std::size_t j = 0; j <= l; ++j) {
      bool input_crosses = j == 0;
      for (auto r : g.consumers(model::kInput)) input_crosses = input_crosses || r >= j;
      if (input_crosses) cut[j] += g.input_bytes(settings.batch);
      for (std::size_t x = 0; x < j; ++x) {
        const auto& readers = g.consumers(x);
        bool crosses = readers.empty();
        for (auto r : readers) crosses = crosses || r >= j;
        if (crosses) cut[j] += g.output_bytes(x, settings.batch);
      }
    }
    auto fits = [&](int h, std::size_t i, std::size_t j) {
      const double cap = p.hosts[static_cast<std::size_t>(h)].memory_bytes;
      if (cap <= 0) return true;
      double w = 0;
      for (std::size_t x = i; x < j; ++x) w += g.weight_bytes(x);
      const double need = w + (i > 0 ? settings.buffers_in * cut[i] : 0.0) + settings.buffers_out * cut[j] + cut[i] + cut[j];
      return need < cap;
    };
    std::vector<char> fit(comp.size(), 0);
    for (std::size_t h = 0; h < nh; ++h)
      for (std::size_t i = 0; i < l; ++i)
        for (std::size_t j = i + 1; j <= l; ++j) fit[idx(h, i, j)] = fits(static_cast<int>(h), i, j) ? 1 : 0;

    struct Chosen {
      int host;
      std::size_t begin, end;
    };
    std::vector<Chosen> current, best_plan;
    double best = chain::kInf;
    std::size_t enumerated = 0;
    std::vector<int> used(type_hosts.size(), 0);

    // acc_max: slowest finished stage so far; prev: the open stage (its send is not yet known).
    std::function<void(std::size_t, int, double, double, double, double, double)> go =
        [&](std::size_t i, int prev_host, double prev_comp, double acc_max, double acc_lat, double acc_energy,
            double idle_w) {
          for (std::size_t u = 0; u < type_hosts.size(); ++u) {
            if (used[u] >= counts[u]) continue;
            const int h = type_hosts[u][static_cast<std::size_t>(used[u])];
            double send = 0, send_e = 0;
            if (prev_host >= 0) {
              send = p.cost.send_s(cut[i], prev_host, h);
              send_e = p.cost.send_energy_j(cut[i], prev_host, h);
            }
            const double closed_max = prev_host >= 0 ? std::max({acc_max, prev_comp, send}) : acc_max;
            const double idle = idle_w + p.hosts[static_cast<std::size_t>(h)].idle_w;
            ++used[u];
            for (std::size_t j = i + 1; j <= l; ++j) {
              if (!fit[idx(static_cast<std::size_t>(h), i, j)]) continue;
              const double c = comp[idx(static_cast<std::size_t>(h), i, j)];
              const double lat = acc_lat + send + c;
              const double en = acc_energy + send_e + energy[idx(static_cast<std::size_t>(h), i, j)];
              current.push_back({h, i, j});
              if (j == l) {
                ++enumerated;
                const int sink = host_named(p, p.sink_host);
                const double out_s = sink >= 0 ? p.cost.send_s(cut[l], h, sink) : 0.0;
                const double out_e = sink >= 0 ? p.cost.send_energy_j(cut[l], h, sink) : 0.0;
                const double bottleneck = std::max({closed_max, c, out_s});
                if (bottleneck <= bound_tol) {
                  const double value = objective == "throughput" ? bottleneck
                                       : objective == "latency"  ? lat + out_s
                                                                 : en + out_e + idle * bottleneck;
                  if (value < best) {
                    best = value;
                    best_plan = current;
                  }
                }
              } else {
                go(j, h, c, closed_max, lat, en, idle);
              }
              current.pop_back();
            }
            --used[u];
          }
        };
    // A source host sends the input to the first stage as a pipeline element of its own: start
    // the recursion with it as the "previous stage" (no compute, no idle power).
    go(0, host_named(p, p.source_host), 0, 0, 0, 0, 0);

    if (best_plan.empty()) {
      InfeasibleReason r;
      r.message = std::isfinite(bound)
                      ? fmt::format("exhaustive: no plan fits the devices' memory with a slowest stage <= {} s", bound)
                      : std::string("exhaustive: no plan fits the devices' memory");
      throw Infeasible({r});
    }
    Plan plan;
    plan.partitioner = "exhaustive";
    for (const auto& c : best_plan) {
      Stage s;
      s.hosts.push_back({c.host, 1.0});
      for (std::size_t x = c.begin; x < c.end; ++x) s.layers.push_back(x);
      plan.stages.push_back(std::move(s));
    }
    evaluate(p, plan);
    plan.notes["objective"] = objective;
    plan.notes["objective_value"] = fmt::format("{}", best);
    plan.notes["plans_enumerated"] = fmt::format("{}", enumerated);
    return plan;
  }
};

}  // namespace

PartitionerInfo exhaustive_info() {
  auto options = chain::chain_option_specs();
  options.push_back({"objective", OptionType::Enum, "throughput", "what to minimise: slowest stage, latency or energy per inference",
                     {"throughput", "latency", "energy"}, false});
  options.push_back({"max_bottleneck_s", OptionType::Double, "", "only plans whose slowest stage is at most this (seconds)", {}, false});
  return {"exhaustive",
          fmt::format("oracle: every contiguous chain plan (<= {} layers, <= {} hosts, <= {:.0e} plans)", kMaxLayers,
                      kMaxHosts, kMaxPlans),
          options,
          [](const Options&) { return std::make_unique<Exhaustive>(); }};
}

}  // namespace edgesplit::partition
