// single: every layer on the one host that serves the objective best among those whose memory
// holds the whole model (the baseline every other partitioner is compared with).
#include <numeric>

#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

class SinglePartitioner : public Partitioner {
 public:
  explicit SinglePartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    std::vector<int> candidates;
    if (auto list = util::host_list(p, options_, "hosts")) {
      candidates = *list;
    } else {
      for (const auto& h : p.hosts) candidates.push_back(h.index);
    }
    std::vector<model::LayerId> all(p.graph.size());
    std::iota(all.begin(), all.end(), model::LayerId{0});

    std::vector<InfeasibleReason> reasons;
    std::optional<Plan> best;
    for (int h : candidates) {
      std::vector<Stage> stages{util::single_host_stage(h, all)};
      auto why = check_memory(p, stages);
      if (!why.empty()) {
        reasons.insert(reasons.end(), why.begin(), why.end());
        continue;
      }
      Plan plan = util::make_plan(p, "single", std::move(stages));
      // Ties (e.g. identical hosts): the lower latency, then the first candidate.
      if (!best || util::objective_value(plan, p.objective) < util::objective_value(*best, p.objective) ||
          (util::objective_value(plan, p.objective) == util::objective_value(*best, p.objective) &&
           plan.predicted_latency_s < best->predicted_latency_s))
        best = std::move(plan);
    }
    if (!best) throw Infeasible(std::move(reasons));
    return *best;
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo single_info() {
  PartitionerInfo info;
  info.name = "single";
  info.summary = "the whole model on the one host that fits and serves the objective best";
  info.options = {
      {"hosts", OptionType::HostList, "", "candidate hosts (default: every host)", {}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<SinglePartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
