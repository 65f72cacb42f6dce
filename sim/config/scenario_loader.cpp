// Scenario file -> config::Scenario: --set overrides applied to the YAML tree first, then every key
// checked, references resolved (zoo model or model file, platform file or inline map, partitioner
// and its options), defaults filled, and the resolved scenario kept as YAML (FORMATS.md "Scenario file").
#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "sim/config/loader.hpp"
#include "sim/config/yaml_reader.hpp"
#include "sim/importers/onnx_import.hpp"
#include "sim/model/transforms.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::config {
namespace detail {
namespace {

using units::Kind;

const SourceLoc kCommandLine{"<command line>", 1, 1};

struct Step {
  std::string name;  // map key, or empty for an index
  std::size_t index = 0;
};

// "a.b[2].c" -> steps; nullopt when malformed.
std::optional<std::vector<Step>> parse_path(const std::string& path) {
  std::vector<Step> steps;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = i;
    while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
    if (j == i) return std::nullopt;
    steps.push_back(Step{path.substr(i, j - i), 0});
    while (j < path.size() && path[j] == '[') {
      const std::size_t close = path.find(']', j);
      if (close == std::string::npos || close == j + 1) return std::nullopt;
      const std::string digits = path.substr(j + 1, close - j - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      steps.push_back(Step{"", static_cast<std::size_t>(std::stoull(digits))});
      j = close + 1;
    }
    if (j == path.size()) break;
    if (path[j] != '.') return std::nullopt;
    i = j + 1;
    if (i == path.size()) return std::nullopt;
  }
  return steps;
}

// Applies one --set to the tree; returns the canonical key path, or nullopt after reporting.
std::optional<std::string> apply_override(YAML::Node& root, const Override& o, Diagnostics& diag) {
  const std::size_t eq = o.text.find('=');
  if (eq == std::string::npos || eq == 0) {
    diag.error(kCommandLine, "--set", "expected KEY=VALUE such as workload.requests=50, found \"" + o.text + "\"");
    return std::nullopt;
  }
  const std::string key = o.text.substr(0, eq);
  const std::string value_text = o.text.substr(eq + 1);
  const std::string label = "--set " + key;
  const auto steps = parse_path(key);
  if (!steps) {
    diag.error(kCommandLine, label, "expected a dotted key such as partitioner.options.hosts[0], found \"" + key + "\"");
    return std::nullopt;
  }
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    diag.error(kCommandLine, label, "malformed YAML value: " + e.msg);
    return std::nullopt;
  }
  if (!root.IsMap() && !root.IsNull()) return std::nullopt;  // the loader reports the root itself
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (std::size_t s = 0; s < steps->size(); ++s) {
    const Step& st = (*steps)[s];
    const bool last = s + 1 == steps->size();
    if (!st.name.empty()) {
      if (!cur.IsMap() && !cur.IsNull()) {
        diag.error(kCommandLine, label,
                   "expected a map at \"" + (walked.empty() ? std::string("(top)") : walked) + "\", found " +
                       found(cur));
        return std::nullopt;
      }
      walked = child_key(walked, st.name);
      if (last) {
        cur[st.name] = value;
        break;
      }
      const bool next_is_index = (*steps)[s + 1].name.empty();
      if (!cur[st.name].IsDefined() || cur[st.name].IsNull()) {
        if (next_is_index) {
          diag.error(kCommandLine, label,
                     "expected a list with an element [" + std::to_string((*steps)[s + 1].index) + "] at \"" +
                         walked + "\", found nothing");
          return std::nullopt;
        }
        cur[st.name] = YAML::Node(YAML::NodeType::Map);
      }
      YAML::Node next = cur[st.name];
      cur.reset(next);
    } else {
      if (!cur.IsSequence() || st.index >= cur.size()) {
        diag.error(kCommandLine, label,
                   "expected a list with an element [" + std::to_string(st.index) + "] at \"" + walked +
                       "\", found " + (cur.IsSequence() ? "a list of " + std::to_string(cur.size()) : found(cur)));
        return std::nullopt;
      }
      walked = index_key(walked, st.index);
      if (last) {
        cur[st.index] = value;
        break;
      }
      YAML::Node next = cur[st.index];
      cur.reset(next);
    }
  }
  return walked;
}

std::string num(double x) { return fmt::format("{}", x); }

bool is_host(const std::optional<Platform>& p, const std::string& name) { return p && p->host_index(name) >= 0; }

std::vector<std::string> host_names(const Platform& p) {
  std::vector<std::string> out;
  for (const auto& h : p.hosts) out.push_back(h.name);
  return out;
}

std::vector<std::string> link_names(const Platform& p) {
  std::vector<std::string> out;
  for (const auto& l : p.links) out.push_back(l.name);
  return out;
}

// A host reference: checked against the platform when it loaded (else only its form).
std::optional<std::string> read_host(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                     const std::optional<Platform>& platform) {
  auto s = read_name(ctx, n, key, "a host name");
  if (!s || !platform) return s;
  if (!is_host(platform, *s)) {
    error(ctx, n, key, "expected one of " + join_names(host_names(*platform)) + ", found " + found(n));
    return std::nullopt;
  }
  return s;
}

// Checks one option value against its declared type.
bool check_option_value(const Ctx& ctx, const OptionSpec& spec, const YAML::Node& v, const std::string& key,
                        const std::optional<Platform>& platform) {
  switch (spec.type) {
    case OptionType::Bool: return read_bool(ctx, v, key).has_value();
    case OptionType::Int: return read_int(ctx, v, key, std::numeric_limits<int64_t>::min()).has_value();
    case OptionType::Double: return read_quantity(ctx, v, key, Kind::Number, Bound::Any).has_value();
    case OptionType::String:
      if (v.IsScalar()) return true;
      error(ctx, v, key, "expected a string, found " + found(v));
      return false;
    case OptionType::Enum: return read_choice(ctx, v, key, spec.choices).has_value();
    case OptionType::Host: return read_host(ctx, v, key, platform).has_value();
    case OptionType::HostList:
    case OptionType::StringList: {
      const bool hosts = spec.type == OptionType::HostList;
      if (!v.IsSequence()) {
        error(ctx, v, key, std::string("expected a list of ") + (hosts ? "host names" : "strings") + ", found " +
                               found(v));
        return false;
      }
      bool ok = true;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (hosts) {
          ok = read_host(ctx, v[i], index_key(key, i), platform).has_value() && ok;
        } else if (!v[i].IsScalar()) {
          error(ctx, v[i], index_key(key, i), "expected a string, found " + found(v[i]));
          ok = false;
        }
      }
      return ok;
    }
    case OptionType::Tree: return true;
  }
  return true;
}

