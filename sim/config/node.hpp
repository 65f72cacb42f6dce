// A located, YAML-free value tree: how structured options reach code past the loaders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/config/diagnostics.hpp"

namespace edgesplit::config {

struct Node {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string scalar;                              ///< Scalar: the text as written
  std::vector<Node> items;                         ///< Sequence
  std::vector<std::pair<std::string, Node>> entries;  ///< Map, in file order (keys unique)
  SourceLoc loc;
  std::string key;                                 ///< dotted path of this node ("partitioner.options.stages[0]")

  // Declared here and defaulted in node.cpp: clang (with libstdc++) cannot define the implicit ones
  // inside this class, where Node is still incomplete for vector<pair<string, Node>>.
  Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  ~Node();

  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }
  /// Map lookup; nullptr when absent.
  const Node* get(const std::string& name) const;
};

/// A scalar node holding `text`, at dotted path `key` and place `loc` (options built in code:
/// benchmarks, tests, and partitioners that rebuild a located value).
Node scalar_node(std::string text, std::string key, SourceLoc loc = {});

/// YAML scalar conversions shared by the loaders and Options (nullopt when the text does not fit).
/// Booleans: true/false, yes/no, on/off in lower, Capital or UPPER case (as yaml-cpp).
std::optional<bool> scalar_to_bool(const std::string& text);
/// Whole decimal integers ("12", "-3", "+4"); no fraction, exponent or unit.
std::optional<int64_t> scalar_to_int(const std::string& text);
/// Finite decimal numbers ("1.5", "2e9", "-3"); no unit.
std::optional<double> scalar_to_double(const std::string& text);

}  // namespace edgesplit::config
