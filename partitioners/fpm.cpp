// fpm (Shen 2023): horizontal + vertical partitioning over homogeneous hosts: split runs of conv/pool
// layers get equal bands over every host; the DP of ofpm.hpp chooses the runs and where to fuse back.
#include "partitioners/ofpm.hpp"
#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

class FpmPartitioner : public Partitioner {
 public:
  explicit FpmPartitioner(Options options) : options_(std::move(options)) {}
  Plan partition(const Problem& p) const override {
    hpm::Settings s;
    s.name = "fpm";
    s.balanced = false;
    s.hosts = hpm::candidate_hosts(p, options_);
    s.load.assign(p.hosts.size(), 0.0);
    return hpm::plan_hpm(p, s);
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo fpm_info() {
  PartitionerInfo info;
  info.name = "fpm";
  info.summary = "horizontal+vertical split with equal bands over homogeneous hosts (Shen 2023)";
  info.options = {
      {"hosts", OptionType::HostList, "", "hosts that may run stages; split runs use all of them; default: all", {}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<FpmPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
