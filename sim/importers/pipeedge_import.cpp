// PipeEdge's scheduler inputs (models.yml, device_types.yml, devices.yml) to edgesplit's
// platform, model and scenario files, with located errors (see pipeedge_import.hpp).
#include "sim/importers/pipeedge_import.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/config/loader.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::importers {

namespace {

// PipeEdge's scheduler counts MB as 2^20 bytes and Mbps as 2^20 bit/s (its sched-pipeline).
constexpr double kMiB = 1024.0 * 1024.0;

struct File {
  std::string path;
  YAML::Node root;
  bool ok = false;
};

config::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  const auto m = n.Mark();
  if (m.line < 0) return {file, 1, 1};
  return {file, m.line + 1, m.column + 1};
}

File load(const std::string& path, config::Diagnostics& diag) {
  File f;
  f.path = path;
  try {
    f.root = YAML::LoadFile(path);
    f.ok = true;
  } catch (const YAML::BadFile&) {
    diag.error({path, 0, 0}, "", "cannot read the file");
  } catch (const YAML::Exception& e) {
    diag.error({path, e.mark.line + 1, e.mark.column + 1}, "", "malformed YAML: " + e.msg);
  }
  if (f.ok && !f.root.IsMap()) {
    diag.error(loc_of(path, f.root), "", "expected a map at the top of the file");
    f.ok = false;
  }
  return f;
}

/// Map entries in file order; reports duplicate keys (yaml-cpp keeps them silently).
std::vector<std::pair<std::string, YAML::Node>> entries(const File& f, const YAML::Node& map, const std::string& key,
                                                        config::Diagnostics& diag) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (!seen.insert(k).second) {
      diag.error(loc_of(f.path, it->first), key.empty() ? k : key + "." + k, "duplicate key");
      continue;
    }
    out.emplace_back(k, it->second);
  }
  return out;
}

std::optional<double> number(const File& f, const YAML::Node& n, const std::string& key, config::Diagnostics& diag,
                             double least = 0) {
  if (n && n.IsScalar()) {
    try {
      const double v = n.as<double>();
      if (std::isfinite(v) && v >= least) return v;
    } catch (const YAML::Exception&) {
    }
  }
  const std::string found = !n ? "nothing" : n.IsScalar() ? "\"" + n.Scalar() + "\"" : n.IsSequence() ? "a list" : "a map";
  diag.error(loc_of(f.path, n ? n : YAML::Node()), key, fmt::format("expected a number >= {}, found {}", least, found));
  return std::nullopt;
}

std::optional<std::vector<double>> numbers(const File& f, const YAML::Node& n, const std::string& key,
                                           config::Diagnostics& diag) {
  if (!n || !n.IsSequence()) {
    diag.error(loc_of(f.path, n), key, "expected a list of numbers");
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto v = number(f, n[i], fmt::format("{}[{}]", key, i), diag);
    ok = ok && v.has_value();
    out.push_back(v.value_or(0));
  }
  if (!ok) return std::nullopt;
  return out;
}

/// A YAML double-quoted string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string list(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + fmt::format("{}", v[i]);
  return out + "]";
}

/// A scenario name from a model name: letters, digits and '-' only.
std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return out;
}

struct TypeInfo {
  std::string name;
  double bw_Mbps = 0, mem_MB = 0;
  int profile_batch = 0;
  std::vector<double> time_s;
  std::vector<std::string> hosts;
};

}  // namespace

