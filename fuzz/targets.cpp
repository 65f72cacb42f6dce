// The fuzz targets: units parser, YAML loaders from text (the same path as files), trace readers,
// the ONNX importer. Each checks the input-independent contract of its code and traps when it is broken.
#include "fuzz/targets.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <optional>

#include "partitioners/partitioner.hpp"
#include "sim/importers/onnx_import.hpp"
#include "sim/config/loader.hpp"
#include "sim/traces/readers.hpp"
#include "sim/units/units.hpp"

namespace edgesplit::fuzz {
namespace {

// Where the YAML targets pretend their input lives: FILE in messages, and the directory that
// relative references (platform files, model files, traces) resolve against.
const std::string kScenarioName = std::string(EDGESPLIT_SOURCE_DIR) + "/scenarios/fuzz-input.yaml";
const std::string kPlatformName = std::string(EDGESPLIT_SOURCE_DIR) + "/platforms/fuzz-input.yaml";
const std::string kModelName = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/bad_inputs/aux/fuzz-input.yaml";
const std::string kTraceName = "fuzz-input.trace";

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// A loader's result agrees with its diagnostics, and every diagnostic is located and says something.
template <class T>
void check_result(const std::optional<T>& result, const config::Diagnostics& diag) {
  require(result.has_value() != diag.has_errors());
  for (const auto& d : diag.items()) {
    require(!d.loc.file.empty());
    require(d.loc.line >= 1 && d.loc.column >= 1);
    require(!d.message.empty());
  }
  (void)diag.format();
}

void run_units(std::string_view data) {
  if (data.empty()) return;
  constexpr units::Kind kinds[] = {units::Kind::Speed, units::Kind::Bandwidth, units::Kind::Time,
                                   units::Kind::Bytes, units::Kind::Power,     units::Kind::Energy,
                                   units::Kind::Flops, units::Kind::MacRate,   units::Kind::Number};
  const units::Kind kind = kinds[static_cast<unsigned char>(data[0]) % std::size(kinds)];
  const units::Parsed p = units::parse(data.substr(1), kind);
  // Exactly one of value and error; a value is a finite number.
  require(p.value.has_value() == p.error.empty());
  if (p.value) require(std::isfinite(*p.value));
}

void run_platform(std::string_view data) {
  config::Diagnostics diag;
  const auto p = config::load_platform_text(std::string(data), kPlatformName, diag);
  check_result(p, diag);
}

void run_model(std::string_view data) {
  config::Diagnostics diag;
  const auto g = config::load_model_text(std::string(data), kModelName, diag);
  check_result(g, diag);
}

void run_scenario(std::string_view data) {
  static const config::PartitionerCatalog catalog = partition::builtin_registry().catalog();
  config::Diagnostics diag;
  const auto s = config::load_scenario_text(std::string(data), kScenarioName, {}, catalog, diag);
  check_result(s, diag);
}

// A series the readers return: valid, starting at 0, no negative or non-finite value.
void check_series(const std::optional<traces::Series>& s, const config::Diagnostics& diag) {
  check_result(s, diag);
  if (!s) return;
  require(s->valid());
  require(s->times_s.front() == 0.0);
  for (double v : s->values) require(std::isfinite(v) && v >= 0);
  require(std::isfinite(traces::mean_value(*s)));
}

// First byte: format (and, for mahimahi and lumos5g, the reader option); the rest: the file text.
void run_trace_bandwidth(std::string_view data) {
  if (data.empty()) return;
  const auto c = static_cast<unsigned char>(data[0]);
  const auto& formats = traces::bandwidth_formats();
  traces::ReadOptions options;
  if (c & 0x80) options.bin_s = 0.05 * ((c >> 4) & 0x7);  // 0 (the default), 0.05 .. 0.35 s
  if (c & 0x40) options.run = (c >> 4) & 0x3;
  config::Diagnostics diag;
  const auto s = traces::read_bandwidth(data.substr(1), formats[c % formats.size()], kTraceName, options, diag);
  check_series(s, diag);
}

void run_trace_latency(std::string_view data) {
  if (data.empty()) return;
  const auto& formats = traces::latency_formats();
  config::Diagnostics diag;
  const auto s = traces::read_latency(data.substr(1), formats[static_cast<unsigned char>(data[0]) % formats.size()],
                                      kTraceName, diag);
  check_series(s, diag);
}

// First byte even: load trace (values in [0, 1]); odd: up/down state trace (0 or 1).
void run_trace_load(std::string_view data) {
  if (data.empty()) return;
  const bool state = static_cast<unsigned char>(data[0]) % 2 == 1;
  config::Diagnostics diag;
  const auto s = state ? traces::read_state_csv(data.substr(1), kTraceName, diag)
                       : traces::read_load_csv(data.substr(1), kTraceName, diag);
  check_series(s, diag);
  if (s)
    for (double v : s->values) require(v <= 1.0 && (!state || v == 0.0 || v == 1.0));
}

// The ONNX importer reads files only: the input goes into an in-memory file (memfd), imported by its
// /proc/self/fd path, so the bytes take exactly the path an .onnx file on disk takes.
// Byte 0: even, no input shape; odd, --input-shape 3,S,S with S = 4 + 4 * ((byte 0 >> 1) % 8).
// The rest: the file. The importer's contract: a graph, or config::InputError naming the file.
void run_onnx(std::string_view data) {
  if (data.empty()) return;
  static const int fd = memfd_create("fuzz-input.onnx", 0);
  require(fd >= 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const std::string_view bytes = data.substr(1);
  require(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    require(n > 0);
    done += static_cast<std::size_t>(n);
  }
  std::optional<std::vector<int64_t>> shape;
  const auto c = static_cast<unsigned char>(data[0]);
  if (c & 1) {
    const int64_t side = 4 + 4 * ((c >> 1) % 8);
    shape = std::vector<int64_t>{3, side, side};
  }
  try {
    const importers::OnnxImport im = importers::import_onnx_detailed(path, shape);
    const model::Graph& g = im.graph;
    require(g.size() > 0 && g.dtype_bytes() >= 1);
    for (int64_t d : g.input_shape()) require(d >= 0);
    for (model::LayerId id = 0; id < g.size(); ++id) {
      const model::Layer& l = g.layer(id);
      require(!l.name.empty() && !l.type.empty());
      require(l.macs >= 0 && l.params >= 0);
      for (int64_t d : l.output_shape) require(d >= 0);
      for (model::LayerId in : l.inputs) require(in == model::kInput || in < id);
      require(std::isfinite(g.output_bytes(id, 1)) && std::isfinite(g.weight_bytes(id)));
    }
    require(std::isfinite(g.input_bytes(1)));
  } catch (const config::InputError& e) {
    require(e.diagnostic().loc.file == path);
    require(!e.diagnostic().message.empty());
  }
}

}  // namespace

const std::vector<Target>& all_targets() {
  static const std::vector<Target> targets = {
      {"units", "byte 0 picks the kind (Speed..Number), the rest is the quantity text", run_units},
      {"platform_yaml", "a platform file (load_platform_text)", run_platform},
      {"model_yaml", "a layer-table model file (load_model_text)", run_model},
      {"scenario_yaml", "a scenario file in scenarios/ (load_scenario_text, built-in partitioners)", run_scenario},
      {"trace_bandwidth", "byte 0 picks the format and options, the rest is the trace (read_bandwidth)",
       run_trace_bandwidth},
      {"trace_latency", "byte 0 picks csv or simgrid, the rest is the trace (read_latency)", run_trace_latency},
      {"trace_load", "byte 0 even: load csv, odd: state csv; the rest is the trace", run_trace_load},
      {"onnx", "byte 0 odd: --input-shape 3,S,S; the rest is an .onnx file (import_onnx_detailed)", run_onnx},
  };
  return targets;
}

const Target* find_target(std::string_view name) {
  for (const auto& t : all_targets())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace edgesplit::fuzz
