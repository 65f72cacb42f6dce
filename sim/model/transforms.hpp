// Model transforms applied before partitioning: Partition Pruning of fully connected layers
// (Shahhosseini, Albaqsami, Jasemi, Bagherzadeh, PDP 2020; docs/ONNX.md).
#pragma once

#include <string>
#include <vector>

#include "sim/model/graph.hpp"

namespace edgesplit::model {

/// Partition Pruning: each fc layer in `layers` is split across `parts` (K) devices and pruned to
/// its K diagonal blocks of (in/K) x (out/K) weights, plus a fraction `keep` of the cross-block
/// weights, so that with keep == 0 part i reads only slice i of the input and writes slice i of
/// the output (no exchange between the parts).
///
/// Per pruned layer: weights in x out become in x out / K + round(keep x in x out x (K-1) / K);
/// params = those weights + the unchanged biases; MACs = rows x weights (rows = output rows of one
/// sample, 1 for a plain Linear); an explicit flops or weight-bytes override scales by the same
/// ratio. `Layer::pruned` records K, keep and the input bytes each part must receive per sample:
/// the layer's input bytes / K when keep == 0, all of them otherwise (a kept cross-block weight
/// reads another part's slice). Other layers are copied unchanged. Accuracy (recovered by
/// retraining in the paper) is outside the model: report `keep`.
///
/// Throws std::invalid_argument naming the numbers when: `layers` is empty or repeats a name, a
/// name is not a layer, a layer is not of type fc, has several inputs, or is already pruned, its
/// MACs are not a multiple of in x out, its params are fewer than in x out, parts < 2, parts does
/// not divide the input or output features, or keep is outside [0, 1].
Graph partition_prune(const Graph& graph, const std::vector<std::string>& layers, int parts, double keep);

/// Partition Pruning with keep == 0 as K parallel branches (scenario key `branches: true`,
/// docs/CIM.md "Partition Pruning on CIM"), so that partitioners and the runtime can place the K
/// parts on K devices. Each run of listed fc layers, joined by activation layers (relu, relu6,
/// gelu, sigmoid, tanh, silu, hardswish, dropout, identity: one input, one consumer, same shape),
/// becomes, for part p = 0..K-1:
///   "<first>/slice<p>"  type slice: slice p of the run's input (last dimension / K), no compute;
///   "<layer>/part<p>"   each layer of the run on slice p: an fc keeps its diagonal block of
///                       (in/K) x (out/K) weights and out/K biases; an activation its 1/K share.
/// All slices come first, then part 0's layers, part 1's, ... When the run's last layer has
/// consumers, a layer "<last>/concat" (type concat, no compute) joins the K parts for them;
/// otherwise the K parts are K model outputs. Summed over the parts, params and MACs equal
/// partition_prune(graph, layers, K, 0)'s. Throws std::invalid_argument (as partition_prune, and
/// when K does not divide an activation's size or an fc's biases).
Graph partition_prune_branches(const Graph& graph, const std::vector<std::string>& layers, int parts);

}  // namespace edgesplit::model
