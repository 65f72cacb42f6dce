// ONNX import: parse the ModelProto without loading external data, fix the input shape (batch 1),
// run ONNX shape inference, then turn each computing node into a layer and fold the plumbing.
// Operator table, MAC and param conventions: docs/ONNX.md.
#include "sim/importers/onnx_import.hpp"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <array>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "sim/config/diagnostics.hpp"
#include "sim/config/file_text.hpp"

namespace edgesplit::importers {

namespace {

// Newest default-domain opset Debian's ONNX 1.12 knows (onnx.defs.onnx_opset_version()).
constexpr int64_t kMaxOpset = 17;

[[noreturn]] void fail(const std::string& path, const std::string& key, const std::string& message) {
  throw config::InputError(config::Diagnostic{config::SourceLoc{path, 0, 0}, key, message});
}

std::string join_dims(const std::vector<int64_t>& dims, const char* sep = ",") {
  std::string out;
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? sep : "") + std::to_string(dims[i]);
  return out;
}

// AutoDiCE names every node after its first output tensor with "/" replaced by "_".
std::string autodice_name(const std::string& tensor) {
  std::string out = tensor;
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

int dtype_bytes_of(int32_t elem_type) {
  using T = onnx::TensorProto;
  switch (elem_type) {
    case T::FLOAT: case T::INT32: case T::UINT32: return 4;
    case T::FLOAT16: case T::BFLOAT16: case T::INT16: case T::UINT16: return 2;
    case T::DOUBLE: case T::INT64: case T::UINT64: return 8;
    case T::INT8: case T::UINT8: case T::BOOL: return 1;
    default: return 0;
  }
}

bool is_float(int32_t elem_type) {
  using T = onnx::TensorProto;
  return elem_type == T::FLOAT || elem_type == T::FLOAT16 || elem_type == T::BFLOAT16 || elem_type == T::DOUBLE;
}

// How a node's MACs and geometry are derived.
enum class Rule { Conv, ConvTranspose, Gemm, MatMul, Pool, GlobalPool, Elementwise, Plain, Alias };

struct OpSpec {
  const char* type;          // edgesplit layer type
  Rule rule;
  std::vector<int> weights;  // input slots whose constant float tensors count as params
};

// Default-domain operators that become layers (or, for Alias, forward their input).
const std::unordered_map<std::string, OpSpec>& op_table() {
  static const std::unordered_map<std::string, OpSpec> kTable = {
      {"Conv", {"conv", Rule::Conv, {1, 2}}},
      {"ConvTranspose", {"deconv", Rule::ConvTranspose, {1, 2}}},
      {"Gemm", {"fc", Rule::Gemm, {0, 1, 2}}},
      {"MatMul", {"fc", Rule::MatMul, {0, 1}}},
      {"MaxPool", {"pool", Rule::Pool, {}}},
      {"AveragePool", {"pool", Rule::Pool, {}}},
      {"LpPool", {"pool", Rule::Pool, {}}},
      {"GlobalAveragePool", {"pool", Rule::GlobalPool, {}}},
      {"GlobalMaxPool", {"pool", Rule::GlobalPool, {}}},
      {"GlobalLpPool", {"pool", Rule::GlobalPool, {}}},
      // Normalizations: scale and bias are params; BatchNorm's running mean and variance are not
      // (torchvision's parameter count, as the zoo's).
      {"BatchNormalization", {"bn", Rule::Plain, {1, 2}}},
      {"InstanceNormalization", {"instance_norm", Rule::Plain, {1, 2}}},
      {"LayerNormalization", {"layer_norm", Rule::Plain, {1, 2}}},
      {"LRN", {"lrn", Rule::Plain, {}}},
      {"Relu", {"relu", Rule::Plain, {}}},
      {"LeakyRelu", {"leaky_relu", Rule::Plain, {}}},
      {"PRelu", {"prelu", Rule::Plain, {1}}},
      {"Elu", {"elu", Rule::Plain, {}}},
      {"Selu", {"selu", Rule::Plain, {}}},
      {"Celu", {"celu", Rule::Plain, {}}},
      {"ThresholdedRelu", {"thresholded_relu", Rule::Plain, {}}},
      {"Sigmoid", {"sigmoid", Rule::Plain, {}}},
      {"HardSigmoid", {"hard_sigmoid", Rule::Plain, {}}},
      {"HardSwish", {"hard_swish", Rule::Plain, {}}},
      {"Tanh", {"tanh", Rule::Plain, {}}},
      {"Softplus", {"softplus", Rule::Plain, {}}},
      {"Softsign", {"softsign", Rule::Plain, {}}},
      {"Clip", {"clip", Rule::Plain, {}}},
      {"Erf", {"erf", Rule::Plain, {}}},
      {"Exp", {"exp", Rule::Plain, {}}},
      {"Log", {"log", Rule::Plain, {}}},
      {"Sqrt", {"sqrt", Rule::Plain, {}}},
      {"Neg", {"neg", Rule::Plain, {}}},
      {"Abs", {"abs", Rule::Plain, {}}},
      {"Reciprocal", {"reciprocal", Rule::Plain, {}}},
      {"Softmax", {"softmax", Rule::Plain, {}}},
      {"LogSoftmax", {"log_softmax", Rule::Plain, {}}},
      {"Hardmax", {"hardmax", Rule::Plain, {}}},
      {"Add", {"add", Rule::Elementwise, {}}},
      {"Sum", {"add", Rule::Elementwise, {}}},
      {"Sub", {"sub", Rule::Elementwise, {}}},
      {"Mul", {"mul", Rule::Elementwise, {}}},
      {"Div", {"div", Rule::Elementwise, {}}},
      {"Pow", {"pow", Rule::Elementwise, {}}},
      {"Max", {"max", Rule::Elementwise, {}}},
      {"Min", {"min", Rule::Elementwise, {}}},
      {"Mean", {"mean", Rule::Elementwise, {}}},
      {"Concat", {"concat", Rule::Plain, {}}},
      {"Flatten", {"flatten", Rule::Plain, {}}},
      {"Reshape", {"reshape", Rule::Plain, {}}},
      {"Squeeze", {"reshape", Rule::Plain, {}}},
      {"Unsqueeze", {"reshape", Rule::Plain, {}}},
      {"Transpose", {"transpose", Rule::Plain, {}}},
      {"DepthToSpace", {"depth_to_space", Rule::Plain, {}}},
      {"SpaceToDepth", {"space_to_depth", Rule::Plain, {}}},
      {"Pad", {"pad", Rule::Plain, {}}},
      {"Resize", {"resize", Rule::Plain, {}}},
      {"Upsample", {"resize", Rule::Plain, {}}},
      {"Slice", {"slice", Rule::Plain, {}}},
      {"Gather", {"gather", Rule::Plain, {}}},
      {"Expand", {"expand", Rule::Plain, {}}},
      {"Tile", {"tile", Rule::Plain, {}}},
      {"ReduceMean", {"reduce", Rule::Plain, {}}},
      {"ReduceSum", {"reduce", Rule::Plain, {}}},
      {"ReduceMax", {"reduce", Rule::Plain, {}}},
      {"ReduceMin", {"reduce", Rule::Plain, {}}},
      {"ReduceL2", {"reduce", Rule::Plain, {}}},
      {"ArgMax", {"argmax", Rule::Plain, {}}},
      {"Identity", {"", Rule::Alias, {}}},
      {"Dropout", {"", Rule::Alias, {}}},
      {"Cast", {"", Rule::Alias, {}}},
  };
  return kTable;
}

// Operators folded when they compute on constants and shapes only (torch's shape arithmetic).
const std::unordered_set<std::string>& plumbing_ops() {
  static const std::unordered_set<std::string> kOps = {
      "Constant", "ConstantOfShape", "Shape", "Size", "Range", "Equal", "Less", "Greater", "Not",
      "And", "Or", "Where", "Floor", "Ceil", "Round", "Mod", "NonZero", "ScatterND", "CastLike"};
  return kOps;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

std::vector<int64_t> ints_attr(const onnx::NodeProto& n, const std::string& name, std::vector<int64_t> fallback) {
  const auto* a = attribute(n, name);
  if (a == nullptr) return fallback;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

int64_t int_attr(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const auto* a = attribute(n, name);
  return a == nullptr ? fallback : a->i();
}

std::string string_attr(const onnx::NodeProto& n, const std::string& name, std::string fallback) {
  const auto* a = attribute(n, name);
  return a == nullptr ? fallback : a->s();
}

// A tensor's static shape, if every dimension has a value.
std::optional<std::vector<int64_t>> static_shape(const onnx::TypeProto& t) {
  if (!t.has_tensor_type() || !t.tensor_type().has_shape()) return std::nullopt;
  std::vector<int64_t> dims;
  for (const auto& d : t.tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return std::nullopt;
    dims.push_back(d.dim_value());
  }
  return dims;
}

struct TensorInfo {
  std::optional<std::vector<int64_t>> shape;
  int32_t elem_type = 0;
};

// Where a tensor comes from: the model input, a layer's output, constants and shapes only, or a
// secondary output of a node (not modelled).
enum class Kind { Input, Layer, Static, Extra };
struct Source {
  Kind kind = Kind::Static;
  model::LayerId layer = 0;
  int node = -1;  // for Extra: the producing node
  int slot = 0;   // for Extra: the output index
};

class Importer {
 public:
  Importer(std::string path, std::optional<std::vector<int64_t>> input_shape)
      : path_(std::move(path)), input_shape_(std::move(input_shape)) {}

  OnnxImport run() {
    load();
    check_opset();
    const std::string input = fix_input();
    check_references();
    pin_conv_kernels();
    infer_shapes();
    collect_tensor_info();
    model::Graph graph(std::filesystem::path(path_).stem().string(), input_per_sample_, dtype_bytes_);
    sources_[input] = Source{Kind::Input};
    for (const auto& init : model_.graph().initializer()) sources_[init.name()] = Source{Kind::Static};
    OnnxImport out{std::move(graph), {}};
    for (int i = 0; i < model_.graph().node_size(); ++i) import_node(i, out);
    if (out.graph.size() == 0) fail(path_, "", "no node computes on the model input: the model has no layer");
    return out;
  }

 private:
  void load() {
    const config::FileText file = config::read_file_text(path_);
    if (file.directory) fail(path_, "", "cannot open the ONNX file: it is a directory");
    if (!file.text) fail(path_, "", "cannot open the ONNX file");
    const std::string& bytes = *file.text;
    // ParseFromString never follows external-data references: weights stored in a separate file
    // are neither needed nor read.
    if (!model_.ParseFromString(bytes)) fail(path_, "", "not an ONNX model (the protobuf does not parse)");
    if (!model_.has_graph()) fail(path_, "", "not an ONNX model (no graph)");
  }

  void check_opset() {
    bool found = false;
    for (const auto& o : model_.opset_import()) {
      if (!o.domain().empty() && o.domain() != "ai.onnx") continue;
      found = true;
      if (o.version() > kMaxOpset) {
        fail(path_, "opset_import", "expected an opset <= " + std::to_string(kMaxOpset) +
                                        " (Debian's ONNX 1.12), found " + std::to_string(o.version()) +
                                        "; re-export with opset_version=" + std::to_string(kMaxOpset));
      }
    }
    if (!found) fail(path_, "opset_import", "expected a default-domain (ai.onnx) opset import, found none");
  }

  // Finds the one model input (graph inputs that are initializers are not model inputs), checks its
  // dimensions and rewrites them to batch 1 plus the per-sample shape. Returns its name.
  std::string fix_input() {
    std::unordered_set<std::string> inits;
    for (const auto& t : model_.graph().initializer()) inits.insert(t.name());
    std::vector<int> real;
    for (int i = 0; i < model_.graph().input_size(); ++i) {
      if (!inits.count(model_.graph().input(i).name())) real.push_back(i);
    }
    if (real.empty()) fail(path_, "graph.input", "expected one model input, found none (all inputs are initializers)");
    if (real.size() > 1) {
      std::string names;
      for (int i : real) names += (names.empty() ? "\"" : ", \"") + model_.graph().input(i).name() + "\"";
      fail(path_, "graph.input", "expected one model input, found " + std::to_string(real.size()) + ": " + names);
    }
    auto* in = model_.mutable_graph()->mutable_input(real.front());
    const std::string key = "input \"" + in->name() + "\"";
    if (!in->type().has_tensor_type()) fail(path_, key, "expected a tensor input");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    dtype_bytes_ = dtype_bytes_of(tt->elem_type());
    if (dtype_bytes_ == 0) fail(path_, key, "unsupported element type " + std::to_string(tt->elem_type()));

    std::vector<std::string> shown;  // dimensions as written, for messages
    bool dynamic = false;
    if (tt->has_shape()) {
      for (const auto& d : tt->shape().dim()) {
        if (d.has_dim_value()) {
          shown.push_back(std::to_string(d.dim_value()));
        } else {
          shown.push_back(d.dim_param().empty() ? "?" : d.dim_param());
          if (shown.size() > 1) dynamic = true;
        }
      }
    }
    std::string written = "[";
    for (std::size_t i = 0; i < shown.size(); ++i) written += (i ? ", " : "") + shown[i];
    written += "]";

    std::vector<int64_t> per_sample;
    if (input_shape_) {
      const auto& given = *input_shape_;
      for (int64_t d : given) {
        if (d <= 0) fail(path_, "--input-shape", "expected positive dimensions, found " + join_dims(given));
      }
      count(given, "--input-shape");
      if (tt->has_shape() && static_cast<std::size_t>(tt->shape().dim_size()) != given.size() + 1) {
        fail(path_, key, "--input-shape gives " + std::to_string(given.size()) + " dimensions (" + join_dims(given) +
                             "), but the input " + written + " has " + std::to_string(tt->shape().dim_size() - 1) +
                             " besides the batch");
      }
      if (tt->has_shape()) {
        for (std::size_t i = 0; i < given.size(); ++i) {
          const auto& d = tt->shape().dim(static_cast<int>(i + 1));
          if (d.has_dim_value() && d.dim_value() != given[i]) {
            fail(path_, key, "--input-shape gives " + join_dims(given) + ", but the model fixes dimension " +
                                 std::to_string(i + 1) + " of " + written + " to " + std::to_string(d.dim_value()));
          }
        }
      }
      per_sample = given;
    } else {
      if (!tt->has_shape() || tt->shape().dim_size() < 2) {
        fail(path_, key, "the input has no static shape " + written + "; give --input-shape C,H,W");
      }
      if (dynamic) fail(path_, key, "the input has dynamic dimensions " + written + "; give --input-shape C,H,W");
      for (int i = 1; i < tt->shape().dim_size(); ++i) per_sample.push_back(tt->shape().dim(i).dim_value());
      count(per_sample, key);  // no negative dimension, and a size that fits
    }
    if (tt->has_shape() && tt->shape().dim_size() > 0 && tt->shape().dim(0).has_dim_value() &&
        tt->shape().dim(0).dim_value() != 1) {
      fail(path_, key, "the batch dimension is fixed at " + std::to_string(tt->shape().dim(0).dim_value()) +
                           " in " + written + "; edgesplit imports one sample: export with batch 1 or a dynamic batch");
    }
    auto* shape = tt->mutable_shape();
    shape->clear_dim();
    shape->add_dim()->set_dim_value(1);
    for (int64_t d : per_sample) shape->add_dim()->set_dim_value(d);
    input_per_sample_ = per_sample;
    return in->name();
  }

  // "node[i] NAME (OP)": how messages name a node.
  std::string node_key(int index) const {
    const auto& n = model_.graph().node(index);
    const std::string shown_name = n.name().empty() ? (n.output_size() ? n.output(0) : std::string()) : n.name();
    return "node[" + std::to_string(index) + "] " + shown_name + " (" + n.op_type() + ")";
  }

  // An operator of the default domain that becomes a layer or is folded; anything else is refused.
  void require_known_op(int index) {
    const auto& n = model_.graph().node(index);
    const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
    const bool known = default_domain && (op_table().count(n.op_type()) || plumbing_ops().count(n.op_type()));
    if (!known) {
      fail(path_, node_key(index),
           "unsupported ONNX operator \"" + (default_domain ? n.op_type() : n.domain() + ":" + n.op_type()) +
               "\"; docs/ONNX.md lists the supported ones");
    }
  }

  // Every tensor a node reads is a graph input, an initializer or an earlier node's output, and
  // every operator is supported. Checked before shape inference: ONNX 1.12's data propagation
  // dereferences the missing type of a tensor nothing typed (a SEGV in Shape's, found by fuzz_onnx).
  void check_references() {
    std::unordered_set<std::string> known;
    for (const auto& v : model_.graph().input()) known.insert(v.name());
    for (const auto& t : model_.graph().initializer()) known.insert(t.name());
    for (int i = 0; i < model_.graph().node_size(); ++i) {
      const auto& n = model_.graph().node(i);
      for (const auto& t : n.input()) {
        if (!t.empty() && !known.count(t)) {
          fail(path_, node_key(i),
               "reads tensor \"" + t + "\", which no earlier node produces (nodes must be topologically sorted)");
        }
      }
      require_known_op(i);
      for (const auto& t : n.output()) known.insert(t);
    }
  }

  // ONNX 1.12's inference of a Conv or ConvTranspose without kernel_shape takes the window from
  // the weight's shape and indexes the input's dimensions with it, out of bounds when their ranks
  // differ (a SEGV found by fuzz_onnx). The attribute, set from the weight's shape (its meaning in
  // the ONNX specification), makes inference check the ranks; a weight whose shape is unknown
  // before inference (computed by other nodes) is refused then.
  void pin_conv_kernels() {
    std::unordered_map<std::string, std::vector<int64_t>> constant_shapes;
    for (const auto& t : model_.graph().initializer())
      constant_shapes[t.name()] = std::vector<int64_t>(t.dims().begin(), t.dims().end());
    for (int i = 0; i < model_.graph().node_size(); ++i) {
      auto* n = model_.mutable_graph()->mutable_node(i);
      if (!n->domain().empty() && n->domain() != "ai.onnx") continue;
      const auto* value = attribute(*n, "value");
      if (n->op_type() == "Constant" && n->output_size() > 0 && value != nullptr && value->has_t())
        constant_shapes[n->output(0)] = std::vector<int64_t>(value->t().dims().begin(), value->t().dims().end());
      check_window_attributes(*n, i);
      if (n->op_type() != "Conv" && n->op_type() != "ConvTranspose") continue;
      if (n->input_size() < 2 || n->input(1).empty() || attribute(*n, "kernel_shape") != nullptr) continue;
      const auto w = constant_shapes.find(n->input(1));
      if (w == constant_shapes.end()) {
        fail(path_, node_key(i), "expected the weight \"" + n->input(1) +
                                     "\" to be an initializer or a Constant when kernel_shape is not given");
      }
      if (w->second.size() != 4) {
        fail(path_, node_key(i),
             "only 2-D convolutions are supported (weight of rank " + std::to_string(w->second.size()) + ")");
      }
      auto* k = n->add_attribute();
      k->set_name("kernel_shape");
      k->set_type(onnx::AttributeProto::INTS);
      k->add_ints(w->second[2]);
      k->add_ints(w->second[3]);
    }
  }

  // ONNX 1.12's inference divides by strides without checking them (a SIGFPE on `strides: [2, 0]`,
  // found by fuzz_onnx): window attributes of convolutions and pooling must be positive.
  void check_window_attributes(const onnx::NodeProto& n, int index) {
    static const std::unordered_set<std::string> kWindowed = {"Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool"};
    if (!kWindowed.count(n.op_type())) return;
    for (const char* name : {"strides", "dilations", "kernel_shape"}) {
      for (int64_t v : ints_attr(n, name, {})) {
        if (v < 1) fail(path_, node_key(index), std::string("expected positive ") + name + ", found " + std::to_string(v));
      }
    }
    if (int_attr(n, "group", 1) < 1) {
      fail(path_, node_key(index), "expected a positive group, found " + std::to_string(int_attr(n, "group", 1)));
    }
  }

  void infer_shapes() {
    // Stale value_info from the exporter may carry the symbolic dimensions just fixed.
    model_.mutable_graph()->clear_value_info();
    // Two passes. ONNX 1.12's data propagation (Shape, Gather... on shapes, which Reshape needs)
    // dereferences the type of an input that inference left untyped (a node whose inference
    // failed upstream; a SEGV found by fuzz_onnx). The first pass, without it, types the tensors;
    // a node input still untyped is refused; the second pass keeps those types and adds shapes.
    for (const bool data_propagation : {false, true}) {
      try {
        onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 0, data_propagation));
      } catch (const std::exception& e) {
        fail(path_, "", std::string("ONNX shape inference failed: ") + e.what());
      }
      if (!data_propagation) require_typed_inputs();
    }
  }

  void require_typed_inputs() {
    std::unordered_set<std::string> typed;
    for (const auto& t : model_.graph().initializer()) typed.insert(t.name());
    for (const auto* list : {&model_.graph().input(), &model_.graph().value_info(), &model_.graph().output()}) {
      for (const auto& v : *list)
        if (v.has_type()) typed.insert(v.name());
    }
    for (int i = 0; i < model_.graph().node_size(); ++i) {
      for (const auto& t : model_.graph().node(i).input()) {
        if (!t.empty() && !typed.count(t)) {
          fail(path_, node_key(i), "no type for tensor \"" + t + "\" after ONNX shape inference" + untyped_reason());
        }
      }
    }
  }

  // inference_reason() without data propagation (which would crash on the untyped tensor).
  std::string untyped_reason() {
    try {
      onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions(false, 1, false));
    } catch (const std::exception& e) {
      std::string what = e.what();
      while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
      return " (ONNX shape inference: " + what + ")";
    }
    return "";
  }

  // Why shape inference left a tensor without a shape: rerun it in strict mode for the message.
  std::string inference_reason() {
    try {
      onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions(false, 1, true));
    } catch (const std::exception& e) {
      std::string what = e.what();
      while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
      return " (ONNX shape inference: " + what + ")";
    }
    return "";
  }

