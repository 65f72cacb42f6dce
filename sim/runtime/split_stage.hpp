// Execution of plans with split stages (horizontal partitioning by rows, fpm/ofpm; docs/OFPM.md):
// every host of a split stage receives its input band, computes its band, sends it to the gather host.
#pragma once

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/run.hpp"
#include "sim/runtime/session.hpp"

namespace edgesplit::runtime {

/// True when a stage of `plan` runs on more than one host.
bool has_split_stage(const partition::Plan& plan);

/// Throws std::runtime_error ("split stages are not supported by the runtime yet") for a stage on
/// several hosts without row bands (a share-based split, not fpm/ofpm): the runtime cannot run it.
void check_split_plan(const partition::Plan& plan);

/// The recorder's view of a plan with split stages: per stage the host of its first band (or its
/// host), and the chain's producers (recorder::Setup).
void split_recorder_layout(const partition::Plan& plan, int source_host, int sink_host, std::vector<int>& stage_hosts,
                           std::vector<std::vector<int>>& producers);

/// Host pairs (from, to), from != to, of every transfer a plan with split stages makes (input
/// bands, output bands to the gather host, re-splits, sink), as the executor below sends them.
std::vector<std::pair<int, int>> split_host_pairs(const partition::Plan& plan, int source_host, int sink_host);

/// Simulates a plan with split stages, following docs/OFPM.md's timing model: the holder of a
/// stage's input (the source, the previous single-host stage's host, or the previous split
/// stage's gather host) sends every band its input rows (halo included, Band::in_bytes) in
/// parallel; each band host computes sum_j compute_s(layer_j, host) x rows_j / H_j, then sends
/// Band::out_bytes to the gather host (the next single-host stage, a host re-splitting for the
/// next split stage, or the sink). A stage starts once every band of its input arrived.
/// Plans must be chains (each stage reads only the last layer of the previous stage, the model
/// output is the last layer). Not with weights (throws); runs with dynamics or adapt go through
/// run()'s controller, whose epochs come from make_split_epoch.
/// stages.csv gets one row per request x stage x host (a band row: bytes_sent = its output band).
/// Called by run() (same outputs and summary); `source_host`/`sink_host`: -1 when none.
RunSummary run_split(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
                     const RunOptions& options, int source_host, int sink_host,
                     std::chrono::steady_clock::time_point wall_start);

/// One epoch of a run with dynamics or adapt running a plan with split stages (the same executor
/// as run_split, driven by the controller): requests from hooks->first_request(), admission
/// stopped by a drain, measurements (every band's compute, every transfer) to the session, an
/// actor hit by a host or link failure reports it. Busy times and link bytes go to `links` and
/// `host_busy`. Throws std::invalid_argument for a plan the executor cannot run.
std::unique_ptr<Epoch> make_split_epoch(const config::Scenario& scenario, const partition::Plan& plan,
                                        const cost::CostModel& cost, recorder::Recorder& rec,
                                        const platform::BuiltPlatform& built, int source_host, int sink_host,
                                        EpochHooks* hooks, LinkUsage& links, std::vector<BusyUnion>& host_busy);

}  // namespace edgesplit::runtime
