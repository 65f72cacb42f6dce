// Layer-table model (FORMATS.md "Model file") <-> model::Graph: the loader, and the YAML and CSV
// writers whose output the loader reads back unchanged.
#include <fmt/format.h>

#include <map>

#include "sim/config/loader.hpp"
#include "sim/config/yaml_reader.hpp"

namespace edgesplit::config {
namespace detail {
namespace {

using units::Kind;

// kernel/stride: one integer (square) or two; pad: one, two ({h, w}) or four ({top, left, bottom, right}).
std::optional<std::vector<int64_t>> read_dims(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                              int64_t min, std::vector<std::size_t> sizes) {
  if (n.IsScalar()) {
    auto v = read_int(ctx, n, key, min);
    if (!v) return std::nullopt;
    return std::vector<int64_t>(sizes.back(), *v);
  }
  auto list = read_int_list(ctx, n, key, min);
  if (!list) return std::nullopt;
  if (std::find(sizes.begin(), sizes.end(), list->size()) == sizes.end()) {
    std::string counts;
    for (std::size_t i = 0; i < sizes.size(); ++i) counts += (i ? " or " : "") + std::to_string(sizes[i]);
    error(ctx, n, key, "expected " + counts + " integers, found " + std::to_string(list->size()));
    return std::nullopt;
  }
  if (list->size() == 2 && sizes.back() == 4) return std::vector<int64_t>{(*list)[0], (*list)[1], (*list)[0], (*list)[1]};
  if (list->size() == 1) return std::vector<int64_t>(sizes.back(), (*list)[0]);
  return list;
}

std::optional<model::Geometry> read_geometry(const Ctx& ctx, const YAML::Node& n, const std::string& key) {
  MapView m(ctx, n, key, {"kernel", "stride", "pad", "groups"});
  if (!m.ok()) return std::nullopt;
  model::Geometry g;
  bool ok = true;
  if (auto v = m.get("kernel")) {
    if (auto d = read_dims(ctx, *v, child_key(key, "kernel"), 1, {1, 2}))
      g.kernel = {(*d)[0], (*d)[1]};
    else
      ok = false;
  }
  if (auto v = m.get("stride")) {
    if (auto d = read_dims(ctx, *v, child_key(key, "stride"), 1, {1, 2}))
      g.stride = {(*d)[0], (*d)[1]};
    else
      ok = false;
  }
  if (auto v = m.get("pad")) {
    if (auto d = read_dims(ctx, *v, child_key(key, "pad"), 0, {1, 2, 4}))
      g.pad = {(*d)[0], (*d)[1], (*d)[2], (*d)[3]};
    else
      ok = false;
  }
  if (auto v = m.get("groups")) {
    if (auto q = read_int(ctx, *v, child_key(key, "groups"), 1))
      g.groups = *q;
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return g;
}

}  // namespace

std::optional<model::Graph> parse_model(const Ctx& ctx, const YAML::Node& root, const std::string& default_name) {
  const std::size_t errors_before = ctx.diag->items().size();
  MapView top(ctx, root, "", {"name", "input", "dtype_bytes", "input_bytes", "layers"});
  if (!top.ok()) return std::nullopt;
  std::string name = default_name;
  if (auto v = top.get("name"))
    if (auto s = read_name(ctx, *v, "name", "a model name")) name = *s;
  std::vector<int64_t> input_shape;
  if (auto v = top.require("input")) {
    MapView in(ctx, *v, "input", {"shape"});
    if (auto s = in.require("shape")) {
      if (auto shape = read_int_list(ctx, *s, "input.shape", 1)) {
        if (shape->empty())
          error(ctx, *s, "input.shape", "expected a non-empty list of dimensions, found an empty list");
        input_shape = *shape;
      }
    }
  }
  int dtype_bytes = 4;
  if (auto v = top.get("dtype_bytes"))
    if (auto q = read_int(ctx, *v, "dtype_bytes", 1)) dtype_bytes = static_cast<int>(*q);
  std::optional<double> input_bytes;
  if (auto v = top.get("input_bytes")) input_bytes = read_quantity(ctx, *v, "input_bytes", Kind::Bytes, Bound::NonNegative);

  std::vector<model::Layer> layers;
  if (auto ls = top.require("layers")) {
    if (!ls->IsSequence() || ls->size() == 0) {
      error(ctx, *ls, "layers", "expected a non-empty list of layers, found " + found(*ls));
    } else {
      // Every layer's position first, so an input naming a later layer is told apart from an unknown one.
      std::map<std::string, std::size_t> position;
      std::vector<std::string> names;
      for (std::size_t i = 0; i < ls->size(); ++i) {
        const YAML::Node n = (*ls)[i];
        if (n.IsMap() && n["name"] && n["name"].IsScalar()) {
          const std::string ln = n["name"].Scalar();
          if (!position.count(ln)) position[ln] = i;
        }
      }
      for (const auto& [k, v] : position) names.push_back(k);
      names.push_back("input");
      std::map<std::string, int> seen_line;
      for (std::size_t i = 0; i < ls->size(); ++i) {
        const YAML::Node n = (*ls)[i];
        const std::string key = index_key("layers", i);
        MapView m(ctx, n, key,
                  {"name", "type", "inputs", "output", "macs", "params", "flops", "geometry", "weight_bytes",
                   "output_bytes"});
        model::Layer layer;
        if (!m.ok()) {
          layers.push_back(std::move(layer));
          continue;
        }
        if (auto v = m.require("name")) {
          if (auto s = read_name(ctx, *v, child_key(key, "name"), "a layer name")) {
            layer.name = *s;
            const SourceLoc here = loc_of(ctx, *v, child_key(key, "name"));
            if (*s == "input") {
              error(ctx, *v, child_key(key, "name"),
                    "expected a layer name other than \"input\" (it names the model input), found \"input\"");
            } else if (auto it = seen_line.find(*s); it != seen_line.end()) {
              error(ctx, *v, child_key(key, "name"),
                    "expected a unique layer name, found " + found(*v) + " (first at line " +
                        std::to_string(it->second) + ")");
            } else {
              seen_line[*s] = here.line;
            }
          }
        }
        if (auto v = m.require("type"))
          if (auto s = read_name(ctx, *v, child_key(key, "type"), "a layer type such as conv")) layer.type = *s;
        if (auto v = m.get("inputs")) {
          const std::string ik = child_key(key, "inputs");
          if (!v->IsSequence() || v->size() == 0) {
            error(ctx, *v, ik, "expected a non-empty list of layer names (or input), found " + found(*v));
          } else {
            for (std::size_t j = 0; j < v->size(); ++j) {
              const YAML::Node in = (*v)[j];
              auto s = read_name(ctx, in, index_key(ik, j), "a layer name or input");
              if (!s) continue;
              if (*s == "input") {
                layer.inputs.push_back(model::kInput);
                continue;
              }
              const auto it = position.find(*s);
              if (it == position.end()) {
                const std::string dym = did_you_mean(*s, names);
                error(ctx, in, index_key(ik, j),
                      "expected the name of an earlier layer or input, found " + found(in) +
                          (dym.empty() ? "" : " (" + dym + ")"));
              } else if (it->second >= i) {
                error(ctx, in, index_key(ik, j),
                      "expected the name of an earlier layer or input (layers must be in a topological order), "
                      "found " + found(in) + (it->second == i ? ", this layer itself"
                                                              : ", which is layers[" + std::to_string(it->second) + "]"));
              } else {
                layer.inputs.push_back(it->second);
              }
            }
          }
        } else {
          layer.inputs.push_back(i == 0 ? model::kInput : i - 1);
        }
        if (auto v = m.require("output")) {
          if (auto shape = read_int_list(ctx, *v, child_key(key, "output"), 1)) {
            if (shape->empty())
              error(ctx, *v, child_key(key, "output"), "expected a non-empty list of dimensions, found an empty list");
            layer.output_shape = *shape;
          }
        }
        if (auto v = m.require("macs"))
          if (auto q = read_int(ctx, *v, child_key(key, "macs"), 0)) layer.macs = *q;
        if (auto v = m.require("params"))
          if (auto q = read_int(ctx, *v, child_key(key, "params"), 0)) layer.params = *q;
        if (auto v = m.get("flops"))
          layer.flops = read_quantity(ctx, *v, child_key(key, "flops"), Kind::Flops, Bound::NonNegative);
        if (auto v = m.get("geometry")) layer.geometry = read_geometry(ctx, *v, child_key(key, "geometry"));
        if (auto v = m.get("weight_bytes"))
          layer.weight_bytes_override =
              read_quantity(ctx, *v, child_key(key, "weight_bytes"), Kind::Bytes, Bound::NonNegative);
        if (auto v = m.get("output_bytes"))
          layer.output_bytes_override =
              read_quantity(ctx, *v, child_key(key, "output_bytes"), Kind::Bytes, Bound::NonNegative);
        layers.push_back(std::move(layer));
      }
    }
  }
  if (ctx.diag->items().size() != errors_before) return std::nullopt;
  try {
    model::Graph g(name, input_shape, dtype_bytes);
    if (input_bytes) g.set_input_bytes_override(*input_bytes);
    for (auto& l : layers) g.add_layer(std::move(l));
    return g;
  } catch (const std::invalid_argument& e) {
    // Every rule Graph enforces is checked above; this is a guard, reported at the file.
    error(ctx, root, "layers", std::string("expected a valid layer graph, found: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace detail

namespace {

std::string num(double x) { return fmt::format("{}", x); }

std::string input_name(const model::Graph& g, model::LayerId id) {
  return id == model::kInput ? std::string("input") : g.layer(id).name;
}

template <typename Seq>
void emit_flow_ints(YAML::Emitter& e, const Seq& s) {
  e << YAML::Flow << YAML::BeginSeq;
  for (auto v : s) e << static_cast<long long>(v);
  e << YAML::EndSeq;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string model_to_yaml(const model::Graph& g) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "name" << YAML::Value << g.name();
  e << YAML::Key << "input" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "shape" << YAML::Value;
  emit_flow_ints(e, g.input_shape());
  e << YAML::EndMap;
  e << YAML::Key << "dtype_bytes" << YAML::Value << g.dtype_bytes();
  const double natural_input = static_cast<double>(model::elements(g.input_shape())) * g.dtype_bytes();
  if (g.input_bytes(1) != natural_input) e << YAML::Key << "input_bytes" << YAML::Value << num(g.input_bytes(1));
  e << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (const auto& l : g.layers()) {
    e << YAML::BeginMap;
    e << YAML::Key << "name" << YAML::Value << l.name;
    e << YAML::Key << "type" << YAML::Value << l.type;
    e << YAML::Key << "inputs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (auto in : l.inputs) e << input_name(g, in);
    e << YAML::EndSeq;
    e << YAML::Key << "output" << YAML::Value;
    emit_flow_ints(e, l.output_shape);
    e << YAML::Key << "macs" << YAML::Value << static_cast<long long>(l.macs);
    e << YAML::Key << "params" << YAML::Value << static_cast<long long>(l.params);
    if (l.flops) e << YAML::Key << "flops" << YAML::Value << num(*l.flops);
    if (l.geometry) {
      const auto& geo = *l.geometry;
      e << YAML::Key << "geometry" << YAML::Value << YAML::Flow << YAML::BeginMap;
      e << YAML::Key << "kernel" << YAML::Value;
      emit_flow_ints(e, geo.kernel);
      e << YAML::Key << "stride" << YAML::Value;
      emit_flow_ints(e, geo.stride);
      e << YAML::Key << "pad" << YAML::Value;
      emit_flow_ints(e, geo.pad);
      e << YAML::Key << "groups" << YAML::Value << static_cast<long long>(geo.groups);
      e << YAML::EndMap;
    }
    if (l.weight_bytes_override) e << YAML::Key << "weight_bytes" << YAML::Value << num(*l.weight_bytes_override);
    if (l.output_bytes_override) e << YAML::Key << "output_bytes" << YAML::Value << num(*l.output_bytes_override);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

std::string model_to_csv(const model::Graph& g) {
  std::string out = "name,type,inputs,output_shape,output_bytes,macs,params\n";
  for (model::LayerId id = 0; id < g.size(); ++id) {
    const auto& l = g.layer(id);
    std::string inputs, shape;
    for (std::size_t i = 0; i < l.inputs.size(); ++i) {
      if (i) inputs += ';';
      inputs += input_name(g, l.inputs[i]);
    }
    for (std::size_t i = 0; i < l.output_shape.size(); ++i) {
      if (i) shape += 'x';
      shape += std::to_string(l.output_shape[i]);
    }
    out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(l.name), csv_field(l.type), csv_field(inputs), shape,
                       num(g.output_bytes(id, 1)), l.macs, l.params);
  }
  return out;
}

}  // namespace edgesplit::config
