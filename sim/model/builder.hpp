// Internal helpers that build zoo models layer by layer, deriving output shapes, MACs and
// params from geometry (the PyTorch definitions of Conv2d, MaxPool2d, Linear, ...). Not public API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/graph.hpp"

namespace edgesplit::model::detail {

/// Appends layers to a Graph of NCHW tensors (per sample: {C, H, W} or {features}).
/// MACs count conv and linear multiply-accumulates only; params count weights, biases and
/// BatchNorm's affine weight and bias (torchvision's convention; running stats excluded).
/// Every helper throws std::logic_error on inconsistent geometry (a bug in a definition).
class Builder {
 public:
  Builder(std::string name, std::vector<int64_t> input_shape);

  /// Shape of a tensor (kInput: the model input).
  const std::vector<int64_t>& shape(LayerId x) const;

  /// Conv2d(in_c, out_c, k, stride, pad, groups, bias): out = floor((H + 2p - k) / s) + 1.
  LayerId conv(const std::string& name, LayerId x, int64_t out_channels, int64_t kernel, int64_t stride = 1,
               int64_t pad = 0, int64_t groups = 1, bool bias = false);
  /// BatchNorm2d: 2*C params (weight, bias), no MACs.
  LayerId bn(const std::string& name, LayerId x);
  LayerId relu(const std::string& name, LayerId x);
  LayerId relu6(const std::string& name, LayerId x);
  /// MaxPool2d(kernel, stride, pad), floor mode.
  LayerId max_pool(const std::string& name, LayerId x, int64_t kernel, int64_t stride, int64_t pad = 0);
  /// AdaptiveAvgPool2d to out x out; the input size must be a multiple of out (then the
  /// windows are kernel = stride = H / out, as PyTorch computes them).
  LayerId adaptive_avg_pool(const std::string& name, LayerId x, int64_t out);
  LayerId flatten(const std::string& name, LayerId x);
  /// Linear(in_features, out_features, bias) on a flat tensor.
  LayerId fc(const std::string& name, LayerId x, int64_t out_features, bool bias = true);
  /// Element-wise sum of two tensors of the same shape (residual connection).
  LayerId add(const std::string& name, LayerId a, LayerId b);
  /// Concatenation along channels (dim 0 per sample).
  LayerId concat(const std::string& name, const std::vector<LayerId>& xs);

  /// The finished graph.
  Graph take() { return std::move(graph_); }

 private:
  LayerId push(const std::string& name, const std::string& type, std::vector<LayerId> inputs,
               std::vector<int64_t> shape, int64_t macs = 0, int64_t params = 0,
               std::optional<Geometry> geometry = std::nullopt);
  LayerId activation(const std::string& name, const std::string& type, LayerId x);
  const std::vector<int64_t>& chw(LayerId x, const std::string& name) const;

  Graph graph_;
};

/// torchvision ResNet-18/50/152 (depth 18, 50 or 152); defined in zoo_resnet.cpp.
Graph build_resnet(int depth);
/// torchvision MobileNetV2, width 1.0; defined in zoo_mobilenet.cpp.
Graph build_mobilenetv2();

}  // namespace edgesplit::model::detail
