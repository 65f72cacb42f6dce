// `edgesplit validate FILE...`: the loaders alone; every error of every file, exit 2 if any.
#include <iostream>

#include "partitioners/partitioner.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/loader.hpp"

namespace edgesplit::cli {

int cmd_validate(const Args& args) {
  if (args.empty()) throw UsageError("missing FILE.yaml\nusage: edgesplit validate FILE.yaml...");
  for (const auto& a : args) {
    if (!a.empty() && a[0] == '-') throw UsageError("unknown option \"" + a + "\"\nusage: edgesplit validate FILE.yaml...");
  }
  const auto catalog = partition::builtin_registry().catalog();
  config::Diagnostics diag;
  for (const auto& path : args) config::validate_file(path, catalog, diag);
  if (diag.has_errors()) {
    print_diagnostics(diag);
    return 2;
  }
  for (const auto& path : args) std::cout << path << ": ok\n";
  return 0;
}

}  // namespace edgesplit::cli
