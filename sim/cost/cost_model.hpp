// Cost model: predicted compute time and energy of a layer on a host, and transfer times.
// Partitioners predict with it and the runtime executes the same amounts, so predictions and
// simulation agree on a quiet constant platform.
#pragma once

#include <memory>
#include <string>

#include "sim/config/platform.hpp"
#include "sim/config/scenario.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::cost {

class CostModel {
 public:
  CostModel(const model::Graph& graph, const config::Platform& platform, int batch)
      : graph_(graph), platform_(platform), batch_(batch) {}
  virtual ~CostModel() = default;

  /// Seconds to run layer `l` for one request (`batch` samples) on host `host`
  /// (index into platform.hosts) at its nominal speed.
  virtual double compute_s(model::LayerId l, int host) const = 0;
  /// Energy above idle of that computation, J.
  virtual double compute_energy_j(model::LayerId l, int host) const;
  /// Short name: "analytic" | "profile".
  virtual std::string name() const = 0;

  /// Transfer time of `bytes` alone on the route a -> b: sum of latencies + bytes / smallest
  /// bandwidth. 0 when a == b or bytes == 0.
  double send_s(double bytes, int a, int b) const;
  /// Energy above idle of the links crossed: sum over links of (busy - idle) x bytes / bandwidth.
  double send_energy_j(double bytes, int a, int b) const;

  /// kind: cim with `reprogram` (docs/CIM.md "Reprogramming"): true when host `host` may rewrite
  /// its arrays, so a stage whose memory need exceeds the host's memory is still feasible.
  bool reprograms(int host) const;
  /// Bytes written into the arrays of `host` per request when its stage needs `overflow_bytes`
  /// more than the host's memory (model bytes, as the memory rule counts them): the overflow
  /// scaled to the arrays' weight width, overflow x precision / (8 x dtype_bytes) with
  /// `precision`, else the overflow itself. 0 when the host does not reprogram or overflow <= 0.
  double reprogram_bytes(double overflow_bytes, int host) const;
  /// Time of those writes, serial with the stage's compute: bytes / write_bandwidth.
  double reprogram_s(double overflow_bytes, int host) const;
  /// Energy of those writes: bytes x energy_per_byte (on top of the device's leakage).
  double reprogram_energy_j(double overflow_bytes, int host) const;

  const model::Graph& graph() const { return graph_; }
  const config::Platform& platform() const { return platform_; }
  int batch() const { return batch_; }

 protected:
  const model::Graph& graph_;
  const config::Platform& platform_;
  int batch_;
};

/// analytic: time = batch x flops(l) / (speed x efficiency[type]) (efficiency default 1).
class AnalyticCost : public CostModel {
 public:
  using CostModel::CostModel;
  double compute_s(model::LayerId l, int host) const override;
  std::string name() const override { return "analytic"; }
};

/// profile: time = the device type's measured per-layer seconds for this model, scaled by
/// batch / profile batch; energy from the profile's energy_j when given.
class ProfileCost : public CostModel {
 public:
  ProfileCost(const model::Graph& graph, const config::Platform& platform, int batch, std::string profile_name);
  double compute_s(model::LayerId l, int host) const override;
  double compute_energy_j(model::LayerId l, int host) const override;
  std::string name() const override { return "profile"; }

 private:
  std::string profile_name_;
};

/// Busy power SimGrid gives a device type, W: power.busy, except for kind: cim, whose busy power
/// is idle + energy_per_mac x macs_per_s (docs/CIM.md), so that energy = leakage x time +
/// MACs x energy_per_mac exactly. 0 without a power figure.
double busy_power_w(const config::DeviceType& type);

/// True when layer type `layer_type` runs in a CIM device's arrays (conv and fc); other layers
/// of a stage on a CIM host run on the host it is attached to.
bool runs_on_cim(const std::string& layer_type);

/// The host that executes layer `l` of a stage placed on host `host`: `host` itself, or for a
/// CIM host with attached_to and a layer that does not run on CIM, the attached host.
int executing_host(const config::Platform& platform, const model::Graph& graph, model::LayerId l, int host);

/// The scenario's cost model. Throws config::InputError when a host's type has no profile
/// for the model, or a profile's length differs from the layer count.
std::unique_ptr<CostModel> make_cost_model(const config::Scenario& scenario);

}  // namespace edgesplit::cost
