// pipeedge: PipeEdge's throughput DP (Hu et al., DSD 2022) over contiguous layer ranges and
// device types, exact and fast (see chain_dp.hpp); objective latency sums stages instead.
#include "partitioners/pipeedge.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"

namespace edgesplit::partition {

namespace {

class PipeEdge : public Partitioner {
 public:
  Plan partition(const Problem& p) const override {
    const auto settings = chain::settings_from(p);
    const std::string objective = chain::has_option(p.options, "objective") ? p.options.get_string("objective") : "throughput";
    if (objective != "throughput" && objective != "latency")
      throw chain::option_error(p.options, "objective", fmt::format("expected throughput or latency, found \"{}\"", objective));
    if (p.graph.size() == 0) throw std::invalid_argument("pipeedge: the model has no layers");
    const auto c = chain::build_chain(p, settings);
    const auto sol = objective == "latency" ? chain::min_additive(c, chain::Additive::Latency, chain::kInf, 0)
                                            : chain::min_bottleneck(c);
    if (!sol.feasible) {
      InfeasibleReason r;
      r.message = fmt::format("pipeedge: no plan fits the devices' memory ({} layers, {} hosts of {} types)",
                              c.layers, p.hosts.size(), c.types());
      throw Infeasible({r});
    }
    Plan plan = chain::to_plan(p, c, sol.stages, "pipeedge");
    plan.notes["objective"] = objective;
    plan.notes["dp_value_s"] = fmt::format("{}", sol.value);
    return plan;
  }
};

}  // namespace

PartitionerInfo pipeedge_info() {
  auto options = chain::chain_option_specs();
  options.push_back({"objective", OptionType::Enum, "throughput",
                     "throughput: least slowest stage; latency: least sum of compute + send", {"throughput", "latency"}, false});
  return {"pipeedge",
          "PipeEdge DP: contiguous stages on device types, least slowest stage (exact)",
          options,
          [](const Options&) { return std::make_unique<PipeEdge>(); }};
}

}  // namespace edgesplit::partition
