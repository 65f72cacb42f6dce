// `edgesplit models [NAME] [--csv]`: the built-in zoo and its layer tables.
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/diagnostics.hpp"
#include "sim/config/loader.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::cli {

int cmd_models(const Args& args) {
  const char* usage = "edgesplit models [NAME] [--csv]";
  std::string name;
  bool csv = false;
  for (const auto& a : args) {
    if (a == "--csv") {
      csv = true;
    } else if (!a.empty() && a[0] == '-') {
      throw UsageError(fmt::format("unknown option \"{}\"\nusage: {}", a, usage));
    } else if (name.empty()) {
      name = a;
    } else {
      throw UsageError(fmt::format("unexpected argument \"{}\"\nusage: {}", a, usage));
    }
  }
  if (name.empty()) {
    if (csv) throw UsageError(fmt::format("--csv needs a model NAME\nusage: {}", usage));
    std::cout << fmt::format("{:<14} {:>7} {:>14} {:>16}  {}\n", "name", "layers", "params", "macs", "description");
    for (const auto& n : model::zoo_names()) {
      auto g = model::zoo_model(n);
      std::cout << fmt::format("{:<14} {:>7} {:>14} {:>16}  {}\n", n, g->size(), g->total_params(), g->total_macs(),
                               model::zoo_summary(n));
    }
    return 0;
  }
  auto g = model::zoo_model(name);
  if (!g) {
    std::cerr << fmt::format("edgesplit models: unknown model \"{}\"; expected one of {}{}\n", name,
                             fmt::join(model::zoo_names(), ", "), [&] {
                               std::string d = config::did_you_mean(name, model::zoo_names());
                               return d.empty() ? std::string() : " (" + d + ")";
                             }());
    return 2;
  }
  if (csv) {
    std::cout << config::model_to_csv(*g);
    return 0;
  }
  std::cout << fmt::format("{}: {}; {} layers, {} params, {} MACs per sample (input {})\n", name,
                           model::zoo_summary(name), g->size(), g->total_params(), g->total_macs(),
                           fmt::join(g->input_shape(), "x"));
  std::cout << fmt::format("{:<28} {:<8} {:>16} {:>14} {:>12}\n", "layer", "type", "output", "macs", "params");
  for (const auto& l : g->layers()) {
    std::cout << fmt::format("{:<28} {:<8} {:>16} {:>14} {:>12}\n", l.name, l.type, fmt::join(l.output_shape, "x"),
                             l.macs, l.params);
  }
  return 0;
}

}  // namespace edgesplit::cli
