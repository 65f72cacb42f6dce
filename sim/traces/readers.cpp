// Strict trace readers: each bad line is reported with its file, line and column; nothing is guessed.
// Column layouts: docs/TRACES.md (bwlog from the Norway HSDPA and Ghent 4G/LTE dataset pages).
#include "sim/traces/readers.hpp"

#include <charconv>
#include <cmath>
#include <functional>

#include "sim/config/node.hpp"
#include "sim/units/units.hpp"

namespace edgesplit::traces {
namespace {

// 1 Mb/s in B/s (cooked and lumos5g give megabits per second).
constexpr double kMbpsToBps = 1e6 / 8.0;

struct Line {
  int number = 0;
  std::string_view text;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> out;
  int number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(Line{++number, line});
    pos = end + 1;
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!is_space(c)) return false;
  return true;
}

struct Token {
  std::string_view text;
  int column = 1;  // 1-based
};

std::vector<Token> split_ws(std::string_view line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    out.push_back(Token{line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return out;
}

// Comma-separated fields, each trimmed of blanks and of one pair of surrounding double quotes.
// Quoted commas are not supported (none of the supported formats needs them).
std::vector<Token> split_csv(std::string_view line) {
  std::vector<Token> out;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(',', start);
    if (end == std::string_view::npos) end = line.size();
    std::size_t a = start, b = end;
    while (a < b && is_space(line[a])) ++a;
    while (b > a && is_space(line[b - 1])) --b;
    if (b - a >= 2 && line[a] == '"' && line[b - 1] == '"') {
      ++a;
      --b;
    }
    out.push_back(Token{line.substr(a, b - a), static_cast<int>(a) + 1});
    if (end == line.size()) break;
    start = end + 1;
  }
  return out;
}

// Built by appending: GCC 12 gives a false -Wrestrict warning for "\"" + std::string(s).
std::string in_quotes(std::string_view s) {
  std::string out(1, '"');
  out.append(s);
  out += '"';
  return out;
}

// Shortest round-trip text of a count or duration ("1e+07", "0.05").
std::string fmt_count(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<double> number(std::string_view s) { return config::scalar_to_double(std::string(s)); }

// Error sink bound to one file.
class Sink {
 public:
  Sink(const std::string& display, config::Diagnostics& diags) : display_(display), diags_(diags) {}
  void error(int line, int column, const std::string& key, const std::string& message) {
    diags_.error(config::SourceLoc{display_, line, column}, key, message);
    ++count_;
  }
  bool ok() const { return count_ == 0; }
  int count() const { return count_; }

 private:
  const std::string& display_;
  config::Diagnostics& diags_;
  int count_ = 0;
};

struct Row {
  double time_s = 0;
  double value = 0;
  int line = 0;
  Token time;
};

// A series from (time, value) rows: value i holds from its time to the next row's; the last row
// lasts as long as the gap before it (1 s for a one-row trace). Times must increase strictly and,
// unless shift_to_zero, start at 0.
std::optional<Series> from_rows(const std::vector<Row>& rows, Sink& sink, const std::string& time_key,
                                bool shift_to_zero, int last_line) {
  if (rows.empty()) {
    sink.error(std::max(1, last_line), 1, "", "expected at least one data row, found none");
    return std::nullopt;
  }
  if (!shift_to_zero && rows.front().time_s != 0.0)
    sink.error(rows.front().line, rows.front().time.column, time_key,
               "expected the first time to be 0, found " + std::string(rows.front().time.text));
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (!(rows[i].time_s > rows[i - 1].time_s))
      sink.error(rows[i].line, rows[i].time.column, time_key,
                 "expected times in increasing order, found " + std::string(rows[i].time.text) + " after " +
                     std::string(rows[i - 1].time.text));
  if (!sink.ok()) return std::nullopt;
  const double origin = rows.front().time_s;
  Series s;
  for (const Row& r : rows) {
    s.times_s.push_back(r.time_s - origin);
    s.values.push_back(r.value);
  }
  const std::size_t n = s.times_s.size();
  s.span_s = n >= 2 ? s.times_s[n - 1] + (s.times_s[n - 1] - s.times_s[n - 2]) : s.times_s[0] + 1.0;
  return s;
}

// Parses one value; returns nullopt and sets *error ("expected ..., found ...") when it does not fit.
using ValueFn = std::function<std::optional<double>(std::string_view text, std::string* error)>;

ValueFn nonnegative(units::Kind kind) {
  return [kind](std::string_view text, std::string* error) -> std::optional<double> {
    const units::Parsed p = units::parse(text, kind);
    if (!p.value) {
      *error = p.error;
      return std::nullopt;
    }
    if (*p.value < 0) {
      *error = "expected " + units::describe(kind, "non-negative") + ", found " + in_quotes(text);
      return std::nullopt;
    }
    return p.value;
  };
}

// Our own CSV: a `time_s,<value_column>` header, then one row per change; blank lines and lines
// starting with '#' are skipped. Times are seconds (a unit suffix such as 500ms is accepted).
std::optional<Series> read_csv(std::string_view text, const std::string& display, const std::string& value_column,
                               const ValueFn& parse_value, config::Diagnostics& diags) {
  Sink sink(display, diags);
  const std::vector<Line> lines = split_lines(text);
  bool have_header = false;
  std::vector<Row> rows;
  const std::string header = "time_s," + value_column;
  for (const Line& line : lines) {
    if (is_blank(line.text) || split_ws(line.text).front().text.front() == '#') continue;
    const std::vector<Token> fields = split_csv(line.text);
    if (!have_header) {
      have_header = true;
      if (fields.size() != 2 || fields[0].text != "time_s" || fields[1].text != value_column) {
        sink.error(line.number, 1, "header", "expected " + in_quotes(header) + ", found " + in_quotes(line.text));
        return std::nullopt;
      }
      continue;
    }
    if (fields.size() != 2) {
      sink.error(line.number, 1, "line",
                 "expected 2 comma-separated fields (" + header + "), found " + std::to_string(fields.size()) + " in " +
                     in_quotes(line.text));
      continue;
    }
    Row row;
    row.line = line.number;
    row.time = fields[0];
    const units::Parsed t = units::parse(fields[0].text, units::Kind::Time);
    if (!t.value) {
      sink.error(line.number, fields[0].column, "time_s", t.error);
      continue;
    }
    std::string error;
    const auto v = parse_value(fields[1].text, &error);
    if (!v) {
      sink.error(line.number, fields[1].column, value_column, error);
      continue;
    }
    row.time_s = *t.value;
    row.value = *v;
    rows.push_back(row);
  }
  if (!have_header) {
    sink.error(1, 1, "header", "expected " + in_quotes(header) + ", found an empty file");
    return std::nullopt;
  }
  if (!sink.ok()) return std::nullopt;
  return from_rows(rows, sink, "time_s", false, lines.empty() ? 1 : lines.back().number);
}

// Whitespace-separated two-column files: SimGrid's `date value` profile lines and Pensieve's
// cooked `time_s Mbps` pairs.
std::optional<Series> read_pairs(std::string_view text, const std::string& display, const std::string& time_key,
                                 const std::string& value_key, const std::string& value_what, double factor,
                                 bool shift_to_zero, config::Diagnostics& diags) {
  Sink sink(display, diags);
  const std::vector<Line> lines = split_lines(text);
  std::vector<Row> rows;
  for (const Line& line : lines) {
    if (is_blank(line.text)) continue;
    const std::vector<Token> tokens = split_ws(line.text);
    if (tokens.front().text == "PERIODICITY" || tokens.front().text == "LOOPAFTER") {
      sink.error(line.number, tokens.front().column, "line",
                 "expected \"" + time_key + " " + value_key + "\" lines, found " + in_quotes(line.text) +
                     " (write end: loop and period: in the scenario instead)");
      continue;
    }
    if (tokens.size() != 2) {
      sink.error(line.number, 1, "line",
                 "expected 2 whitespace-separated numbers (" + time_key + " " + value_key + "), found " +
                     in_quotes(line.text));
      continue;
    }
    const auto t = number(tokens[0].text);
    if (!t) {
      sink.error(line.number, tokens[0].column, time_key,
                 "expected a time in seconds, found " + in_quotes(tokens[0].text));
      continue;
    }
    const auto v = number(tokens[1].text);
    if (!v || *v < 0) {
      sink.error(line.number, tokens[1].column, value_key,
                 "expected " + value_what + ", found " + in_quotes(tokens[1].text));
      continue;
    }
    rows.push_back(Row{*t, *v * factor, line.number, tokens[0]});
  }
  if (!sink.ok()) return std::nullopt;
  return from_rows(rows, sink, time_key, shift_to_zero, lines.empty() ? 1 : lines.back().number);
}

// mahimahi: one integer millisecond timestamp per line, each a 1500-byte delivery opportunity;
// the file repeats with period = last timestamp. Every line counts once per period: an opportunity
// at exactly the period (mahimahi delivers it at the start of the next pass) is counted in the last
// window, so a period of P ms always carries lines * 1500 bytes.
std::optional<Series> read_mahimahi(std::string_view text, const std::string& display, double bin_s,
                                    config::Diagnostics& diags) {
  Sink sink(display, diags);
  const std::vector<Line> lines = split_lines(text);
  std::vector<int64_t> stamps;
  std::vector<Token> tokens_kept;
  int last_line = 0;  // line of the last timestamp (blank lines may follow)
  for (const Line& line : lines) {
    if (is_blank(line.text)) continue;
    const std::vector<Token> tokens = split_ws(line.text);
    const auto v = tokens.size() == 1 ? config::scalar_to_int(std::string(tokens[0].text)) : std::nullopt;
    if (!v || *v < 0) {
      sink.error(line.number, tokens.front().column, "timestamp_ms",
                 "expected one non-negative integer number of milliseconds per line, found " + in_quotes(line.text));
      continue;
    }
    if (!stamps.empty() && *v < stamps.back()) {
      sink.error(line.number, tokens[0].column, "timestamp_ms",
                 "expected times in increasing order, found " + std::string(tokens[0].text) + " after " +
                     std::string(tokens_kept.back().text));
      continue;
    }
    stamps.push_back(*v);
    tokens_kept.push_back(tokens[0]);
    last_line = line.number;
  }
  if (!sink.ok()) return std::nullopt;
  if (stamps.empty()) {
    sink.error(lines.empty() ? 1 : lines.back().number, 1, "", "expected at least one timestamp, found none");
    return std::nullopt;
  }
  if (stamps.back() <= 0) {
    sink.error(last_line, 1, "timestamp_ms",
               "expected a last timestamp above 0 (it sets the period), found " + std::to_string(stamps.back()));
    return std::nullopt;
  }
  if (bin_s <= 0) bin_s = kMahimahiDefaultBin_s;
  const double period_ms = static_cast<double>(stamps.back());
  const double bin_ms = bin_s * 1000.0;
  const double windows = std::max(1.0, std::ceil(period_ms / bin_ms - 1e-9));
  if (windows > kMaxWindows) {
    // Found by fuzzing: epoch timestamps (1700000000000) asked for billions of windows.
    sink.error(last_line, tokens_kept.back().column, "timestamp_ms",
               "expected milliseconds since the start of the trace (at most " + fmt_count(kMaxWindows) +
                   " windows of " + fmt_count(bin_s) + " s), found a last timestamp of " +
                   std::string(tokens_kept.back().text));
    return std::nullopt;
  }
  const auto count = static_cast<std::size_t>(windows);
  std::vector<double> bytes(count, 0.0);
  for (int64_t t : stamps) {
    auto k = static_cast<std::size_t>(std::floor(static_cast<double>(t) / bin_ms + 1e-9));
    bytes[std::min(k, count - 1)] += kMahimahiPacketBytes;
  }
  Series s;
  s.span_s = period_ms / 1000.0;
  for (std::size_t k = 0; k < count; ++k) {
    const double a_ms = static_cast<double>(k) * bin_ms;
    const double b_ms = k + 1 == count ? period_ms : static_cast<double>(k + 1) * bin_ms;
    s.times_s.push_back(a_ms / 1000.0);
    s.values.push_back(bytes[k] / ((b_ms - a_ms) / 1000.0));
  }
  return s;
}

// bwlog: the 6-column logs of the Norway HSDPA dataset (Riiser et al., MMSys 2013) and the Ghent
// 4G/LTE dataset (van der Hooft et al., 2016): timestamp, elapsed ms, latitude, longitude, bytes
// received since the previous line, ms since the previous line. Only the last two count: line i
// covers the interval of its column 6 right after line i-1's, at column5 / column6 bytes per ms.
std::optional<Series> read_bwlog(std::string_view text, const std::string& display, config::Diagnostics& diags) {
  static const char* const kColumns[6] = {"timestamp", "elapsed_ms", "latitude", "longitude", "bytes", "interval_ms"};
  Sink sink(display, diags);
  const std::vector<Line> lines = split_lines(text);
  Series s;
  double elapsed_ms = 0;
  for (const Line& line : lines) {
    if (is_blank(line.text)) continue;
    const std::vector<Token> tokens = split_ws(line.text);
    if (tokens.size() != 6) {
      sink.error(line.number, 1, "line",
                 "expected 6 whitespace-separated columns (timestamp elapsed_ms latitude longitude bytes "
                 "interval_ms), found " +
                     std::to_string(tokens.size()) + " in " + in_quotes(line.text));
      continue;
    }
    bool good = true;
    std::optional<double> v[6];
    for (int c = 0; c < 6; ++c) {
      v[c] = number(tokens[c].text);
      if (!v[c]) {
        sink.error(line.number, tokens[c].column, kColumns[c], "expected a number, found " + in_quotes(tokens[c].text));
        good = false;
      }
    }
    if (!good) continue;
    if (*v[4] < 0) {
      sink.error(line.number, tokens[4].column, "bytes",
                 "expected a non-negative number of bytes, found " + in_quotes(tokens[4].text));
      continue;
    }
    if (!(*v[5] > 0)) {
      sink.error(line.number, tokens[5].column, "interval_ms",
                 "expected a positive number of milliseconds, found " + in_quotes(tokens[5].text));
      continue;
    }
    s.times_s.push_back(elapsed_ms / 1000.0);
    s.values.push_back(*v[4] / (*v[5] / 1000.0));
    elapsed_ms += *v[5];
  }
  if (!sink.ok()) return std::nullopt;
  if (s.values.empty()) {
    sink.error(lines.empty() ? 1 : lines.back().number, 1, "", "expected at least one data row, found none");
    return std::nullopt;
  }
  s.span_s = elapsed_ms / 1000.0;
  return s;
}

// lumos5g: the Lumos5G 1.0 CSV (Narayanan et al., IMC 2020): a header naming its columns, one row
// per second; `Throughput` in Mb/s. Rows of several runs (run_num) are refused unless `run` picks one.
std::optional<Series> read_lumos5g(std::string_view text, const std::string& display, std::optional<int64_t> run,
                                   config::Diagnostics& diags) {
  Sink sink(display, diags);
  const std::vector<Line> lines = split_lines(text);
  std::vector<Token> header;
  int header_line = 0;
  std::size_t tput = 0, run_col = 0;
  bool has_run = false;
  std::optional<int64_t> first_run;
  bool reported_mixed = false;
  Series s;
  for (const Line& line : lines) {
    if (is_blank(line.text)) continue;
    const std::vector<Token> fields = split_csv(line.text);
    if (header.empty()) {
      header = fields;
      header_line = line.number;
      bool has_tput = false;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].text == "Throughput") {
          tput = i;
          has_tput = true;
        }
        if (fields[i].text == "run_num") {
          run_col = i;
          has_run = true;
        }
      }
      if (!has_tput) {
        sink.error(line.number, 1, "Throughput",
                   "expected a header with a Throughput column, found " + in_quotes(line.text));
        return std::nullopt;
      }
      if (run && !has_run) {
        sink.error(line.number, 1, "run_num",
                   "expected a run_num column (the scenario selects run: " + std::to_string(*run) + "), found " +
                       in_quotes(line.text));
        return std::nullopt;
      }
      continue;
    }
    if (fields.size() != header.size()) {
      sink.error(line.number, 1, "line",
                 "expected " + std::to_string(header.size()) + " comma-separated fields as in the header, found " +
                     std::to_string(fields.size()));
      continue;
    }
    if (has_run) {
      const auto r = config::scalar_to_int(std::string(fields[run_col].text));
      if (!r) {
        sink.error(line.number, fields[run_col].column, "run_num",
                   "expected an integer run number, found " + in_quotes(fields[run_col].text));
        continue;
      }
      if (run && *r != *run) continue;
      if (!run) {
        if (!first_run) first_run = *r;
        if (*r != *first_run && !reported_mixed) {
          reported_mixed = true;
          sink.error(line.number, fields[run_col].column, "run_num",
                     "expected rows of a single run, found run_num " + std::string(fields[run_col].text) + " after " +
                         std::to_string(*first_run) + " (select one with run: N)");
        }
      }
    }
    const auto v = number(fields[tput].text);
    if (!v || *v < 0) {
      sink.error(line.number, fields[tput].column, "Throughput",
                 "expected a non-negative throughput in Mb/s, found " + in_quotes(fields[tput].text));
      continue;
    }
    s.times_s.push_back(static_cast<double>(s.values.size()));
    s.values.push_back(*v * kMbpsToBps);
  }
  if (header.empty()) {
    sink.error(1, 1, "Throughput", "expected a header with a Throughput column, found an empty file");
    return std::nullopt;
  }
  if (!sink.ok()) return std::nullopt;
  if (s.values.empty()) {
    sink.error(header_line, 1, "",
               run ? "expected rows with run_num " + std::to_string(*run) + ", found none"
                   : std::string("expected at least one data row, found none"));
    return std::nullopt;
  }
  s.span_s = static_cast<double>(s.values.size());
  return s;
}

}  // namespace

