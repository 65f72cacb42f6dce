// edgesplit: command dispatcher. The only place that turns failures into exit codes (0/1/2/3).
#include <unistd.h>

#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/diagnostics.hpp"

namespace edgesplit::cli {

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "edgesplit";
  return std::string(buf, static_cast<std::size_t>(n));
}

namespace {
const char* kUsage =
    "usage: edgesplit COMMAND [ARGS]\n"
    "commands:\n"
    "  run SCENARIO.yaml [--out DIR] [--set KEY=VALUE]... [--seed N] [--quiet]   simulate a scenario\n"
    "  partition SCENARIO.yaml [--json] [--set KEY=VALUE]...                      plan only, no simulation\n"
    "  validate FILE.yaml...                                                      check scenarios, platforms, models, sweeps\n"
    "  sweep SWEEP.yaml --out DIR [--jobs N] [--shard K/N] [--resume] [--list]    run a grid of scenarios\n"
    "  sweep --collect DIR... [--out DIR]                                         merge shard outputs\n"
    "  models [NAME] [--csv]                                                      built-in models, or one's layer table\n"
    "  partitioners                                                               registered partitioners and options\n"
    "  import pipeedge --models M --device-types T --devices D --model NAME [--batch B] --out DIR\n"
    "  import onnx FILE.onnx --out MODEL.yaml [--input-shape C,H,W]\n"
    "  fit-latency SAMPLES.csv --out MODEL.yaml [--seed N] [--holdout F] [--no-load]   FCPM latency regression\n"
    "  fit-latency --generate GEN.yaml --out SAMPLES.csv                           synthetic latency samples\n"
    "exit codes: 0 success, 2 invalid input, 3 infeasible, 1 program fault\n";
}  // namespace

}  // namespace edgesplit::cli

int main(int argc, char** argv) {
  using namespace edgesplit::cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  if (std::string(argv[1]) == "--version") {
    std::cout << "edgesplit " << EDGESPLIT_VERSION << '\n';
    return 0;
  }
  const std::map<std::string, int (*)(const Args&)> commands = {
      {"run", cmd_run},       {"partition", cmd_partition}, {"validate", cmd_validate},
      {"sweep", cmd_sweep},   {"models", cmd_models},       {"partitioners", cmd_partitioners},
      {"import", cmd_import}, {"fit-latency", cmd_fit_latency},
  };
  auto it = commands.find(argv[1]);
  if (it == commands.end()) {
    std::cerr << "edgesplit: unknown command \"" << argv[1] << "\"\n" << kUsage;
    return 2;
  }
  try {
    return it->second(Args(argv + 2, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "edgesplit " << argv[1] << ": " << e.what() << '\n';
    return 2;
  } catch (const edgesplit::config::InputError& e) {
    std::cerr << e.diagnostic().format() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "edgesplit: internal error: " << e.what() << '\n';
    return 1;
  }
}
