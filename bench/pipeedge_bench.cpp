// Benchmark (not a test): pipeedge's DP on PipeEdge's imported ViT-Base (48 layers) with K
// distinct device types of one host each, types derived by scaling the two measured profiles.
// Usage: pipeedge_bench [K...] (default 8 12 16). Prints seconds and the process's peak RSS.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "partitioners/pipeedge.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/importers/pipeedge_import.hpp"

using namespace edgesplit;

int main(int argc, char** argv) {
  const std::string data = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/pipeedge/";
  const std::string name = "google/vit-base-patch16-224";
  importers::PipeEdgeImportArgs in{data + "models.yml", data + "device_types.yml", data + "devices.yml", name, 8};
  const auto dir = (std::filesystem::temp_directory_path() / fmt::format("edgesplit-bench-{}", ::getpid())).string();
  config::Diagnostics diag;
  if (!importers::import_pipeedge(in, dir, diag)) {
    std::cerr << diag.format();
    return 2;
  }
  auto base = config::load_platform(dir + "/platform.yaml", diag);
  auto model = config::load_model(dir + "/model.yaml", diag);
  std::filesystem::remove_all(dir);
  if (!base || !model) {
    std::cerr << diag.format();
    return 2;
  }
  std::vector<int> ks;
  for (int i = 1; i < argc; ++i) ks.push_back(std::stoi(argv[i]));
  if (ks.empty()) ks = {8, 12, 16};
  const std::vector<std::string> measured{"Minnowboard-E3845", "RCC-VE-C2000"};
  for (int k : ks) {
    config::Platform p;
    p.links = {};
    for (int t = 0; t < k; ++t) {
      // Type t: measured profile t % 2, slowed by 1 + 0.05 x (t / 2) (a distinct profile per type).
      config::DeviceType dt = base->device_types.at(measured[static_cast<std::size_t>(t % 2)]);
      dt.name = fmt::format("type{}", t);
      const double factor = 1.0 + 0.05 * (t / 2);
      for (auto& x : dt.profiles.at(name).time_s) x *= factor;
      p.device_types[dt.name] = dt;
      config::Host h;
      h.name = fmt::format("host{}", t);
      h.type = dt.name;
      h.link = h.name + "-link";
      p.hosts.push_back(h);
      config::Link link;
      link.name = h.link;
      link.bandwidth_Bps = 1000.0 * 1048576 / 8;
      p.links.push_back(link);
    }
    cost::ProfileCost cost(*model, p, 8, name);
    config::Options options;
    partition::Problem problem{*model, partition::host_views(p), cost, 8, 2, partition::Objective::Throughput, options, "", ""};
    const auto t0 = std::chrono::steady_clock::now();
    auto plan = partition::pipeedge_info().make(options)->partition(problem);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::cout << fmt::format("types {:2d}: {:.3f} s, bottleneck {:.6f} s over {} stages, peak RSS so far {:.1f} MiB\n", k,
                             seconds, plan.predicted_bottleneck_s, plan.stages.size(),
                             static_cast<double>(ru.ru_maxrss) / 1024.0);
  }
  return 0;
}
