// pipeedge-energy: least energy per inference on PipeEdge's states, subject to slowest stage
// <= (1 + slack) x the throughput optimum (after the Alshams thesis, KAUST 2023); optionally the
// whole (bottleneck, energy) Pareto front.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"
#include "partitioners/pipeedge.hpp"

namespace edgesplit::partition {

namespace {

struct Point {
  double bottleneck_s = 0, energy_j = 0;
  std::vector<chain::ChainStage> stages;
};

/// Least-energy plan among those whose every stage cost is <= t. Energy counts the idle power
/// over the period t in the DP, then is re-costed over the plan's own bottleneck (<= t); solving
/// at every candidate t and keeping the least re-costed energy is exact, since the optimum's own
/// bottleneck is one of the candidates.
std::optional<Point> solve_at(const chain::ChainInstance& c, double t) {
  const auto sol = chain::min_additive(c, chain::Additive::Energy, t, t);
  if (!sol.feasible) return std::nullopt;
  Point pt;
  pt.bottleneck_s = chain::bottleneck_of(c, sol.stages);
  pt.energy_j = chain::energy_of(c, sol.stages, pt.bottleneck_s);
  pt.stages = sol.stages;
  return pt;
}

bool better(const Point& a, const Point& b) {
  return a.energy_j < b.energy_j || (a.energy_j == b.energy_j && a.bottleneck_s < b.bottleneck_s);
}

class PipeEdgeEnergy : public Partitioner {
 public:
  Plan partition(const Problem& p) const override {
    const auto settings = chain::settings_from(p);
    const auto& o = p.options;
    const double slack = chain::has_option(o, "slack") ? o.get_double("slack") : 0.0;
    if (!(slack >= 0) || !std::isfinite(slack))
      throw chain::option_error(o, "slack", fmt::format("expected a number >= 0, found {}", slack));
    const bool pareto = chain::has_option(o, "pareto") && o.get_bool("pareto");
    if (p.graph.size() == 0) throw std::invalid_argument("pipeedge-energy: the model has no layers");

    const auto c = chain::build_chain(p, settings);
    const auto fastest = chain::min_bottleneck(c);
    if (!fastest.feasible) {
      InfeasibleReason r;
      r.message = "pipeedge-energy: no plan fits the devices' memory";
      throw Infeasible({r});
    }
    const double t_opt = fastest.value;
    const double bound = (1 + slack) * t_opt;
    auto cands = chain::candidate_bottlenecks(c);
    cands.erase(cands.begin(), std::lower_bound(cands.begin(), cands.end(), t_opt));

    std::optional<Point> chosen;
    for (double t : cands) {
      if (t > bound) break;
      if (auto pt = solve_at(c, t); pt && (!chosen || better(*pt, *chosen))) chosen = pt;
    }
    if (!chosen) throw std::logic_error("pipeedge-energy: no plan within the throughput optimum");

    std::vector<Point> front;
    std::size_t solves = 0;
    if (pareto) {
      // Lower bound of any plan's energy at period >= t: least dynamic energy + least idle power x t.
      const auto dyn = chain::min_additive(c, chain::Additive::Energy, chain::kInf, 0);
      double idle_min = chain::kInf;
      for (double w : c.idle_w) idle_min = std::min(idle_min, w);
      double best_e = chain::kInf;
      std::vector<Point> all;
      for (double t : cands) {
        if (dyn.value + idle_min * t >= best_e) break;  // nothing later can have less energy
        ++solves;
        if (auto pt = solve_at(c, t)) {
          best_e = std::min(best_e, pt->energy_j);
          all.push_back(std::move(*pt));
        }
      }
      all.push_back(*chosen);
      std::sort(all.begin(), all.end(), [](const Point& a, const Point& b) {
        return a.bottleneck_s < b.bottleneck_s || (a.bottleneck_s == b.bottleneck_s && a.energy_j < b.energy_j);
      });
      double least = chain::kInf;
      for (auto& pt : all)
        if (pt.energy_j < least) {
          least = pt.energy_j;
          front.push_back(std::move(pt));
        }
    }

    Plan plan = chain::to_plan(p, c, chosen->stages, "pipeedge-energy");
    for (const auto& pt : front) {
      ParetoPoint pp;
      pp.bottleneck_s = pt.bottleneck_s;
      pp.energy_j = pt.energy_j;
      pp.chosen = pt.bottleneck_s == chosen->bottleneck_s && pt.energy_j == chosen->energy_j;
      plan.pareto.push_back(pp);
    }
    plan.notes["throughput_optimum_s"] = fmt::format("{}", t_opt);
    plan.notes["bottleneck_bound_s"] = fmt::format("{}", bound);
    plan.notes["dp_energy_j"] = fmt::format("{}", chosen->energy_j);
    if (pareto) plan.notes["pareto_solves"] = fmt::format("{}", solves);
    return plan;
  }
};

}  // namespace

PartitionerInfo pipeedge_energy_info() {
  auto options = chain::chain_option_specs();
  options.push_back({"slack", OptionType::Double, "0",
                     "allowed slowdown: slowest stage <= (1 + slack) x the throughput optimum", {}, false});
  options.push_back({"pareto", OptionType::Bool, "false", "also return the whole (bottleneck, energy) Pareto front", {}, false});
  return {"pipeedge-energy",
          "PipeEdge states, least energy per inference within a slowdown bound (exact), optional Pareto front",
          options,
          [](const Options&) { return std::make_unique<PipeEdgeEnergy>(); }};
}

}  // namespace edgesplit::partition
