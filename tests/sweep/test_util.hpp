// Helpers for the sweep tests: scratch directories, file I/O, running the sweep command in-process.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/sweep/command.hpp"

namespace edgesplit::sweep::test {

namespace fs = std::filesystem;

/// A fresh directory removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) {
    path = fs::temp_directory_path() / ("edgesplit-sweep-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const std::string& p) const { return path / p; }
};

inline void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

inline std::string fake_runner() { return std::string(EDGESPLIT_SOURCE_DIR) + "/tests/sweep/fake_run.sh"; }

struct Result {
  int code;
  std::string out, err;
};

/// `edgesplit sweep ARGS` in-process, points run by the fake runner unless ARGS name one.
inline Result sweep_cmd(std::vector<std::string> args, bool fake = true) {
  if (fake) {
    args.push_back("--runner");
    args.push_back(fake_runner());
  }
  std::ostringstream out, err;
  const int code = command(args, "edgesplit-not-used", out, err);
  return {code, out.str(), err.str()};
}

}  // namespace edgesplit::sweep::test