  void collect_tensor_info() {
    const auto add = [this](const onnx::ValueInfoProto& v) {
      TensorInfo info;
      info.shape = static_shape(v.type());
      if (v.type().has_tensor_type()) info.elem_type = v.type().tensor_type().elem_type();
      tensors_[v.name()] = info;
    };
    for (const auto& v : model_.graph().input()) add(v);
    for (const auto& v : model_.graph().value_info()) add(v);
    for (const auto& v : model_.graph().output()) add(v);
    for (const auto& t : model_.graph().initializer()) {
      TensorInfo info;
      info.shape = std::vector<int64_t>(t.dims().begin(), t.dims().end());
      info.elem_type = t.data_type();
      tensors_[t.name()] = info;
      initializers_.insert(t.name());
    }
  }

  const std::vector<int64_t>* shape_of(const std::string& tensor) const {
    auto it = tensors_.find(tensor);
    if (it == tensors_.end() || !it->second.shape) return nullptr;
    return &*it->second.shape;
  }

  const std::vector<int64_t>& require_shape(const std::string& tensor, const std::string& key) {
    const auto* s = shape_of(tensor);
    if (s == nullptr) {
      fail(path_, key, "no static shape for tensor \"" + tensor + "\" after ONNX shape inference" + inference_reason());
    }
    return *s;
  }