PartitionerSpec read_partitioner(const Ctx& ctx, const YAML::Node& n, const PartitionerCatalog& catalog,
                                 const std::optional<Platform>& platform) {
  PartitionerSpec spec;
  spec.loc = loc_of(ctx, n, "partitioner");
  MapView m(ctx, n, "partitioner", {"name", "options"});
  if (!m.ok()) return spec;
  const auto name_node = m.require("name");
  if (!name_node) return spec;
  auto name = read_name(ctx, *name_node, "partitioner.name", "a partitioner name");
  if (!name) return spec;
  const auto it = catalog.find(*name);
  if (it == catalog.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : catalog) names.push_back(k);
    const std::string dym = did_you_mean(*name, names);
    error(ctx, *name_node, "partitioner.name",
          "expected one of " + join_names(names, 40) + ", found " + found(*name_node) +
              (dym.empty() ? "" : "; " + dym));
    return spec;
  }
  spec.name = *name;
  const std::vector<OptionSpec>& specs = it->second;
  std::vector<std::string> option_names;
  for (const auto& s : specs) option_names.push_back(s.name);

  const auto options_node = m.get("options");
  std::set<std::string> given;  // options present, valid or not (a bad value is not also "missing")
  const YAML::Node where = options_node ? *options_node : n;
  if (options_node) {
    MapView opts(ctx, *options_node, "partitioner.options", {});
    for (const auto& [oname, value] : opts.entries()) {
      const std::string key = "partitioner.options." + oname;
      // Captured by an init-capture: clang 14 cannot capture a structured binding.
      const auto s = std::find_if(specs.begin(), specs.end(),
                                  [&oname = oname](const OptionSpec& o) { return o.name == oname; });
      if (s == specs.end()) {
        // Locate at the key: find its key node.
        YAML::Node key_node = value;
        for (auto kt = options_node->begin(); kt != options_node->end(); ++kt)
          if (kt->first.IsScalar() && kt->first.Scalar() == oname) key_node = kt->first;
        const std::string dym = did_you_mean(oname, option_names);
        error(ctx, key_node, key,
              "unknown option of partitioner " + spec.name + "; " +
                  (!dym.empty()            ? dym
                   : option_names.empty() ? std::string("it takes no options")
                                          : "expected one of " + join_names(option_names, 40)));
        continue;
      }
      given.insert(oname);
      if (check_option_value(ctx, *s, value, key, platform)) spec.options[oname] = to_node(ctx, value, key);
    }
  }
  for (const auto& s : specs) {
    if (given.count(s.name)) continue;
    if (s.required) {
      error(ctx, where, options_node ? "partitioner.options" : "partitioner",
            options_node ? "missing key \"" + s.name + "\"" : "missing key \"options\" with \"" + s.name + "\"");
      continue;
    }
    if (s.default_value.empty()) continue;
    try {
      const YAML::Node d = YAML::Load(s.default_value);
      Node node = to_node(ctx, d, "partitioner.options." + s.name);
      node.loc = loc_of(ctx, where, "partitioner");
      spec.options[s.name] = std::move(node);
    } catch (const YAML::Exception& e) {
      // A registry bug, not the user's: say so at the partitioner.
      error(ctx, n, "partitioner", "internal error: default of option \"" + s.name + "\" is not YAML: " + e.msg);
    }
  }
  return spec;
}

