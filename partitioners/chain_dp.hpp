// Chain view of a Problem grouped by device type, and the exact dynamic programs over it
// shared by pipeedge, pipeedge-energy and exhaustive (PipeEdge, Hu et al., DSD 2022).
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition::chain {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// Knobs of PipeEdge's cost and memory rules.
struct ChainSettings {
  int batch = 1;           ///< samples per micro-batch (bytes scale with it, compute by batch / cost.batch())
  double buffers_in = 2;   ///< receive buffers of a stage that does not start at layer 1
  double buffers_out = 2;  ///< send buffers of every stage
};

/// The model as a chain (its stored topological order) and the hosts grouped by type. Layer
/// positions are 0..L: a stage [i, j) holds layers i..j-1. Cut j is between layer j-1 and j;
/// cut 0 carries the model input and cut L the model outputs. On DAGs every tensor crossing a
/// cut is charged to the stage ending there (it is relayed to the next stage).
struct ChainInstance {
  std::size_t layers = 0;
  std::vector<std::string> type_names;           ///< in order of first host
  std::vector<std::vector<int>> type_hosts;      ///< per type, host indices in host order
  std::vector<std::vector<double>> compute_prefix_s;  ///< [u][j]: compute of layers 0..j-1 on type u
  std::vector<std::vector<double>> energy_prefix_j;   ///< [u][j]: compute energy above idle
  std::vector<double> idle_w;                    ///< per type
  std::vector<double> memory_bytes;              ///< per type; <= 0: no limit
  /// Per type, CIM reprogramming (docs/CIM.md): seconds and joules per byte of memory overflow
  /// (the bytes a stage needs beyond memory_bytes, rewritten per request); 0: does not reprogram.
  std::vector<double> rewrite_s_per_byte, rewrite_j_per_byte;
  std::vector<double> weight_prefix_bytes;       ///< [j]: weights of layers 0..j-1
  std::vector<double> cut_bytes;                 ///< [j], j = 0..L
  std::vector<double> send_s;                    ///< [(u*K+v)*(L+1)+j]; +inf when u -> v is impossible
  std::vector<double> send_energy_j;             ///< same indexing
  /// [u]: the input's transfer from Problem::source_host to the first stage on type u, and the
  /// outputs' transfer from the last stage on u to Problem::sink_host (0 when there is none).
  /// The source is a pipeline element of its own: its send bounds the throughput like a stage's.
  std::vector<double> source_s, source_energy_j, sink_s, sink_energy_j;
  ChainSettings settings;

  std::size_t types() const { return type_names.size(); }
  int count(std::size_t u) const { return static_cast<int>(type_hosts[u].size()); }
  /// Compute of stage [i, j) on type u, with the array rewrites of a reprogramming CIM type.
  double compute(std::size_t u, std::size_t i, std::size_t j) const {
    const double c = compute_prefix_s[u][j] - compute_prefix_s[u][i];
    return rewrite_s_per_byte[u] > 0 ? c + rewrite_s_per_byte[u] * overflow_bytes(u, i, j) : c;
  }
  double energy(std::size_t u, std::size_t i, std::size_t j) const {
    const double e = energy_prefix_j[u][j] - energy_prefix_j[u][i];
    return rewrite_j_per_byte[u] > 0 ? e + rewrite_j_per_byte[u] * overflow_bytes(u, i, j) : e;
  }
  /// Bytes stage [i, j) needs beyond type u's memory (0 when it fits or u has no limit).
  double overflow_bytes(std::size_t u, std::size_t i, std::size_t j) const {
    return memory_bytes[u] <= 0 ? 0.0 : std::max(0.0, stage_memory_bytes(i, j) - memory_bytes[u]);
  }
  double send(std::size_t u, std::size_t v, std::size_t j) const { return send_s[(u * types() + v) * (layers + 1) + j]; }
  double send_energy(std::size_t u, std::size_t v, std::size_t j) const {
    return send_energy_j[(u * types() + v) * (layers + 1) + j];
  }
  /// PipeEdge's memory rule for stage [i, j): weights + buffers_in x bytes in (unless i == 0)
  /// + buffers_out x bytes out + one input and one output processing buffer.
  double stage_memory_bytes(std::size_t i, std::size_t j) const;
  /// Strictly below the type's memory (PipeEdge: available > required), or no limit; for a
  /// reprogramming CIM type, its activation buffers strictly below it (the weights beyond are rewritten).
  bool fits(std::size_t u, std::size_t i, std::size_t j) const;
};

/// Builds the chain view. Hosts of one type are taken as identical: a type's compute is its
/// first host's, a send u -> v uses a host of u and a different host of v.
ChainInstance build_chain(const Problem& p, const ChainSettings& settings);

/// One stage of a chain solution: layers [begin, end) on a host of `type`.
struct ChainStage {
  std::size_t type = 0;
  std::size_t begin = 0, end = 0;
};

struct ChainSolution {
  bool feasible = false;
  double value = 0;  ///< the objective the DP minimised
  std::vector<ChainStage> stages;
};

/// Slowest stage of a type sequence (max over stages of max(compute, send to next)).
double bottleneck_of(const ChainInstance& c, const std::vector<ChainStage>& stages);
/// Sum over stages of compute + send to the next stage.
double latency_of(const ChainInstance& c, const std::vector<ChainStage>& stages);
/// Compute energy + send energy + idle power of every stage's host over `period_s`.
double energy_of(const ChainInstance& c, const std::vector<ChainStage>& stages, double period_s);

/// Every value a stage cost can take (fitting compute sums, possible sends), sorted, unique.
std::vector<double> candidate_bottlenecks(const ChainInstance& c);

/// Least bottleneck over all plans (PipeEdge's objective). Exact: binary search over the
/// candidate values with a bitset feasibility DP over (layers placed, multiset of types used,
/// type of the next stage). Throws std::runtime_error when the state table exceeds its limit.
ChainSolution min_bottleneck(const ChainInstance& c);

/// What an additive DP sums per stage.
enum class Additive {
  Latency,  ///< compute + send to the next stage
  Energy    ///< compute energy + send energy + idle power x period_s
};

/// Least sum of stage costs over plans whose every stage has compute <= bound_s and
/// send <= bound_s (bound_s = kInf: no bound). period_s is the idle period for Energy.
/// Throws std::runtime_error when the state table exceeds its limit.
ChainSolution min_additive(const ChainInstance& c, Additive kind, double bound_s, double period_s);

/// The plan of a chain solution: the k-th stage of type u runs on the k-th host of u (host order).
Plan to_plan(const Problem& p, const ChainInstance& c, const std::vector<ChainStage>& stages, const std::string& name);

/// Reads batch / buffers_in / buffers_out options (absent: Problem::batch / Problem::buffers).
/// Throws config::InputError (located at the option) for batch < 1 or negative buffers.
ChainSettings settings_from(const Problem& p);

/// Option specs shared by the chain partitioners (batch, buffers_in, buffers_out).
std::vector<OptionSpec> chain_option_specs();

/// True when option `name` was given or defaulted (a Null node counts as absent).
bool has_option(const Options& o, const std::string& name);

/// config::InputError located at option `name` (or at nothing when absent).
config::InputError option_error(const Options& o, const std::string& name, const std::string& message);

}  // namespace edgesplit::partition::chain
