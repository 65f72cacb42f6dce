// neurosurgeon (Kang et al., ASPLOS 2017): the best single split in topological order between a
// mobile device and a server, for latency or for the device's energy.
#include <limits>

#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

class NeurosurgeonPartitioner : public Partitioner {
 public:
  explicit NeurosurgeonPartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    const int device = required_host(p, "device");
    const int server = required_host(p, "server");
    if (server == device)
      util::fail(*util::option(options_, "server"),
                 fmt::format("expected a host other than the device, found \"{}\"", p.hosts[static_cast<std::size_t>(server)].name));
    std::string objective = util::string_option(options_, "objective", "");
    if (objective.empty()) objective = p.objective == Objective::Energy ? "energy" : "latency";
    if (objective != "latency" && objective != "energy")
      util::fail(*util::option(options_, "objective"),
                 fmt::format("expected one of latency, energy, found \"{}\"", objective));
    const bool energy = objective == "energy";

    // The input starts on the mobile device (Neurosurgeon's setting) unless a source is named.
    Problem q = p;
    if (q.source_host.empty()) q.source_host = p.hosts[static_cast<std::size_t>(device)].name;

    const std::size_t L = p.graph.size();
    std::optional<Plan> best;
    double best_value = std::numeric_limits<double>::infinity();
    std::vector<InfeasibleReason> reasons;
    for (std::size_t split = 0; split <= L; ++split) {  // layers [0, split) on the device
      std::vector<model::LayerId> front, back;
      for (std::size_t l = 0; l < L; ++l) (l < split ? front : back).push_back(l);
      std::vector<Stage> stages;
      if (!front.empty()) stages.push_back(util::single_host_stage(device, std::move(front)));
      if (!back.empty()) stages.push_back(util::single_host_stage(server, std::move(back)));
      auto why = check_memory(q, stages);
      if (!why.empty()) {
        if (split == 0 || split == L) reasons.insert(reasons.end(), why.begin(), why.end());
        continue;
      }
      Plan plan = util::make_plan(q, "neurosurgeon", std::move(stages));
      const double value = energy ? device_energy_j(q, plan, device) : plan.predicted_latency_s;
      // Ties: the lower latency, then the earlier split (less work on the device).
      if (!best || value < best_value || (value == best_value && plan.predicted_latency_s < best->predicted_latency_s)) {
        best_value = value;
        best = std::move(plan);
        best->notes["split_after"] = std::to_string(split);
      }
    }
    if (!best) {
      reasons.push_back({-1, "", 0, 0,
                         fmt::format("none of the {} splits between {} and {} fits their memory", L + 1,
                                     p.hosts[static_cast<std::size_t>(device)].name,
                                     p.hosts[static_cast<std::size_t>(server)].name)});
      throw Infeasible(std::move(reasons));
    }
    best->notes["objective"] = objective;
    best->notes["input_from"] = q.source_host;
    return *best;
  }

  /// Energy spent by the device for one inference: compute energy of its layers plus the
  /// transfer energy of what it sends (the input when everything runs on the server).
  static double device_energy_j(const Problem& q, const Plan& plan, int device) {
    double e = 0;
    const bool device_stage = plan.stages.front().hosts.front().host == device;
    if (device_stage) {
      for (auto l : plan.stages.front().layers) e += q.cost.compute_energy_j(l, device);
      auto bytes = stage_send_bytes(q, plan.stages, 0);
      for (std::size_t d = 0; d < plan.stages.size(); ++d)
        if (bytes[d] > 0) e += q.cost.send_energy_j(bytes[d], device, plan.stages[d].hosts.front().host);
    }
    const int source = util::host_index(q, q.source_host);
    if (source == device) {
      for (const auto& s : plan.stages)
        if (stage_reads_input(q, s) && s.hosts.front().host != device)
          e += q.cost.send_energy_j(q.graph.input_bytes(q.batch), device, s.hosts.front().host);
    }
    return e;
  }

 private:
  int required_host(const Problem& p, const std::string& name) const {
    const config::Node* n = util::option(options_, name);
    if (!n)
      util::fail_missing(name, fmt::format("missing key \"{}\"", name));
    return util::resolve_host(p, *n);
  }

  Options options_;
};

}  // namespace

PartitionerInfo neurosurgeon_info() {
  PartitionerInfo info;
  info.name = "neurosurgeon";
  info.summary = "best single split between a device and a server (Kang et al., ASPLOS 2017)";
  info.options = {
      {"device", OptionType::Host, "", "the mobile device: runs the first layers, holds the input", {}, true},
      {"server", OptionType::Host, "", "the server: runs the remaining layers", {}, true},
      {"objective", OptionType::Enum, "",
       "latency or energy (device compute + transmit energy); default: the scenario's objective",
       {"latency", "energy"}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<NeurosurgeonPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
