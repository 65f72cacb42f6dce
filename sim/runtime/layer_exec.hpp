// Layer-level execution of stages that cannot run as one exec: stages waiting for weights being
// loaded (weights.hpp), stages on a CIM host whose non-conv/fc layers run on the attached host, and
// CIM stages that rewrite their arrays per request (`reprogram`, docs/CIM.md). Also runs the weight
// loaders (one actor per host). SimGrid; used by run.cpp.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include <simgrid/forward.h>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/recorder/recorder.hpp"
#include "sim/runtime/accounting.hpp"
#include "sim/runtime/weights.hpp"

namespace edgesplit::runtime {

/// Runs weight loads and layer-level stage execution. Every duration comes from the cost model:
/// layer l of stage k takes cost.compute_s(l, stage host) on cost::executing_host(l, stage host).
class LayerExec {
 public:
  /// `links` and `host_busy` are the run's link and host busy-time books (for energy); both
  /// outlive this object.
  LayerExec(const config::Scenario& scenario, const partition::Plan& plan, const cost::CostModel& cost,
            WeightPlan weights, const platform::BuiltPlatform& built, recorder::Recorder& rec, LinkUsage& links,
            std::vector<BusyUnion>& host_busy);
  ~LayerExec();
  LayerExec(const LayerExec&) = delete;
  LayerExec& operator=(const LayerExec&) = delete;

  /// Starts one loader actor per host with loads (call before engine.run()).
  void create_actors();
  /// True when stage k must run through run(): its weights are not all loaded yet, it is a
  /// CIM stage split between the CIM device and its host, or a CIM stage that reprograms.
  bool handles(int stage) const;
  /// Runs stage k for one request in the calling stage actor, layer by layer: each layer waits
  /// for its weights (telling the loader when its inputs are there, without pre-loading), then
  /// runs on its executing host. `on_start` is called right before the first computation.
  void run(int stage, const std::function<void()>& on_start);
  /// When every weight of stage k was on its host (0 without loading).
  double weights_ready_s(int stage) const;
  /// Rethrows what a loader actor threw (it stopped the simulation).
  void rethrow_if_failed() const;
  /// Energy of host `host` that SimGrid's host energy plugin does not see, J: the part of CIM
  /// reprogramming's write energy above what busy power over the write time can carry (0 unless
  /// energy_per_byte x write_bandwidth > energy_per_mac x macs_per_s, docs/CIM.md). The run must
  /// add it to the host's energy.
  double extra_energy_j(int host) const;
  /// Seconds stage k spends rewriting its CIM arrays per request (0 when it does not reprogram).
  double reprogram_s(int stage) const { return reprogram_s_.at(static_cast<std::size_t>(stage)); }

 private:
  struct Latch;
  struct Segment {
    int host = 0;
    double flops_per_thread = 0;
    int threads = 1;
  };
  Segment segment_of(model::LayerId l, int stage_host) const;
  void execute(const Segment& s);
  void loader(int host);
  void loaded(const WeightLoad& w, double start_s);
  void reprogram(std::size_t stage);

  const config::Scenario& sc_;
  const partition::Plan& plan_;
  const cost::CostModel& cost_;
  WeightPlan weights_;
  const platform::BuiltPlatform& built_;
  recorder::Recorder& rec_;
  LinkUsage& links_;
  std::vector<BusyUnion>& host_busy_;
  std::vector<bool> cim_split_;                     ///< per stage: layers on two hosts
  std::vector<std::vector<Segment>> merged_;        ///< per stage: consecutive layers on one host merged
  std::vector<int> remaining_;                      ///< per stage: loads not finished
  std::vector<double> ready_s_;                     ///< per stage: weights_ready_s
  std::vector<std::shared_ptr<Latch>> loaded_;      ///< per layer: weights on their host
  std::vector<std::shared_ptr<Latch>> inputs_;      ///< per layer: inputs on the host (no pre-loading)
  std::vector<std::vector<model::LayerId>> in_stage_producers_;  ///< per layer: producers in its stage
  std::vector<double> reprogram_s_;                 ///< per stage: array writes per request, s
  std::vector<double> reprogram_busy_s_;            ///< per stage: part of the writes run busy (energy meter)
  std::vector<double> reprogram_extra_j_;           ///< per stage: write energy beyond that, J
  std::vector<double> extra_energy_j_;              ///< per host: energy outside SimGrid's plugin
  std::exception_ptr error_;
};

}  // namespace edgesplit::runtime
