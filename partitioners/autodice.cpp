// AutoDiCE mapping-file parser. JSON is YAML 1.2 flow syntax, so yaml-cpp reads it and keeps
// each node's line and column for the error messages.
#include "partitioners/autodice.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <fstream>
#include <unordered_map>

namespace edgesplit::partition {

namespace {

config::SourceLoc loc_of(const std::string& path, const YAML::Mark& m) {
  if (m.is_null()) return config::SourceLoc{path, 0, 0};
  return config::SourceLoc{path, m.line + 1, m.column + 1};
}

// The text of a node for "found ..." (scalars quoted as written, containers by kind).
std::string found(const YAML::Node& n) {
  if (n.IsScalar()) return n.Tag() == "!" ? "\"" + n.Scalar() + "\"" : n.Scalar();
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "an object";
  return "null";
}

bool is_string(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "!"; }

bool digits_after(const std::string& s, const std::string& prefix) {
  if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return false;
  for (std::size_t i = prefix.size(); i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// AutoDiCE's horizontal-split entry: "layer": [mode, [sizes], [keys]].
bool looks_horizontal(const YAML::Node& v) {
  return v.IsSequence() && v.size() == 3 && v[0].IsScalar() && v[1].IsSequence() && v[2].IsSequence();
}

void check_horizontal(const std::string& path, const std::string& key, const YAML::Node& k, const YAML::Node& v,
                      config::Diagnostics& diag) {
  const std::string mode = v[0].Scalar();
  if (mode != "lop" && mode != "lip" && mode != "height" && mode != "width") {
    diag.error(loc_of(path, v[0].Mark()), key + "[0]",
               "expected a horizontal split mode lop, lip, height or width, found " + found(v[0]));
  }
  for (std::size_t i = 0; i < v[1].size(); ++i) {
    const YAML::Node s = v[1][i];
    bool ok = s.IsScalar() && s.Tag() == "?" && !s.Scalar().empty();
    for (char c : ok ? s.Scalar() : std::string()) ok = ok && std::isdigit(static_cast<unsigned char>(c));
    if (!ok) {
      diag.error(loc_of(path, s.Mark()), key + "[1][" + std::to_string(i) + "]",
                 "expected a non-negative integer size, found " + found(s));
    }
  }
  for (std::size_t i = 0; i < v[2].size(); ++i) {
    if (!is_string(v[2][i])) {
      diag.error(loc_of(path, v[2][i].Mark()), key + "[2][" + std::to_string(i) + "]",
                 "expected a quoted <host>_<resource> key, found " + found(v[2][i]));
    }
  }
  diag.error(loc_of(path, k.Mark()), key,
             "horizontal AutoDiCE splits are not supported yet (layer split by \"" + mode + "\" over " +
                 std::to_string(v[2].size()) + " devices); map each layer to one <host>_<resource> key");
}

}  // namespace

std::vector<AutoDiceStage> parse_autodice(const std::string& path, config::Diagnostics& diag) {
  std::vector<AutoDiceStage> stages;
  std::ifstream in(path);
  if (!in) {
    diag.error(config::SourceLoc{path, 0, 0}, "", "cannot open the AutoDiCE mapping file");
    return stages;
  }
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    diag.error(loc_of(path, e.mark), "", "malformed JSON: " + e.msg);
    return stages;
  }
  if (!root.IsMap()) {
    diag.error(loc_of(path, root.Mark()), "",
               "expected a JSON object of \"<host>_<resource>\": [layer names], found " + found(root));
    return stages;
  }
  if (root.size() == 0) {
    diag.error(loc_of(path, root.Mark()), "", "expected at least one \"<host>_<resource>\" key, found an empty object");
    return stages;
  }

  std::unordered_map<std::string, config::SourceLoc> keys_seen;
  struct Owner {
    std::string key;
    config::SourceLoc loc;
  };
  std::unordered_map<std::string, Owner> layer_owner;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    const config::SourceLoc kloc = loc_of(path, k.Mark());
    if (!is_string(k)) {
      diag.error(kloc, "", "expected a quoted \"<host>_<resource>\" key, found " + found(k));
      continue;
    }
    const std::string key = k.Scalar();
    if (looks_horizontal(v)) {
      check_horizontal(path, key, k, v, diag);
      continue;
    }
    if (auto [seen, added] = keys_seen.emplace(key, kloc); !added) {
      diag.error(kloc, key, "duplicate key; first at line " + std::to_string(seen->second.line) +
                                " (each key is one MPI rank)");
      continue;
    }
    AutoDiceStage stage;
    stage.key = key;
    stage.loc = kloc;
    const std::size_t us = key.find('_');
    if (us == std::string::npos || us == 0 || us + 1 == key.size()) {
      diag.error(kloc, key, "expected <host>_<resource> such as \"lenovo_cpu0\", found \"" + key + "\"");
    } else {
      stage.host = key.substr(0, us);
      stage.resource = key.substr(us + 1);
      // AutoDiCE's interface.py: "cpu"/"arm" followed by one core id per digit, or any GPU name.
      if (!digits_after(stage.resource, "cpu") && !digits_after(stage.resource, "arm") &&
          stage.resource.find("gpu") == std::string::npos) {
        diag.error(kloc, key, "expected a resource cpu<digits>, arm<digits> or one containing \"gpu\" after the "
                              "first \"_\", found \"" + stage.resource + "\"");
      }
    }
    if (!v.IsSequence()) {
      diag.error(loc_of(path, v.Mark()), key, "expected a list of layer names, found " + found(v));
      continue;
    }
    if (v.size() == 0) {
      diag.error(loc_of(path, v.Mark()), key, "expected at least one layer name, found an empty list");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const YAML::Node e = v[i];
      const config::SourceLoc eloc = loc_of(path, e.Mark());
      const std::string ekey = key + "[" + std::to_string(i) + "]";
      if (!is_string(e)) {
        diag.error(eloc, ekey, "expected a layer name in quotes, found " + found(e));
        continue;
      }
      const std::string& layer = e.Scalar();
      if (auto [owner, added] = layer_owner.emplace(layer, Owner{key, eloc}); !added) {
        diag.error(eloc, ekey, "layer \"" + layer + "\" is already mapped to \"" + owner->second.key + "\" at line " +
                                   std::to_string(owner->second.loc.line));
        continue;
      }
      stage.layers.push_back(layer);
      stage.layer_locs.push_back(eloc);
    }
    stages.push_back(std::move(stage));
  }
  return stages;
}

}  // namespace edgesplit::partition