void read_workload(const Ctx& ctx, const YAML::Node& n, const std::optional<Platform>& platform, Workload& w) {
  MapView m(ctx, n, "workload", {"requests", "arrival", "source", "sink", "buffers"});
  if (!m.ok()) return;
  if (auto v = m.get("requests"))
    if (auto q = read_int(ctx, *v, "workload.requests", 1)) w.requests = *q;
  if (auto v = m.get("buffers"))
    if (auto q = read_int(ctx, *v, "workload.buffers", 1)) w.buffers = static_cast<int>(*q);
  if (auto v = m.get("source"))
    if (auto s = read_host(ctx, *v, "workload.source", platform)) w.source = *s;
  if (auto v = m.get("sink"))
    if (auto s = read_host(ctx, *v, "workload.sink", platform)) w.sink = *s;
  if (auto v = m.get("arrival")) {
    MapView a(ctx, *v, "workload.arrival", {"process", "rate", "interval"});
    if (!a.ok()) return;
    bool process_known = true;  // after a misspelt process, its rate or interval is not also an error
    if (auto p = a.get("process")) {
      if (auto s = read_choice(ctx, *p, "workload.arrival.process", {"saturate", "poisson", "periodic"}))
        w.arrival.process = *s;
      else
        process_known = false;
    }
    const bool poisson = w.arrival.process == "poisson", periodic = w.arrival.process == "periodic";
    if (auto r = poisson ? a.require("rate") : a.get("rate")) {
      if (!poisson && process_known)
        error(ctx, *r, "workload.arrival.rate", "expected only with process: poisson, found process: " + w.arrival.process);
      else if (auto q = read_quantity(ctx, *r, "workload.arrival.rate", Kind::Number, Bound::Positive))
        w.arrival.rate_per_s = *q;
    }
    if (auto r = periodic ? a.require("interval") : a.get("interval")) {
      if (!periodic && process_known)
        error(ctx, *r, "workload.arrival.interval",
              "expected only with process: periodic, found process: " + w.arrival.process);
      else if (auto q = read_quantity(ctx, *r, "workload.arrival.interval", Kind::Time, Bound::Positive))
        w.arrival.interval_s = *q;
    }
  }
}

