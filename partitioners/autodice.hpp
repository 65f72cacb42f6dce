// AutoDiCE mapping files (Guo et al., 2022): which host runs which ONNX nodes, one MPI rank per
// key. Parsed here into stages; the manual partitioner checks hosts and layers against the scenario.
#pragma once

#include <string>
#include <vector>

#include "sim/config/diagnostics.hpp"

namespace edgesplit::partition {

/// One key of the mapping file (MPI rank i = the i-th key in file order).
struct AutoDiceStage {
  std::string key;                           ///< as written, e.g. "lenovo_cpu0"
  std::string host;                          ///< before the first "_": "lenovo"
  std::string resource;                      ///< after it: "cpu0", "arm0123", "gpu"...
  std::vector<std::string> layers;           ///< node names, in file order
  config::SourceLoc loc;                     ///< of the key
  std::vector<config::SourceLoc> layer_locs; ///< of each name in `layers`
};

/// Reads an AutoDiCE mapping file: one JSON object whose keys are `<host>_<resource>` (split at the
/// first underscore; resource `cpu<digits>`, `arm<digits>` or anything containing "gpu") and whose
/// values are lists of node names (ONNX nodes named after their first output with "/" -> "_", as
/// edgesplit's ONNX import names layers). Returns the stages in file order; appends a located error
/// (FILE:LINE:COLUMN, KEY = the JSON key, `key[i]` for a list item) for: an unreadable or malformed
/// file, a root that is not an object, an empty object, a malformed key or resource, a duplicated
/// key, a value that is not a non-empty list of quoted names, and a node name listed twice. A
/// horizontal-split entry (`"layer": [mode, [sizes], [keys]]`, mode lop|lip|height|width) is
/// parsed and reported as "horizontal AutoDiCE splits are not supported yet". Whether hosts and
/// layers exist is left to the caller. Never throws on bad input.
std::vector<AutoDiceStage> parse_autodice(const std::string& path, config::Diagnostics& diag);

}  // namespace edgesplit::partition
