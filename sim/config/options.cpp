// Typed getters over checked partitioner options; a wrong type throws std::invalid_argument.
#include "sim/config/options.hpp"

#include <stdexcept>

namespace edgesplit::config {
namespace {

[[noreturn]] void bad(const std::string& name, const Node& n, const std::string& expected) {
  const std::string key = n.key.empty() ? name : n.key;
  std::string found = n.kind == Node::Kind::Scalar ? "\"" + n.scalar + "\""
                      : n.kind == Node::Kind::Sequence ? std::string("a list")
                      : n.kind == Node::Kind::Map     ? std::string("a map")
                                                      : std::string("nothing");
  throw std::invalid_argument(key + ": expected " + expected + ", found " + found);
}

}  // namespace

const Node& Options::node(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range("option \"" + name + "\" is not set");
  return it->second;
}

bool Options::get_bool(const std::string& name) const {
  const Node& n = node(name);
  if (n.is_scalar())
    if (const auto v = scalar_to_bool(n.scalar)) return *v;
  bad(name, n, "true or false");
}

int64_t Options::get_int(const std::string& name) const {
  const Node& n = node(name);
  if (n.is_scalar())
    if (const auto v = scalar_to_int(n.scalar)) return *v;
  bad(name, n, "an integer");
}

double Options::get_double(const std::string& name) const {
  const Node& n = node(name);
  if (n.is_scalar())
    if (const auto v = scalar_to_double(n.scalar)) return *v;
  bad(name, n, "a number");
}

std::string Options::get_string(const std::string& name) const {
  const Node& n = node(name);
  if (n.is_scalar()) return n.scalar;
  bad(name, n, "a string");
}

std::vector<std::string> Options::get_list(const std::string& name) const {
  const Node& n = node(name);
  if (!n.is_sequence()) bad(name, n, "a list");
  std::vector<std::string> out;
  for (const auto& item : n.items) {
    if (!item.is_scalar()) bad(name, item, "a list of names");
    out.push_back(item.scalar);
  }
  return out;
}

}  // namespace edgesplit::config
