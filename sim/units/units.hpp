// Parsing of SimGrid-style quantities ("100Mbps", "2ms", "4GiB"): the only code that reads unit strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgesplit::units {

/// What a quantity measures; decides which suffixes are accepted. Values are SI base units.
enum class Kind {
  Speed,       ///< flop/s ("10Gf", "1.5Tf")
  Bandwidth,   ///< B/s ("100Mbps" = 12.5e6 B/s, "12.5MBps", "1GiBps")
  Time,        ///< s ("2ms", "50us", "1h")
  Bytes,       ///< B ("4GiB", "500MB", "8kB")
  Power,       ///< W ("5W", "630uW")
  Energy,      ///< J ("3.5pJ", "1.2mJ")
  Flops,       ///< flop ("2Gf")
  MacRate,     ///< MAC/s (plain numbers or "4.2e11")
  Number,      ///< dimensionless (plain numbers only)
};

/// Result of parsing: a value in base units, or an error text that names the bad string and hints at a fix.
struct Parsed {
  std::optional<double> value;
  std::string error;  ///< "expected a bandwidth such as 100Mbps, found \"100Mb\" (did you mean 100Mbps?)"
};

/// Parses `text` (a plain number in base units, or number + unit suffix). Never throws.
Parsed parse(std::string_view text, Kind kind);

/// Short description used in error messages: "a bandwidth such as 100Mbps".
std::string describe(Kind kind);
/// Same with a qualifier before the noun: describe(Kind::Bandwidth, "positive") ->
/// "a positive bandwidth such as 100Mbps".
std::string describe(Kind kind, std::string_view qualifier);

}  // namespace edgesplit::units
