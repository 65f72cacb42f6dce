// Sweep file parsing (yaml-cpp, every error located) and expansion to points with FNV-1a ids.
#include "sim/sweep/sweep.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/config/file_text.hpp"

#include <fmt/format.h>

namespace edgesplit::sweep {

namespace fs = std::filesystem;

std::vector<std::string> SweepFile::keys() const {
  std::vector<std::string> out;
  for (const auto& a : grid) out.push_back(a.key);
  for (const auto& a : zip) out.push_back(a.key);
  return out;
}

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string canonical_text(const std::vector<Param>& params, const std::optional<uint64_t>& seed) {
  std::vector<std::string> lines;
  for (const auto& p : params) lines.push_back(p.key + "=" + p.value + "\n");
  if (seed) lines.push_back("seed=" + std::to_string(*seed) + "\n");
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

std::string point_id(const std::vector<Param>& params, const std::optional<uint64_t>& seed) {
  return fmt::format("{:016x}", fnv1a64(canonical_text(params, seed))).substr(0, 12);
}

namespace {

const std::vector<std::string> kTopKeys = {"base", "scenario", "grid", "zip", "repeat", "name", "description"};

config::SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

/// How a value reads in "found ..." (the text as written for scalars).
std::string found(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return "\"" + n.Scalar() + "\"";
    case YAML::NodeType::Sequence: return n.size() == 0 ? std::string("[]") : std::string("a list");
    case YAML::NodeType::Map: return "a map";
    default: return "nothing";
  }
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

/// A plain scalar that stays one scalar of the same text inside a flow collection and as a --set value.
bool safe_plain(const std::string& s) {
  if (s.empty()) return false;
  if (s.find_first_of(",[]{}#\n\"'") != std::string::npos) return false;
  if (s.find(": ") != std::string::npos || s.back() == ':') return false;
  if (std::string("-?:&*!|>%@`").find(s.front()) != std::string::npos && s.size() > 1 && !(s[0] == '-' && std::isdigit(static_cast<unsigned char>(s[1]))))
    return false;
  if (s.front() == ' ' || s.back() == ' ') return false;
  return true;
}

/// Flow YAML text of a value: plain scalars as written, quoted ones double-quoted, collections in flow style.
std::string flow_text(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: {
      const bool quoted = n.Tag() == "!";
      if (!quoted && safe_plain(n.Scalar())) return n.Scalar();
      return double_quoted(n.Scalar());
    }
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : n) {
        if (!first) out += ", ";
        first = false;
        out += flow_text(item);
      }
      return out + "]";
    }
    case YAML::NodeType::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& kv : n) {
        if (!first) out += ", ";
        first = false;
        out += flow_text(kv.first) + ": " + flow_text(kv.second);
      }
      return out + "}";
    }
    default: return "null";
  }
}

/// A --set key: dot-separated names, each optionally followed by [N] indices.
bool valid_key(const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.') return false;
  std::size_t i = 0;
  while (i < key.size()) {
    std::size_t start = i;
    while (i < key.size() && (std::isalnum(static_cast<unsigned char>(key[i])) || key[i] == '_' || key[i] == '-')) ++i;
    if (i == start) return false;
    while (i < key.size() && key[i] == '[') {
      std::size_t close = key.find(']', i);
      if (close == std::string::npos || close == i + 1) return false;
      for (std::size_t j = i + 1; j < close; ++j)
        if (!std::isdigit(static_cast<unsigned char>(key[j]))) return false;
      i = close + 1;
    }
    if (i < key.size()) {
      if (key[i] != '.') return false;
      ++i;
      if (i == key.size()) return false;
    }
  }
  return true;
}

/// Iterates a map reporting duplicate keys (yaml-cpp keeps them silently); calls f(key, key node, value).
template <class F>
void for_each_entry(const YAML::Node& map, const std::string& file, const std::string& prefix, config::Diagnostics& diag,
                    F&& f) {
  std::map<std::string, int> seen;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    auto [it, fresh] = seen.emplace(key, kv.first.Mark().line + 1);
    if (!fresh) {
      diag.error(loc_of(file, kv.first), path, fmt::format("duplicate key (first at line {})", it->second));
      continue;
    }
    f(key, path, kv.first, kv.second);
  }
}

