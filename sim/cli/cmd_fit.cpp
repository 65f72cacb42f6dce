// `edgesplit fit-latency`: fit the FCPM latency regression from a samples CSV (or generate samples
// from a generator spec) and print its accuracy on held-out samples (docs/OFPM.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "sim/cli/commands.hpp"
#include "sim/cli/common.hpp"
#include "sim/config/node.hpp"
#include "sim/cost/regression.hpp"

namespace edgesplit::cli {

namespace {

bool write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) return false;
    out << text;
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int cmd_fit_latency(const Args& args) {
  const char* usage =
      "edgesplit fit-latency SAMPLES.csv --out MODEL.yaml [--seed N] [--holdout F] [--no-load]\n"
      "       edgesplit fit-latency --generate GEN.yaml --out SAMPLES.csv";
  std::string input, out, generate;
  cost::FitOptions opt;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value\nusage: {}", a, usage));
      return args[++i];
    };
    if (a == "--out") {
      out = value();
    } else if (a == "--generate") {
      generate = value();
    } else if (a == "--seed") {
      auto v = config::scalar_to_int(value());
      if (!v || *v < 0) throw UsageError(fmt::format("--seed: expected an integer >= 0, found \"{}\"", args[i]));
      opt.seed = static_cast<uint64_t>(*v);
    } else if (a == "--holdout") {
      auto v = config::scalar_to_double(value());
      if (!v || *v <= 0 || *v >= 1) throw UsageError(fmt::format("--holdout: expected a fraction in (0, 1), found \"{}\"", args[i]));
      opt.holdout = *v;
    } else if (a == "--no-load") {
      opt.use_load = false;
    } else if (!a.empty() && a[0] == '-') {
      throw UsageError(fmt::format("unknown option \"{}\"\nusage: {}", a, usage));
    } else if (input.empty()) {
      input = a;
    } else {
      throw UsageError(fmt::format("unexpected argument \"{}\"\nusage: {}", a, usage));
    }
  }
  if (out.empty()) throw UsageError(fmt::format("--out is required\nusage: {}", usage));
  if (generate.empty() == input.empty()) throw UsageError(fmt::format("give SAMPLES.csv or --generate GEN.yaml\nusage: {}", usage));

  if (!generate.empty()) {
    auto spec = cost::load_generator_spec(generate);
    auto samples = cost::generate_latency_samples(spec);
    std::ostringstream text;
    cost::write_latency_csv(text, samples);
    if (!write_file(out, text.str())) {
      std::cerr << fmt::format("edgesplit fit-latency: cannot write {}\n", out);
      return 1;
    }
    std::cout << fmt::format("wrote {} samples ({} device types, seed {}) to {}\n", samples.size(), spec.devices.size(),
                             spec.seed, out);
    return 0;
  }

  auto samples = cost::read_latency_csv(input);
  cost::FitReport rep;
  try {
    rep = cost::fit_latency(samples, opt);
  } catch (const std::invalid_argument& e) {
    std::cerr << fmt::format("{}: error: {}\n", input, e.what());
    return 2;
  }
  if (!write_file(out, rep.model.to_yaml())) {
    std::cerr << fmt::format("edgesplit fit-latency: cannot write {}\n", out);
    return 1;
  }
  std::cout << fmt::format("{} samples: {} for fitting, {} held out (seed {}); load {}\n", samples.size(), rep.train,
                           rep.test, opt.seed, opt.use_load ? "used" : "left out");
  std::cout << fmt::format("{:<20} {:<11} {:>12} {:>18}\n", "device_type", "form", "cv_accuracy", "holdout_accuracy");
  for (const auto& [dev, d] : rep.model.devices) {
    auto it = rep.device_accuracy.find(dev);
    std::cout << fmt::format("{:<20} {:<11} {:>12.4f} {:>18}\n", dev, cost::form_name(d.form), d.cv_accuracy,
                             it == rep.device_accuracy.end() ? std::string("-") : fmt::format("{:.4f}", it->second));
  }
  std::cout << fmt::format("accuracy (1 - mean relative error) on held-out samples: {:.4f}\n", rep.holdout_accuracy);
  std::cout << fmt::format("model written to {}\n", out);
  return 0;
}

}  // namespace edgesplit::cli
