// One function per `edgesplit` sub-command; each returns the process exit code (0, 1, 2, 3).
#pragma once

#include <string>
#include <vector>

namespace edgesplit::cli {

/// Arguments after the command name ("edgesplit run a.yaml --seed 3" -> {"a.yaml", "--seed", "3"}).
using Args = std::vector<std::string>;

int cmd_run(const Args& args);
int cmd_partition(const Args& args);
int cmd_validate(const Args& args);
int cmd_models(const Args& args);
int cmd_partitioners(const Args& args);
int cmd_sweep(const Args& args);   // sim/cli/cmd_sweep.cpp
int cmd_import(const Args& args);  // sim/cli/cmd_import.cpp
int cmd_fit_latency(const Args& args);  // sim/cli/cmd_fit.cpp

/// Path of the running edgesplit executable (for sweeps that start one process per point).
std::string self_path();

}  // namespace edgesplit::cli
