// A located, YAML-free value tree: how structured options reach code past the loaders.
#pragma once

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

  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }
  /// Map lookup; nullptr when absent.
  const Node* get(const std::string& name) const;
};

}  // namespace edgesplit::config
