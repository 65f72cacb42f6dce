// genetic: seeded genetic search over layer-to-host assignments (after Na et al., 2022):
// tournament selection, two-point crossover, per-gene mutation, elitism; reproducible by seed.
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"
#include "partitioners/evaluate.hpp"
#include "partitioners/pipeedge.hpp"

namespace edgesplit::partition {

namespace {

/// Own uniform sampling over mt19937_64 (std::uniform_*_distribution differ between libraries,
/// which would break reproducibility across platforms).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  /// Uniform integer in [0, n), n >= 1, by rejection.
  std::size_t below(std::size_t n) {
    const std::uint64_t range = static_cast<std::uint64_t>(n);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t r;
    do r = gen_();
    while (r >= limit);
    return static_cast<std::size_t>(r % range);
  }
  /// Uniform double in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 gen_;
};

using Genes = std::vector<int>;  ///< host index (into the candidate list) per layer, topological order

/// Makes every host's layers one contiguous run: a layer whose host already ran earlier (and
/// was left) joins the current run instead.
void repair(Genes& g) {
  if (g.empty()) return;
  std::vector<int> closed;
  int current = g[0];
  for (std::size_t l = 1; l < g.size(); ++l) {
    if (g[l] == current) continue;
    if (std::find(closed.begin(), closed.end(), g[l]) != closed.end()) {
      g[l] = current;
    } else {
      closed.push_back(current);
      current = g[l];
    }
  }
}

struct Fitness {
  double overflow = 0;  ///< sum over stages of (needed / available - 1) when memory overflows
  double value = 0;     ///< the objective (smaller is better)
  bool operator<(const Fitness& o) const { return overflow != o.overflow ? overflow < o.overflow : value < o.value; }
};

class Genetic : public Partitioner {
 public:
  Plan partition(const Problem& p) const override {
    const auto& o = p.options;
    auto get_int = [&](const char* name, std::int64_t fallback, std::int64_t least) {
      const std::int64_t v = chain::has_option(o, name) ? o.get_int(name) : fallback;
      if (v < least) throw chain::option_error(o, name, fmt::format("expected an integer >= {}, found {}", least, v));
      return v;
    };
    const auto population = static_cast<std::size_t>(get_int("population", 40, 2));
    const auto generations = get_int("generations", 100, 0);
    const auto seed = static_cast<std::uint64_t>(get_int("seed", 1, 0));
    const double mutation = chain::has_option(o, "mutation_rate") ? o.get_double("mutation_rate") : 0.05;
    if (!(mutation >= 0 && mutation <= 1))
      throw chain::option_error(o, "mutation_rate", fmt::format("expected a number in [0, 1], found {}", mutation));
    const std::string objective = chain::has_option(o, "objective") ? o.get_string("objective") : "throughput";
    if (objective != "throughput" && objective != "latency" && objective != "energy")
      throw chain::option_error(o, "objective", fmt::format("expected throughput, latency or energy, found \"{}\"", objective));

    const std::size_t n = p.graph.size();
    const std::size_t hosts = p.hosts.size();
    if (n == 0) throw std::invalid_argument("genetic: the model has no layers");
    if (hosts == 0) throw std::invalid_argument("genetic: the platform has no hosts");

    auto decode = [&](const Genes& g) {
      std::vector<Stage> stages;
      for (std::size_t l = 0; l < n; ++l) {
        if (stages.empty() || stages.back().hosts[0].host != g[l]) {
          Stage s;
          s.hosts.push_back({g[l], 1.0});
          stages.push_back(std::move(s));
        }
        stages.back().layers.push_back(l);
      }
      return stages;
    };
    std::map<Genes, Fitness> cache;
    auto fitness = [&](const Genes& g) {
      if (auto it = cache.find(g); it != cache.end()) return it->second;
      Plan plan;
      plan.stages = decode(g);
      evaluate(p, plan);
      Fitness f;
      f.value = objective == "throughput" ? plan.predicted_bottleneck_s
                : objective == "latency"  ? plan.predicted_latency_s
                                          : plan.predicted_energy_j;
      for (const auto& r : check_memory(p, plan.stages)) f.overflow += r.needed_bytes / r.available_bytes - 1;
      cache.emplace(g, f);
      return f;
    };

    Rng rng(seed);
    std::vector<Genes> pop;
    // Seeds: every host alone, then random block plans.
    for (std::size_t h = 0; h < hosts && pop.size() < population; ++h) pop.push_back(Genes(n, static_cast<int>(h)));
    while (pop.size() < population) {
      Genes g(n);
      int host = static_cast<int>(rng.below(hosts));
      const double cut_p = 1.0 / static_cast<double>(1 + rng.below(n));
      for (std::size_t l = 0; l < n; ++l) {
        if (l > 0 && rng.unit() < cut_p) host = static_cast<int>(rng.below(hosts));
        g[l] = host;
      }
      repair(g);
      pop.push_back(std::move(g));
    }
    auto by_fitness = [&](const Genes& a, const Genes& b) { return fitness(a) < fitness(b); };
    auto tournament = [&]() -> const Genes& {
      const Genes* best = &pop[rng.below(pop.size())];
      for (int k = 1; k < 3; ++k) {
        const Genes& c = pop[rng.below(pop.size())];
        if (fitness(c) < fitness(*best)) best = &c;
      }
      return *best;
    };
    const std::size_t elite = std::min<std::size_t>(2, population);
    for (std::int64_t gen = 0; gen < generations; ++gen) {
      std::stable_sort(pop.begin(), pop.end(), by_fitness);
      std::vector<Genes> next(pop.begin(), pop.begin() + static_cast<std::ptrdiff_t>(elite));
      while (next.size() < population) {
        Genes child = tournament();
        const Genes& other = tournament();
        std::size_t a = rng.below(n + 1), b = rng.below(n + 1);
        if (a > b) std::swap(a, b);
        for (std::size_t l = a; l < b; ++l) child[l] = other[l];  // two-point crossover
        for (std::size_t l = 0; l < n; ++l)
          if (rng.unit() < mutation) child[l] = static_cast<int>(rng.below(hosts));
        repair(child);
        next.push_back(std::move(child));
      }
      pop = std::move(next);
    }
    std::stable_sort(pop.begin(), pop.end(), by_fitness);
    const Genes& best = pop.front();
    auto stages = decode(best);
    if (fitness(best).overflow > 0) throw Infeasible(check_memory(p, stages));
    Plan plan;
    plan.partitioner = "genetic";
    plan.stages = std::move(stages);
    evaluate(p, plan);
    plan.notes["objective"] = objective;
    plan.notes["evaluated_plans"] = fmt::format("{}", cache.size());
    return plan;
  }
};

}  // namespace

PartitionerInfo genetic_info() {
  return {"genetic",
          "seeded genetic search over layer-to-host assignments (contiguous run per host)",
          {{"objective", OptionType::Enum, "throughput", "what to minimise", {"throughput", "latency", "energy"}, false},
           {"population", OptionType::Int, "40", "chromosomes per generation", {}, false},
           {"generations", OptionType::Int, "100", "generations", {}, false},
           {"mutation_rate", OptionType::Double, "0.05", "probability of re-drawing each gene", {}, false},
           {"seed", OptionType::Int, "1", "random seed (same seed, same plan)", {}, false}},
          [](const Options&) { return std::make_unique<Genetic>(); }};
}

}  // namespace edgesplit::partition