/// Reads a list of values for one axis; false (with errors) when invalid.
bool read_axis(const std::string& file, const std::string& path, const std::string& key, const YAML::Node& key_node,
               const YAML::Node& values, bool distinct, config::Diagnostics& diag, Axis& axis) {
  axis.key = key;
  axis.loc = loc_of(file, key_node);
  bool ok = true;
  if (!valid_key(key)) {
    diag.error(axis.loc, path, fmt::format("expected a dotted scenario key such as workload.requests, found \"{}\"", key));
    ok = false;
  }
  if (!values.IsSequence()) {
    diag.error(loc_of(file, values), path, fmt::format("expected a list of values such as [1, 2], found {}", found(values)));
    return false;
  }
  if (values.size() == 0) {
    diag.error(loc_of(file, values), path, "expected at least one value, found []");
    return false;
  }
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const YAML::Node v = values[i];
    if (v.IsNull()) {
      diag.error(loc_of(file, v.Mark().line >= 0 ? v : values), fmt::format("{}[{}]", path, i), "expected a value, found nothing");
      ok = false;
      continue;
    }
    std::string text = flow_text(v);
    auto [it, fresh] = seen.emplace(text, i);
    if (!fresh && distinct) {
      diag.error(loc_of(file, v), fmt::format("{}[{}]", path, i),
                 fmt::format("expected distinct values, found {} again (also at [{}])", found(v), it->second));
      ok = false;
    }
    axis.values.push_back(std::move(text));
  }
  return ok;
}

