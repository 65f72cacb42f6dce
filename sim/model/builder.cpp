// Layer builders for the zoo: output shape, MACs and params from each layer's geometry,
// following the shape formulas of PyTorch's Conv2d / MaxPool2d / AdaptiveAvgPool2d / Linear docs.
#include "sim/model/builder.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace edgesplit::model::detail {

Builder::Builder(std::string name, std::vector<int64_t> input_shape)
    : graph_(std::move(name), std::move(input_shape)) {}

const std::vector<int64_t>& Builder::shape(LayerId x) const {
  return x == kInput ? graph_.input_shape() : graph_.layer(x).output_shape;
}

const std::vector<int64_t>& Builder::chw(LayerId x, const std::string& name) const {
  const auto& s = shape(x);
  if (s.size() != 3) throw std::logic_error("zoo: layer " + name + " needs a CxHxW input");
  return s;
}

LayerId Builder::push(const std::string& name, const std::string& type, std::vector<LayerId> inputs,
                      std::vector<int64_t> shape, int64_t macs, int64_t params,
                      std::optional<Geometry> geometry) {
  Layer l;
  l.name = name;
  l.type = type;
  l.inputs = std::move(inputs);
  l.output_shape = std::move(shape);
  l.macs = macs;
  l.params = params;
  l.geometry = geometry;
  return graph_.add_layer(std::move(l));
}

LayerId Builder::conv(const std::string& name, LayerId x, int64_t out_channels, int64_t kernel, int64_t stride,
                      int64_t pad, int64_t groups, bool bias) {
  const auto& s = chw(x, name);
  const int64_t in_channels = s[0];
  if (in_channels % groups != 0 || out_channels % groups != 0) {
    throw std::logic_error("zoo: layer " + name + ": channels not divisible by groups");
  }
  // PyTorch Conv2d: H_out = floor((H_in + 2*pad - kernel) / stride) + 1 (dilation 1).
  const int64_t h = (s[1] + 2 * pad - kernel) / stride + 1;
  const int64_t w = (s[2] + 2 * pad - kernel) / stride + 1;
  // Each output element is a dot product over (C_in / groups) x k x k inputs.
  const int64_t per_output = (in_channels / groups) * kernel * kernel;
  const int64_t macs = out_channels * h * w * per_output;
  const int64_t params = out_channels * per_output + (bias ? out_channels : 0);
  Geometry g;
  g.kernel = {kernel, kernel};
  g.stride = {stride, stride};
  g.pad = {pad, pad, pad, pad};
  g.groups = groups;
  return push(name, "conv", {x}, {out_channels, h, w}, macs, params, g);
}

LayerId Builder::bn(const std::string& name, LayerId x) {
  const auto& s = chw(x, name);
  // BatchNorm2d learns a scale and a shift per channel (running mean/var are buffers).
  return push(name, "bn", {x}, s, 0, 2 * s[0]);
}

LayerId Builder::activation(const std::string& name, const std::string& type, LayerId x) {
  return push(name, type, {x}, shape(x));
}

LayerId Builder::relu(const std::string& name, LayerId x) { return activation(name, "relu", x); }

LayerId Builder::relu6(const std::string& name, LayerId x) { return activation(name, "relu6", x); }

LayerId Builder::max_pool(const std::string& name, LayerId x, int64_t kernel, int64_t stride, int64_t pad) {
  const auto& s = chw(x, name);
  // PyTorch MaxPool2d (ceil_mode=False): same size formula as Conv2d.
  const int64_t h = (s[1] + 2 * pad - kernel) / stride + 1;
  const int64_t w = (s[2] + 2 * pad - kernel) / stride + 1;
  Geometry g;
  g.kernel = {kernel, kernel};
  g.stride = {stride, stride};
  g.pad = {pad, pad, pad, pad};
  return push(name, "pool", {x}, {s[0], h, w}, 0, 0, g);
}

LayerId Builder::adaptive_avg_pool(const std::string& name, LayerId x, int64_t out) {
  const auto& s = chw(x, name);
  if (s[1] % out != 0 || s[2] % out != 0) {
    throw std::logic_error("zoo: layer " + name + ": adaptive pool with uneven windows is not supported");
  }
  Geometry g;
  g.kernel = {s[1] / out, s[2] / out};
  g.stride = g.kernel;
  return push(name, "pool", {x}, {s[0], out, out}, 0, 0, g);
}

LayerId Builder::flatten(const std::string& name, LayerId x) {
  return push(name, "flatten", {x}, {elements(shape(x))});
}

LayerId Builder::fc(const std::string& name, LayerId x, int64_t out_features, bool bias) {
  const auto& s = shape(x);
  if (s.size() != 1) throw std::logic_error("zoo: layer " + name + " needs a flat input");
  const int64_t in_features = s[0];
  return push(name, "fc", {x}, {out_features}, in_features * out_features,
              in_features * out_features + (bias ? out_features : 0));
}

LayerId Builder::add(const std::string& name, LayerId a, LayerId b) {
  if (shape(a) != shape(b)) throw std::logic_error("zoo: layer " + name + ": add of different shapes");
  return push(name, "add", {a, b}, shape(a));
}

LayerId Builder::concat(const std::string& name, const std::vector<LayerId>& xs) {
  if (xs.empty()) throw std::logic_error("zoo: layer " + name + ": concat of nothing");
  std::vector<int64_t> out = shape(xs.front());
  out[0] = 0;
  for (LayerId x : xs) {
    const auto& s = shape(x);
    if (s.size() != out.size() || !std::equal(s.begin() + 1, s.end(), out.begin() + 1)) {
      throw std::logic_error("zoo: layer " + name + ": concat of mismatched shapes");
    }
    out[0] += s[0];
  }
  return push(name, "concat", xs, out);
}

}  // namespace edgesplit::model::detail
