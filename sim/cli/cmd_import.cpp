// `edgesplit import pipeedge ...`: PipeEdge's scheduler files to edgesplit files (FORMATS.md);
// `import onnx` is a later issue.
#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
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

}  // namespace

int cmd_import(const Args& args) {
  if (args.empty()) throw UsageError(std::string("expected pipeedge or onnx\n") + kPipeEdgeUsage);
  if (args[0] == "onnx") {
    std::cerr << "edgesplit: import onnx: not available yet (ONNX import is a later issue)\n";
    return 2;
  }
  if (args[0] != "pipeedge") throw UsageError(fmt::format("expected pipeedge or onnx, found \"{}\"", args[0]));
  return import_pipeedge(args);
}

}  // namespace edgesplit::cli
