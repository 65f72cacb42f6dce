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

/// Interval search over the sorted candidate bottlenecks (exact; docs/CIM.md "pipeedge-energy's
/// search"). Every plan's bottleneck is a candidate, so a plan whose bottleneck lies in
/// [cands[lo], cands[hi]] is in the DP's feasible set at bound cands[hi] and its energy (idle
/// power over its own bottleneck >= cands[lo]) is at least the DP value with bound cands[hi] and
/// idle period cands[lo]. An interval whose bound cannot beat `best` is skipped whole; otherwise
/// it is halved, down to single candidates, where the DP at t = cands[lo] gives the plan (as the
/// plain scan over every candidate did).
class IntervalSearch {
 public:
  IntervalSearch(const chain::ChainInstance& c, const std::vector<double>& cands) : c_(c), cands_(cands) {}

  /// Visits the leaves of [lo, hi] in intervals that `keep(lower_bound, lo)` does not rule out,
  /// left to right (right to left when right_first), calling `leaf(point)` for each feasible one.
  template <class Keep, class Leaf>
  void run(std::size_t lo, std::size_t hi, bool right_first, const Keep& keep, const Leaf& leaf) {
    if (lo == hi) {
      ++solves_;
      // The leaf's plan is recosted over its own bottleneck: always offered.
      auto pt = solve_at(c_, cands_[lo]);
      if (!pt) return;
      leaf(std::move(*pt));
      return;
    }
    ++solves_;
    const auto lb = chain::min_additive(c_, chain::Additive::Energy, cands_[hi], cands_[lo]);
    if (!lb.feasible || !keep(lb.value, lo)) return;
    const std::size_t mid = lo + (hi - lo) / 2;
    if (right_first) {
      run(mid + 1, hi, right_first, keep, leaf);
      run(lo, mid, right_first, keep, leaf);
    } else {
      run(lo, mid, right_first, keep, leaf);
      run(mid + 1, hi, right_first, keep, leaf);
    }
  }
  std::size_t solves() const { return solves_; }

 private:
  const chain::ChainInstance& c_;
  const std::vector<double>& cands_;
  std::size_t solves_ = 0;
};

/// A lower bound that may still reach `best`: the DP sums in another order than energy_of, so
/// bounds within a relative 1e-12 of it are explored rather than trusted.
bool may_reach(double lower_bound, double best) { return lower_bound <= best + 1e-12 * std::abs(best); }

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

    // The least energy within the bound, searched right to left (relaxed bounds first: the
    // incumbent gets low early). Equal energies: the smaller bottleneck (better()).
    IntervalSearch search(c, cands);
    std::optional<Point> chosen;
    std::size_t last = 0;
    while (last + 1 < cands.size() && cands[last + 1] <= bound) ++last;
    if (!cands.empty() && cands.front() <= bound)
      search.run(0, last, true,
                 [&](double lb, std::size_t) { return !chosen || may_reach(lb, chosen->energy_j); },
                 [&](Point pt) {
                   if (!chosen || better(pt, *chosen)) chosen = std::move(pt);
                 });
    if (!chosen) throw std::logic_error("pipeedge-energy: no plan within the throughput optimum");

    std::vector<Point> front;
    std::size_t solves = 0;
    if (pareto) {
      // Left to right: a point is on the front when its energy is below every point found at
      // smaller bottlenecks, so an interval whose bound cannot go below that is skipped.
      IntervalSearch fs(c, cands);
      double best_left = chain::kInf;
      std::vector<Point> all;
      fs.run(0, cands.size() - 1, false, [&](double lb, std::size_t) { return best_left == chain::kInf || may_reach(lb, best_left); },
             [&](Point pt) {
               best_left = std::min(best_left, pt.energy_j);
               all.push_back(std::move(pt));
             });
      solves = fs.solves();
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
    plan.notes["dp_solves"] = fmt::format("{}", search.solves());
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
