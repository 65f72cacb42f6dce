// FCPM latency regression (Shen 2023): per device type, layer latency predicted from FLOPs, input and
// output bytes, layer type and CPU load, fitted by weighted least squares; plus the cost model that
// reads a fitted MODEL.yaml and a seeded generator of training samples (docs/OFPM.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/config/platform.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::cost {

/// One measured (or generated) layer execution: a row of the samples CSV
/// `device_type,layer_type,flops,in_bytes,out_bytes,load,latency_s`.
struct LatencySample {
  std::string device_type, layer_type;
  double flops = 0, in_bytes = 0, out_bytes = 0;
  double load = 0;       ///< CPU utilisation by other work, [0, 1)
  double latency_s = 0;  ///< > 0
};

/// Reads a samples CSV (header line required, columns in the order above). Throws
/// config::InputError ("FILE:LINE:..." with the column) for a malformed row, a missing file,
/// a load outside [0, 1) or a non-positive latency.
std::vector<LatencySample> read_latency_csv(const std::string& path);
/// Writes samples with the header, numbers shortest round-trip.
void write_latency_csv(std::ostream& out, const std::vector<LatencySample>& samples);

/// Regression forms (features of one layer-type group; u = 1 / (1 - load)):
///   linear:     1, F, I, O, load
///   poly:       1, F, I, O, load, load^2, load^3, F load, F load^2, F load^3, (I+O) load
///   contention: 1, F, I, O, u, F u, I u, O u  (the share of the CPU left: compute stretches by u)
/// F = flops, I = input bytes, O = output bytes. Without load every form keeps only 1, F, I, O
/// (poly adds F^2).
enum class RegressionForm { Linear, Poly, Contention };
std::string form_name(RegressionForm f);

/// Features of one sample for a form (see RegressionForm).
std::vector<double> regression_features(RegressionForm form, bool use_load, double flops, double in_bytes,
                                        double out_bytes, double load);

/// Least squares min ||A x - y||_2 by Householder QR with column scaling (no external library);
/// A is row-major, rows x cols, rows >= cols. Columns that are (numerically) dependent get 0.
std::vector<double> least_squares(const std::vector<std::vector<double>>& A, const std::vector<double>& y);

/// Coefficients of one layer type on one device type ("*": every layer type pooled, the fallback).
struct GroupFit {
  std::vector<double> coef;
  std::size_t samples = 0;
};

/// The fit of one device type.
struct DeviceFit {
  RegressionForm form = RegressionForm::Linear;
  double cv_accuracy = 0;                   ///< 1 - mean relative error in cross-validation
  std::map<std::string, GroupFit> groups;   ///< by layer type, plus "*"
};

/// A fitted latency model: what MODEL.yaml holds.
struct LatencyModel {
  bool use_load = true;
  std::map<std::string, DeviceFit> devices;
  /// Predicted seconds (> 0; clamped to 1e-9 s). Throws std::out_of_range for an unknown device type.
  double predict_s(const std::string& device_type, const std::string& layer_type, double flops, double in_bytes,
                   double out_bytes, double load) const;
  double predict_s(const LatencySample& s) const {
    return predict_s(s.device_type, s.layer_type, s.flops, s.in_bytes, s.out_bytes, s.load);
  }
  std::string to_yaml() const;
  /// Reads MODEL.yaml; throws config::InputError (located) when malformed.
  static LatencyModel load(const std::string& path);
};

struct FitOptions {
  bool use_load = true;      ///< false: leave load out of the features (to show it matters)
  double holdout = 0.2;      ///< fraction of the samples held out for the reported accuracy
  uint64_t seed = 1;         ///< seeds the held-out split and the cross-validation folds
  int folds = 5;
  std::size_t min_group = 12;  ///< a layer type with fewer training samples uses the pooled fit
};

struct FitReport {
  LatencyModel model;              ///< fitted on the training part
  std::size_t train = 0, test = 0;
  double holdout_accuracy = 0;     ///< 1 - mean relative error on the held-out samples
  std::map<std::string, double> device_accuracy;  ///< held-out, per device type
};

/// Fits a model per device type: each form by weighted least squares (weights 1/latency, so the
/// residual is relative), the form chosen by k-fold cross-validation on the training part.
/// Throws std::invalid_argument when there are too few samples.
FitReport fit_latency(const std::vector<LatencySample>& samples, const FitOptions& options);

/// 1 - mean over samples of |predicted - measured| / measured.
double accuracy(const LatencyModel& m, const std::vector<LatencySample>& samples);

/// Ground truth of the sample generator for one device type (not platform fields: memory
/// bandwidth and per-layer overhead are the generator's).
struct GeneratorDevice {
  double speed_flops = 0;
  std::map<std::string, double> efficiency;  ///< per layer type (default 1)
  double memory_Bps = 0;
  double overhead_s = 0;
};

/// The sample generator (tests/data/latency/latency-gen.yaml): a roofline with CPU contention,
///   t = overhead / (1 - load) + max(F / (speed x eff[type]) / (1 - load), (I + O + W) / memory_bw)
/// times exp(N(0, sigma)) noise, W the layer's weight bytes; layers drawn from zoo models (batch
/// 1..4), loads uniform in [0, max_load].
struct GeneratorSpec {
  std::string path;
  std::map<std::string, GeneratorDevice> devices;  ///< by device type
  std::vector<std::string> models;                 ///< zoo names
  int samples_per_device = 400;
  uint64_t seed = 1;
  double max_load = 0.8;
  double noise_sigma = 0.05;
};
/// Reads a generator spec: `platform:` (speed and efficiency per device type), `devices:` (memory
/// bandwidth and overhead per type), `models`, `samples_per_device`, `seed`, `max_load`,
/// `noise_sigma`. Throws config::InputError (located).
GeneratorSpec load_generator_spec(const std::string& path);
/// Noise-free generator latency of one layer execution.
double generator_latency_s(const GeneratorDevice& d, const std::string& layer_type, double flops, double in_bytes,
                           double out_bytes, double weight_bytes, double load);
std::vector<LatencySample> generate_latency_samples(const GeneratorSpec& spec);

/// cost: regression: compute time of a layer from a fitted LatencyModel, at load 0
/// (compute_s_at_load for a loaded host). Features: F = batch x flops, I = bytes of its inputs,
/// O = output bytes (batch included).
class RegressionCost : public CostModel {
 public:
  RegressionCost(const model::Graph& graph, const config::Platform& platform, int batch, LatencyModel m);
  double compute_s(model::LayerId l, int host) const override;
  double compute_s_at_load(model::LayerId l, int host, double load) const;
  std::string name() const override { return "regression"; }
  const LatencyModel& model() const { return model_; }

 private:
  LatencyModel model_;
};

/// Reads MODEL.yaml and checks every host's device type has a fit (config::InputError otherwise).
std::unique_ptr<CostModel> make_regression_cost(const model::Graph& graph, const config::Platform& platform, int batch,
                                                const std::string& model_yaml_path);

}  // namespace edgesplit::cost