void read_dynamics(const Ctx& ctx, const YAML::Node& n, const std::optional<Platform>& platform,
                   std::vector<DynamicsEntry>& out) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) {
    error(ctx, n, "dynamics", "expected a list of entries such as {link: wifi, bandwidth: {...}}, found " + found(n));
    return;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node e = n[i];
    const std::string key = index_key("dynamics", i);
    MapView m(ctx, e, key, {"link", "host", "bandwidth", "latency", "load", "fail"});
    if (!m.ok()) continue;
    DynamicsEntry d;
    d.loc = loc_of(ctx, e, key);
    const bool has_link = m.has("link"), has_host = m.has("host");
    if (has_link == has_host) {
      error(ctx, e, key, std::string("expected exactly one of \"link\" or \"host\", found ") +
                             (has_link ? "both" : "neither"));
      continue;
    }
    d.target_kind = has_link ? "link" : "host";
    const YAML::Node target = *m.get(d.target_kind);
    const std::string tkey = child_key(key, d.target_kind);
    if (auto s = read_name(ctx, target, tkey, "a " + d.target_kind + " name")) {
      d.target = *s;
      if (platform) {
        const bool known = has_link ? platform->link_index(*s) >= 0 : platform->host_index(*s) >= 0;
        if (!known)
          error(ctx, target, tkey,
                "expected one of " + join_names(has_link ? link_names(*platform) : host_names(*platform)) +
                    ", found " + found(target));
      }
    }
    std::vector<std::string> whats;
    for (const char* w : {"bandwidth", "latency", "load", "fail"})
      if (m.has(w)) whats.push_back(w);
    if (whats.size() != 1) {
      error(ctx, e, key,
            "expected exactly one of \"bandwidth\", \"latency\", \"load\" or \"fail\", found " +
                (whats.empty() ? std::string("none") : join_names(whats)));
      continue;
    }
    d.what = whats[0];
    const bool link_only = d.what == "bandwidth" || d.what == "latency";
    const bool host_only = d.what == "load";
    if ((link_only && !has_link) || (host_only && !has_host)) {
      error(ctx, *m.get(d.what), child_key(key, d.what),
            "expected only on a " + std::string(link_only ? "link" : "host") + ", found it on a " + d.target_kind);
      continue;
    }
    d.spec = to_node(ctx, *m.get(d.what), child_key(key, d.what));
    out.push_back(std::move(d));
  }
}

void read_adapt(const Ctx& ctx, const YAML::Node& n, Adapt& a) {
  MapView m(ctx, n, "adapt", {"policy", "interval", "threshold", "migration"});
  if (!m.ok()) return;
  a.spec = to_node(ctx, n, "adapt");
  if (auto v = m.get("policy"))
    if (auto s = read_choice(ctx, *v, "adapt.policy", {"none", "periodic", "on-change"})) a.policy = *s;
  if (auto v = m.get("migration"))
    if (auto s = read_choice(ctx, *v, "adapt.migration", {"transfer", "free"})) a.migration = *s;
  const bool periodic = a.policy == "periodic", on_change = a.policy == "on-change";
  if (auto v = periodic ? m.require("interval") : m.get("interval")) {
    if (!periodic)
      error(ctx, *v, "adapt.interval", "expected only with policy: periodic, found policy: " + a.policy);
    else if (auto q = read_quantity(ctx, *v, "adapt.interval", Kind::Time, Bound::Positive))
      a.interval_s = *q;
  }
  if (auto v = on_change ? m.require("threshold") : m.get("threshold")) {
    if (!on_change)
      error(ctx, *v, "adapt.threshold", "expected only with policy: on-change, found policy: " + a.policy);
    else if (auto q = read_quantity(ctx, *v, "adapt.threshold", Kind::Number, Bound::Positive))
      a.threshold = *q;
  }
}

// `weights: {from: HOST | storage_bandwidth: RATE, preload: BOOL}` (docs/REFERENCE.md "Weights").
void read_weights(const Ctx& ctx, const YAML::Node& n, const std::optional<Platform>& platform, Weights& w) {
  MapView m(ctx, n, "weights", {"from", "storage_bandwidth", "preload"});
  if (!m.ok()) return;
  w.enabled = true;
  w.loc = loc_of(ctx, n, "weights");
  if (auto v = m.get("from"))
    if (auto h = read_host(ctx, *v, "weights.from", platform)) w.from = *h;
  if (auto v = m.get("storage_bandwidth"))
    w.storage_bandwidth_Bps = read_quantity(ctx, *v, "weights.storage_bandwidth", Kind::Bandwidth, Bound::Positive);
  if (auto v = m.get("preload"))
    if (auto b = read_bool(ctx, *v, "weights.preload")) w.preload = *b;
  // Without a store every host reads its own storage: each needs a read rate.
  if (w.from.empty() && !m.has("storage_bandwidth") && platform) {
    std::vector<std::string> missing;
    for (const auto& [name, t] : platform->device_types)
      if (!t.storage_bandwidth_Bps) missing.push_back(name);
    if (!missing.empty())
      error(ctx, n, "weights",
            "expected \"from\" (a host storing the weights) or \"storage_bandwidth\" (local read rate), found "
            "neither, and device types " + join_names(missing) + " give no storage_bandwidth");
  }
}

std::string stem_of(const std::string& path) { return std::filesystem::path(path).stem().string(); }

