// `edgesplit sweep` (and `--collect`): the work is in sim/sweep/command.cpp; each point runs this same binary.
#include <iostream>

#include "sim/cli/commands.hpp"
#include "sim/sweep/command.hpp"

namespace edgesplit::cli {

int cmd_sweep(const Args& args) { return sweep::command(args, self_path(), std::cout, std::cerr); }

}  // namespace edgesplit::cli
