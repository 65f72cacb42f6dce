// `edgesplit import pipeedge`: PipeEdge's models.yml, device_types.yml and devices.yml
// (https://github.com/usc-isi/PipeEdge, README_Scheduler.md) to edgesplit platform, model and
// scenario files.
#pragma once

#include <optional>
#include <string>

#include "sim/config/diagnostics.hpp"

namespace edgesplit::importers {

struct PipeEdgeImportArgs {
  std::string models_path;        ///< models.yml
  std::string device_types_path;  ///< device_types.yml
  std::string devices_path;       ///< devices.yml
  std::string model;              ///< a key of models.yml, e.g. google/vit-base-patch16-224
  int batch = 8;                  ///< the scenario's batch (samples per request)
};

/// The three generated files, as text.
struct PipeEdgeFiles {
  std::string platform_yaml, model_yaml, scenario_yaml;
};

/// Reads and checks the three PipeEdge files; every problem goes to `diag` located as
/// FILE:LINE:COLUMN (unknown device types in devices.yml included) and the result is nullopt.
/// Conversions: PipeEdge's MB are 2^20 bytes and its Mbps 2^20 bit/s (its scheduler's
/// convention); output bytes per sample = 4 x parameters_out (fp32); one access link per host at
/// its type's bandwidth, no latency. PipeEdge has no power figures: the platform says so in a
/// comment and sets idle 0 W, busy 0 W. It has no flop rate either: speed is a marked placeholder
/// (cost: profile does not read it).
std::optional<PipeEdgeFiles> convert_pipeedge(const PipeEdgeImportArgs& args, config::Diagnostics& diag);

/// convert_pipeedge, then writes DIR/platform.yaml, DIR/model.yaml and DIR/scenario.yaml
/// (creating DIR). Nothing is written when there is an error. Returns false on error.
bool import_pipeedge(const PipeEdgeImportArgs& args, const std::string& out_dir, config::Diagnostics& diag);

}  // namespace edgesplit::importers
