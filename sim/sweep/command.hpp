// `edgesplit sweep`: argument parsing and the whole command, in the core library so tests can drive it.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace edgesplit::sweep {

/// Exit code when the sweep itself worked but some points failed (FORMATS.md reserves 1, 2, 3).
inline constexpr int kSomePointsFailed = 5;

/// Runs `edgesplit sweep ARGS...`:
///   SWEEP.yaml [--out DIR] [--jobs N] [--shard K/N] [--resume] [--retry-failed] [--list] [--quiet] [--runner PROGRAM]
///   --collect DIR... [--out DIR] [--quiet]
/// `self` is the program run per point unless --runner is given. Returns 0 (all points ok), 2 (usage or
/// sweep-file error, printed to `err`), 5 (some points failed or, for --collect, are missing).
/// Throws std::runtime_error when the sweep cannot write its directory or start processes.
int command(const std::vector<std::string>& args, const std::string& self, std::ostream& out, std::ostream& err);

}  // namespace edgesplit::sweep
