// Google Benchmark: the readers of user input. The unit parser, platform / model / scenario YAML
// loading (from text, the path files take), the ONNX importer, and every trace reader on a
// generated trace of 100,000 rows (bench/gen.hpp). Usage: bench_parsers [--quick] [benchmark flags].
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/gen.hpp"
#include "partitioners/partitioner.hpp"
#include "sim/config/loader.hpp"
#include "sim/importers/onnx_import.hpp"
#include "sim/model/zoo.hpp"
#include "sim/traces/readers.hpp"
#include "sim/units/units.hpp"

namespace es = edgesplit;

namespace {

const std::string kSource = EDGESPLIT_SOURCE_DIR;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <class T>
void require(const std::optional<T>& value, const es::config::Diagnostics& diag, benchmark::State& state) {
  if (!value) state.SkipWithError(diag.format().c_str());
}

void units(benchmark::State& state) {
  const std::vector<std::pair<std::string, es::units::Kind>> inputs = {
      {"100Mbps", es::units::Kind::Bandwidth}, {"12.5MBps", es::units::Kind::Bandwidth},
      {"1.5Tf", es::units::Kind::Speed},       {"2ms", es::units::Kind::Time},
      {"4GiB", es::units::Kind::Bytes},        {"630uW", es::units::Kind::Power},
      {"3.5pJ", es::units::Kind::Energy},      {"4.2e11", es::units::Kind::Number}};
  for (auto _ : state)
    for (const auto& [text, kind] : inputs) benchmark::DoNotOptimize(es::units::parse(text, kind));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(inputs.size()));
}

void platform_file(benchmark::State& state, const std::string& text, const std::string& name) {
  for (auto _ : state) {
    es::config::Diagnostics diag;
    auto p = es::config::load_platform_text(text, name, diag);
    require(p, diag, state);
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

void model_file(benchmark::State& state, const std::string& zoo_name) {
  const std::string text = es::config::model_to_yaml(*es::model::zoo_model(zoo_name));
  for (auto _ : state) {
    es::config::Diagnostics diag;
    auto g = es::config::load_model_text(text, zoo_name + ".yaml", diag);
    require(g, diag, state);
    benchmark::DoNotOptimize(g);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

void scenario_file(benchmark::State& state, const std::string& rel) {
  const std::string path = kSource + "/" + rel;
  const std::string text = read(path);
  const auto catalog = es::partition::builtin_registry().catalog();
  for (auto _ : state) {
    es::config::Diagnostics diag;
    auto s = es::config::load_scenario_text(text, path, {}, catalog, diag);
    require(s, diag, state);
    benchmark::DoNotOptimize(s);
  }
}

void onnx_file(benchmark::State& state, const std::string& rel) {
  const std::string path = kSource + "/" + rel;
  for (auto _ : state) benchmark::DoNotOptimize(es::importers::import_onnx(path));
}

void trace(benchmark::State& state, const std::string& format, int rows) {
  const std::string text = es::bench::trace_text(format, rows);
  for (auto _ : state) {
    es::config::Diagnostics diag;
    std::optional<es::traces::Series> s;
    if (format == "latency-csv") s = es::traces::read_latency(text, "csv", "bench", diag);
    else if (format == "load-csv") s = es::traces::read_load_csv(text, "bench", diag);
    else if (format == "state-csv") s = es::traces::read_state_csv(text, "bench", diag);
    else s = es::traces::read_bandwidth(text, format, "bench", {}, diag);
    require(s, diag, state);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * rows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<char*> args = es::bench::without_quick(argc, argv, quick);
  const double min_time = quick ? 0.05 : 0.3;
  const int rows = 100000;
  const auto reg = [&](const std::string& name, auto fn) {
    benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(min_time);
  };
  reg("parse/units/8 quantities", units);
  const std::string hub = kSource + "/platforms/edge-hub-cloud.yaml";
  reg("parse/platform/edge-hub-cloud.yaml", [hub](benchmark::State& s) { platform_file(s, read(hub), hub); });
  for (int d : {4, 16}) {
    reg(fmt::format("parse/platform/generated {} devices", d),
        [d](benchmark::State& s) { platform_file(s, es::bench::platform_yaml(d), "generated.yaml"); });
  }
  reg("parse/model/resnet50 (175 layers)", [](benchmark::State& s) { model_file(s, "resnet50"); });
  if (!quick) reg("parse/model/resnet152 (515 layers)", [](benchmark::State& s) { model_file(s, "resnet152"); });
  reg("parse/scenario/quickstart.yaml", [](benchmark::State& s) { scenario_file(s, "scenarios/quickstart.yaml"); });
  reg("parse/onnx/resnet18.onnx", [](benchmark::State& s) { onnx_file(s, "tests/data/onnx/resnet18.onnx"); });
  for (const std::string f : {"csv", "simgrid", "mahimahi", "bwlog", "cooked", "lumos5g", "latency-csv", "load-csv",
                              "state-csv"}) {
    reg(fmt::format("parse/trace/{} {} rows", f, rows), [f, rows](benchmark::State& s) { trace(s, f, rows); });
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