// The scenario as YAML with every default filled (scenario.resolved.yaml). Paths stay as written.
std::string resolved_yaml(const Scenario& s, const YAML::Node& model_node, const YAML::Node& platform_node,
                          const std::optional<YAML::Node>& dynamics_node) {
  YAML::Node r(YAML::NodeType::Map);
  r["name"] = s.name;
  r["seed"] = s.seed;
  r["model"] = YAML::Clone(model_node);
  r["batch"] = s.batch;
  r["platform"] = YAML::Clone(platform_node);
  r["cost"] = s.cost;
  r["network"]["model"] = s.network_model;
  r["partitioner"]["name"] = s.partitioner.name;
  YAML::Node opts(YAML::NodeType::Map);
  for (const auto& [k, v] : s.partitioner.options) opts[k] = from_node(v);
  r["partitioner"]["options"] = opts;
  YAML::Node w(YAML::NodeType::Map);
  w["requests"] = s.workload.requests;
  w["arrival"]["process"] = s.workload.arrival.process;
  if (s.workload.arrival.process == "poisson") w["arrival"]["rate"] = num(s.workload.arrival.rate_per_s);
  if (s.workload.arrival.process == "periodic") w["arrival"]["interval"] = num(s.workload.arrival.interval_s);
  if (!s.workload.source.empty()) w["source"] = s.workload.source;
  if (!s.workload.sink.empty()) w["sink"] = s.workload.sink;
  w["buffers"] = s.workload.buffers;
  r["workload"] = w;
  if (dynamics_node && dynamics_node->IsSequence() && dynamics_node->size() > 0)
    r["dynamics"] = YAML::Clone(*dynamics_node);
  if (s.on_failure != "drop") r["on_failure"] = s.on_failure;
  r["adapt"]["policy"] = s.adapt.policy;
  if (s.adapt.policy == "periodic") r["adapt"]["interval"] = num(s.adapt.interval_s);
  if (s.adapt.policy == "on-change") r["adapt"]["threshold"] = num(s.adapt.threshold);
  r["adapt"]["migration"] = s.adapt.migration;
  if (s.weights.enabled) {
    if (!s.weights.from.empty()) r["weights"]["from"] = s.weights.from;
    if (s.weights.storage_bandwidth_Bps) r["weights"]["storage_bandwidth"] = num(*s.weights.storage_bandwidth_Bps);
    r["weights"]["preload"] = s.weights.preload;
  }
  if (!s.output.dir.empty()) r["output"]["dir"] = s.output.dir;
  r["output"]["window"] = num(s.output.window_s);
  YAML::Emitter e;
  e << r;
  return std::string(e.c_str()) + "\n";
}

}  // namespace

