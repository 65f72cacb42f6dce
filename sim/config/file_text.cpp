// read_file_text: see file_text.hpp.
#include "sim/config/file_text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace edgesplit::config {

FileText read_file_text(const std::string& path) {
  FileText out;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    out.directory = true;
    out.why = "is a directory";
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.why = std::strerror(errno);
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out.text = ss.str();
  return out;
}

}  // namespace edgesplit::config
