// Dynamics entry values -> typed specs: key checks with did-you-mean, units through sim/units,
// trace files read, hashed and turned into series.
#include "sim/traces/dynamics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "sim/traces/readers.hpp"
#include "sim/traces/sha256.hpp"
#include "sim/units/units.hpp"

namespace edgesplit::traces {
namespace {

std::string in_quotes(const std::string& s) {
  std::string out(1, '"');
  out += s;
  out += '"';
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::string describe_node(const config::Node& n) {
  switch (n.kind) {
    case config::Node::Kind::Scalar:
      return in_quotes(n.scalar);
    case config::Node::Kind::Map:
      return "a map";
    case config::Node::Kind::Sequence:
      return "a list";
    case config::Node::Kind::Null:
      return "nothing";
  }
  return "nothing";
}

// One map being read: keys are looked up through it so that unknown ones can be reported.
class MapReader {
 public:
  MapReader(const config::Node& node, config::Diagnostics& diags) : node_(node), diags_(diags) {}

  std::string key(const std::string& name) const { return node_.key.empty() ? name : node_.key + "." + name; }
  bool has(const std::string& name) const { return node_.get(name) != nullptr; }
  void error_at(const config::Node& n, const std::string& name, const std::string& message) {
    diags_.error(n.loc, key(name), message);
    ok_ = false;
  }
  void error_here(const std::string& message) {
    diags_.error(node_.loc, node_.key, message);
    ok_ = false;
  }
  bool ok() const { return ok_; }
  void fail() { ok_ = false; }

  /// Reports every key not in `allowed` (with a did-you-mean among them).
  void only(const std::vector<std::string>& allowed) {
    for (const auto& [k, v] : node_.entries) {
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string message = "unknown key";
      const std::string hint = config::did_you_mean(k, allowed);
      message += hint.empty() ? "; expected one of " + join(allowed) : "; " + hint;
      error_at(v, k, message);
    }
  }

  /// The scalar text of `name`, or nullopt (absent, or not a scalar: reported).
  std::optional<std::string> scalar(const std::string& name, bool required, const std::string& what) {
    const config::Node* n = node_.get(name);
    if (!n) {
      if (required) error_here("missing key " + in_quotes(name));
      return std::nullopt;
    }
    if (!n->is_scalar()) {
      error_at(*n, name, "expected " + what + ", found " + describe_node(*n));
      return std::nullopt;
    }
    return n->scalar;
  }

  /// A quantity of `kind` satisfying `accept`; `what` describes it for messages ("a positive time such as 2ms").
  template <class Accept>
  std::optional<double> quantity(const std::string& name, units::Kind kind, bool required, const std::string& what,
                                 Accept accept) {
    const auto text = scalar(name, required, what);
    if (!text) return std::nullopt;
    const units::Parsed p = units::parse(*text, kind);
    if (!p.value) {
      error_at(*node_.get(name), name, p.error);
      return std::nullopt;
    }
    if (!accept(*p.value)) {
      error_at(*node_.get(name), name, "expected " + what + ", found " + in_quotes(*text));
      return std::nullopt;
    }
    return p.value;
  }

  /// One of `choices`.
  std::optional<std::string> choice(const std::string& name, bool required, const std::vector<std::string>& choices) {
    const auto text = scalar(name, required, "one of " + join(choices));
    if (!text) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
    std::string message = "expected one of " + join(choices) + ", found " + in_quotes(*text);
    const std::string hint = config::did_you_mean(*text, choices);
    if (!hint.empty()) message += "; " + hint;
    error_at(*node_.get(name), name, message);
    return std::nullopt;
  }

  const config::Node& node() const { return node_; }

 private:
  const config::Node& node_;
  config::Diagnostics& diags_;
  bool ok_ = true;
};

bool positive(double v) { return v > 0; }
bool nonnegative(double v) { return v >= 0; }
bool any(double) { return true; }
bool fraction(double v) { return v >= 0 && v <= 1; }
const std::string kFraction = "a fraction between 0 and 1";

// Reads the file named by `trace:`; reports a missing or unreadable file at that node.
std::optional<std::string> read_file(MapReader& m, const std::string& display, const std::string& written) {
  std::error_code ec;
  const std::filesystem::path p(display);
  std::string why;
  if (!std::filesystem::exists(p, ec))
    why = "no such file: " + display;
  else if (std::filesystem::is_directory(p, ec))
    why = "a directory: " + display;
  std::ifstream in(p, std::ios::binary);
  if (why.empty() && !in) why = "cannot be opened: " + display;
  if (!why.empty()) {
    m.error_at(*m.node().get("trace"), "trace",
               "expected a readable trace file, found " + in_quotes(written) + " (" + why + ")");
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Options shared by every trace-based value: end, offset, period.
struct Shape {
  EndMode end = EndMode::Hold;
  double offset_s = 0;
  std::optional<double> period_s;
};

Shape read_shape(MapReader& m) {
  Shape s;
  if (const auto e = m.choice("end", false, {"hold", "loop"})) s.end = *e == "loop" ? EndMode::Loop : EndMode::Hold;
  if (const auto o = m.quantity("offset", units::Kind::Time, false, units::describe(units::Kind::Time), any))
    s.offset_s = *o;
  s.period_s = m.quantity("period", units::Kind::Time, false, units::describe(units::Kind::Time, "positive"), positive);
  return s;
}

// Applies period (span override), then end and offset.
bool apply_shape(MapReader& m, Series& series, const Shape& shape) {
  if (shape.period_s) {
    if (!(*shape.period_s > series.times_s.back())) {
      m.error_at(*m.node().get("period"), "period",
                 "expected a period longer than the trace's last time " + fmt::format("{}", series.times_s.back()) +
                     "s, found " + in_quotes(m.node().get("period")->scalar));
      return false;
    }
    series.span_s = *shape.period_s;
  }
  series.end = shape.end;
  series.offset_s = shape.offset_s;
  return true;
}

struct Loaded {
  std::string text;
  TraceInfo info;
};

std::optional<Loaded> load_trace(MapReader& m, const std::string& scenario_dir, const std::string& format) {
  const auto written = m.scalar("trace", true, "a trace file path");
  if (!written) return std::nullopt;
  Loaded l;
  l.info.path = *written;
  l.info.display = resolve_trace_path(scenario_dir, *written);
  l.info.format = format;
  const auto text = read_file(m, l.info.display, *written);
  if (!text) return std::nullopt;
  l.text = *text;
  l.info.sha256 = sha256_hex(l.text);
  return l;
}

std::optional<DynamicsSpec> parse_bandwidth_or_latency(MapReader& m, bool bandwidth, const std::string& scenario_dir,
                                                       config::Diagnostics& diags) {
  if (bandwidth)
    m.only({"trace", "format", "end", "scale", "offset", "bin", "period", "run"});
  else
    m.only({"trace", "format", "end", "scale", "offset", "period"});
  const auto format = m.choice("format", true, bandwidth ? bandwidth_formats() : latency_formats());
  const auto scale =
      m.quantity("scale", units::Kind::Number, false, units::describe(units::Kind::Number, "positive"), positive);
  const Shape shape = read_shape(m);
  std::optional<double> bin;
  ReadOptions options;
  if (bandwidth) {
    bin = m.quantity("bin", units::Kind::Time, false, units::describe(units::Kind::Time, "positive"), positive);
    if (m.has("run")) {
      const auto text = m.scalar("run", false, "an integer run number");
      const auto r = text ? config::scalar_to_int(*text) : std::nullopt;
      if (text && !r)
        m.error_at(*m.node().get("run"), "run", "expected an integer run number, found " + in_quotes(*text));
      if (format && *format != "lumos5g")
        m.error_at(*m.node().get("run"), "run",
                   "expected no run: for format " + *format + " (run applies to lumos5g only)");
      options.run = r;
    }
    if (format && *format == "mahimahi") {
      if (shape.period_s)
        m.error_at(*m.node().get("period"), "period",
                   "expected no period: for format mahimahi (its period is the last timestamp), found " +
                       in_quotes(m.node().get("period")->scalar));
      if (bin) options.bin_s = *bin;
    }
  }
  if (!format || !m.ok()) {
    // Still check that the file exists so that one run reports every error.
    if (m.has("trace")) load_trace(m, scenario_dir, format.value_or(""));
    return std::nullopt;
  }
  auto loaded = load_trace(m, scenario_dir, *format);
  if (!loaded) return std::nullopt;
  auto series = bandwidth ? read_bandwidth(loaded->text, *format, loaded->info.display, options, diags)
                          : read_latency(loaded->text, *format, loaded->info.display, diags);
  if (!series) return std::nullopt;
  if (!apply_shape(m, *series, shape)) return std::nullopt;
  if (bin && *format != "mahimahi") {
    if (series->span_s / *bin > kMaxWindows) {  // a 1us bin over hours: billions of windows
      const std::string& written = m.node().get("bin")->scalar;
      m.error_at(*m.node().get("bin"), "bin",
                 "expected a bin that cuts the trace into at most 1e7 windows, found " + in_quotes(written) +
                     " for a trace spanning " + fmt::format("{}", series->span_s) + " s");
      return std::nullopt;
    }
    *series = rebin(*series, *bin);
  }
  if (scale)
    for (double& v : series->values) v *= *scale;
  if (bandwidth && std::all_of(series->values.begin(), series->values.end(), [](double v) { return v == 0; })) {
    m.error_at(*m.node().get("trace"), "trace",
               "expected a trace that delivers bytes, found only zero bandwidth in " + in_quotes(loaded->info.display));
    return std::nullopt;
  }
  DynamicsSpec spec;
  spec.what = bandwidth ? "bandwidth" : "latency";
  loaded->info.mean = mean_value(*series);
  spec.series = std::move(*series);
  spec.trace = std::move(loaded->info);
  return spec;
}

std::optional<DynamicsSpec> parse_load(MapReader& m, const std::string& scenario_dir, config::Diagnostics& diags,
                                       uint64_t default_seed) {
  DynamicsSpec spec;
  spec.what = "load";
  if (m.has("trace")) {
    m.only({"trace", "format", "kind", "end", "offset", "period"});
    const auto format = m.choice("format", true, {"csv"});
    const auto kind = m.choice("kind", false, {"utilisation", "available"});
    const Shape shape = read_shape(m);
    if (!format || !m.ok()) return std::nullopt;
    auto loaded = load_trace(m, scenario_dir, *format);
    if (!loaded) return std::nullopt;
    auto series = read_load_csv(loaded->text, loaded->info.display, diags);
    if (!series) return std::nullopt;
    if (!apply_shape(m, *series, shape)) return std::nullopt;
    if (!kind || *kind == "utilisation") *series = available_from_utilisation(*series);
    loaded->info.mean = mean_value(*series);
    spec.series = std::move(*series);
    spec.trace = std::move(loaded->info);
    return spec;
  }
  if (!m.has("process")) {
    m.error_here(
        "expected a trace {trace: FILE, format: csv} or a process {process: constant|onoff|random_walk}, "
        "found neither key");
    return std::nullopt;
  }
  const auto process = m.choice("process", true, {"constant", "onoff", "random_walk"});
  if (!process) return std::nullopt;
  LoadProcess p;
  p.process = *process;
  if (*process == "constant") {
    m.only({"process", "kind", "value"});
  } else if (*process == "onoff") {
    m.only({"process", "kind", "period", "duty", "value"});
  } else {
    m.only({"process", "kind", "step", "interval", "min", "max", "start", "seed"});
  }
  const auto kind = m.choice("kind", false, {"utilisation", "available"});
  p.utilisation = !kind || *kind == "utilisation";
  if (*process == "constant" || *process == "onoff") {
    const auto v = m.quantity("value", units::Kind::Number, true, kFraction, fraction);
    if (v) p.value = *v;
  }
  if (*process == "onoff") {
    const auto period =
        m.quantity("period", units::Kind::Time, true, units::describe(units::Kind::Time, "positive"), positive);
    const auto duty = m.quantity("duty", units::Kind::Number, true, kFraction, fraction);
    if (period) p.period_s = *period;
    if (duty) p.duty = *duty;
  }
  if (*process == "random_walk") {
    const auto step = m.quantity("step", units::Kind::Number, true,
                                 units::describe(units::Kind::Number, "non-negative"), nonnegative);
    const auto interval =
        m.quantity("interval", units::Kind::Time, true, units::describe(units::Kind::Time, "positive"), positive);
    const auto lo = m.quantity("min", units::Kind::Number, true, kFraction, fraction);
    const auto hi = m.quantity("max", units::Kind::Number, true, kFraction, fraction);
    const auto start = m.quantity("start", units::Kind::Number, false, kFraction, fraction);
    if (step) p.walk.step = *step;
    if (interval) p.walk.interval_s = *interval;
    if (lo) p.walk.min = *lo;
    if (hi) p.walk.max = *hi;
    if (lo && hi && *lo > *hi)
      m.error_at(
          *m.node().get("max"), "max",
          "expected max >= min (" + m.node().get("min")->scalar + "), found " + in_quotes(m.node().get("max")->scalar));
    p.walk.start = start ? *start : (p.walk.min + p.walk.max) / 2;
    if (start && lo && hi && (*start < *lo || *start > *hi))
      m.error_at(*m.node().get("start"), "start",
                 "expected a start between min and max, found " + in_quotes(m.node().get("start")->scalar));
    p.walk.seed = default_seed;
    if (const auto text = m.scalar("seed", false, "a non-negative integer seed")) {
      const auto s = config::scalar_to_int(*text);
      if (!s || *s < 0)
        m.error_at(*m.node().get("seed"), "seed", "expected a non-negative integer seed, found " + in_quotes(*text));
      else
        p.walk.seed = static_cast<uint64_t>(*s);
    }
  }
  if (!m.ok()) return std::nullopt;
  if (p.process == "constant") spec.series = constant_load(p.value);
  if (p.process == "onoff") spec.series = onoff_load(p.period_s, p.duty, p.value);
  if (p.process == "random_walk")
    spec.series = random_walk(p.walk, p.walk.interval_s);  // first interval only: see materialize()
  if (p.utilisation) spec.series = available_from_utilisation(spec.series);
  spec.process = p;
  return spec;
}

std::optional<DynamicsSpec> parse_fail(MapReader& m, const std::string& scenario_dir, config::Diagnostics& diags) {
  DynamicsSpec spec;
  spec.what = "fail";
  std::optional<OnFailure> on_failure;
  if (const config::Node* n = m.node().get("on_failure")) {
    on_failure = parse_on_failure(*n, diags);
    if (!on_failure) m.fail();
  }
  spec.on_failure = on_failure;
  if (m.has("trace")) {
    m.only({"trace", "format", "end", "offset", "period", "on_failure"});
    const auto format = m.choice("format", true, {"csv"});
    const Shape shape = read_shape(m);
    if (!format || !m.ok()) return std::nullopt;
    auto loaded = load_trace(m, scenario_dir, *format);
    if (!loaded) return std::nullopt;
    auto series = read_state_csv(loaded->text, loaded->info.display, diags);
    if (!series) return std::nullopt;
    if (!apply_shape(m, *series, shape)) return std::nullopt;
    loaded->info.mean = mean_value(*series);
    spec.series = std::move(*series);
    spec.trace = std::move(loaded->info);
    return spec;
  }
  m.only({"at", "duration", "on_failure"});
  const auto at =
      m.quantity("at", units::Kind::Time, true, units::describe(units::Kind::Time, "non-negative"), nonnegative);
  const auto duration =
      m.quantity("duration", units::Kind::Time, true, units::describe(units::Kind::Time, "positive"), positive);
  if (!at || !duration || !m.ok()) return std::nullopt;
  // Up, down during [at, at + duration), up again for good.
  Series s;
  if (*at > 0) {
    s.times_s = {0.0, *at, *at + *duration};
    s.values = {1.0, 0.0, 1.0};
  } else {
    s.times_s = {0.0, *duration};
    s.values = {0.0, 1.0};
  }
  s.span_s = s.times_s.back() + 1.0;
  spec.series = s;
  return spec;
}

}  // namespace

std::string resolve_trace_path(const std::string& scenario_dir, const std::string& written) {
  if (scenario_dir.empty() || std::filesystem::path(written).is_absolute()) return written;
  std::string dir = scenario_dir;
  if (dir.back() == '/') dir.pop_back();
  return dir + "/" + written;
}

std::optional<OnFailure> parse_on_failure(const config::Node& node, config::Diagnostics& diags) {
  const std::vector<std::string> choices = {"drop", "retry"};
  if (node.is_scalar() && node.scalar == "drop") return OnFailure::Drop;
  if (node.is_scalar() && node.scalar == "retry") return OnFailure::Retry;
  std::string message = "expected one of drop, retry, found " + describe_node(node);
  if (node.is_scalar()) {
    const std::string hint = config::did_you_mean(node.scalar, choices);
    if (!hint.empty()) message += "; " + hint;
  }
  diags.error(node.loc, node.key, message);
  return std::nullopt;
}

std::optional<DynamicsSpec> parse_dynamics(const std::string& what, const config::Node& value,
                                           const std::string& scenario_dir, config::Diagnostics& diags,
                                           uint64_t default_seed) {
  const std::vector<std::string> kinds = {"bandwidth", "latency", "load", "fail"};
  if (std::find(kinds.begin(), kinds.end(), what) == kinds.end()) {
    std::string message = "expected one of " + join(kinds) + ", found " + in_quotes(what);
    const std::string hint = config::did_you_mean(what, kinds);
    if (!hint.empty()) message += "; " + hint;
    diags.error(value.loc, value.key, message);
    return std::nullopt;
  }
  if (!value.is_map()) {
    const char* example = what == "fail"   ? "{at: 20s, duration: 5s}"
                          : what == "load" ? "{trace: load.csv, format: csv}"
                                           : "{trace: step.csv, format: csv}";
    diags.error(value.loc, value.key,
                std::string("expected a map such as ") + example + ", found " + describe_node(value));
    return std::nullopt;
  }
  MapReader m(value, diags);
  if (what == "bandwidth") return parse_bandwidth_or_latency(m, true, scenario_dir, diags);
  if (what == "latency") return parse_bandwidth_or_latency(m, false, scenario_dir, diags);
  if (what == "load") return parse_load(m, scenario_dir, diags, default_seed);
  return parse_fail(m, scenario_dir, diags);
}

Series materialize(const DynamicsSpec& spec, double horizon_s) {
  if (!spec.process || spec.process->process != "random_walk") return spec.series;
  Series s = random_walk(spec.process->walk, horizon_s);
  return spec.process->utilisation ? available_from_utilisation(s) : s;
}

}  // namespace edgesplit::traces