bool parse_u64(const std::string& s, uint64_t& out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

/// Makes relative file references of an inline scenario absolute (they are written relative to the sweep file).
void absolutize(YAML::Node scenario, const fs::path& dir) {
  auto fix = [&](YAML::Node n) {
    if (n && n.IsScalar()) {
      fs::path p(n.Scalar());
      if (p.is_relative()) n = (fs::absolute(dir) / p).lexically_normal().string();
    }
  };
  if (!scenario.IsMap()) return;
  if (scenario["platform"] && scenario["platform"].IsScalar()) fix(scenario["platform"]);
  if (scenario["model"] && scenario["model"].IsMap()) {
    if (scenario["model"]["file"]) fix(scenario["model"]["file"]);
    if (scenario["model"]["onnx"]) fix(scenario["model"]["onnx"]);
  }
  if (scenario["dynamics"] && scenario["dynamics"].IsSequence()) {
    for (auto entry : scenario["dynamics"]) {
      if (!entry.IsMap()) continue;
      for (auto kv : entry)
        if (kv.second.IsMap() && kv.second["trace"]) fix(kv.second["trace"]);
    }
  }
}

/// Reads `seed:` of a scenario map (default 1); errors located in `file`.
bool read_seed(const YAML::Node& scenario, const std::string& file, config::Diagnostics& diag, uint64_t& seed) {
  seed = 1;
  if (!scenario.IsMap()) return true;  // the run reports what is wrong with the scenario itself
  const YAML::Node s = scenario["seed"];
  if (!s) return true;
  if (!s.IsScalar() || !parse_u64(s.Scalar(), seed)) {
    diag.error(loc_of(file, s), "seed", fmt::format("expected an integer >= 0, found {}", found(s)));
    return false;
  }
  return true;
}

std::optional<SweepFile> parse(const YAML::Node& root, const std::string& file, const fs::path& dir,
                               config::Diagnostics& diag) {
  const std::size_t errors_before = diag.items().size();
  if (!root.IsMap()) {
    diag.error(loc_of(file, root), "",
               fmt::format("expected a sweep (a map with base or scenario, and grid, zip or repeat), found {}",
                           found(root)));
    return std::nullopt;
  }
  SweepFile s;
  s.path = file;
  // std::optional: a yaml-cpp Node assignment rebinds shared state, and a default Node tests true.
  std::optional<YAML::Node> base_node, scenario_node, key_node_scenario;
  for_each_entry(root, file, "", diag, [&](const std::string& key, const std::string& path, const YAML::Node& key_node,
                                           const YAML::Node& value) {
    if (key == "base") {
      base_node.emplace(value);
      if (!value.IsScalar() || value.Scalar().empty())
        diag.error(loc_of(file, value), path, fmt::format("expected a scenario file path, found {}", found(value)));
    } else if (key == "scenario") {
      scenario_node.emplace(value);
      key_node_scenario.emplace(key_node);
      if (!value.IsMap())
        diag.error(loc_of(file, value), path, fmt::format("expected an inline scenario map, found {}", found(value)));
    } else if (key == "grid" || key == "zip") {
      if (value.IsNull()) return;
      if (!value.IsMap()) {
        diag.error(loc_of(file, value), path,
                   fmt::format("expected a map from dotted scenario keys to lists of values, found {}", found(value)));
        return;
      }
      auto& axes = key == "grid" ? s.grid : s.zip;
      for_each_entry(value, file, path, diag, [&](const std::string& k, const std::string& p, const YAML::Node& kn,
                                                 const YAML::Node& v) {
        Axis a;
        if (read_axis(file, p, k, kn, v, key == "grid", diag, a)) axes.push_back(std::move(a));
      });
    } else if (key == "repeat") {
      uint64_t r = 0;
      if (!value.IsScalar() || !parse_u64(value.Scalar(), r) || r < 1 || r > 1000000) {
        diag.error(loc_of(file, value), path, fmt::format("expected an integer >= 1, found {}", found(value)));
      } else {
        s.repeat = static_cast<int>(r);
      }
    } else if (key == "name" || key == "description") {
      if (!value.IsScalar())
        diag.error(loc_of(file, value), path, fmt::format("expected a text, found {}", found(value)));
    } else {
      std::string hint = config::did_you_mean(key, kTopKeys);
      if (hint.empty()) hint = "expected one of base, scenario, grid, zip, repeat, name, description";
      diag.error(loc_of(file, key_node), path, "unknown key; " + hint);
    }
  });

  if (base_node && scenario_node) {
    diag.error(loc_of(file, *key_node_scenario), "scenario", "expected either base or scenario, found both");
  } else if (!base_node && !scenario_node) {
    diag.error(loc_of(file, root), "", "missing key \"base\" (or an inline \"scenario\")");
  }

  // A key both in grid and zip would be set twice per point.
  std::map<std::string, const Axis*> grid_keys;
  for (const auto& a : s.grid) grid_keys.emplace(a.key, &a);
  for (const auto& a : s.zip) {
    auto it = grid_keys.find(a.key);
    if (it != grid_keys.end())
      diag.error(a.loc, "zip." + a.key, fmt::format("expected a key not already in grid, found it at line {}", it->second->loc.line));
  }
  // zip lists advance together: equal lengths, and distinct tuples (else two points would be one).
  if (!s.zip.empty()) {
    const Axis& first = s.zip.front();
    bool equal = true;
    for (const auto& a : s.zip) {
      if (a.values.size() != first.values.size()) {
        diag.error(a.loc, "zip." + a.key,
                   fmt::format("expected {} values as zip.{} has, found {}", first.values.size(), first.key, a.values.size()));
        equal = false;
      }
    }
    if (equal) {
      std::map<std::vector<std::string>, std::size_t> seen;
      for (std::size_t i = 0; i < first.values.size(); ++i) {
        std::vector<std::string> tuple;
        for (const auto& a : s.zip) tuple.push_back(a.values[i]);
        auto [it, fresh] = seen.emplace(tuple, i);
        if (!fresh)
          diag.error(first.loc, "zip",
                     fmt::format("expected distinct tuples, found position {} equal to position {}", i, it->second));
      }
    }
  }
  for (const auto& a : s.grid) s.seed_varied |= a.key == "seed";
  for (const auto& a : s.zip) s.seed_varied |= a.key == "seed";
  if (s.seed_varied && s.repeat > 0)
    diag.error(loc_of(file, root["repeat"]), "repeat",
               fmt::format("expected no repeat when seed is a grid or zip key, found {}", s.repeat));

  // The base scenario: resolve its path and read its seed.
  if (base_node && base_node->IsScalar() && !base_node->Scalar().empty()) {
    fs::path p(base_node->Scalar());
    if (p.is_relative()) p = dir / p;
    s.base_path = p.lexically_normal().string();
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      diag.error(loc_of(file, *base_node), "base",
                 fmt::format("expected an existing scenario file, found \"{}\" ({} does not exist)", base_node->Scalar(),
                             s.base_path));
    } else {
      try {
        YAML::Node scenario = YAML::LoadFile(s.base_path);
        read_seed(scenario, s.base_path, diag, s.base_seed);
      } catch (const YAML::Exception& e) {
        diag.error({s.base_path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0},
                   "", "malformed YAML: " + e.msg);
      }
    }
  } else if (scenario_node && scenario_node->IsMap()) {
    read_seed(*scenario_node, file, diag, s.base_seed);
    YAML::Node copy = YAML::Clone(*scenario_node);
    absolutize(copy, dir);
    YAML::Emitter out;
    out << copy;
    s.inline_scenario = std::string(out.c_str()) + "\n";
  }
  if (diag.items().size() != errors_before) return std::nullopt;
  return s;
}

}  // namespace

