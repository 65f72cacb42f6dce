// Helpers for tests that run the edgesplit binary and read what it wrote: a whole file, a scratch
// directory per test process, a number from a JSON text, and one run of the binary with its
// stdout, stderr and exit code. A target that includes this defines EDGESPLIT_BINARY and
// EDGESPLIT_SOURCE_DIR (tests/CMakeLists.txt: EDGESPLIT_TEST_DEFS).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace edgesplit::test {

/// The whole file ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// <temp>/es-<tag>-<pid>, or with `name` a fresh (emptied) subdirectory of it; created.
inline std::filesystem::path scratch(const std::string& tag, const std::string& name = "") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("es-" + tag + "-" + std::to_string(::getpid()));
  if (!name.empty()) {
    dir /= name;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::create_directories(dir);
  return dir;
}

/// The number after `"key": ` in a JSON text (first occurrence at or after `from`); NaN when
/// absent, so that a comparison with it fails.
inline double json_number(const std::string& text, const std::string& key, std::size_t from = 0) {
  const std::string pat = "\"" + key + "\": ";
  const auto at = text.find(pat, from);
  if (at == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + at + pat.size(), nullptr);
}

struct CliResult {
  int code = -1;  ///< exit code; -1 when the process did not exit normally
  std::string out, err;
};

/// Runs `edgesplit ARGS` (shell words) from the source directory, capturing stdout and stderr in
/// scratch(tag).
inline CliResult edgesplit(const std::string& args, const std::string& tag = "cli") {
  const auto dir = scratch(tag);
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  const std::string cmd = std::string("cd '") + EDGESPLIT_SOURCE_DIR + "' && '" + EDGESPLIT_BINARY + "' " + args +
                          " >'" + out + "' 2>'" + err + "'";
  CliResult r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Runs `edgesplit run SCENARIO --out OUT --quiet EXTRA` with stdout and stderr in
/// OUT/../log.txt; returns std::system's status (0 on success).
inline int run_scenario(const std::filesystem::path& scenario, const std::filesystem::path& out,
                        const std::string& extra = "") {
  const std::string cmd = std::string("\"") + EDGESPLIT_BINARY + "\" run \"" + scenario.string() + "\" --out \"" +
                          out.string() + "\" --quiet " + extra + " > \"" + (out.parent_path() / "log.txt").string() +
                          "\" 2>&1";
  return std::system(cmd.c_str());
}

}  // namespace edgesplit::test
