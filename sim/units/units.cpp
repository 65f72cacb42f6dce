// Parsing of SimGrid-style quantities: number + optional unit suffix -> value in SI base units.
// Suffix tables follow FORMATS.md "Units": bps = bit/s, Bps = byte/s, k/M/G/T/P/E decimal, Ki..Ei binary.
#include "sim/units/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace edgesplit::units {
namespace {

// A suffix's factor: 10^dec_exp (applied in the decimal text, so "3.5pJ" == 3.5e-12 exactly)
// times mult (powers of two and time multiples, exact or nearly so).
struct Factor {
  int dec_exp = 0;
  double mult = 1.0;
};
using Table = std::vector<std::pair<std::string, Factor>>;
using Prefixes = std::vector<std::pair<std::string, Factor>>;

const Prefixes kDecimal = {{"", {0, 1.0}},  {"k", {3, 1.0}},  {"M", {6, 1.0}}, {"G", {9, 1.0}},
                           {"T", {12, 1.0}}, {"P", {15, 1.0}}, {"E", {18, 1.0}}};
const Prefixes kBinary = {{"Ki", {0, 0x1p10}}, {"Mi", {0, 0x1p20}}, {"Gi", {0, 0x1p30}},
                          {"Ti", {0, 0x1p40}}, {"Pi", {0, 0x1p50}}, {"Ei", {0, 0x1p60}}};
const Prefixes kSmall = {{"p", {-12, 1.0}}, {"n", {-9, 1.0}}, {"u", {-6, 1.0}}, {"m", {-3, 1.0}}};

// Every accepted suffix of a kind with its factor to the base unit.
Table table_for(Kind kind) {
  Table t;
  auto add = [&t](const Prefixes& prefixes, const std::string& unit, double mult) {
    for (const auto& [p, f] : prefixes) t.emplace_back(p + unit, Factor{f.dec_exp, f.mult * mult});
  };
  switch (kind) {
    case Kind::Speed:
    case Kind::Flops:
      add(kDecimal, "f", 1.0);
      add(kDecimal, "flops", 1.0);
      break;
    case Kind::Bandwidth:
      add(kDecimal, "bps", 0.125);  // 8 bits per byte
      add(kBinary, "bps", 0.125);
      add(kDecimal, "Bps", 1.0);
      add(kBinary, "Bps", 1.0);
      break;
    case Kind::Bytes:
      add(kDecimal, "B", 1.0);
      add(kBinary, "B", 1.0);
      add(kDecimal, "b", 0.125);
      add(kBinary, "b", 0.125);
      break;
    case Kind::Time:
      t = {{"ps", {-12, 1.0}}, {"ns", {-9, 1.0}}, {"us", {-6, 1.0}},    {"ms", {-3, 1.0}},    {"s", {0, 1.0}},
           {"m", {0, 60.0}},   {"h", {0, 3600.0}}, {"d", {0, 86400.0}}, {"w", {0, 604800.0}}};
      break;
    case Kind::Power:
      add(kSmall, "W", 1.0);
      add(kDecimal, "W", 1.0);
      break;
    case Kind::Energy:
      add(kSmall, "J", 1.0);
      add(kDecimal, "J", 1.0);
      break;
    case Kind::MacRate:
    case Kind::Number:
      break;
  }
  return t;
}

// Value of the number text scaled by a factor; the decimal exponent is applied in the text.
double apply(std::string_view number, double v, const Factor& f) {
  if (f.dec_exp != 0 && number.find_first_of("eE") == std::string_view::npos) {
    const std::string s = std::string(number) + "e" + std::to_string(f.dec_exp);
    double scaled = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), scaled).ec == std::errc()) return scaled * f.mult;
  }
  double scale = 1.0;
  for (int i = 0; i < std::abs(f.dec_exp); ++i) scale *= 10.0;
  return (f.dec_exp < 0 ? v / scale : v * scale) * f.mult;
}

std::optional<Factor> lookup(const Table& t, std::string_view suffix) {
  for (const auto& [s, f] : t)
    if (s == suffix) return f;
  return std::nullopt;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string join_or(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += " or ";
    out += v[i];
  }
  return out;
}

const char* kind_noun(Kind kind) {
  switch (kind) {
    case Kind::Speed: return "speed";
    case Kind::Bandwidth: return "bandwidth";
    case Kind::Time: return "time";
    case Kind::Bytes: return "size";
    case Kind::Power: return "power";
    case Kind::Energy: return "energy";
    case Kind::Flops: return "amount of work";
    case Kind::MacRate: return "MAC rate";
    case Kind::Number: return "number";
  }
  return "number";
}