std::optional<SweepFile> load_sweep_text(const std::string& text, const std::string& name, const std::string& dir,
                                         config::Diagnostics& diag) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diag.error({name, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0}, "",
               "malformed YAML: " + e.msg);
    return std::nullopt;
  }
  return parse(root, name, fs::path(dir), diag);
}

std::optional<SweepFile> load_sweep(const std::string& path, config::Diagnostics& diag) {
  const config::FileText file = config::read_file_text(path);
  if (!file.text) {
    diag.error({path, 0, 0}, "",
               file.directory ? "cannot read the sweep file: it is a directory"
                              : "cannot read the sweep file (no such file or not readable)");
    return std::nullopt;
  }
  return load_sweep_text(*file.text, path, fs::path(path).parent_path().string(), diag);
}

bool looks_like_sweep(const std::string& path) {
  try {
    const config::FileText file = config::read_file_text(path);
    if (!file.text) return false;
    YAML::Node root = YAML::Load(*file.text);
    if (!root.IsMap()) return false;
    const bool has_base = root["base"] || root["scenario"];
    const bool has_axes = root["grid"] || root["zip"] || root["repeat"];
    return has_base && has_axes;
  } catch (const YAML::Exception&) {
    return false;
  }
}

std::vector<Point> expand(const SweepFile& sweep) {
  // Grid combinations, last key fastest (an odometer over the value indices).
  std::vector<std::vector<Param>> combos = {{}};
  for (const auto& axis : sweep.grid) {
    std::vector<std::vector<Param>> next;
    for (const auto& c : combos)
      for (const auto& v : axis.values) {
        auto e = c;
        e.push_back({axis.key, v});
        next.push_back(std::move(e));
      }
    combos = std::move(next);
  }
  if (!sweep.zip.empty()) {
    std::vector<std::vector<Param>> next;
    const std::size_t n = sweep.zip.front().values.size();
    for (const auto& c : combos)
      for (std::size_t i = 0; i < n; ++i) {
        auto e = c;
        for (const auto& axis : sweep.zip) e.push_back({axis.key, axis.values.at(i)});
        next.push_back(std::move(e));
      }
    combos = std::move(next);
  }
  std::vector<Point> points;
  const int repeats = std::max(sweep.repeat, 1);
  for (const auto& c : combos) {
    for (int r = 0; r < repeats; ++r) {
      Point p;
      p.params = c;
      if (!sweep.seed_varied) p.seed = sweep.base_seed + static_cast<uint64_t>(r);
      p.id = point_id(p.params, p.seed);
      points.push_back(std::move(p));
    }
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.id < b.id; });
  return points;
}

std::vector<Point> shard(const std::vector<Point>& points, int k, int n) {
  std::vector<Point> out;
  if (n < 1 || k < 1 || k > n) return out;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (static_cast<int>(i % static_cast<std::size_t>(n)) == k - 1) out.push_back(points[i]);
  return out;
}

}  // namespace edgesplit::sweep