  void import_node(int index, OnnxImport& out) {
    const auto& n = model_.graph().node(index);
    const std::string& op = n.op_type();
    const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
    const std::string key = node_key(index);
    if (n.output_size() == 0 || n.output(0).empty()) fail(path_, key, "expected at least one output, found none");
    const std::string name = autodice_name(n.output(0));

    std::vector<Source> dynamic;
    for (const auto& t : n.input()) {
      if (t.empty()) continue;  // an omitted optional input
      auto it = sources_.find(t);
      if (it == sources_.end()) {
        fail(path_, key,
             "reads tensor \"" + t + "\", which no earlier node produces (nodes must be topologically sorted)");
      }
      if (it->second.kind == Kind::Extra) {
        const auto& p = model_.graph().node(it->second.node);
        fail(path_, key, "reads \"" + t + "\", output " + std::to_string(it->second.slot) + " of node[" +
                             std::to_string(it->second.node) + "] (" + p.op_type() +
                             "); edgesplit models only a node's first output");
      }
      if (it->second.kind != Kind::Static) dynamic.push_back(it->second);
    }

    const auto& table = op_table();
    const auto spec_it = default_domain ? table.find(op) : table.end();
    require_known_op(index);
    // Shape and Size depend on shapes only, which are fixed once the input shape is.
    if (dynamic.empty() || (default_domain && (op == "Shape" || op == "Size"))) {
      for (const auto& t : n.output()) sources_[t] = Source{Kind::Static};
      out.folded.push_back({name, op, ""});
      return;
    }
    if (spec_it == table.end()) {
      fail(path_, key, "operator \"" + op + "\" is supported on constants and shapes only, but here it reads a "
                       "tensor computed from the model input");
    }
    const OpSpec& spec = spec_it->second;
    if (spec.rule == Rule::Alias) {
      sources_[n.output(0)] = dynamic.front();
      mark_extras(n, index);
      const std::string into =
          dynamic.front().kind == Kind::Layer ? out.graph.layer(dynamic.front().layer).name : std::string();
      out.folded.push_back({name, op, into});
      return;
    }

    model::Layer layer;
    layer.name = name;
    layer.type = spec.type;
    for (const Source& s : dynamic) {
      const model::LayerId id = s.kind == Kind::Input ? model::kInput : s.layer;
      if (std::find(layer.inputs.begin(), layer.inputs.end(), id) == layer.inputs.end()) layer.inputs.push_back(id);
    }
    const auto& out_full = require_shape(n.output(0), key);
    if (out_full.empty() || out_full.front() != 1) {
      fail(path_, key, "output \"" + n.output(0) + "\" has shape [" + join_dims(out_full, ", ") +
                           "]; expected the batch dimension (1) first");
    }
    layer.output_shape.assign(out_full.begin() + 1, out_full.end());
    const int64_t out_elements = count(out_full, key);
    layer.params = count_params(n, spec, key);
    layer.macs = macs_and_geometry(n, spec.rule, out_full, out_elements, key, layer);
    // Running totals, so that Graph::total_macs() and total_params() cannot overflow either.
    total_macs_ = checked_add(total_macs_, layer.macs, key);
    total_params_ = checked_add(total_params_, layer.params, key);

    try {
      const model::LayerId id = out.graph.add_layer(std::move(layer));
      sources_[n.output(0)] = Source{Kind::Layer, id};
    } catch (const std::invalid_argument& e) {
      fail(path_, key, std::string("cannot add the layer: ") + e.what());
    }
    mark_extras(n, index);
  }

