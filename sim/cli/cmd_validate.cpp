// `edgesplit validate FILE...`: the loaders alone; every error of every file, exit 2 if any.
// A sweep is checked as a file and then point by point: each point's scenario with its
// overrides must load, and an error caused by a grid value is reported at that value's key.
#include <iostream>
#include <set>

#include <fmt/format.h>

#include "partitioners/partitioner.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/loader.hpp"
#include "sim/platform/platform_builder.hpp"
#include "sim/sweep/sweep.hpp"

namespace edgesplit::cli {

namespace {

// What `run` checks before simulating but the loaders do not: power figures for the energy
// accounting (platform::check_power). Reported like a loader error.
void check_runnable(const config::Scenario& s, config::Diagnostics& diag) {
  try {
    platform::check_power(s.platform);
  } catch (const config::InputError& e) {
    diag.error(e.diagnostic().loc, e.diagnostic().key, e.diagnostic().message);
  }
}

void validate_sweep(const std::string& path, const config::PartitionerCatalog& catalog, config::Diagnostics& diag) {
  auto sweep_file = sweep::load_sweep(path, diag);
  if (!sweep_file) return;
  std::set<std::string> seen;  // one message per distinct error across points
  for (const auto& point : sweep::expand(*sweep_file)) {
    std::vector<config::Override> overrides;
    for (const auto& p : point.params) overrides.push_back({p.key + "=" + p.value});
    if (point.seed) overrides.push_back({fmt::format("seed={}", *point.seed)});
    config::Diagnostics point_diag;
    const std::optional<config::Scenario> s =
        sweep_file->base_path.empty()
            ? config::load_scenario_text(sweep_file->inline_scenario, path, overrides, catalog, point_diag)
            : config::load_scenario(sweep_file->base_path, overrides, catalog, point_diag);
    if (s && !point_diag.has_errors()) check_runnable(*s, point_diag);
    for (auto d : point_diag.items()) {
      if (d.loc.file == "<command line>") {
        // The override came from a grid/zip value: point at that key in the sweep file.
        auto locate = [&](const std::vector<sweep::Axis>& axes) -> bool {
          for (const auto& axis : axes) {
            if (d.key == axis.key || d.key.rfind(axis.key + ".", 0) == 0 || d.key.rfind(axis.key + "[", 0) == 0 ||
                d.key == "--set " + axis.key) {
              d.loc = axis.loc;
              d.key = axis.key;
              return true;
            }
          }
          return false;
        };
        if (!locate(sweep_file->grid)) locate(sweep_file->zip);
      }
      if (seen.insert(d.format()).second) diag.error(d.loc, d.key, d.message);
    }
  }
}

}  // namespace

int cmd_validate(const Args& args) {
  if (args.empty()) throw UsageError("missing FILE.yaml\nusage: edgesplit validate FILE.yaml...");
  for (const auto& a : args) {
    if (!a.empty() && a[0] == '-') throw UsageError("unknown option \"" + a + "\"\nusage: edgesplit validate FILE.yaml...");
  }
  const auto catalog = partition::builtin_registry().catalog();
  config::Diagnostics diag;
  for (const auto& path : args) {
    if (sweep::looks_like_sweep(path)) {
      validate_sweep(path, catalog, diag);
    } else if (config::Diagnostics kind_diag; config::detect_file_kind(path, kind_diag) == config::FileKind::Scenario) {
      // A scenario is loaded once, then checked like `run` checks it.
      const std::size_t before = diag.items().size();
      const std::optional<config::Scenario> s = config::load_scenario(path, {}, catalog, diag);
      if (s && diag.items().size() == before) check_runnable(*s, diag);
    } else {
      config::validate_file(path, catalog, diag);  // unreadable files are reported here
    }
  }
  if (diag.has_errors()) {
    print_diagnostics(diag);
    return 2;
  }
  for (const auto& path : args) std::cout << path << ": ok\n";
  return 0;
}

}  // namespace edgesplit::cli
