// Internal to sim/config: located reading of yaml-cpp trees (key paths, unknown and duplicate keys,
// typed scalars with units, --set attribution). Not included outside sim/config.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"
#include "sim/config/loader.hpp"
#include "sim/config/node.hpp"
#include "sim/config/platform.hpp"
#include "sim/model/graph.hpp"
#include "sim/units/units.hpp"

namespace edgesplit::config::detail {

/// Where errors go while reading one file.
struct Ctx {
  std::string file;                         ///< FILE as the user gave it (or as resolved from a reference)
  Diagnostics* diag = nullptr;
  std::vector<std::string> override_paths;  ///< key paths replaced by --set (errors there read <command line>)
};

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string child_key(const std::string& parent, const std::string& name);
/// "a.b" + 2 -> "a.b[2]".
std::string index_key(const std::string& parent, std::size_t i);

/// The located place of a node (1-based); <command line>:1:1 when the value came from --set.
SourceLoc loc_of(const Ctx& ctx, const YAML::Node& at, const std::string& key);
/// Appends an error at `at` (a node of the tree being read) for `key`.
void error(const Ctx& ctx, const YAML::Node& at, const std::string& key, const std::string& message);
/// "\"text\"" for scalars, "a list", "a map", "nothing".
std::string found(const YAML::Node& n);

/// A map's entries after checking: a map, no duplicate keys, every key among `allowed`.
class MapView {
 public:
  MapView(const Ctx& ctx, const YAML::Node& node, const std::string& key, const std::vector<std::string>& allowed);
  /// False when the node was not a map (an error was reported).
  bool ok() const { return ok_; }
  bool has(const std::string& name) const;
  /// The value of `name`, or nullopt when absent.
  std::optional<YAML::Node> get(const std::string& name) const;
  /// Like get, but reports `missing key "name"` at the map when absent.
  std::optional<YAML::Node> require(const std::string& name) const;
  const YAML::Node& node() const { return node_; }
  const std::string& key() const { return key_; }
  /// Entries in file order (first occurrence of each key).
  const std::vector<std::pair<std::string, YAML::Node>>& entries() const { return entries_; }

 private:
  const Ctx* ctx_;
  YAML::Node node_;
  std::string key_;
  bool ok_ = false;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
  std::vector<int> key_lines_;  ///< 0-based line of each entry's key
};

/// Checks a map's keys only (unknown, duplicate); false when not a map.
bool check_map(const Ctx& ctx, const YAML::Node& node, const std::string& key, const std::vector<std::string>& allowed);

enum class Bound { Any, Positive, NonNegative, Fraction };  ///< Fraction: in (0, 1]

/// A quantity with an optional unit suffix (sim/units), checked against `bound`.
std::optional<double> read_quantity(const Ctx& ctx, const YAML::Node& n, const std::string& key, units::Kind kind,
                                    Bound bound);
/// An integer >= `min` (integral values written as 1e6 are accepted).
std::optional<int64_t> read_int(const Ctx& ctx, const YAML::Node& n, const std::string& key, int64_t min);
/// A non-empty scalar.
std::optional<std::string> read_name(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                     const std::string& what = "a name");
/// One of `choices` ("expected one of a, b, c, found \"x\"").
std::optional<std::string> read_choice(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                       const std::vector<std::string>& choices);
/// A list of integers >= `min`.
std::optional<std::vector<int64_t>> read_int_list(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                                  int64_t min);
/// A boolean (true/false).
std::optional<bool> read_bool(const Ctx& ctx, const YAML::Node& n, const std::string& key);

/// "a, b, c" (at most `limit` names, then ", ...").
std::string join_names(const std::vector<std::string>& names, std::size_t limit = 12);

/// Converts a YAML tree to a located Node, reporting duplicate map keys.
Node to_node(const Ctx& ctx, const YAML::Node& n, const std::string& key);
/// Converts a located Node back to YAML (for resolved_yaml).
YAML::Node from_node(const Node& n);

/// Loads a YAML file; on failure reports (missing file, malformed YAML) and returns nullopt.
/// `ref` and `ref_key`, when given, locate the reference that named the file (for a missing file).
std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& diag, const Ctx* ref_ctx = nullptr,
                                         const YAML::Node* ref = nullptr, const std::string& ref_key = "");
/// Parses YAML text; reports malformed YAML against `name`.
std::optional<YAML::Node> load_yaml_text(const std::string& text, const std::string& name, Diagnostics& diag);

/// `rel` resolved against the directory of `file` (unchanged when absolute).
std::string resolve_path(const std::string& file, const std::string& rel);

/// Reads a platform tree (a file's root, or a scenario's inline `platform:` map with prefix "platform").
std::optional<Platform> parse_platform(const Ctx& ctx, const YAML::Node& root, const std::string& prefix);
/// Reads a layer-table model tree; `default_name` when the file has no `name`.
std::optional<model::Graph> parse_model(const Ctx& ctx, const YAML::Node& root, const std::string& default_name);

/// Latency of a generated access link when the device type gives none (0.1 ms: a switched LAN hop).
inline constexpr double kDefaultAccessLatency_s = 1e-4;

/// What a YAML map holds, told from its top-level keys (loader.hpp's FileKind; Unknown when none
/// of the kinds' keys is there). One rule for `validate`'s guess and for the scenario loader's
/// "this is a platform/model/sweep file" error.
FileKind file_kind_of(const YAML::Node& map);

}  // namespace edgesplit::config::detail
