// YAML -> typed structs. Parse once, report every error with its place, never throw on user input.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"
#include "sim/config/options.hpp"
#include "sim/config/platform.hpp"
#include "sim/config/scenario.hpp"
#include "sim/model/graph.hpp"

namespace edgesplit::config {

/// A `--set KEY=VALUE` override as typed on the command line.
struct Override {
  std::string text;  ///< "workload.requests=50"
};

/// Loads a platform file. On error appends to `diag` and returns nullopt.
std::optional<Platform> load_platform(const std::string& path, Diagnostics& diag);
/// Loads a layer-table model file.
std::optional<model::Graph> load_model(const std::string& path, Diagnostics& diag);
/// Loads a scenario, applying overrides before validation; partitioner names and options are
/// checked against `partitioners`.
std::optional<Scenario> load_scenario(const std::string& path, const std::vector<Override>& overrides,
                                      const PartitionerCatalog& partitioners, Diagnostics& diag);

/// `edgesplit validate`: detects the file kind (scenario, platform, model, sweep) and checks it.
/// Sweeps are not checked here (the sweep module expands and checks them).
void validate_file(const std::string& path, const PartitionerCatalog& partitioners, Diagnostics& diag);

/// Same loaders from in-memory text (fuzzing, tests); `name` is used as FILE in messages.
std::optional<Platform> load_platform_text(const std::string& text, const std::string& name, Diagnostics& diag);
std::optional<model::Graph> load_model_text(const std::string& text, const std::string& name, Diagnostics& diag);
/// A scenario from text; relative paths in it resolve against the directory of `name`.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& name,
                                           const std::vector<Override>& overrides,
                                           const PartitionerCatalog& partitioners, Diagnostics& diag);

/// What a YAML file holds, told from its top-level keys.
enum class FileKind { Scenario, Platform, Model, Sweep, Unknown };
/// Sweep: `base` (or `scenario` with grid/zip/repeat); Platform: device_types or hosts; Model: layers;
/// Scenario: model and platform, or partitioner. Unreadable, malformed or unrecognised files are
/// reported to `diag` and give Unknown.
FileKind detect_file_kind(const std::string& path, Diagnostics& diag);

/// Writes a model as a layer-table YAML (round-trips through load_model).
std::string model_to_yaml(const model::Graph& g);
/// Writes a model's layer table as CSV: name,type,inputs,output_shape,output_bytes,macs,params.
std::string model_to_csv(const model::Graph& g);

}  // namespace edgesplit::config
