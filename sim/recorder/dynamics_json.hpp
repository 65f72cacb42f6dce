// Output pieces of runs with dynamics and adaptation: links.csv with applied changes, plan.json
// with its `replans`, and summary.json's `timeline` and `traces`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/config/scenario.hpp"
#include "sim/recorder/dynamics_record.hpp"
#include "sim/recorder/json_writer.hpp"

namespace edgesplit::recorder {

/// One summary.json `timeline` entry: requests completed in [start_s, end_s).
struct TimelineWindow {
  double start_s = 0, end_s = 0;
  int64_t completed = 0;
  double throughput_rps = 0;  ///< completed / window length
  double latency_p95_s = 0;   ///< nearest-rank p95 of their latencies (0 when none)
};

/// Windows from latencies in completion order and, per closed window, the number of requests
/// completed before its end (`marks`); window k spans [k x window_s, min((k+1) x window_s, end_s)).
std::vector<TimelineWindow> make_timeline(const std::vector<double>& latencies_s, const std::vector<std::size_t>& marks,
                                          double window_s, double end_s);

/// links.csv: `time_s,link,bandwidth_Bps`; a row per link at t = 0 (its value then), then every
/// later change in time order.
std::string links_csv(const config::Platform& platform, const std::vector<LinkChange>& changes);

/// plan.json with a `replans` list after the plan's own keys.
std::string plan_json_with_replans(const config::Scenario& scenario, const partition::Plan& plan,
                                   const DynamicsOutcome& outcome);

/// summary.json keys `requests_failed`, `requests_retried` (0 without dynamics).
void write_failure_counts(JsonWriter& w, const DynamicsOutcome* outcome);
/// summary.json keys `traces`, `timeline` and `adapt` {policy, replans, applied, switch}.
void write_dynamics_summary(JsonWriter& w, const std::vector<TimelineWindow>& timeline, const DynamicsOutcome* outcome);

}  // namespace edgesplit::recorder
