// even: contiguous stages in topological order over a given host list, one stage per host in
// the given order, minimising the largest stage compute time (exact, by dynamic programming).
#include <cmath>
#include <limits>

#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Memory of the contiguous stage a..b (layer ids, inclusive) by evaluate.hpp's rule, with each
/// tensor counted once per direction: exact for chains; on DAGs a tensor sent to several later
/// stages needs more, which the final check_memory catches. mem[a * L + b].
std::vector<double> segment_memory(const Problem& p) {
  const auto& g = p.graph;
  const std::size_t L = g.size();
  const double factor = static_cast<double>(p.buffers) + 1.0;
  std::vector<long> max_consumer(L, -1);
  for (std::size_t l = 0; l < L; ++l)
    for (auto c : g.consumers(l)) max_consumer[l] = std::max(max_consumer[l], static_cast<long>(c));
  std::vector<double> mem(L * L, kInf);
  for (std::size_t b = 0; b < L; ++b) {
    // Grow the segment leftwards from b, keeping the set of earlier producers it reads.
    std::vector<char> in_recv(L, 0);
    bool reads_input = false;
    double weights = 0, recv = 0, send = 0, outputs = 0;
    for (std::size_t a = b + 1; a-- > 0;) {
      if (in_recv[a]) {
        in_recv[a] = 0;
        recv -= g.output_bytes(a, p.batch);
      }
      for (auto in : g.layer(a).inputs) {
        if (in == model::kInput) {
          reads_input = true;
        } else if (!in_recv[in]) {
          in_recv[in] = 1;
          recv += g.output_bytes(in, p.batch);
        }
      }
      weights += g.weight_bytes(a);
      if (max_consumer[a] > static_cast<long>(b)) send += g.output_bytes(a, p.batch);
      if (max_consumer[a] < 0) outputs += g.output_bytes(a, p.batch);
      double m = weights + factor * (recv + send);
      if (reads_input) m += g.input_bytes(p.batch);
      m += p.sink_host.empty() ? outputs : factor * outputs;
      mem[a * L + b] = m;
    }
  }
  return mem;
}

/// Splits layers 0..L-1 into hosts.size() contiguous non-empty stages minimising the largest
/// compute time; stages whose memory exceeds their host's are excluded when `memory` is set.
/// Returns the stage start ids, or nothing when no split qualifies.
std::optional<std::vector<std::size_t>> best_split(const Problem& p, const std::vector<int>& hosts, bool memory) {
  const std::size_t L = p.graph.size(), n = hosts.size();
  std::vector<double> mem;
  if (memory) mem = segment_memory(p);
  // f[i][j]: least max compute with layers 0..j-1 on stages 0..i-1; from[i][j]: start of stage i-1.
  std::vector<std::vector<double>> f(n + 1, std::vector<double>(L + 1, kInf));
  std::vector<std::vector<std::size_t>> from(n + 1, std::vector<std::size_t>(L + 1, 0));
  f[0][0] = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const int h = hosts[i - 1];
    const double cap = p.hosts[static_cast<std::size_t>(h)].memory_bytes;
    for (std::size_t j = i; j <= L - (n - i); ++j) {
      double compute = 0;
      for (std::size_t m = j; m-- > i - 1;) {  // stage i-1 = layers m..j-1
        compute += p.cost.compute_s(m, h);
        if (f[i - 1][m] == kInf) continue;
        if (memory && cap > 0 && mem[m * L + (j - 1)] > cap) continue;
        double v = std::max(f[i - 1][m], compute);
        if (v < f[i][j]) {
          f[i][j] = v;
          from[i][j] = m;
        }
      }
    }
  }
  if (f[n][L] == kInf) return std::nullopt;
  std::vector<std::size_t> starts(n);
  for (std::size_t i = n, j = L; i > 0; --i) {
    starts[i - 1] = from[i][j];
    j = from[i][j];
  }
  return starts;
}

std::vector<Stage> stages_of(const Problem& p, const std::vector<int>& hosts, const std::vector<std::size_t>& starts) {
  std::vector<Stage> stages;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    std::size_t end = i + 1 < hosts.size() ? starts[i + 1] : p.graph.size();
    std::vector<model::LayerId> layers;
    for (std::size_t l = starts[i]; l < end; ++l) layers.push_back(l);
    stages.push_back(util::single_host_stage(hosts[i], std::move(layers)));
  }
  return stages;
}

class EvenPartitioner : public Partitioner {
 public:
  explicit EvenPartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    auto hosts = util::host_list(p, options_, "hosts");
    if (!hosts) util::fail_missing("hosts", "missing key \"hosts\" (even needs a host list)");
    if (hosts->size() > p.graph.size())
      util::fail(*util::option(options_, "hosts"),
                 fmt::format("expected at most {} hosts (one layer per stage at least), found {}", p.graph.size(),
                             hosts->size()));
    auto starts = best_split(p, *hosts, true);
    if (!starts) {
      // Nothing fits: report why the compute-optimal split does not.
      auto unconstrained = best_split(p, *hosts, false);
      auto reasons = check_memory(p, stages_of(p, *hosts, *unconstrained));
      if (reasons.empty())
        reasons.push_back({-1, "", 0, 0, "no contiguous split over the given hosts fits their memory"});
      throw Infeasible(std::move(reasons));
    }
    auto stages = stages_of(p, *hosts, *starts);
    require_fits(p, stages);  // DAGs: a tensor sent to several stages may need more than estimated
    return util::make_plan(p, "even", std::move(stages));
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo even_info() {
  PartitionerInfo info;
  info.name = "even";
  info.summary = "contiguous stages, one per listed host in order, with the largest stage compute least";
  info.options = {
      {"hosts", OptionType::HostList, "", "hosts of the stages, in pipeline order (one stage each)", {}, true},
  };
  info.make = [](const Options& o) { return std::make_unique<EvenPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
