// Located value tree: map lookup and the scalar conversions shared by loaders and Options.
#include "sim/config/node.hpp"

#include <charconv>
#include <cmath>

namespace edgesplit::config {

Node scalar_node(std::string text, std::string key, SourceLoc loc) {
  Node n;
  n.kind = Node::Kind::Scalar;
  n.scalar = std::move(text);
  n.key = std::move(key);
  n.loc = std::move(loc);
  return n;
}

Node::Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

const Node* Node::get(const std::string& name) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& [k, v] : entries)
    if (k == name) return &v;
  return nullptr;
}

std::optional<bool> scalar_to_bool(const std::string& text) {
  static const char* const kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const char* const kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  for (const char* t : kTrue)
    if (text == t) return true;
  for (const char* f : kFalse)
    if (text == f) return false;
  return std::nullopt;
}

std::optional<int64_t> scalar_to_int(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> scalar_to_double(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace edgesplit::config
