// `edgesplit import pipeedge ...`: PipeEdge's scheduler files to edgesplit files (FORMATS.md);
// `import onnx FILE --out MODEL.yaml`: an ONNX file to a layer table (sim/importers/onnx_import).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/node.hpp"
#include "sim/importers/onnx_import.hpp"
#include "sim/importers/pipeedge_import.hpp"

namespace edgesplit::cli {

namespace {

constexpr const char* kPipeEdgeUsage =
    "usage: edgesplit import pipeedge --models M --device-types T --devices D --model NAME [--batch B] --out DIR";

int import_pipeedge(const Args& args) {
  std::map<std::string, std::string> flags;
  const std::vector<std::string> known{"--models", "--device-types", "--devices", "--model", "--batch", "--out"};
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (std::find(known.begin(), known.end(), a) == known.end())
      throw UsageError(fmt::format("unknown argument \"{}\"\n{}", a, kPipeEdgeUsage));
    if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value\n{}", a, kPipeEdgeUsage));
    if (flags.count(a)) throw UsageError(fmt::format("{} given twice\n{}", a, kPipeEdgeUsage));
    flags[a] = args[++i];
  }
  for (const char* required : {"--models", "--device-types", "--devices", "--model", "--out"})
    if (!flags.count(required)) throw UsageError(fmt::format("missing {}\n{}", required, kPipeEdgeUsage));
  importers::PipeEdgeImportArgs in;
  in.models_path = flags["--models"];
  in.device_types_path = flags["--device-types"];
  in.devices_path = flags["--devices"];
  in.model = flags["--model"];
  if (flags.count("--batch")) {
    const auto v = config::scalar_to_int(flags["--batch"]);
    if (!v || *v < 1 || *v > 1000000) {
      config::Diagnostics diag;
      diag.error({"<command line>", 1, 1}, "--batch", fmt::format("expected an integer >= 1, found \"{}\"", flags["--batch"]));
      print_diagnostics(diag);
      return 2;
    }
    in.batch = static_cast<int>(*v);
  }
  config::Diagnostics diag;
  if (!importers::import_pipeedge(in, flags["--out"], diag)) {
    print_diagnostics(diag);
    return 2;
  }
  std::cout << "wrote " << flags["--out"] << "/platform.yaml, model.yaml, scenario.yaml\n"
            << "note: PipeEdge has no power figures: platform.yaml sets idle 0 W, busy 0 W (edit before reading energy)\n";
  return 0;
}

const char* kOnnxUsage = "edgesplit import onnx FILE.onnx --out MODEL.yaml [--input-shape C,H,W]";

// `import onnx`: an ONNX file to a layer-table model, written whole or not at all.
int import_onnx_file(const Args& args) {
  std::string file, out, shape_text;
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto value = [&](const char* flag) {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value\nusage: {}", flag, kOnnxUsage));
      return args[++i];
    };
    if (args[i] == "--out") {
      out = value("--out");
    } else if (args[i] == "--input-shape") {
      shape_text = value("--input-shape");
    } else if (!args[i].empty() && args[i][0] == '-') {
      throw UsageError(fmt::format("unknown option \"{}\"\nusage: {}", args[i], kOnnxUsage));
    } else if (file.empty()) {
      file = args[i];
    } else {
      throw UsageError(fmt::format("unexpected argument \"{}\"\nusage: {}", args[i], kOnnxUsage));
    }
  }
  if (file.empty() || out.empty()) throw UsageError(fmt::format("needs FILE.onnx and --out\nusage: {}", kOnnxUsage));
  std::optional<std::vector<int64_t>> shape;
  if (!shape_text.empty()) {
    std::vector<int64_t> dims;
    std::size_t start = 0;
    while (start <= shape_text.size()) {
      std::size_t end = shape_text.find(',', start);
      if (end == std::string::npos) end = shape_text.size();
      auto d = config::scalar_to_int(shape_text.substr(start, end - start));
      if (!d || *d < 1)
        throw UsageError(fmt::format("--input-shape: expected positive integers such as 3,224,224, found \"{}\"", shape_text));
      dims.push_back(*d);
      start = end + 1;
    }
    shape = dims;
  }
  const model::Graph g = importers::import_onnx(file, shape);  // InputError: located, exit 2
  const std::string tmp = out + ".tmp";
  {
    std::ofstream os(tmp);
    os << config::model_to_yaml(g);
    if (!os) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, out);
  std::cout << fmt::format("wrote {}: {} layers, {} params, {} MACs per sample\n", out, g.size(), g.total_params(),
                           g.total_macs());
  return 0;
}

}  // namespace

int cmd_import(const Args& args) {
  if (args.empty()) throw UsageError(std::string("expected pipeedge or onnx\n") + kPipeEdgeUsage);
  if (args[0] == "onnx") return import_onnx_file(args);
  if (args[0] != "pipeedge") throw UsageError(fmt::format("expected pipeedge or onnx, found \"{}\"", args[0]));
  return import_pipeedge(args);
}

}  // namespace edgesplit::cli
