// Layer-level execution of stages that cannot run as one exec: stages waiting for weights being
// loaded (weights.hpp), and stages on a CIM host whose non-conv/fc layers run on the attached host.
// Also runs the weight loaders (one actor per host). SimGrid; used by run.cpp.
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
  /// True when stage k must run through run(): its weights are not all loaded yet, or it is a
  /// CIM stage split between the CIM device and its host.
  bool handles(int stage) const;
  /// Runs stage k for one request in the calling stage actor, layer by layer: each layer waits
  /// for its weights (telling the loader when its inputs are there, without pre-loading), then
  /// runs on its executing host. `on_start` is called right before the first computation.
  void run(int stage, const std::function<void()>& on_start);
  /// When every weight of stage k was on its host (0 without loading).
  double weights_ready_s(int stage) const;
  /// Rethrows what a loader actor threw (it stopped the simulation).
  void rethrow_if_failed() const;

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
  std::exception_ptr error_;
};

}  // namespace edgesplit::runtime
