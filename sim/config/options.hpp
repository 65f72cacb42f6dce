// Declared partitioner options and their checked values (the loader validates, partitioners read).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/config/node.hpp"

namespace edgesplit::config {

enum class OptionType { Bool, Int, Double, String, Enum, Host, HostList, StringList, Tree };

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::String;
  std::string default_value;          ///< as YAML text; empty: no default
  std::string help;                   ///< one line for `edgesplit partitioners`
  std::vector<std::string> choices;   ///< Enum only
  bool required = false;
};

/// Partitioner name -> its declared options; what the scenario loader checks against.
using PartitionerCatalog = std::map<std::string, std::vector<OptionSpec>>;

/// Options after checking: every option given or defaulted is present, with the right type.
class Options {
 public:
  Options() = default;
  explicit Options(std::map<std::string, Node> values) : values_(std::move(values)) {}
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  /// Throws std::out_of_range when absent.
  const Node& node(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  std::vector<std::string> get_list(const std::string& name) const;
  const std::map<std::string, Node>& values() const { return values_; }

 private:
  std::map<std::string, Node> values_;
};

}  // namespace edgesplit::config
