// SHA-256 (FIPS 180-4) of trace files, recorded in summary.json so a run names the exact data it used.
#pragma once

#include <string>
#include <string_view>

namespace edgesplit::traces {

/// SHA-256 digest of `data` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view data);

}  // namespace edgesplit::traces
