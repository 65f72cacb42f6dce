// Located reading of yaml-cpp trees: key paths, unknown/duplicate keys, typed scalars, file loading.
#include "sim/config/yaml_reader.hpp"

#include "sim/config/file_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace edgesplit::config::detail {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// True when `key` lies at or under an overridden path, or (for nodes --set created, which carry no
// mark) above one.
bool from_override(const Ctx& ctx, const YAML::Node& at, const std::string& key) {
  for (const auto& p : ctx.override_paths) {
    if (key == p || starts_with(key, p + ".") || starts_with(key, p + "[")) return true;
    if (at.Mark().is_null() && (key.empty() || starts_with(p, key + ".") || starts_with(p, key + "["))) return true;
  }
  return false;
}

}  // namespace

std::string child_key(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string index_key(const std::string& parent, std::size_t i) { return parent + "[" + std::to_string(i) + "]"; }

SourceLoc loc_of(const Ctx& ctx, const YAML::Node& at, const std::string& key) {
  if (from_override(ctx, at, key)) return SourceLoc{"<command line>", 1, 1};
  const YAML::Mark m = at.Mark();
  if (m.is_null()) return SourceLoc{ctx.file, 1, 1};
  return SourceLoc{ctx.file, m.line + 1, m.column + 1};
}

void error(const Ctx& ctx, const YAML::Node& at, const std::string& key, const std::string& message) {
  const SourceLoc loc = loc_of(ctx, at, key);
  const std::string k = loc.file == "<command line>" ? "--set " + key : key;
  ctx.diag->error(loc, k, message);
}

std::string found(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
  if (n.IsSequence()) return n.size() == 0 ? "an empty list" : "a list";
  return n.size() == 0 ? "an empty map" : "a map";
}

std::string join_names(const std::vector<std::string>& names, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == limit) return out + ", ...";
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

MapView::MapView(const Ctx& ctx, const YAML::Node& node, const std::string& key,
                 const std::vector<std::string>& allowed)
    : ctx_(&ctx), node_(node), key_(key) {
  if (node.IsNull()) {  // `options:` with nothing after it: an empty map
    ok_ = true;
    return;
  }
  if (!node.IsMap()) {
    error(ctx, node, key, "expected a map, found " + found(node));
    return;
  }
  ok_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node k = it->first;
    if (!k.IsScalar()) {
      error(ctx, k, key, "expected a name as key, found " + found(k));
      continue;
    }
    const std::string name = k.Scalar();
    const std::string path = child_key(key, name);
    int first_line = -1;
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].first == name) first_line = key_lines_[i];
    if (first_line >= 0) {
      error(ctx, k, path, "duplicate key; first given at line " + std::to_string(first_line + 1));
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string dym = did_you_mean(name, allowed);
      error(ctx, k, path, "unknown key; " + (dym.empty() ? "expected one of " + join_names(allowed, 40) : dym));
      continue;
    }
    entries_.emplace_back(name, it->second);
    key_lines_.push_back(k.Mark().line);
  }
}

bool MapView::has(const std::string& name) const { return get(name).has_value(); }

std::optional<YAML::Node> MapView::get(const std::string& name) const {
  for (const auto& [n, v] : entries_)
    if (n == name) return v;
  return std::nullopt;
}

std::optional<YAML::Node> MapView::require(const std::string& name) const {
  auto v = get(name);
  if (!v && ok_) error(*ctx_, node_, key_, "missing key \"" + name + "\"");
  return v;
}

bool check_map(const Ctx& ctx, const YAML::Node& node, const std::string& key,
               const std::vector<std::string>& allowed) {
  return MapView(ctx, node, key, allowed).ok();
}