const std::vector<std::string>& bandwidth_formats() {
  static const std::vector<std::string> k = {"csv", "simgrid", "mahimahi", "bwlog", "cooked", "lumos5g"};
  return k;
}

const std::vector<std::string>& latency_formats() {
  static const std::vector<std::string> k = {"csv", "simgrid"};
  return k;
}

std::optional<Series> read_bandwidth(std::string_view text, const std::string& format, const std::string& display,
                                     const ReadOptions& options, config::Diagnostics& diags) {
  if (format == "csv") return read_csv(text, display, "bandwidth", nonnegative(units::Kind::Bandwidth), diags);
  if (format == "simgrid")
    return read_pairs(text, display, "date", "value", "a non-negative bandwidth in B/s", 1.0, false, diags);
  if (format == "mahimahi") return read_mahimahi(text, display, options.bin_s, diags);
  if (format == "bwlog") return read_bwlog(text, display, diags);
  if (format == "cooked")
    return read_pairs(text, display, "time_s", "mbps", "a non-negative throughput in Mb/s", kMbpsToBps, true, diags);
  if (format == "lumos5g") return read_lumos5g(text, display, options.run, diags);
  diags.error(config::SourceLoc{display, 0, 0}, "format",
              "expected a bandwidth trace format, found " + in_quotes(format));
  return std::nullopt;
}

