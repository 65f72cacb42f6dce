// The one writer of a run's output files (FORMATS.md "Output directory of run"). Streams rows as
// the simulation goes, writes into a temporary sibling directory and renames it into place at the
// end, summary.json last. No SimGrid here: the runtime reports events, the recorder formats them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/recorder/dynamics_record.hpp"

namespace edgesplit::recorder {

/// What the recorder must know before the first event.
struct Setup {
  std::string out_dir;
  const config::Scenario* scenario = nullptr;
  const partition::Plan* plan = nullptr;
  std::vector<int> stage_hosts;             ///< platform host index of each stage
  int source_host = -1;                     ///< workload.source host index, -1 when none
  int sink_host = -1;                       ///< workload.sink host index, -1 when none
  /// producers[c]: entities sending to consumer c (stages 0..S-1, then the sink at S);
  /// an entity is a stage index, or -1 for the source.
  std::vector<std::vector<int>> producers;
  int64_t requests = 0;                     ///< requests to issue
  int64_t trace_requests = 10000;           ///< trace.json covers requests below this id
  bool progress = false;                    ///< progress line on stderr
};

/// Energy and use of one host or link over the run.
struct EntityUse {
  std::string name;
  std::string kind;  ///< "host" | "link"
  double energy_j = 0;
  double busy_s = 0;
  double idle_w = 0, busy_w = 0;
  double bytes = 0;  ///< links: bytes carried
  bool active = false;
};

/// Facts known only once the simulation ended.
struct Final {
  double sim_time_s = 0;
  int64_t requests_issued = 0;
  std::vector<EntityUse> hosts, links;
  std::string cost_model, network_model;
  std::chrono::steady_clock::time_point wall_start;
  /// Runs with dynamics or adaptation: traces, applied bandwidth changes (links.csv), failed and
  /// retried requests, re-plans (plan.json `replans`). Null otherwise.
  const DynamicsOutcome* dynamics = nullptr;
};

/// The figures summary.json holds that the CLI prints.
struct Summary {
  int64_t requests_completed = 0;
  double throughput_rps = 0;
  double latency_mean_s = 0, latency_p50_s = 0, latency_p95_s = 0, latency_p99_s = 0, latency_max_s = 0;
  int bottleneck_stage = -1;
  std::string bottleneck_host, bottleneck_resource;
  double energy_total_j = 0, energy_active_j = 0, energy_per_inference_j = 0;
  double sim_time_s = 0, wall_time_s = 0;
  std::string out_dir;
};

/// Nearest-rank percentile (p in [0, 100]) of sorted values: sorted[ceil(p/100 x n) - 1]; 0 when empty.
double percentile(const std::vector<double>& sorted, double p);

class Recorder {
 public:
  /// Creates the temporary directory (out_dir + ".tmp-<pid>") and writes plan.json,
  /// scenario.resolved.yaml, links.csv and the headers of the streamed files.
  explicit Recorder(Setup setup);
  /// Removes the temporary directory unless finish() completed.
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Events. Times are simulated seconds and never decrease from one call to the next.
  /// A stage starts computing request `req` (its inputs have all arrived).
  void compute_begin(int stage, int64_t req, double t_s);
  void compute_end(int stage, int64_t req, double t_s);
  /// Entity `from` (stage, or -1 the source) starts / ends sending request `req` to consumer `to`
  /// (a stage, or S for the sink).
  void send_begin(int from, double t_s);
  void send_end(int from, int64_t req, int to, double t_s, double bytes);
  /// The sink has received every part of request `req`.
  void sink_receive(int64_t req, double t_s);
  /// One stages.csv row (written when the stage has sent its outputs).
  void stage_done(int64_t req, int stage, double recv_end_s, double compute_start_s, double compute_end_s,
                  double send_end_s, double bytes_sent);
  /// One stages.csv row of host `host` of stage `stage` (split stages: one row per band host;
  /// `flops` per request, halo recomputation included).
  void stage_part_done(int64_t req, int stage, int host, double recv_end_s, double compute_start_s,
                       double compute_end_s, double send_end_s, double bytes_sent, double flops);
  /// A request completed; requests complete in id order.
  void request_done(int64_t req, double arrival_s, double start_s, double end_s);
  /// Host `host` loaded the weights of `layer` (of stage `stage`) during [start_s, end_s]
  /// (scenario `weights:`; a trace.json slice on the host's "weights" thread).
  void weight_loaded(int host, int stage, int64_t layer, double start_s, double end_s, double bytes);
  /// Every weight of stage `stage` is on its host from t_s (stages.csv weights_ready_s; 0 until then).
  void stage_weights_ready(int stage, double t_s);

  /// A new epoch of the pipeline (after a failure or a re-plan) starts at t_s with these stage
  /// hosts and producers (as in Setup). Busy intervals still open were closed by abort_epoch.
  void begin_epoch(const std::vector<int>& stage_hosts, const std::vector<std::vector<int>>& producers, double t_s);
  /// The running epoch stopped at t_s (a failure): open compute and send intervals end there.
  void abort_epoch(double t_s);
  /// A global instant event in trace.json (a re-plan, a failure); args_json is a JSON object.
  void instant_event(const std::string& name, const std::string& args_json, double t_s);

  /// Writes energy.csv, the last bottleneck windows, the end of trace.json and summary.json,
  /// then renames the directory into place (replacing an existing out_dir).
  Summary finish(const Final& f);

 private:
  struct File;
  void advance(double t_s);
  void flush_window(double end_s);
  void credit(int stage, int resource, double from_s, double to_s);
  void trace_event(const std::string& json);
  int stage_count() const { return static_cast<int>(setup_.stage_hosts.size()); }
  int host_of(int entity) const;  ///< host index of a stage, the source (-1) or the sink (S)
  int64_t flow_id(int64_t req, int from, int to) const;

  Setup setup_;
  std::string tmp_dir_;
  bool committed_ = false;
  std::unique_ptr<File> requests_, stages_, bottleneck_, trace_;
  bool trace_first_ = true;

  // bottleneck.csv: the current window and, per stage, resource 0 compute / 1 network.
  double window_s_ = 1.0;
  int64_t window_ = 0;
  std::vector<std::array<double, 2>> open_since_;  ///< NaN when idle; advanced as windows close
  std::vector<std::array<double, 2>> window_busy_;
  std::vector<std::array<double, 2>> total_busy_;
  double source_send_s_ = 0;  ///< time the source spent sending inputs (whole run)
  std::vector<double> send_open_;  ///< per entity (source first): start of its current send
  std::vector<double> weights_ready_s_;  ///< per stage: stages.csv weights_ready_s
  std::vector<double> stage_flops_;      ///< per stage of the first plan: stages.csv flops
  bool replanned_ = false;               ///< an epoch with another plan began (flops unknown)

  // requests.csv statistics; 8 bytes per completed request for exact percentiles.
  std::vector<double> latencies_s_;
  std::vector<std::size_t> window_marks_;  ///< completed requests at the end of each bottleneck window
  double first_end_s_ = 0, last_end_s_ = 0;
  int64_t completed_ = 0;
  std::chrono::steady_clock::time_point last_progress_{};
};

}  // namespace edgesplit::recorder
