// Execution of plans with split stages (horizontal partitioning by rows, fpm/ofpm; docs/OFPM.md):
// every host of a split stage receives its input band, computes its band, sends it to the gather host.
#pragma once

#include <chrono>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/runtime/run.hpp"

namespace edgesplit::runtime {

/// True when a stage of `plan` runs on more than one host.
bool has_split_stage(const partition::Plan& plan);

/// Simulates a plan with split stages, following docs/OFPM.md's timing model: the holder of a
/// stage's input (the source, the previous single-host stage's host, or the previous split
/// stage's gather host) sends every band its input rows (halo included, Band::in_bytes) in
/// parallel; each band host computes sum_j compute_s(layer_j, host) x rows_j / H_j, then sends
/// Band::out_bytes to the gather host (the next single-host stage, a host re-splitting for the
/// next split stage, or the sink). A stage starts once every band of its input arrived.
/// Plans must be chains (each stage reads only the last layer of the previous stage, the model
/// output is the last layer). Not supported together with dynamics, adapt or weights (throws).
/// stages.csv gets one row per request x stage x host (a band row: bytes_sent = its output band).
/// Called by run() (same outputs and summary); `source_host`/`sink_host`: -1 when none.
RunSummary run_split(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
                     const RunOptions& options, int source_host, int sink_host,
                     std::chrono::steady_clock::time_point wall_start);

}  // namespace edgesplit::runtime