std::optional<Scenario> parse_scenario(const std::string& path, YAML::Node root, const std::vector<Override>& overrides,
                                       const PartitionerCatalog& catalog, Diagnostics& diag) {
  const std::size_t errors_before = diag.items().size();
  Ctx ctx{path, &diag, {}};
  for (const auto& o : overrides)
    if (auto p = apply_override(root, o, diag)) ctx.override_paths.push_back(*p);

  if (!root.IsDefined() || root.IsNull()) {  // one line for an empty file, not a missing key per section
    error(ctx, root, "", "expected a scenario (a map with model, platform and partitioner), found an empty file");
    return std::nullopt;
  }
  // A platform, model or sweep file given where a scenario is expected: one line saying so, not a
  // missing key plus an unknown key per section.
  if (root.IsMap() && !root["model"] && !root["partitioner"]) {
    const FileKind kind = file_kind_of(root);
    const char* what = kind == FileKind::Platform ? "a platform file (hosts, links); name it from a scenario instead"
                       : kind == FileKind::Model  ? "a model file (layers); name it from a scenario instead"
                       : kind == FileKind::Sweep  ? "a sweep file (scenario with grid, zip or repeat); run it with "
                                                    "`edgesplit sweep FILE --out DIR`"
                                                  : nullptr;
    if (what) {
      error(ctx, root, "", std::string("expected a scenario (a map with model, platform and partitioner), found ") + what);
      return std::nullopt;
    }
  }
  Scenario s;
  s.path = path;
  s.name = stem_of(path);
  MapView top(ctx, root, "",
              {"name", "seed", "model", "batch", "platform", "cost", "network", "partitioner", "workload", "dynamics",
               "adapt", "output", "weights", "on_failure", "transform", "latency_model"});
  if (!top.ok()) return std::nullopt;
  if (auto v = top.get("name"))
    if (auto n = read_name(ctx, *v, "name", "a scenario name")) s.name = *n;
  if (auto v = top.get("seed"))
    if (auto q = read_int(ctx, *v, "seed", 0)) s.seed = static_cast<uint64_t>(*q);
  if (auto v = top.get("batch"))
    if (auto q = read_int(ctx, *v, "batch", 1)) s.batch = static_cast<int>(*q);

  // Model: zoo name, {file: PATH} or {onnx: PATH}.
  YAML::Node model_node;
  if (auto v = top.require("model")) {
    model_node = *v;
    if (v->IsScalar()) {
      s.model_ref = v->Scalar();
      if (auto g = model::zoo_model(v->Scalar())) {
        s.model = std::move(*g);
      } else {
        const auto names = model::zoo_names();
        std::string dym = did_you_mean(v->Scalar(), names);
        const std::string ext = std::filesystem::path(v->Scalar()).extension().string();
        if (ext == ".yaml" || ext == ".yml" || ext == ".onnx")  // a path: the map form was meant
          dym = "did you mean {" + std::string(ext == ".onnx" ? "onnx" : "file") + ": " + v->Scalar() + "}?";
        error(ctx, *v, "model",
              "expected a zoo model (one of " + join_names(names, 40) + ") or {file: PATH}, found " + found(*v) +
                  (dym.empty() ? "" : "; " + dym));
      }
    } else if (v->IsMap()) {
      MapView m(ctx, *v, "model", {"file", "onnx", "input_shape"});
      if (m.has("file") == m.has("onnx") && m.ok()) {
        error(ctx, *v, "model",
              std::string("expected exactly one of \"file\" or \"onnx\", found ") + (m.has("file") ? "both" : "neither"));
      } else if (auto f = m.get("file")) {
        if (auto rel = read_name(ctx, *f, "model.file", "a model file path")) {
          s.model_ref = *rel;
          const std::string resolved = resolve_path(path, *rel);
          if (auto mroot = load_yaml_file(resolved, diag, &ctx, &*f, "model.file")) {
            Ctx mctx{resolved, &diag, {}};
            if (auto g = parse_model(mctx, *mroot, stem_of(resolved))) s.model = std::move(*g);
          }
        }
      } else if (auto o = m.get("onnx")) {
        std::optional<std::vector<int64_t>> input_shape;
        if (auto is = m.get("input_shape")) {
          std::vector<int64_t> dims;
          bool good = is->IsSequence() && is->size() > 0;
          if (good) {
            for (const auto& d : *is) {
              auto x = d.IsScalar() ? scalar_to_int(d.Scalar()) : std::nullopt;
              if (!x || *x < 1) good = false;
              dims.push_back(x.value_or(0));
            }
          }
          if (good) {
            input_shape = dims;
          } else {
            error(ctx, *is, "model.input_shape", "expected a list of positive integers such as [3, 224, 224], found " + found(*is));
          }
        }
        if (auto rel = read_name(ctx, *o, "model.onnx", "an ONNX file path")) {
          s.model_ref = *rel;
          try {
            s.model = importers::import_onnx(resolve_path(path, *rel), input_shape);
          } catch (const InputError& e) {
            Diagnostic d = e.diagnostic();
            if (d.loc.line == 0) {  // the importer knows no line: point at the scenario's onnx key
              d.message = d.loc.file + ": " + (d.key.empty() ? "" : d.key + ": ") + d.message;
              d.loc = SourceLoc{ctx.file, o->Mark().line + 1, o->Mark().column + 1};
              d.key = "model.onnx";
            }
            diag.error(d.loc, d.key, d.message);
          }
        }
      }
    } else {
      error(ctx, *v, "model", "expected a zoo model name or {file: PATH}, found " + found(*v));
    }
  }

  // Model transforms, in order, before partitioning (docs/REFERENCE.md "Model transforms").
  if (auto v = top.get("transform")) {
    if (!v->IsSequence()) {
      error(ctx, *v, "transform", "expected a list such as [{partition_prune: {layers: [fc1], parts: 2}}], found " + found(*v));
    } else {
      for (std::size_t i = 0; i < v->size(); ++i) {
        const YAML::Node item = (*v)[i];
        const std::string key = "transform[" + std::to_string(i) + "]";
        MapView t(ctx, item, key, {"partition_prune"});
        auto pp = t.get("partition_prune");
        if (!t.ok() || !pp) {
          if (t.ok()) error(ctx, item, key, "expected {partition_prune: {layers, parts, keep}}, found " + found(item));
          continue;
        }
        const std::string pkey = key + ".partition_prune";
        MapView m(ctx, *pp, pkey, {"layers", "parts", "keep", "branches"});
        if (!m.ok()) continue;
        std::vector<std::string> layers;
        if (auto ls = m.require("layers")) {
          if (ls->IsSequence() && ls->size() > 0) {
            for (std::size_t j = 0; j < ls->size(); ++j)
              if (auto n = read_name(ctx, (*ls)[j], pkey + ".layers[" + std::to_string(j) + "]", "a layer name"))
                layers.push_back(*n);
          } else {
            error(ctx, *ls, pkey + ".layers", "expected a non-empty list of fully connected layer names, found " + found(*ls));
          }
        }
        std::optional<int64_t> parts;
        if (auto n = m.require("parts")) parts = read_int(ctx, *n, pkey + ".parts", 2);
        double keep = 0;
        if (auto n = m.get("keep")) {
          auto k = read_quantity(ctx, *n, pkey + ".keep", units::Kind::Number, Bound::NonNegative);
          if (k && *k > 1) error(ctx, *n, pkey + ".keep", "expected a fraction in [0, 1], found " + found(*n));
          keep = k.value_or(0);
        }
        bool branches = false;  // K parallel branches (docs/CIM.md "Partition Pruning on CIM")
        if (auto n = m.get("branches")) {
          if (auto b = read_bool(ctx, *n, pkey + ".branches")) branches = *b;
          if (branches && keep != 0) error(ctx, *n, pkey + ".branches", "expected keep: 0 with branches: true, found keep: " + fmt::format("{}", keep));
        }
        if (parts && !layers.empty() && s.model.size() > 0 && !(branches && keep != 0)) {
          try {
            s.model = branches ? model::partition_prune_branches(s.model, layers, static_cast<int>(*parts))
                               : model::partition_prune(s.model, layers, static_cast<int>(*parts), keep);
          } catch (const std::invalid_argument& e) {
            error(ctx, *pp, pkey, e.what());
          }
        }
      }
    }
  }

  // Platform: a path relative to this file, or the map inline.
  std::optional<Platform> platform;
  YAML::Node platform_node;
  if (auto v = top.require("platform")) {
    platform_node = *v;
    if (v->IsScalar()) {
      const std::string resolved = resolve_path(path, v->Scalar());
      if (auto proot = load_yaml_file(resolved, diag, &ctx, &*v, "platform")) {
        Ctx pctx{resolved, &diag, {}};
        if (proot->IsMap() && (*proot)["layers"] && !(*proot)["device_types"] && !(*proot)["hosts"])
          // A model file named as the platform: one error at the reference, not one per model key.
          error(ctx, *v, "platform",
                "expected a platform file (device_types, hosts), found a model file (layers): \"" + v->Scalar() + "\"");
        else
          platform = parse_platform(pctx, *proot, "");
      }
    } else if (v->IsMap()) {
      platform = parse_platform(ctx, *v, "platform");
      if (platform) platform->path = "<inline>";
    } else {
      error(ctx, *v, "platform", "expected a platform file path or an inline platform map, found " + found(*v));
    }
  }
  if (platform) s.platform = *platform;

  if (auto v = top.get("cost")) {
    if (auto c = read_choice(ctx, *v, "cost", {"analytic", "profile", "regression"})) s.cost = *c;
  }
  // cost: profile: a profile of this model must hold one time per layer. The cost model checks it
  // too (with a missing profile); checking the length here lets `validate` report it like `run`.
  if (s.cost == "profile" && platform && s.model.size() > 0) {
    const std::string prefix = platform->path == "<inline>" ? "platform." : "";
    for (const auto& [type_name, t] : s.platform.device_types) {
      const auto it = t.profiles.find(s.model.name());
      if (it != t.profiles.end() && it->second.time_s.size() != s.model.size())
        diag.error(it->second.loc, prefix + "device_types." + type_name + ".profiles." + s.model.name() + ".time_s",
                   fmt::format("expected {} per-layer times (one per layer of the model), found {}", s.model.size(),
                               it->second.time_s.size()));
    }
  }
  // cost: regression reads its fitted model (edgesplit fit-latency --out MODEL.yaml).
  if (auto v = top.get("latency_model")) {
    if (auto rel = read_name(ctx, *v, "latency_model", "a latency model file (edgesplit fit-latency --out)")) {
      s.latency_model_path = resolve_path(path, *rel);
      if (!std::filesystem::exists(s.latency_model_path))
        error(ctx, *v, "latency_model", "expected a readable file, found \"" + *rel + "\" (no such file)");
      if (s.cost != "regression")
        error(ctx, *v, "latency_model", "expected only with cost: regression, found cost: " + s.cost);
    }
  } else if (s.cost == "regression") {
    error(ctx, root, "latency_model",
          "missing key \"latency_model\" (cost: regression needs a model fitted by edgesplit fit-latency)");
  }
  if (auto v = top.get("network")) {
    MapView m(ctx, *v, "network", {"model"});
    if (auto mv = m.get("model"))
      if (auto c = read_choice(ctx, *mv, "network.model", {"exact", "simgrid"})) s.network_model = *c;
  }
  if (auto v = top.require("partitioner")) s.partitioner = read_partitioner(ctx, *v, catalog, platform);
  if (auto v = top.get("workload")) read_workload(ctx, *v, platform, s.workload);
  const auto dynamics_node = top.get("dynamics");
  if (dynamics_node) read_dynamics(ctx, *dynamics_node, platform, s.dynamics);
  // Dynamics values are parsed deeply here (trace files read, checked and hashed), so
  // `validate` reports a missing or malformed trace at load time.
  for (DynamicsEntry& d : s.dynamics) {
    // An entry on an unknown host or link has its error already: one error per mistake.
    if (platform && (d.target_kind == "link" ? platform->link_index(d.target) : platform->host_index(d.target)) < 0)
      continue;
    const std::string dir = std::filesystem::path(path).parent_path().string();
    if (auto spec = traces::parse_dynamics(d.what, d.spec, dir, diag, s.seed))
      d.parsed = std::make_shared<const traces::DynamicsSpec>(std::move(*spec));
  }
  if (auto v = top.get("on_failure"))
    if (auto f = traces::parse_on_failure(to_node(ctx, *v, "on_failure"), diag))
      s.on_failure = *f == traces::OnFailure::Retry ? "retry" : "drop";
  if (auto v = top.get("adapt")) read_adapt(ctx, *v, s.adapt);
  if (auto v = top.get("weights")) {
    read_weights(ctx, *v, platform, s.weights);
    // The runtime loads weights only in runs without dynamics or adapt (docs/REFERENCE.md
    // "Weights"): refused here, located, so that validate says it too.
    if (s.weights.enabled && (!s.dynamics.empty() || s.adapt.policy != "none"))
      error(ctx, *v, "weights",
            std::string("weights are not loaded in runs with ") + (s.dynamics.empty() ? "adapt" : "dynamics") +
                " yet; remove weights: or " + (s.dynamics.empty() ? "adapt:" : "dynamics:"));
  }
  // CIM weight precision: capacity counts weights of `precision` bits; the memory rule compares
  // bytes at the model's dtype, so express the capacity in those bytes (docs/CIM.md).
  for (auto& [name, t] : s.platform.device_types)
    if (t.kind == "cim" && t.precision_bits > 0 && t.memory_from_capacity)
      t.memory_bytes = t.weight_capacity_bytes * 8.0 * s.model.dtype_bytes() / t.precision_bits;
  if (auto v = top.get("output")) {
    MapView m(ctx, *v, "output", {"dir", "window"});
    if (auto d = m.get("dir"))
      if (auto n = read_name(ctx, *d, "output.dir", "a directory path")) s.output.dir = *n;
    if (auto w = m.get("window"))
      if (auto q = read_quantity(ctx, *w, "output.window", Kind::Time, Bound::Positive)) s.output.window_s = *q;
  }

  if (diag.items().size() != errors_before) return std::nullopt;
  s.resolved_yaml = resolved_yaml(s, model_node, platform_node, dynamics_node);
  return s;
}

}  // namespace detail

std::optional<Scenario> load_scenario(const std::string& path, const std::vector<Override>& overrides,
                                      const PartitionerCatalog& partitioners, Diagnostics& diag) {
  auto root = detail::load_yaml_file(path, diag);
  if (!root) return std::nullopt;
  return detail::parse_scenario(path, *root, overrides, partitioners, diag);
}

std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& name,
                                           const std::vector<Override>& overrides,
                                           const PartitionerCatalog& partitioners, Diagnostics& diag) {
  auto root = detail::load_yaml_text(text, name, diag);
  if (!root) return std::nullopt;
  return detail::parse_scenario(name, *root, overrides, partitioners, diag);
}

}  // namespace edgesplit::config
