// placeholder: being written (sweep helper)
#include <iostream>
#include "sim/cli/commands.hpp"
namespace edgesplit::cli {
int cmd_sweep(const Args&) { std::cerr << "edgesplit: sweep: not available yet\n"; return 2; }
}
