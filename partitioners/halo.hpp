// Band/halo geometry of horizontal (row) partitioning: which input rows a run of conv/pool layers
// needs to produce a band of output rows, and splitting a height into bands (docs/OFPM.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/model/graph.hpp"

namespace edgesplit::partition::halo {

/// Rows [first, last] of a feature map, inclusive; empty when first > last.
struct RowRange {
  int64_t first = 0;
  int64_t last = -1;
  int64_t rows() const { return last >= first ? last - first + 1 : 0; }
  bool empty() const { return last < first; }
  bool operator==(const RowRange&) const = default;
};

/// Input rows a layer needs to produce output rows `out` (Shen 2023; DeepThings 2018):
/// with kernel height k, stride s and top padding p, rows [a, b] need input rows
/// [a*s - p, b*s - p + k - 1], clipped to [0, in_height - 1]. Layers without geometry
/// (relu, bn, ...) map rows to the same rows. An empty `out` gives an empty range.
RowRange input_rows(const model::Layer& layer, int64_t in_height, RowRange out);

/// True for layers whose output rows depend only on a window of input rows: conv and pool with
/// geometry, and row-local layers (relu, relu6, bn, dropout, sigmoid, tanh, silu, hardswish,
/// leakyrelu, gelu) with one input of the same C x H x W shape.
bool row_splittable(const model::Graph& g, model::LayerId l);

/// Height (rows) of layer l's output (output_shape[1]); kInput: the model input's height.
/// Throws std::invalid_argument when the tensor is not C x H x W.
int64_t height(const model::Graph& g, model::LayerId l);

/// Bytes of `rows` rows of layer l's output (kInput: the model input) for `batch` samples:
/// output_bytes x rows / height (so overrides of output bytes are honoured).
double row_bytes(const model::Graph& g, model::LayerId l, int64_t rows, int batch);

/// A run: layers run[0..n-1], each reading only the previous one (run[0] reads one tensor).
/// Checks the run is a chain of row-splittable layers; returns "" when it is, else why not.
std::string check_run(const model::Graph& g, const std::vector<model::LayerId>& run);

/// Rows each layer of a run must produce, and the input rows of run[0], for output rows `last_out`
/// of the run's last layer: applied backwards, each layer producing the rows its successor needs
/// (halo rows are recomputed). out_rows[j] belongs to run[j]. The run must pass check_run.
struct RunRows {
  std::vector<RowRange> out_rows;
  RowRange input;
};
RunRows run_rows(const model::Graph& g, const std::vector<model::LayerId>& run, RowRange last_out);

/// Consecutive bands of the given heights (>= 0) over rows [0, sum - 1], top to bottom.
/// Zero heights give empty ranges. Throws std::invalid_argument for a negative height.
std::vector<RowRange> bands_from_heights(const std::vector<int64_t>& heights);

/// Heights of k equal bands over H rows: the first H mod k bands get one more row.
std::vector<int64_t> equal_heights(int64_t H, int k);

/// Affine row counts of a run (exact when no clipping except at the image edges):
/// to produce output rows [a, b] of the run's last layer, run[j]'s input needs rows
/// [a*S - P, b*S + Q] before clipping (S = product of strides from j to the end,
/// P and Q accumulated paddings/kernels). bottom_last is the last row ever needed
/// (a band that ends at the bottom needs rows up to it, never beyond).
struct Affine {
  int64_t S = 1, P = 0, Q = 0;
  int64_t bottom_last = 0;
  int64_t height = 0;  ///< rows of the tensor this describes
};
/// affine[j] describes the *output* of run[j] (j < n) in terms of the last layer's rows, and
/// affine[n] the run's input. affine[n-1] is the identity.
std::vector<Affine> run_affine(const model::Graph& g, const std::vector<model::LayerId>& run);

}  // namespace edgesplit::partition::halo
