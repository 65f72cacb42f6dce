// `edgesplit import pipeedge` on PipeEdge's own example files: loadable output, byte and unit
// conversions, the refused upstream device list, and pipeedge's optimum on the 4 + 4 example
// checked by an independent enumeration of type sequences.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>

#include "partitioners/pipeedge.hpp"
#include "partitioners/evaluate.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/importers/pipeedge_import.hpp"

namespace edgesplit::importers {
namespace {

const std::string kData = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/pipeedge/";
const std::string kVitBase = "google/vit-base-patch16-224";

PipeEdgeImportArgs args_for(const std::string& devices, const std::string& model = kVitBase) {
  PipeEdgeImportArgs a;
  a.models_path = kData + "models.yml";
  a.device_types_path = kData + "device_types.yml";
  a.devices_path = kData + devices;
  a.model = model;
  return a;
}

std::string temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / fmt::format("edgesplit-partB-{}-{}", name, ::getpid());
  std::filesystem::remove_all(d);
  return d.string();
}

/// Least bottleneck by enumerating every type sequence (<= 4 of each type) and splitting the
/// chain optimally for it with a min-max DP; costs straight from the cost model, PipeEdge's
/// memory rule with 2 + 2 buffers. Independent of partitioners/chain_dp.
double oracle_bottleneck(const partition::Problem& p) {
  const auto& g = p.graph;
  const std::size_t l = g.size();
  std::vector<std::vector<int>> by_type(2);
  for (const auto& h : p.hosts) by_type[h.type == p.hosts.front().type ? 0 : 1].push_back(h.index);
  auto bytes_out = [&](std::size_t j) { return j == 0 ? g.input_bytes(p.batch) : g.output_bytes(j - 1, p.batch); };
  auto stage = [&](int host, std::size_t i, std::size_t j) {  // compute of [i, j) or +inf if it does not fit
    double w = 0, t = 0;
    for (std::size_t x = i; x < j; ++x) {
      w += g.weight_bytes(x);
      t += p.cost.compute_s(x, host);
    }
    const double mem = w + (i > 0 ? 2 * bytes_out(i) : 0.0) + 2 * bytes_out(j) + bytes_out(i) + bytes_out(j);
    return mem < p.hosts[static_cast<std::size_t>(host)].memory_bytes ? t : std::numeric_limits<double>::infinity();
  };
  double best = std::numeric_limits<double>::infinity();
  std::vector<int> seq;
  std::function<void(int, int)> go = [&](int used0, int used1) {
    if (!seq.empty()) {
      // Hosts in order of use per type.
      std::vector<int> hosts;
      int c0 = 0, c1 = 0;
      for (int t : seq) hosts.push_back(t == 0 ? by_type[0][static_cast<std::size_t>(c0++)] : by_type[1][static_cast<std::size_t>(c1++)]);
      const std::size_t k = seq.size();
      // f[s][j]: least max cost of stages 0..s-1 covering [0, j), stage s-1 ending at j (its send included).
      std::vector<std::vector<double>> f(k + 1, std::vector<double>(l + 1, std::numeric_limits<double>::infinity()));
      f[0][0] = 0;
      for (std::size_t s = 1; s <= k; ++s)
        for (std::size_t j = s; j <= l; ++j)
          for (std::size_t i = s - 1; i < j; ++i) {
            if (f[s - 1][i] == std::numeric_limits<double>::infinity()) continue;
            double c = stage(hosts[s - 1], i, j);
            if (s < k) c = std::max(c, p.cost.send_s(bytes_out(j), hosts[s - 1], hosts[s]));
            f[s][j] = std::min(f[s][j], std::max(f[s - 1][i], c));
          }
      best = std::min(best, f[k][l]);
    }
    if (used0 < static_cast<int>(by_type[0].size())) {
      seq.push_back(0);
      go(used0 + 1, used1);
      seq.pop_back();
    }
    if (used1 < static_cast<int>(by_type[1].size())) {
      seq.push_back(1);
      go(used0, used1 + 1);
      seq.pop_back();
    }
  };
  go(0, 0);
  return best;
}

TEST(PipeEdgeImport, WritesLoadableFilesWithPipeEdgeUnits) {
  config::Diagnostics diag;
  const auto dir = temp_dir("import");
  ASSERT_TRUE(import_pipeedge(args_for("devices.yml"), dir, diag)) << diag.format();
  auto platform = config::load_platform(dir + "/platform.yaml", diag);
  auto model = config::load_model(dir + "/model.yaml", diag);
  ASSERT_TRUE(platform && model) << diag.format();
  ASSERT_EQ(platform->hosts.size(), 8u);
  EXPECT_EQ(platform->hosts[4].name, "rcc-0");
  EXPECT_EQ(platform->hosts[4].type, "RCC-VE-C2000");
  // 1000 "Mbps" in PipeEdge = 1000 x 2^20 bit/s; 8192 "MB" = 8192 x 2^20 B.
  EXPECT_DOUBLE_EQ(platform->route_bandwidth_Bps(0, 4), 1000.0 * 1048576 / 8);
  EXPECT_DOUBLE_EQ(platform->device_types.at("RCC-VE-C2000").memory_bytes, 8192.0 * 1048576);
  ASSERT_TRUE(platform->device_types.at("Minnowboard-E3845").power.has_value());
  EXPECT_EQ(platform->device_types.at("Minnowboard-E3845").power->idle_w, 0.0);
  EXPECT_EQ(platform->device_types.at("RCC-VE-C2000").profiles.at(kVitBase).time_s.size(), 48u);
  EXPECT_EQ(platform->device_types.at("RCC-VE-C2000").profiles.at(kVitBase).time_s[0], 0.37087414264678953);
  ASSERT_EQ(model->size(), 48u);
  EXPECT_EQ(model->name(), kVitBase);
  EXPECT_EQ(model->layer(0).name, "layer1");
  EXPECT_DOUBLE_EQ(model->weight_bytes(0), 26.808319999999995 * 1048576);
  EXPECT_DOUBLE_EQ(model->output_bytes(0, 8), 4.0 * 302592 * 8);
  EXPECT_DOUBLE_EQ(model->input_bytes(1), 4.0 * 150528);
  std::ifstream pf(dir + "/platform.yaml");
  std::stringstream text;
  text << pf.rdbuf();
  EXPECT_NE(text.str().find("# no power figure in PipeEdge's files: edit before reading energy"), std::string::npos);

  auto scenario = config::load_scenario(dir + "/scenario.yaml", {}, partition::builtin_registry().catalog(), diag);
  ASSERT_TRUE(scenario) << diag.format();
  EXPECT_EQ(scenario->batch, 8);
  EXPECT_EQ(scenario->cost, "profile");
  EXPECT_EQ(scenario->partitioner.name, "pipeedge");

  // pipeedge on the 4 + 4 example: the optimum of an independent enumeration, and no worse than
  // the upstream example schedule (eight stages of six layers) under correct per-type costs.
  auto cost = cost::make_cost_model(*scenario);
  config::Options options(scenario->partitioner.options);
  partition::Problem p{scenario->model, partition::host_views(scenario->platform), *cost, scenario->batch, 2,
                       partition::Objective::Throughput, options, "", ""};
  auto plan = partition::pipeedge_info().make(options)->partition(p);
  const double oracle = oracle_bottleneck(p);
  EXPECT_NEAR(plan.predicted_bottleneck_s, oracle, 1e-12 * oracle);
  // Pinned once computed by oracle_bottleneck (batch 8, 2 + 2 buffers, PipeEdge's units).
  EXPECT_NEAR(oracle, 1.5487600088119509, 1e-12);
  partition::Plan upstream;
  for (int s = 0; s < 8; ++s) {
    partition::Stage st;
    st.hosts.push_back({s, 1.0});
    for (int x = 6 * s; x < 6 * s + 6; ++x) st.layers.push_back(static_cast<model::LayerId>(x));
    upstream.stages.push_back(st);
  }
  partition::evaluate(p, upstream);
  EXPECT_LE(plan.predicted_bottleneck_s, upstream.predicted_bottleneck_s);
  std::cout << fmt::format("ViT-Base on 4 mb + 4 rcc, batch 8: pipeedge bottleneck {} s over {} stages "
                           "(upstream example schedule: {} s)\n",
                           plan.predicted_bottleneck_s, plan.stages.size(), upstream.predicted_bottleneck_s);
  std::filesystem::remove_all(dir);
}

TEST(PipeEdgeImport, RefusesUnknownDeviceTypeWithLocatedError) {
  config::Diagnostics diag;
  const auto dir = temp_dir("refuse");
  EXPECT_FALSE(import_pipeedge(args_for("devices_upstream.yml"), dir, diag));
  const std::string text = diag.format();
  EXPECT_NE(text.find(kData + "devices_upstream.yml:7:1: error: RCC-VE-C2558: expected a device type of"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("did you mean \"RCC-VE-C2000\""), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(dir));  // nothing written
}

TEST(PipeEdgeImport, RefusesUnknownModelName) {
  config::Diagnostics diag;
  EXPECT_FALSE(convert_pipeedge(args_for("devices.yml", "google/vit-base-patch16-225"), diag).has_value());
  EXPECT_NE(diag.format().find("<command line>:1:1: error: --model:"), std::string::npos) << diag.format();
}

TEST(PipeEdgeImport, CommandLine) {
  const std::string bin = EDGESPLIT_BINARY;
  if (!std::filesystem::exists(bin)) GTEST_SKIP() << "edgesplit not built";
  const auto dir = temp_dir("cli");
  const std::string base = fmt::format("{} import pipeedge --models {}models.yml --device-types {}device_types.yml", bin, kData, kData);
  const std::string ok = fmt::format("{} --devices {}devices.yml --model {} --out {} > /dev/null", base, kData, kVitBase, dir);
  EXPECT_EQ(std::system(ok.c_str()), 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/scenario.yaml"));
  // Simulated run of the imported scenario: saturated pipeline at pipeedge's predicted period.
  const std::string run = fmt::format("{} run {}/scenario.yaml --out {}/out --set workload.requests=30 --quiet > /dev/null",
                                      bin, dir, dir);
  ASSERT_EQ(std::system(run.c_str()), 0);
  std::ifstream summary(dir + "/out/summary.json");
  std::stringstream json;
  json << summary.rdbuf();
  const auto at = json.str().find("\"throughput_rps\"");
  ASSERT_NE(at, std::string::npos) << json.str();
  const double throughput = std::stod(json.str().substr(json.str().find(':', at) + 1));
  EXPECT_NEAR(throughput, 1 / 1.5487600088119509, 1e-9);
  const std::string bad = fmt::format("{} --devices {}devices_upstream.yml --model {} --out {}-bad 2> {}-stderr", base,
                                      kData, kVitBase, dir, dir);
  const int rc = std::system(bad.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  std::ifstream err(dir + "-stderr");
  std::stringstream text;
  text << err.rdbuf();
  EXPECT_NE(text.str().find("devices_upstream.yml:7:1: error: RCC-VE-C2558:"), std::string::npos) << text.str();
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir + "-stderr");
}

}  // namespace
}  // namespace edgesplit::importers
