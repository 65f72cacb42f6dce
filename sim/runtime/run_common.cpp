// Pieces both executors share (run.cpp, split_stage.cpp): engine arguments, recorder set-up, finish.
#include "sim/runtime/run_common.hpp"

#include <unistd.h>

#include <utility>

#include <simgrid/plugins/energy.h>
#include <xbt/log.h>

#include "sim/runtime/layer_exec.hpp"

namespace edgesplit::runtime {

EngineArgs quiet_engine_args() {
  // SimGrid prints through xbt logging; silence it before the Engine (notes section 7).
  xbt_log_control_set("root.thresh:critical");
  static char arg0[] = "edgesplit";
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer, SimGrid's default (raw) contexts switch stacks unknown to ASan, and an
  // exception in an actor then gives false stack-use-after-scope reports: use threads (docs/HARDENING.md).
  static int argc = 2;
  static char arg1[] = "--cfg=contexts/factory:thread";
  static char* argv[] = {arg0, arg1, nullptr};
#else
  static int argc = 1;
  static char* argv[] = {arg0, nullptr};
#endif
  return {&argc, argv};
}

recorder::Setup recorder_setup(const config::Scenario& scenario, const partition::Plan& plan,
                               const RunOptions& options, int source_host, int sink_host) {
  recorder::Setup setup;
  setup.out_dir = options.out_dir;
  setup.scenario = &scenario;
  setup.plan = &plan;
  setup.source_host = source_host;
  setup.sink_host = sink_host;
  setup.requests = scenario.workload.requests;
  setup.trace_requests = options.trace_requests;
  setup.progress = !options.quiet && ::isatty(2) != 0;
  return setup;
}

void add_entity_use(recorder::Final& fin, const config::Platform& pf, const platform::BuiltPlatform& built,
                    const std::vector<BusyUnion>& host_busy, const LinkUsage& link_usage,
                    const std::vector<bool>& host_active, const std::vector<bool>& link_active,
                    const LayerExec* layer_exec) {
  for (std::size_t h = 0; h < pf.hosts.size(); ++h) {
    recorder::EntityUse u;
    u.name = pf.hosts[h].name;
    u.kind = "host";
    const config::Power pw = pf.type_of(pf.hosts[h]).power.value_or(config::Power{});
    u.idle_w = pw.idle_w;
    u.busy_w = pw.busy_w;
    u.energy_j = sg_host_get_consumed_energy(built.hosts[h]);
    // CIM array writes above what the host's busy power covers (layer_exec.hpp, docs/CIM.md).
    if (layer_exec) u.energy_j += layer_exec->extra_energy_j(static_cast<int>(h));
    u.busy_s = host_busy[h].busy_s();
    u.active = host_active[h];
    fin.hosts.push_back(std::move(u));
  }
  for (std::size_t l = 0; l < pf.links.size(); ++l) {
    recorder::EntityUse u;
    u.name = pf.links[l].name;
    u.kind = "link";
    const config::Power pw = pf.links[l].power.value_or(config::Power{});  // generated access links: 0 W
    u.idle_w = pw.idle_w;
    u.busy_w = pw.busy_w;
    u.busy_s = link_usage.busy_s(static_cast<int>(l));
    u.bytes = link_usage.bytes(static_cast<int>(l));
    // Link energy = idle power x makespan + (busy - idle) x data-phase busy time (notes: the
    // link plugin bills latency phases as busy, so it is computed here instead).
    u.energy_j = pw.idle_w * fin.sim_time_s + (pw.busy_w - pw.idle_w) * u.busy_s;
    u.active = link_active[l];
    fin.links.push_back(std::move(u));
  }
}

RunSummary run_summary(const recorder::Summary& s) {
  RunSummary out;
  out.requests_completed = s.requests_completed;
  out.throughput_rps = s.throughput_rps;
  out.latency_mean_s = s.latency_mean_s;
  out.latency_p50_s = s.latency_p50_s;
  out.latency_p95_s = s.latency_p95_s;
  out.latency_p99_s = s.latency_p99_s;
  out.latency_max_s = s.latency_max_s;
  out.bottleneck_stage = s.bottleneck_stage;
  out.bottleneck_host = s.bottleneck_host;
  out.bottleneck_resource = s.bottleneck_resource;
  out.energy_total_j = s.energy_total_j;
  out.energy_active_j = s.energy_active_j;
  out.energy_per_inference_j = s.energy_per_inference_j;
  out.sim_time_s = s.sim_time_s;
  out.wall_time_s = s.wall_time_s;
  out.out_dir = s.out_dir;
  return out;
}

void refuse_weights_with_split_stages(const config::Scenario& scenario) {
  if (!scenario.weights.enabled) return;
  config::Diagnostic d;
  d.loc = scenario.weights.loc;
  d.key = "weights";
  d.message = "the plan has split stages (fpm, ofpm), which do not load weights yet; remove weights: or choose a "
              "partitioner without split stages";
  throw config::InputError(d);
}

}  // namespace edgesplit::runtime
