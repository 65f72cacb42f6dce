// Pieces both executors share (run.cpp, split_stage.cpp): engine arguments, recorder set-up, finish.
#pragma once

#include <exception>
#include <vector>

#include <simgrid/Exception.hpp>
#include <simgrid/s4u/Actor.hpp>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/run.hpp"
#include "sim/runtime/session.hpp"

namespace edgesplit::runtime {

class LayerExec;

/// Runs an actor's body. A kill passes through (SimGrid unwinds killed actors with it); a host or
/// link failure goes to `hooks` (the controller stops the epoch), or is rethrown without hooks; any
/// other exception is kept in `error` (the first one only) and kills every actor.
template <class F>
void run_guarded(F&& body, EpochHooks* hooks, std::exception_ptr& error) {
  try {
    body();
  } catch (const simgrid::ForcefulKillException&) {
    throw;
  } catch (const simgrid::NetworkFailureException&) {
    if (!hooks) throw;
    hooks->actor_failed();
  } catch (const simgrid::HostFailureException&) {
    if (!hooks) throw;
    hooks->actor_failed();
  } catch (...) {
    if (!error) error = std::current_exception();
    simgrid::s4u::Actor::kill_all();
  }
}

/// The command line of a run's one sg4::Engine (static storage, for Engine(argc, argv)).
struct EngineArgs {
  int* argc;
  char** argv;
};

/// Silences SimGrid's xbt logging (notes section 7) and returns the Engine's command line: under
/// AddressSanitizer it asks for thread contexts (docs/HARDENING.md).
EngineArgs quiet_engine_args();

/// The recorder's set-up of a run, all but stage_hosts and producers (the caller's layout).
recorder::Setup recorder_setup(const config::Scenario& scenario, const partition::Plan& plan,
                               const RunOptions& options, int source_host, int sink_host);

/// Fills fin.hosts and fin.links, one EntityUse per platform host and link: energy (SimGrid's host
/// plugin, plus `layer_exec`'s extra energy when not null; links computed here), busy time, bytes,
/// and whether the run used it. Needs fin.sim_time_s.
void add_entity_use(recorder::Final& fin, const config::Platform& pf, const platform::BuiltPlatform& built,
                    const std::vector<BusyUnion>& host_busy, const LinkUsage& link_usage,
                    const std::vector<bool>& host_active, const std::vector<bool>& link_active,
                    const LayerExec* layer_exec);

/// The recorder's summary as run() returns it.
RunSummary run_summary(const recorder::Summary& s);

/// Split stages (fpm, ofpm) do not load weights yet: a plan with split stages under `weights:`
/// is an input error located at the `weights` key (known only once the partitioner has run).
void refuse_weights_with_split_stages(const config::Scenario& scenario);

}  // namespace edgesplit::runtime
