// Located error messages (FILE:LINE:COLUMN: error: KEY: ...) collected before any simulation.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace edgesplit::config {

/// A place in an input file. line and column are 1-based; 0 means unknown.
struct SourceLoc {
  std::string file;  ///< as the user gave it; "<command line>" for --set
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  SourceLoc loc;
  std::string key;      ///< dotted path with [i], as --set takes it; may be empty
  std::string message;  ///< "expected ..., found ..."
  /// "FILE:LINE:COLUMN: error: KEY: message"
  std::string format() const;
};

/// Sink for errors; loaders append and carry on, the CLI prints them all and exits 2.
class Diagnostics {
 public:
  void error(SourceLoc loc, std::string key, std::string message);
  bool has_errors() const { return !items_.empty(); }
  /// Sorted by file, line, column (stable for equal places), duplicates removed.
  std::vector<Diagnostic> sorted() const;
  /// All messages, sorted, one per line, each ending in '\n'.
  std::string format() const;
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

/// Thrown by code past the loaders (partitioner options, runtime set-up) for a located input error.
/// The CLI prints it like a Diagnostic and exits 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(Diagnostic d) : std::runtime_error(d.format()), diagnostic_(std::move(d)) {}
  const Diagnostic& diagnostic() const { return diagnostic_; }

 private:
  Diagnostic diagnostic_;
};

/// "did you mean \"x\"?" suffix for a misspelt name among `candidates`, or "" when none is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace edgesplit::config
