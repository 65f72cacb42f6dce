// Predicted latency of vgg16 on four heterogeneous edge devices over Wi-Fi (scenarios/ofpm/
// edge4-wifi.platform.yaml): ofpm and fpm against the best vertical-only plan (the same DP with
// every stage on one host) and the best single host, across Wi-Fi bandwidths. Not a test:
//   build/tests/ofpm/ofpm_bench [MODEL]      (default vgg16; the input comes from and the result
//   returns to the rpi3 camera board)
#include <iostream>

#include <fmt/format.h>

#include "partitioners/ofpm.hpp"
#include "sim/config/loader.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/model/zoo.hpp"

using namespace edgesplit;

int main(int argc, char** argv) {
  const std::string model_name = argc > 1 ? argv[1] : "vgg16";
  auto g = model::zoo_model(model_name);
  if (!g) {
    std::cerr << "unknown zoo model " << model_name << "\n";
    return 2;
  }
  config::Diagnostics d;
  auto plat = config::load_platform(std::string(EDGESPLIT_SOURCE_DIR) + "/scenarios/ofpm/edge4-wifi.platform.yaml", d);
  if (!plat) {
    std::cerr << d.format();
    return 2;
  }
  std::cout << fmt::format("{} on {} hosts over shared Wi-Fi (2 ms), input from and result to rpi3; predicted latency, s\n",
                           model_name, plat->hosts.size());
  std::cout << fmt::format("{:>9} {:>10} {:>10} {:>10} {:>10} {:>8}  {}\n", "Mbps", "single", "vertical", "fpm", "ofpm",
                           "speedup", "ofpm split stages (host:rows)");
  for (double mbps : {5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0}) {
    auto p = *plat;
    p.links[static_cast<std::size_t>(p.link_index("wifi"))].bandwidth_Bps = mbps * 1e6 / 8;
    cost::AnalyticCost cost(*g, p, 1);
    config::Options opts;
    partition::Problem prob{*g, partition::host_views(p), cost, 1, 2, partition::Objective::Latency, opts, "rpi3", "rpi3"};
    partition::hpm::Settings s;
    for (const auto& h : prob.hosts) s.hosts.push_back(h.index);
    s.load.assign(prob.hosts.size(), 0.0);
    double single = 1e300;
    for (int h : s.hosts) {
      auto one = s;
      one.hosts = {h};
      one.allow_split = false;
      one.name = "single";
      single = std::min(single, partition::hpm::plan_hpm(prob, one).predicted_latency_s);
    }
    auto v = s;
    v.name = "vertical";
    v.allow_split = false;
    auto f = s;
    f.name = "fpm";
    auto o = s;
    o.name = "ofpm";
    o.balanced = true;
    const auto pv = partition::hpm::plan_hpm(prob, v);
    const auto pf = partition::hpm::plan_hpm(prob, f);
    const auto po = partition::hpm::plan_hpm(prob, o);
    std::string splits;
    for (const auto& st : po.stages) {
      if (st.bands.empty()) continue;
      splits += fmt::format("[{}..{}:", g->layer(st.layers.front()).name, g->layer(st.layers.back()).name);
      for (const auto& b : st.bands) splits += fmt::format(" {}:{}", p.hosts[static_cast<std::size_t>(b.host)].name, b.last_row - b.first_row + 1);
      splits += "] ";
    }
    std::cout << fmt::format("{:>9} {:>10.4f} {:>10.4f} {:>10.4f} {:>10.4f} {:>7.2f}x  {}\n", mbps, single,
                             pv.predicted_latency_s, pf.predicted_latency_s, po.predicted_latency_s,
                             pv.predicted_latency_s / po.predicted_latency_s, splits.empty() ? "-" : splits);
  }
  return 0;
}
