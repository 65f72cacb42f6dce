// Entry point of a simulation: one scenario, one plan, one SimGrid engine (once per process).
#pragma once

#include <cstdint>
#include <string>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/runtime/adapt.hpp"

namespace edgesplit::runtime {

struct RunOptions {
  std::string out_dir;  ///< final output directory; written through a temporary one renamed at the end
  bool quiet = false;   ///< no progress line on stderr
  int64_t trace_requests = 10000;  ///< trace.json holds the events of requests with a lower id (file size)
  /// Re-partitioning callback for `adapt: periodic | on-change` (built by the CLI, which owns the
  /// registry); empty: the controller never re-plans (failures then wait for the resource).
  Replanner replan;
};

/// What the CLI prints after a run (a subset of summary.json).
struct RunSummary {
  int64_t requests_completed = 0;
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p95_s = 0, latency_p99_s = 0, latency_max_s = 0;
  int bottleneck_stage = -1;
  std::string bottleneck_host, bottleneck_resource;  ///< resource: compute | network
  double energy_total_j = 0, energy_active_j = 0, energy_per_inference_j = 0;
  double sim_time_s = 0, wall_time_s = 0;
  std::string out_dir;
};

/// Simulates `plan` under `scenario` and writes every output file of FORMATS.md into
/// options.out_dir. Creates the SimGrid engine: call at most once per process.
/// Throws config::InputError for inputs only detectable here (e.g. a missing power figure).
RunSummary run(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
               const RunOptions& options);

}  // namespace edgesplit::runtime