const char* kind_example(Kind kind) {
  switch (kind) {
    case Kind::Speed: return "10Gf";
    case Kind::Bandwidth: return "100Mbps";
    case Kind::Time: return "2ms";
    case Kind::Bytes: return "4GiB";
    case Kind::Power: return "5W";
    case Kind::Energy: return "3.5pJ";
    case Kind::Flops: return "2Gf";
    case Kind::MacRate: return "20e12";
    case Kind::Number: return "";
  }
  return "";
}

// A hint for an unrecognised suffix: near-miss spellings of this kind, or the kind it belongs to.
std::string hint(Kind kind, std::string_view number, std::string_view suffix) {
  const Table t = table_for(kind);
  const std::string num(number);
  if (!suffix.empty() && std::isspace(static_cast<unsigned char>(suffix.front()))) {
    std::size_t i = 0;
    while (i < suffix.size() && std::isspace(static_cast<unsigned char>(suffix[i]))) ++i;
    const std::string_view rest = suffix.substr(i);
    if (lookup(t, rest)) return "did you mean " + num + std::string(rest) + "? (no space before the unit)";
  }
  if (kind == Kind::Number || kind == Kind::MacRate)
    return "plain numbers only, such as " + num + (kind == Kind::MacRate ? "e12" : "");
  std::vector<std::string> guesses;
  auto try_suffix = [&](const std::string& s) {
    if (lookup(t, s)) {
      const std::string g = num + s;
      for (const auto& x : guesses)
        if (x == g) return;
      guesses.push_back(g);
    }
  };
  const std::string suf(suffix);
  if (kind == Kind::Bandwidth && !suf.empty() && (suf.back() == 'b' || suf.back() == 'B')) {
    // "100Mb" / "100MB": a size where a rate was expected.
    const std::string prefix = suf.substr(0, suf.size() - 1);
    if (suf.back() == 'b') try_suffix(prefix + "bps");
    try_suffix(prefix + "Bps");
  }
  if (kind == Kind::Bandwidth && suf.size() > 5 && suf.substr(suf.size() - 5) == "bit/s")
    try_suffix(suf.substr(0, suf.size() - 5) + "bps");
  if (kind == Kind::Speed || kind == Kind::Flops) try_suffix(suf + "f");
  if (kind == Kind::Energy && suf.size() >= 2 && suf.substr(suf.size() - 2) == "Wh") {
    // Watt-hours: 1 Wh = 3600 J.
    const auto pf = lookup(table_for(Kind::Power), suf.substr(0, suf.size() - 1));
    double v = 0;
    const auto res = std::from_chars(num.data(), num.data() + num.size(), v);
    if (pf && res.ec == std::errc()) {
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, apply(num, v, *pf) * 3600.0);
      return "did you mean " + std::string(buf, r.ptr) + "J? (1Wh = 3600J)";
    }
  }
  for (const auto& [s, f] : t)
    if (lower(s) == lower(suf)) try_suffix(s);
  if (!guesses.empty()) return "did you mean " + join_or(guesses) + "?";
  for (Kind other : {Kind::Speed, Kind::Bandwidth, Kind::Time, Kind::Bytes, Kind::Power, Kind::Energy}) {
    if (other == kind || (kind == Kind::Flops && other == Kind::Speed)) continue;
    if (lookup(table_for(other), suffix)) return std::string("\"") + std::string(suffix) + "\" is a unit of " +
                                                 kind_noun(other) + ", not of " + kind_noun(kind);
  }
  return "";
}

}  // namespace

std::string describe(Kind kind) { return describe(kind, ""); }

std::string describe(Kind kind, std::string_view qualifier) {
  std::string words = qualifier.empty() ? std::string(kind_noun(kind))
                                        : std::string(qualifier) + " " + kind_noun(kind);
  const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(words.front())));
  const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u';
  std::string out = (vowel ? "an " : "a ") + words;
  const std::string ex = kind_example(kind);
  if (!ex.empty()) out += " such as " + ex;
  return out;
}

Parsed parse(std::string_view text, Kind kind) {
  Parsed out;
  const std::string found = "found \"" + std::string(text) + "\"";
  auto fail = [&](const std::string& h) {
    out.error = "expected " + describe(kind) + ", " + found;
    if (!h.empty()) out.error += " (" + h + ")";
    return out;
  };
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) return fail("out of range");
  if (res.ec != std::errc() || s.empty()) return fail("");
  if (!std::isfinite(v)) return fail("");
  const std::size_t used = static_cast<std::size_t>(res.ptr - s.data());
  const std::string_view number = s.substr(0, used);
  const std::string_view suffix = s.substr(used);
  if (suffix.empty()) {
    out.value = v;
    return out;
  }
  if (const auto f = lookup(table_for(kind), suffix)) {
    const double scaled = apply(number, v, *f);
    if (!std::isfinite(scaled)) return fail("out of range");  // "1e308EB": finite number, infinite bytes
    out.value = scaled;
    return out;
  }
  return fail(hint(kind, number, suffix));
}

}  // namespace edgesplit::units
