// Layer DAG of a neural network on Boost.Graph: per-layer shapes, MACs, params, geometry.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace edgesplit::model {

/// Index of a layer; layers are stored in a topological order, so inputs always have smaller ids.
using LayerId = std::size_t;
/// Pseudo-id of the model's input tensor in `Layer::inputs`.
inline constexpr LayerId kInput = std::numeric_limits<LayerId>::max();

/// Convolution / pooling geometry (2-D, NCHW). pad = {top, left, bottom, right}.
struct Geometry {
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 4> pad{0, 0, 0, 0};
  int64_t groups = 1;
};

/// Partition Pruning of a fully connected layer (sim/model/transforms.hpp, docs/ONNX.md).
struct PruneInfo {
  int parts = 1;                  ///< K devices that run the layer in parallel
  double kept_fraction = 0.0;     ///< fraction of the cross-block weights kept (0: block diagonal)
  double part_input_bytes = 0.0;  ///< input bytes per sample each part must receive
};

struct Layer {
  std::string name;
  std::string type;                    ///< conv | fc | pool | relu | bn | add | concat | softmax | flatten | ...
  std::vector<LayerId> inputs;         ///< producers (kInput for the model input); topologically earlier
  std::vector<int64_t> output_shape;   ///< per sample, e.g. {64, 112, 112}
  int64_t macs = 0;                    ///< multiply-accumulates per sample
  int64_t params = 0;                  ///< parameters (weights + biases + BN affine)
  std::optional<double> flops;         ///< per sample; when absent flops = 2 * macs
  std::optional<Geometry> geometry;    ///< conv and pool only
  /// Optional per-layer overrides (PipeEdge import): exact weight bytes and output bytes per sample.
  std::optional<double> weight_bytes_override;
  std::optional<double> output_bytes_override;
  /// Set by model::partition_prune only; params and macs above are already the pruned ones.
  std::optional<PruneInfo> pruned;

  double flops_per_sample() const { return flops ? *flops : 2.0 * static_cast<double>(macs); }
};

/// A directed acyclic graph of layers. Ids are dense and topological (inputs < id).
class Graph {
 public:
  Graph() = default;
  Graph(std::string name, std::vector<int64_t> input_shape, int dtype_bytes = 4);

  /// Appends a layer; throws std::invalid_argument if an input id is not an earlier layer
  /// or the name is a duplicate (or empty). Returns its id.
  LayerId add_layer(Layer layer);

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const std::vector<int64_t>& input_shape() const { return input_shape_; }
  int dtype_bytes() const { return dtype_bytes_; }
  /// Optional override of the input bytes per sample (PipeEdge import).
  void set_input_bytes_override(double bytes) { input_bytes_override_ = bytes; }

  std::size_t size() const { return layers_.size(); }
  const Layer& layer(LayerId id) const { return layers_.at(id); }
  const std::vector<Layer>& layers() const { return layers_; }
  std::optional<LayerId> find(const std::string& name) const;

  /// Layers that read `id`'s output (kInput: layers that read the model input).
  const std::vector<LayerId>& consumers(LayerId id) const;
  /// Layers with no consumer (the model outputs).
  std::vector<LayerId> outputs() const;
  /// True when every layer reads exactly the previous one (a chain).
  bool is_chain() const;
  /// a[l][j] != 0 when layer j is an ancestor of layer l (a path j -> ... -> l; not l itself).
  /// size() x size() bytes.
  std::vector<std::vector<char>> ancestors() const;

  /// Topological order computed by Boost.Graph (a check of the stored order).
  std::vector<LayerId> topological_order() const;

  /// Bytes of one layer's output for `batch` samples (dtype_bytes x elements, or the override).
  double output_bytes(LayerId id, int batch = 1) const;
  /// Bytes of the model input for `batch` samples.
  double input_bytes(int batch = 1) const;
  /// Weight bytes of one layer (params x dtype_bytes, or the override).
  double weight_bytes(LayerId id) const;
  /// Weight bytes of a set of layers.
  double weight_bytes(const std::vector<LayerId>& ids) const;

  /// Bytes of tensors crossing a partition: stage_of[l] is the stage of layer l; the model input
  /// counts as stage -1. A tensor produced in stage a and read in stages b != a counts once per
  /// distinct reading stage (it must be sent to each).
  double cut_bytes(const std::vector<int>& stage_of, int batch = 1) const;

  int64_t total_macs() const;
  int64_t total_params() const;
  double total_flops() const;

 private:
  std::string name_;
  std::vector<int64_t> input_shape_;
  int dtype_bytes_ = 4;
  std::optional<double> input_bytes_override_;
  std::vector<Layer> layers_;
  std::vector<std::vector<LayerId>> consumers_;
  std::vector<LayerId> input_consumers_;
  std::unordered_map<std::string, LayerId> index_;  ///< name -> id
};

/// Product of the dimensions of a shape.
int64_t elements(const std::vector<int64_t>& shape);

}  // namespace edgesplit::model
