// Typed scenario (FORMATS.md "Scenario file"), defaults filled and references resolved.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/node.hpp"
#include "sim/config/platform.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::config {

struct PartitionerSpec {
  std::string name;
  std::map<std::string, Node> options;  ///< checked against the partitioner's OptionSpecs, defaults filled
  SourceLoc loc;
};

struct Arrival {
  std::string process = "saturate";  ///< saturate | poisson | periodic
  double rate_per_s = 0;             ///< poisson
  double interval_s = 0;             ///< periodic
};

struct Workload {
  int64_t requests = 100;
  Arrival arrival;
  std::string source;  ///< optional host sending the input to the first stage
  std::string sink;    ///< optional host receiving the result
  int buffers = 2;     ///< sends in flight per stage (PipeEdge)
};

/// One `dynamics:` entry; parsed by the loader, acted on by the runtime.
struct DynamicsEntry {
  std::string target_kind;  ///< "link" | "host"
  std::string target;
  std::string what;         ///< "bandwidth" | "latency" | "load" | "fail"
  Node spec;                ///< the entry's value, located
  SourceLoc loc;
};

struct Adapt {
  std::string policy = "none";  ///< none | periodic | on-change
  double interval_s = 0;
  double threshold = 0;
  std::string migration = "transfer";
  Node spec;
};

struct Output {
  std::string dir;        ///< resolved against the current directory; empty: out/<name>
  double window_s = 1.0;  ///< bottleneck.csv window
};

struct Scenario {
  std::string path;                 ///< the file as given
  std::string name;
  uint64_t seed = 1;
  model::Graph model;
  std::string model_ref;            ///< zoo name or file path as written (for summary.json)
  int batch = 1;
  Platform platform;
  std::string cost = "analytic";    ///< analytic | profile | regression
  std::string network_model = "exact";  ///< exact | simgrid
  PartitionerSpec partitioner;
  Workload workload;
  std::vector<DynamicsEntry> dynamics;
  Adapt adapt;
  Output output;
  std::string resolved_yaml;        ///< the scenario with defaults and --set applied (scenario.resolved.yaml)
};

}  // namespace edgesplit::config