std::optional<PipeEdgeFiles> convert_pipeedge(const PipeEdgeImportArgs& args, config::Diagnostics& diag) {
  const std::size_t errors_before = diag.items().size();
  if (args.batch < 1) diag.error({"<command line>", 1, 1}, "--batch", fmt::format("expected an integer >= 1, found {}", args.batch));
  const File models = load(args.models_path, diag);
  const File types_file = load(args.device_types_path, diag);
  const File devices = load(args.devices_path, diag);
  if (!models.ok || !types_file.ok || !devices.ok) return std::nullopt;

  // The model.
  std::vector<double> mem_MB, params_out;
  double params_in = 0;
  {
    std::vector<std::string> names;
    std::optional<YAML::Node> found;  // yaml-cpp's Node assignment rebinds shared nodes: hold a copy
    for (const auto& [k, v] : entries(models, models.root, "", diag)) {
      names.push_back(k);
      if (k == args.model && !found) found.emplace(v);
    }
    if (!found) {
      std::string msg = fmt::format("expected a model of {}, found \"{}\"", args.models_path, args.model);
      if (auto hint = config::did_you_mean(args.model, names); !hint.empty()) msg += "; " + hint;
      diag.error({"<command line>", 1, 1}, "--model", msg);
      return std::nullopt;
    }
    const std::string key = args.model;
    const YAML::Node m = *found;
    if (!m.IsMap()) {
      diag.error(loc_of(models.path, m), key, "expected a map with layers, mem_MB, parameters_in, parameters_out");
      return std::nullopt;
    }
    auto layers = number(models, m["layers"], key + ".layers", diag, 1);
    auto mem = numbers(models, m["mem_MB"], key + ".mem_MB", diag);
    auto pin = number(models, m["parameters_in"], key + ".parameters_in", diag, 1);
    auto pout = numbers(models, m["parameters_out"], key + ".parameters_out", diag);
    if (!layers || !mem || !pin || !pout) return std::nullopt;
    const auto n = static_cast<std::size_t>(*layers);
    if (mem->size() != n)
      diag.error(loc_of(models.path, m["mem_MB"]), key + ".mem_MB", fmt::format("expected {} values (layers), found {}", n, mem->size()));
    if (pout->size() != n)
      diag.error(loc_of(models.path, m["parameters_out"]), key + ".parameters_out",
                 fmt::format("expected {} values (layers), found {}", n, pout->size()));
    mem_MB = *mem;
    params_out = *pout;
    params_in = *pin;
  }
  const std::size_t n_layers = params_out.size();

  // Device types.
  std::map<std::string, TypeInfo> types;
  std::vector<std::string> type_names;
  std::map<std::string, YAML::Node> type_nodes;
  for (const auto& [k, v] : entries(types_file, types_file.root, "", diag)) {
    type_names.push_back(k);
    type_nodes.emplace(k, v);
  }
  // Devices: every key must be a known type; types with no host are left out.
  std::vector<std::string> used_types;  // in devices.yml order
  std::set<std::string> host_names;
  for (const auto& [k, v] : entries(devices, devices.root, "", diag)) {
    config::SourceLoc key_loc{devices.path, 1, 1};
    for (auto it = devices.root.begin(); it != devices.root.end(); ++it)
      if (it->first.Scalar() == k) {
        key_loc = loc_of(devices.path, it->first);
        break;
      }
    if (!type_nodes.count(k)) {
      std::string msg = fmt::format("expected a device type of {} ({}), found \"{}\"", args.device_types_path,
                                    fmt::join(type_names, ", "), k);
      if (auto hint = config::did_you_mean(k, type_names); !hint.empty()) msg += "; " + hint;
      diag.error(key_loc, k, msg);
      continue;
    }
    if (!v.IsSequence()) {
      diag.error(loc_of(devices.path, v), k, "expected a list of host names");
      continue;
    }
    if (v.size() == 0) continue;
    TypeInfo t;
    t.name = k;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar() || v[i].Scalar().empty()) {
        diag.error(loc_of(devices.path, v[i]), fmt::format("{}[{}]", k, i), "expected a host name");
        continue;
      }
      if (!host_names.insert(v[i].Scalar()).second) {
        diag.error(loc_of(devices.path, v[i]), fmt::format("{}[{}]", k, i), fmt::format("host \"{}\" is listed twice", v[i].Scalar()));
        continue;
      }
      t.hosts.push_back(v[i].Scalar());
    }
    const YAML::Node tn = type_nodes.at(k);
    if (!tn.IsMap()) {
      diag.error(loc_of(types_file.path, tn), k, "expected a map with bw_Mbps, mem_MB, model_profiles");
      continue;
    }
    auto bw = number(types_file, tn["bw_Mbps"], k + ".bw_Mbps", diag, 1e-9);
    auto mem = number(types_file, tn["mem_MB"], k + ".mem_MB", diag, 1e-9);
    const YAML::Node profiles = tn["model_profiles"];
    std::optional<YAML::Node> found_prof;
    if (profiles && profiles.IsMap())
      for (auto it = profiles.begin(); it != profiles.end(); ++it)
        if (it->first.Scalar() == args.model && !found_prof) found_prof.emplace(it->second);
    if (!found_prof || !found_prof->IsSequence() || found_prof->size() == 0 || !(*found_prof)[0].IsMap()) {
      diag.error(loc_of(types_file.path, profiles ? profiles : tn), k + ".model_profiles",
                 fmt::format("expected a profile of model \"{}\" (its hosts are listed in {}), found none", args.model,
                             args.devices_path));
      continue;
    }
    const YAML::Node prof = *found_prof;
    auto pb = number(types_file, prof[0]["batch_size"], k + ".model_profiles." + args.model + "[0].batch_size", diag, 1);
    auto ts = numbers(types_file, prof[0]["time_s"], k + ".model_profiles." + args.model + "[0].time_s", diag);
    if (!bw || !mem || !pb || !ts) continue;
    if (ts->size() != n_layers) {
      diag.error(loc_of(types_file.path, prof[0]["time_s"]), k + ".model_profiles." + args.model + "[0].time_s",
                 fmt::format("expected {} per-layer times (the model's layers), found {}", n_layers, ts->size()));
      continue;
    }
    t.bw_Mbps = *bw;
    t.mem_MB = *mem;
    t.profile_batch = static_cast<int>(*pb);
    t.time_s = *ts;
    used_types.push_back(k);
    types[k] = std::move(t);
  }
  if (diag.items().size() == errors_before && used_types.empty())
    diag.error(loc_of(devices.path, devices.root), "", "expected at least one device type with hosts, found none");
  if (diag.items().size() != errors_before) return std::nullopt;

  PipeEdgeFiles out;
  const std::string sources = fmt::format("{}, {}, {}", args.models_path, args.device_types_path, args.devices_path);

  // Platform.
  std::string p;
  p += "# Imported by `edgesplit import pipeedge` from PipeEdge's scheduler files\n";
  p += fmt::format("# ({}; https://github.com/usc-isi/PipeEdge, BSD-3-Clause).\n", sources);
  p += "# PipeEdge's MB are 2^20 bytes and its Mbps 2^20 bit/s (its scheduler's convention).\n";
  p += "device_types:\n";
  for (const auto& name : used_types) {
    const auto& t = types.at(name);
    p += fmt::format("  {}:\n", quoted(name));
    p += "    speed: 1Gf  # placeholder: PipeEdge gives no flop rate; only cost: analytic reads it\n";
    p += fmt::format("    memory: {}  # mem_MB {} x 2^20 B\n", t.mem_MB * kMiB, t.mem_MB);
    p += "    # no power figure in PipeEdge's files: edit before reading energy\n";
    p += "    power: {idle: 0W, busy: 0W}\n";
    p += "    profiles:\n";
    p += fmt::format("      {}: {{batch: {}, time_s: {}}}\n", quoted(args.model), t.profile_batch, list(t.time_s));
  }
  p += "hosts:\n";
  for (const auto& name : used_types)
    for (const auto& h : types.at(name).hosts)
      p += fmt::format("  - {{name: {}, type: {}, link: {}}}\n", quoted(h), quoted(name), quoted(h + "-link"));
  p += "# One access link per host at its type's bw_Mbps; PipeEdge models no latency.\n";
  p += "# No power figure in PipeEdge's files for links either: edit before reading energy.\n";
  p += "links:\n";
  for (const auto& name : used_types) {
    const auto& t = types.at(name);
    for (const auto& h : t.hosts)
      p += fmt::format("  - {{name: {}, bandwidth: {}, latency: 0s, power: {{idle: 0W, busy: 0W}}}}  # {} Mbps x 2^20 / 8 B/s\n", quoted(h + "-link"),
                       t.bw_Mbps * kMiB / 8, t.bw_Mbps);
  }
  out.platform_yaml = p;

  // Model: a chain of blocks with PipeEdge's byte figures as overrides.
  model::Graph g(args.model, {static_cast<int64_t>(params_in)}, 4);
  g.set_input_bytes_override(4 * params_in);
  for (std::size_t l = 0; l < n_layers; ++l) {
    model::Layer layer;
    layer.name = fmt::format("layer{}", l + 1);
    layer.type = "block";
    layer.inputs = {l == 0 ? model::kInput : l - 1};
    layer.output_shape = {static_cast<int64_t>(params_out[l])};
    layer.weight_bytes_override = mem_MB[l] * kMiB;
    layer.output_bytes_override = 4 * params_out[l];
    g.add_layer(std::move(layer));
  }
  out.model_yaml = fmt::format(
                       "# Imported by `edgesplit import pipeedge` from {} (model {}).\n"
                       "# weight_bytes = mem_MB x 2^20; output_bytes = 4 x parameters_out (fp32, per sample).\n",
                       args.models_path, args.model) +
                   config::model_to_yaml(g);

  // Scenario.
  std::string s;
  s += "# Imported by `edgesplit import pipeedge`: PipeEdge's DP on the imported platform and model.\n";
  s += fmt::format("name: {}\n", quoted("pipeedge-" + slug(args.model)));
  s += "model: {file: model.yaml}\n";
  s += fmt::format("batch: {}\n", args.batch);
  s += "platform: platform.yaml\n";
  s += "cost: profile  # the types' measured time_s, scaled by batch / profile batch\n";
  s += "partitioner:\n  name: pipeedge\n  options: {}\n";
  s += "workload:\n  requests: 100\n  arrival: {process: saturate}\n";
  out.scenario_yaml = s;
  return out;
}

bool import_pipeedge(const PipeEdgeImportArgs& args, const std::string& out_dir, config::Diagnostics& diag) {
  auto files = convert_pipeedge(args, diag);
  if (!files) return false;
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    diag.error({out_dir, 0, 0}, "--out", "cannot create the directory: " + ec.message());
    return false;
  }
  for (const auto& [name, text] : {std::pair<std::string, const std::string*>{"platform.yaml", &files->platform_yaml},
                                   {"model.yaml", &files->model_yaml},
                                   {"scenario.yaml", &files->scenario_yaml}}) {
    const auto path = std::filesystem::path(out_dir) / name;
    std::ofstream f(path);
    f << *text;
    if (!f) {
      diag.error({path.string(), 0, 0}, "--out", "cannot write the file");
      return false;
    }
  }
  return true;
}

}  // namespace edgesplit::importers