std::optional<Series> read_latency(std::string_view text, const std::string& format, const std::string& display,
                                   config::Diagnostics& diags) {
  if (format == "csv") return read_csv(text, display, "latency", nonnegative(units::Kind::Time), diags);
  if (format == "simgrid")
    return read_pairs(text, display, "date", "value", "a non-negative latency in seconds", 1.0, false, diags);
  diags.error(config::SourceLoc{display, 0, 0}, "format",
              "expected a latency trace format, found " + in_quotes(format));
  return std::nullopt;
}

std::optional<Series> read_load_csv(std::string_view text, const std::string& display, config::Diagnostics& diags) {
  const ValueFn fraction = [](std::string_view t, std::string* error) -> std::optional<double> {
    const auto v = number(t);
    if (!v || *v < 0 || *v > 1) {
      *error = "expected a fraction between 0 and 1, found " + in_quotes(t);
      return std::nullopt;
    }
    return v;
  };
  return read_csv(text, display, "value", fraction, diags);
}

std::optional<Series> read_state_csv(std::string_view text, const std::string& display, config::Diagnostics& diags) {
  const ValueFn up = [](std::string_view t, std::string* error) -> std::optional<double> {
    if (t == "0") return 0.0;
    if (t == "1") return 1.0;
    *error = "expected 0 (down) or 1 (up), found " + in_quotes(t);
    return std::nullopt;
  };
  return read_csv(text, display, "up", up, diags);
}

}  // namespace edgesplit::traces
