// Band/halo geometry of horizontal partitioning (formulas in halo.hpp and docs/OFPM.md).
#include "partitioners/halo.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace edgesplit::partition::halo {

namespace {

const std::set<std::string>& row_local_types() {
  static const std::set<std::string> types{"relu",    "relu6", "bn",        "dropout",   "sigmoid",
                                           "tanh",    "silu",  "hardswish", "leakyrelu", "gelu"};
  return types;
}

bool is_chw(const std::vector<int64_t>& s) { return s.size() == 3 && s[1] > 0; }

const std::vector<int64_t>& shape_of(const model::Graph& g, model::LayerId l) {
  return l == model::kInput ? g.input_shape() : g.layer(l).output_shape;
}

}  // namespace

RowRange input_rows(const model::Layer& layer, int64_t in_height, RowRange out) {
  if (out.empty()) return RowRange{0, -1};
  int64_t first = out.first, last = out.last;
  if (layer.geometry) {
    const int64_t k = layer.geometry->kernel[0], s = layer.geometry->stride[0], p = layer.geometry->pad[0];
    first = out.first * s - p;
    last = out.last * s - p + k - 1;
  }
  first = std::max<int64_t>(first, 0);
  last = std::min<int64_t>(last, in_height - 1);
  return RowRange{first, last};
}

int64_t height(const model::Graph& g, model::LayerId l) {
  const auto& s = shape_of(g, l);
  if (!is_chw(s))
    throw std::invalid_argument(fmt::format("{} is not a C x H x W tensor",
                                            l == model::kInput ? std::string("the model input") : g.layer(l).name));
  return s[1];
}

double row_bytes(const model::Graph& g, model::LayerId l, int64_t rows, int batch) {
  const double full = l == model::kInput ? g.input_bytes(batch) : g.output_bytes(l, batch);
  return full * static_cast<double>(rows) / static_cast<double>(height(g, l));
}

bool row_splittable(const model::Graph& g, model::LayerId l) {
  const auto& layer = g.layer(l);
  if (layer.inputs.size() != 1 || !is_chw(layer.output_shape)) return false;
  const auto& in = shape_of(g, layer.inputs[0]);
  if (!is_chw(in)) return false;
  if ((layer.type == "conv" || layer.type == "pool") && layer.geometry) {
    const auto& geo = *layer.geometry;
    return geo.kernel[0] >= 1 && geo.stride[0] >= 1 && geo.pad[0] >= 0;
  }
  return row_local_types().count(layer.type) != 0 && in == layer.output_shape;
}

std::string check_run(const model::Graph& g, const std::vector<model::LayerId>& run) {
  if (run.empty()) return "the run is empty";
  for (std::size_t j = 0; j < run.size(); ++j) {
    const auto l = run[j];
    if (!row_splittable(g, l))
      return fmt::format("layer {} (type {}) cannot be split by rows", g.layer(l).name, g.layer(l).type);
    if (j > 0 && g.layer(l).inputs[0] != run[j - 1])
      return fmt::format("layer {} does not read the previous layer of the run", g.layer(l).name);
    if (j + 1 < run.size()) {
      const auto& cons = g.consumers(l);
      if (cons.size() != 1 || cons[0] != run[j + 1])
        return fmt::format("the output of layer {} is read outside the run", g.layer(l).name);
    }
  }
  return "";
}

RunRows run_rows(const model::Graph& g, const std::vector<model::LayerId>& run, RowRange last_out) {
  RunRows r;
  r.out_rows.resize(run.size());
  RowRange need = last_out;
  for (std::size_t j = run.size(); j-- > 0;) {
    r.out_rows[j] = need;
    const auto& layer = g.layer(run[j]);
    need = input_rows(layer, height(g, layer.inputs[0]), need);
  }
  r.input = need;
  return r;
}

std::vector<RowRange> bands_from_heights(const std::vector<int64_t>& heights) {
  std::vector<RowRange> out;
  int64_t next = 0;
  for (auto h : heights) {
    if (h < 0) throw std::invalid_argument(fmt::format("band height {} is negative", h));
    out.push_back(RowRange{next, next + h - 1});
    next += h;
  }
  return out;
}

std::vector<int64_t> equal_heights(int64_t H, int k) {
  if (k <= 0) throw std::invalid_argument("equal_heights: k must be >= 1");
  std::vector<int64_t> h(static_cast<std::size_t>(k), H / k);
  for (int64_t i = 0; i < H % k; ++i) ++h[static_cast<std::size_t>(i)];
  return h;
}

std::vector<Affine> run_affine(const model::Graph& g, const std::vector<model::LayerId>& run) {
  const std::size_t n = run.size();
  std::vector<Affine> a(n + 1);
  a[n - 1].height = height(g, run[n - 1]);
  a[n - 1].bottom_last = a[n - 1].height - 1;
  for (std::size_t j = n; j-- > 0;) {
    const auto& layer = g.layer(run[j]);
    int64_t k = 1, s = 1, p = 0;
    if (layer.geometry) {
      k = layer.geometry->kernel[0];
      s = layer.geometry->stride[0];
      p = layer.geometry->pad[0];
    }
    // Composition of [a, b] -> [a*s - p, b*s - p + k - 1] with the affine map of run[j]'s output.
    Affine& in = a[j == 0 ? n : j - 1];
    const Affine& out = a[j];
    in.S = out.S * s;
    in.P = out.P * s + p;
    in.Q = out.Q * s - p + k - 1;
    in.height = height(g, layer.inputs[0]);
    in.bottom_last = std::min<int64_t>(in.height - 1, out.bottom_last * s - p + k - 1);
  }
  return a;
}

}  // namespace edgesplit::partition::halo
