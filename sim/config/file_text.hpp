// Reading a user's file whole, the one way every reader does it: a directory or an unreadable
// path is a reason to report, never a stream exception.
#pragma once

#include <optional>
#include <string>

namespace edgesplit::config {

struct FileText {
  std::optional<std::string> text;  ///< the bytes, when the file could be read
  bool directory = false;           ///< the path names a directory
  std::string why;                  ///< when not read: "is a directory" or the system's reason
};

/// The whole file at `path` (binary), or why it could not be read.
FileText read_file_text(const std::string& path);

}  // namespace edgesplit::config