  void mark_extras(const onnx::NodeProto& n, int index) {
    for (int k = 1; k < n.output_size(); ++k) {
      if (!n.output(k).empty()) sources_[n.output(k)] = Source{Kind::Extra, 0, index, k};
    }
  }

  // Sizes come from the file: a crafted one can make their products leave int64 (found by fuzz_onnx).
  int64_t checked_mul(int64_t a, int64_t b, const std::string& key) {
    int64_t r = 0;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r)) {
      fail(path_, key, "tensor sizes or MAC counts beyond 64-bit integers (or negative): " + std::to_string(a) +
                           " x " + std::to_string(b));
    }
    return r;
  }
  int64_t checked_add(int64_t a, int64_t b, const std::string& key) {
    int64_t r = 0;
    if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &r)) {
      fail(path_, key, "parameter or MAC totals beyond 64-bit integers (or negative): " + std::to_string(a) + " + " +
                           std::to_string(b));
    }
    return r;
  }
  /// model::elements with the checks above.
  int64_t count(const std::vector<int64_t>& shape, const std::string& key) {
    int64_t n = 1;
    for (int64_t d : shape) n = checked_mul(n, d, key);
    return n;
  }

  int64_t count_params(const onnx::NodeProto& n, const OpSpec& spec, const std::string& key) {
    int64_t params = 0;
    const auto counts = [&](int slot) {
      if (slot >= n.input_size() || n.input(slot).empty()) return false;
      const auto& t = n.input(slot);
      if (sources_.at(t).kind != Kind::Static) return false;
      auto it = tensors_.find(t);
      return it != tensors_.end() && is_float(it->second.elem_type);
    };
    const auto add = [&](int slot) {
      const auto& t = n.input(slot);
      params = checked_add(params, count(require_shape(t, key), key), key);
    };
    if (spec.rule == Rule::Elementwise) {
      // A bias or scale stored as an initializer (MatMul + Add exports); constants computed by
      // Constant nodes (torch's scalars such as 0.5 in GELU) are not weights.
      for (int slot = 0; slot < n.input_size(); ++slot) {
        if (counts(slot) && initializers_.count(n.input(slot))) add(slot);
      }
    } else {
      for (int slot : spec.weights) {
        if (counts(slot)) add(slot);
      }
    }
    return params;
  }

  void check_no_dilation(const onnx::NodeProto& n, const std::string& key) {
    for (int64_t d : ints_attr(n, "dilations", {})) {
      if (d != 1) fail(path_, key, "dilations other than 1 are not supported yet (found " + std::to_string(d) + ")");
    }
  }

  std::array<int64_t, 2> strides(const onnx::NodeProto& n, const std::string& key) {
    const auto s = ints_attr(n, "strides", {1, 1});
    if (s.size() != 2) fail(path_, key, "expected 2 strides for a 2-D window, found " + std::to_string(s.size()));
    return {s[0], s[1]};
  }

  // ONNX pads are [x1_begin, x2_begin, x1_end, x2_end] = {top, left, bottom, right}, Geometry's order.
  // auto_pad SAME_* pads so that out = ceil(in / stride); the odd pixel goes at the end (UPPER) or
  // the beginning (LOWER), per the ONNX operator specification.
  std::array<int64_t, 4> pads(const onnx::NodeProto& n, const std::vector<int64_t>& in,
                              const std::vector<int64_t>& out, const std::array<int64_t, 2>& kernel,
                              const std::array<int64_t, 2>& stride, const std::string& key) {
    const std::string mode = string_attr(n, "auto_pad", "NOTSET");
    std::array<int64_t, 4> p{0, 0, 0, 0};
    if (mode == "NOTSET") {
      const auto v = ints_attr(n, "pads", {0, 0, 0, 0});
      if (v.size() != 4) fail(path_, key, "expected 4 pads for a 2-D window, found " + std::to_string(v.size()));
      for (int i = 0; i < 4; ++i) p[static_cast<std::size_t>(i)] = v[static_cast<std::size_t>(i)];
    } else if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      for (std::size_t a = 0; a < 2; ++a) {
        const int64_t total = std::max<int64_t>(0, (out[a + 2] - 1) * stride[a] + kernel[a] - in[a + 2]);
        const int64_t small = total / 2;
        p[a] = mode == "SAME_UPPER" ? small : total - small;
        p[a + 2] = total - p[a];
      }
    } else if (mode != "VALID") {
      fail(path_, key, "unknown auto_pad \"" + mode + "\"");
    }
    return p;
  }

  int64_t macs_and_geometry(const onnx::NodeProto& n, Rule rule, const std::vector<int64_t>& out_full,
                            int64_t out_elements, const std::string& key, model::Layer& layer) {
    const bool two = rule == Rule::Conv || rule == Rule::ConvTranspose || rule == Rule::Gemm || rule == Rule::MatMul;
    const int needed = two ? 2 : 1;
    if (n.input_size() < needed || n.input(0).empty() || (two && n.input(1).empty())) {
      fail(path_, key,
           "expected at least " + std::to_string(needed) + " inputs, found " + std::to_string(n.input_size()));
    }
    switch (rule) {
      case Rule::Conv: {
        // One multiply-accumulate per output element per weight it reads: (Cin/groups) x kH x kW.
        const auto& w = require_shape(n.input(1), key);
        if (w.size() != 4) {
          fail(path_, key, "only 2-D convolutions are supported (weight of rank " + std::to_string(w.size()) + ")");
        }
        check_no_dilation(n, key);
        const auto& in = require_shape(n.input(0), key);
        model::Geometry g;
        g.kernel = {w[2], w[3]};
        g.stride = strides(n, key);
        g.pad = pads(n, in, out_full, g.kernel, g.stride, key);
        g.groups = int_attr(n, "group", 1);
        layer.geometry = g;
        return checked_mul(checked_mul(checked_mul(out_elements, w[1], key), w[2], key), w[3], key);
      }
      case Rule::ConvTranspose: {
        // Each input element is multiplied by (Cout/groups) x kH x kW weights. No Geometry: its
        // fields describe a forward convolution's window, which a transposed one does not have.
        const auto& w = require_shape(n.input(1), key);
        if (w.size() != 4) {
          fail(path_, key, "only 2-D convolutions are supported (weight of rank " + std::to_string(w.size()) + ")");
        }
        check_no_dilation(n, key);
        return checked_mul(checked_mul(checked_mul(count(require_shape(n.input(0), key), key), w[1], key), w[2], key), w[3], key);
      }
      case Rule::Gemm: {
        // Y[M,N] = A[M,K] B[K,N]: M x K x N with M the rows of one sample.
        const auto& a = require_shape(n.input(0), key);
        if (a.size() != 2) fail(path_, key, "expected a 2-D Gemm input, found rank " + std::to_string(a.size()));
        const int64_t k = int_attr(n, "transA", 0) ? a[0] : a[1];
        return checked_mul(out_elements, k, key);
      }
      case Rule::MatMul: {
        const auto& a = require_shape(n.input(0), key);
        const auto& b = require_shape(n.input(1), key);
        if (a.empty()) fail(path_, key, "expected a MatMul input of rank >= 1, found a scalar");
        const bool weight = sources_.at(n.input(1)).kind == Kind::Static && b.size() == 2;
        if (!weight) layer.type = "matmul";  // two activations (attention), not a linear layer
        return checked_mul(out_elements, a.back(), key);
      }
      case Rule::Pool: {
        const auto kernel = ints_attr(n, "kernel_shape", {});
        if (kernel.size() != 2) {
          fail(path_, key, "only 2-D pooling is supported (kernel of rank " + std::to_string(kernel.size()) + ")");
        }
        check_no_dilation(n, key);
        const auto& in = require_shape(n.input(0), key);
        model::Geometry g;
        g.kernel = {kernel[0], kernel[1]};
        g.stride = strides(n, key);
        g.pad = pads(n, in, out_full, g.kernel, g.stride, key);
        layer.geometry = g;
        return 0;  // MACs count conv and linear layers only, as the zoo's
      }
      case Rule::GlobalPool: {
        // The window is the whole plane: kernel = stride = (H, W), as the zoo's adaptive pool to 1x1.
        const auto& in = require_shape(n.input(0), key);
        if (in.size() != 4) {
          fail(path_, key, "only 2-D pooling is supported (input of rank " + std::to_string(in.size()) + ")");
        }
        model::Geometry g;
        g.kernel = {in[2], in[3]};
        g.stride = {in[2], in[3]};
        layer.geometry = g;
        return 0;
      }
      case Rule::Elementwise:
      case Rule::Plain:
      case Rule::Alias:
        return 0;
    }
    return 0;
  }

  std::string path_;
  std::optional<std::vector<int64_t>> input_shape_;
  onnx::ModelProto model_;
  std::vector<int64_t> input_per_sample_;
  int dtype_bytes_ = 4;
  std::unordered_map<std::string, TensorInfo> tensors_;
  std::unordered_set<std::string> initializers_;
  std::unordered_map<std::string, Source> sources_;
  int64_t total_macs_ = 0, total_params_ = 0;
};

}  // namespace

OnnxImport import_onnx_detailed(const std::string& path, std::optional<std::vector<int64_t>> input_shape) {
  return Importer(path, std::move(input_shape)).run();
}

model::Graph import_onnx(const std::string& path, std::optional<std::vector<int64_t>> input_shape) {
  return import_onnx_detailed(path, std::move(input_shape)).graph;
}

}  // namespace edgesplit::importers
