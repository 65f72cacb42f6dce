// Measures the `ilp` partitioner (CBC solve time, status, gap) on zoo models over an edge
// platform built in code: resnet50 at block granularity on 3 and 4 hosts, vgg16 and resnet50
// at layer granularity, for one request's latency and (objective: throughput) for the period.
// Usage: ilp_bench [time_limit_s [case [cold]]], where `case` runs only the cases whose label
// (model-hosts-granularity-preload|ondemand|throughput, e.g. resnet50-3-block-preload) contains
// it, and adds resnet50 at layer granularity and vgg16 and resnet50 on 4 hosts to the candidates;
// `cold` sets warm_start: false (CBC without the local-search start). A report, not a test.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "partitioners/ilp.hpp"
#include "sim/cost/cost_model.hpp"
#include "sim/model/zoo.hpp"

namespace es = edgesplit;

namespace {

struct Device {
  std::string name;
  double speed_flops, memory_bytes, bandwidth_Bps, latency_s;
};

// Figures as in platforms/edge-hub-cloud.yaml (effective speeds; Wi-Fi 100 Mbps / 2 ms,
// Gigabit Ethernet / 0.1 ms).
const std::vector<Device> kDevices = {
    {"xavier", 590e9, 8.0 * (1ull << 30), 125e6, 1e-4},
    {"hub", 3.6e12, 16.0 * (1ull << 30), 125e6, 1e-4},
    {"nano", 118e9, 4.0 * (1ull << 30), 12.5e6, 2e-3},
    {"rpi", 7.2e9, 4.0 * (1ull << 30), 12.5e6, 2e-3},
};

es::config::Platform platform(std::size_t n) {
  es::config::Platform p;
  p.path = "<bench>";
  for (std::size_t i = 0; i < n; ++i) {
    const Device& d = kDevices[i];
    es::config::DeviceType t;
    t.name = d.name + "-type";
    t.speed_flops = d.speed_flops;
    t.memory_bytes = d.memory_bytes;
    p.device_types[t.name] = t;
    es::config::Link l;
    l.name = d.name + "-link";
    l.bandwidth_Bps = d.bandwidth_Bps;
    l.latency_s = d.latency_s;
    p.links.push_back(l);
    es::config::Host h;
    h.name = d.name;
    h.type = t.name;
    h.link = l.name;
    p.hosts.push_back(h);
  }
  return p;
}

es::config::Node scalar(const std::string& text, const std::string& key) {
  return es::config::scalar_node(text, "partitioner.options." + key);
}

// ILP_BENCH_THREADS=N: the ilp's `threads` option (default 1).
std::string threads() {
  const char* t = std::getenv("ILP_BENCH_THREADS");
  return t ? t : "1";
}

void run(const std::string& model_name, std::size_t hosts, const std::string& granularity, bool preload,
         const std::string& objective, const std::string& time_limit, bool cold) {
  const auto graph = *es::model::zoo_model(model_name);
  const auto plat = platform(hosts);
  const es::cost::AnalyticCost cost(graph, plat, 1);
  const es::config::Options options({{"granularity", scalar(granularity, "granularity")},
                                     {"preload", scalar(preload ? "true" : "false", "preload")},
                                     {"objective", scalar(objective, "objective")},
                                     {"warm_start", scalar(cold ? "false" : "true", "warm_start")},
                                     {"time_limit_s", scalar(time_limit, "time_limit_s")},
                                     {"threads", scalar(threads(), "threads")}});
  const es::partition::Problem problem{graph, es::partition::host_views(plat), cost, 1, 2,
                                       es::partition::Objective::Latency, options, "", ""};
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  const auto plan = es::partition::ilp_info().make(options)->partition(problem);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Process CPU time: on a shared machine it varies far less than wall-clock time.
  const double cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::string hosts_used;
  for (const auto& s : plan.stages) hosts_used += plan.stages.size() > 12 ? "" : plat.hosts[static_cast<std::size_t>(s.hosts[0].host)].name + " ";
  const bool throughput = objective == "throughput";
  fmt::print("{:9} {} hosts {:5} {} layers={:3} groups={:3} status={:8} gap={:.2e} solve={:7.3f}s wall={:7.3f}s cpu={:7.3f}s "
             "{}={:.6f}s start={:.6f}s stages={} [{}]\n",
             model_name, hosts, granularity, throughput ? "throughput   " : fmt::format("preload={:5}", preload), graph.size(),
             plan.notes.at("groups"), plan.notes.at("status"), std::stod(plan.notes.at("gap")),
             std::stod(plan.notes.at("solve_time_s")), wall_s, cpu_s, throughput ? "period" : "latency",
             throughput ? plan.predicted_bottleneck_s : plan.predicted_latency_s,
             std::stod(plan.notes.at(throughput ? "start_period_s" : "start_latency_s")), plan.stages.size(), hosts_used);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string limit = argc > 1 ? argv[1] : "30";
  const std::string only = argc > 2 ? argv[2] : "";  // run only the cases whose label contains this
  const bool cold = argc > 3 && std::string(argv[3]) == "cold";
  struct Case {
    std::string model;
    std::size_t hosts;
    std::string granularity;
    bool preload;
    std::string objective = "latency";
  };
  std::vector<Case> cases;
  for (bool preload : {true, false}) {
    cases.push_back({"resnet50", 2, "block", preload});
    cases.push_back({"resnet50", 3, "block", preload});
    cases.push_back({"resnet50", 4, "block", preload});
    cases.push_back({"vgg16", 3, "layer", preload});
  }
  // objective: throughput (the period; weight loading does not enter it).
  cases.push_back({"vgg16", 3, "layer", true, "throughput"});
  cases.push_back({"resnet50", 3, "block", true, "throughput"});
  if (!only.empty()) {
    cases.push_back({"resnet50", 3, "layer", true});
    cases.push_back({"vgg16", 4, "layer", true});
    cases.push_back({"vgg16", 4, "layer", true, "throughput"});
    cases.push_back({"resnet50", 4, "block", true, "throughput"});
    cases.push_back({"resnet50", 3, "layer", true, "throughput"});
  }
  for (const auto& c : cases) {
    const std::string label = fmt::format("{}-{}-{}-{}", c.model, c.hosts, c.granularity,
                                          c.objective == "throughput" ? "throughput" : c.preload ? "preload" : "ondemand");
    if (!only.empty() && label.find(only) == std::string::npos) continue;
    run(c.model, c.hosts, c.granularity, c.preload, c.objective, limit, cold);
  }
  return 0;
}
