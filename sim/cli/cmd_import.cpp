// placeholder: being written (import helper)
#include <iostream>
#include "sim/cli/commands.hpp"
namespace edgesplit::cli {
int cmd_import(const Args&) { std::cerr << "edgesplit: import: not available yet\n"; return 2; }
}
