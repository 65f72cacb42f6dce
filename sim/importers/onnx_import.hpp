// ONNX import: an .onnx file (opset <= 17, Debian's ONNX 1.12) -> a layer DAG with per-sample
// shapes, MACs, params and conv/pool geometry. Weight values are never read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/model/graph.hpp"

namespace edgesplit::importers {

/// An ONNX node that did not become a layer (Identity, Dropout, Constant, Shape, shape arithmetic...).
struct OnnxFoldedNode {
  std::string name;         ///< AutoDiCE-style name: first output tensor's name, "/" replaced by "_"
  std::string op;           ///< operator type, e.g. "Identity"
  std::string merged_into;  ///< layer whose output it forwards (Identity, Dropout, Cast); "" for constant plumbing
};

struct OnnxImport {
  model::Graph graph;
  std::vector<OnnxFoldedNode> folded;  ///< in node order
};

/// Imports `path`. The graph is named after the file's stem; its input shape is the model
/// input's shape without the batch dimension, dtype_bytes from the input's element type.
/// Each ONNX node that computes something becomes one layer named after its first output tensor
/// with "/" replaced by "_" (AutoDiCE's node names); see docs/ONNX.md for the operator table,
/// what counts as MACs and params, and which nodes are folded.
///
/// `input_shape` (C,H,W without batch) fixes a dynamic input; it is required when any
/// non-batch input dimension is symbolic. A dynamic batch dimension is set to 1.
///
/// Throws config::InputError (FILE = path, no line; KEY = `node[i] NAME (OP)` for node problems)
/// for: unreadable or non-ONNX files, opset > 17, zero or several model inputs, dynamic input
/// dimensions without `input_shape`, a batch fixed above 1, unsupported operators, tensors without
/// a static shape after ONNX shape inference, and geometry edgesplit cannot represent (dilation,
/// non-2-D convolution or pooling).
OnnxImport import_onnx_detailed(const std::string& path,
                                std::optional<std::vector<int64_t>> input_shape = std::nullopt);

/// import_onnx_detailed(path, input_shape).graph.
model::Graph import_onnx(const std::string& path, std::optional<std::vector<int64_t>> input_shape = std::nullopt);

}  // namespace edgesplit::importers
