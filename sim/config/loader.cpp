// Public entry points of the loaders: platform and model from files or text, file-kind detection
// and `edgesplit validate` dispatch. The scenario loader is in scenario_loader.cpp.
#include "sim/config/loader.hpp"

#include <filesystem>

#include "sim/config/yaml_reader.hpp"

namespace edgesplit::config {
namespace {

std::string stem_of(const std::string& path) { return std::filesystem::path(path).stem().string(); }

std::optional<Platform> platform_from(const std::optional<YAML::Node>& root, const std::string& name,
                                      Diagnostics& diag) {
  if (!root) return std::nullopt;
  detail::Ctx ctx{name, &diag, {}};
  return detail::parse_platform(ctx, *root, "");
}

std::optional<model::Graph> model_from(const std::optional<YAML::Node>& root, const std::string& name,
                                       Diagnostics& diag) {
  if (!root) return std::nullopt;
  detail::Ctx ctx{name, &diag, {}};
  return detail::parse_model(ctx, *root, stem_of(name));
}

}  // namespace

std::optional<Platform> load_platform(const std::string& path, Diagnostics& diag) {
  return platform_from(detail::load_yaml_file(path, diag), path, diag);
}

std::optional<model::Graph> load_model(const std::string& path, Diagnostics& diag) {
  return model_from(detail::load_yaml_file(path, diag), path, diag);
}

std::optional<Platform> load_platform_text(const std::string& text, const std::string& name, Diagnostics& diag) {
  return platform_from(detail::load_yaml_text(text, name, diag), name, diag);
}

std::optional<model::Graph> load_model_text(const std::string& text, const std::string& name, Diagnostics& diag) {
  return model_from(detail::load_yaml_text(text, name, diag), name, diag);
}

FileKind detail::file_kind_of(const YAML::Node& map) {
  auto has = [&](const char* k) { return static_cast<bool>(map[k]); };
  if (has("base") || (has("scenario") && (has("grid") || has("zip") || has("repeat")))) return FileKind::Sweep;
  if (has("device_types") || has("hosts")) return FileKind::Platform;
  if (has("layers")) return FileKind::Model;
  if ((has("model") && has("platform")) || has("partitioner")) return FileKind::Scenario;
  return FileKind::Unknown;
}

FileKind detect_file_kind(const std::string& path, Diagnostics& diag) {
  const auto root = detail::load_yaml_file(path, diag);
  if (!root) return FileKind::Unknown;
  const detail::Ctx ctx{path, &diag, {}};
  if (!root->IsMap()) {
    detail::error(ctx, *root, "",
                  "expected a scenario, platform, model or sweep file (a map), found " + detail::found(*root));
    return FileKind::Unknown;
  }
  const FileKind kind = detail::file_kind_of(*root);
  if (kind != FileKind::Unknown) return kind;
  detail::error(ctx, *root, "",
                "expected a scenario (model, platform, partitioner), a platform (device_types, hosts), a model "
                "(layers) or a sweep (base, grid), found none of these keys");
  return FileKind::Unknown;
}

void validate_file(const std::string& path, const PartitionerCatalog& partitioners, Diagnostics& diag) {
  switch (detect_file_kind(path, diag)) {
    case FileKind::Scenario: load_scenario(path, {}, partitioners, diag); break;
    case FileKind::Platform: load_platform(path, diag); break;
    case FileKind::Model: load_model(path, diag); break;
    case FileKind::Sweep:  // checked by the sweep module, which expands it into scenarios
    case FileKind::Unknown: break;
  }
}

}  // namespace edgesplit::config