std::optional<double> read_quantity(const Ctx& ctx, const YAML::Node& n, const std::string& key, units::Kind kind,
                                    Bound bound) {
  const char* qual = bound == Bound::Positive ? "positive" : bound == Bound::NonNegative ? "non-negative" : "";
  if (!n.IsScalar()) {
    error(ctx, n, key, "expected " + units::describe(kind, qual) + ", found " + found(n));
    return std::nullopt;
  }
  const units::Parsed p = units::parse(n.Scalar(), kind);
  if (!p.value) {
    error(ctx, n, key, p.error);
    return std::nullopt;
  }
  const double v = *p.value;
  const bool ok = bound == Bound::Any || (bound == Bound::Positive && v > 0) ||
                  (bound == Bound::NonNegative && v >= 0) || (bound == Bound::Fraction && v > 0 && v <= 1);
  if (!ok) {
    const std::string expected =
        bound == Bound::Fraction ? std::string("a fraction in (0, 1]") : units::describe(kind, qual);
    error(ctx, n, key, "expected " + expected + ", found " + found(n));
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> read_int(const Ctx& ctx, const YAML::Node& n, const std::string& key, int64_t min) {
  std::optional<int64_t> v;
  if (n.IsScalar()) {
    v = scalar_to_int(n.Scalar());
    if (!v) {
      // Integral values in exponent form ("1e6") are integers too.
      const auto d = scalar_to_double(n.Scalar());
      if (d && std::floor(*d) == *d && std::fabs(*d) < 9.0e15) v = static_cast<int64_t>(*d);
    }
  }
  if (!v || *v < min) {
    error(ctx, n, key, "expected an integer >= " + std::to_string(min) + ", found " + found(n));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> read_name(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                     const std::string& what) {
  if (!n.IsScalar() || n.Scalar().empty()) {
    error(ctx, n, key, "expected " + what + ", found " + found(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::string> read_choice(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                       const std::vector<std::string>& choices) {
  if (n.IsScalar() && std::find(choices.begin(), choices.end(), n.Scalar()) != choices.end()) return n.Scalar();
  error(ctx, n, key, "expected one of " + join_names(choices, 40) + ", found " + found(n));
  return std::nullopt;
}

std::optional<std::vector<int64_t>> read_int_list(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                                  int64_t min) {
  if (!n.IsSequence()) {
    error(ctx, n, key, "expected a list of integers >= " + std::to_string(min) + ", found " + found(n));
    return std::nullopt;
  }
  std::vector<int64_t> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const auto v = read_int(ctx, n[i], index_key(key, i), min);
    if (v)
      out.push_back(*v);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<bool> read_bool(const Ctx& ctx, const YAML::Node& n, const std::string& key) {
  if (n.IsScalar())
    if (const auto b = scalar_to_bool(n.Scalar())) return b;
  error(ctx, n, key, "expected true or false, found " + found(n));
  return std::nullopt;
}

Node to_node(const Ctx& ctx, const YAML::Node& n, const std::string& key) {
  Node out;
  out.loc = loc_of(ctx, n, key);
  out.key = key;
  if (!n.IsDefined() || n.IsNull()) {
    out.kind = Node::Kind::Null;
  } else if (n.IsScalar()) {
    out.kind = Node::Kind::Scalar;
    out.scalar = n.Scalar();
  } else if (n.IsSequence()) {
    out.kind = Node::Kind::Sequence;
    for (std::size_t i = 0; i < n.size(); ++i) out.items.push_back(to_node(ctx, n[i], index_key(key, i)));
  } else {
    out.kind = Node::Kind::Map;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node k = it->first;
      if (!k.IsScalar()) {
        error(ctx, k, key, "expected a name as key, found " + found(k));
        continue;
      }
      const std::string name = k.Scalar();
      if (const Node* first = out.get(name)) {
        error(ctx, k, child_key(key, name), "duplicate key; first given at line " + std::to_string(first->loc.line));
        continue;
      }
      out.entries.emplace_back(name, to_node(ctx, it->second, child_key(key, name)));
    }
  }
  return out;
}

YAML::Node from_node(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null: return YAML::Node(YAML::NodeType::Null);
    case Node::Kind::Scalar: return YAML::Node(n.scalar);
    case Node::Kind::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& i : n.items) out.push_back(from_node(i));
      return out;
    }
    case Node::Kind::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& [k, v] : n.entries) out[k] = from_node(v);
      return out;
    }
  }
  return YAML::Node();
}

std::optional<YAML::Node> load_yaml_text(const std::string& text, const std::string& name, Diagnostics& diag) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLoc loc{name, 1, 1};
    if (!e.mark.is_null()) loc = SourceLoc{name, e.mark.line + 1, e.mark.column + 1};
    // yaml-cpp's message for a tab in the indentation ("illegal map value", "end of map not found")
    // does not say so: name the first such line up to the error.
    std::string hint;
    int line = 1;
    for (std::size_t i = 0; i < text.size() && line <= loc.line; ++line) {
      const std::size_t end = std::min(text.find('\n', i), text.size());
      const std::size_t indent_end = std::min(text.find_first_not_of(" \t", i), end);
      if (text.find('\t', i) < indent_end) {
        hint = " (line " + std::to_string(line) + " is indented with a tab; YAML indents with spaces only)";
        break;
      }
      i = end + 1;
    }
    diag.error(loc, "", "malformed YAML: " + e.msg + hint);
    return std::nullopt;
  }
}

std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& diag, const Ctx* ref_ctx,
                                         const YAML::Node* ref, const std::string& ref_key) {
  const FileText file = read_file_text(path);
  if (!file.text) {
    const std::string& why = file.why;
    if (ref_ctx && ref) {
      error(*ref_ctx, *ref, ref_key, "expected a readable file, found " + found(*ref) + " (" + path + ": " + why + ")");
    } else {
      diag.error(SourceLoc{path, 0, 0}, "", "cannot read the file: " + why);
    }
    return std::nullopt;
  }
  return load_yaml_text(*file.text, path, diag);
}

std::string resolve_path(const std::string& file, const std::string& rel) {
  const std::filesystem::path p(rel);
  if (p.is_absolute()) return rel;
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

}  // namespace edgesplit::config::detail
