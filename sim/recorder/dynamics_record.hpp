// What a run with dynamics and adaptation hands the recorder at the end: traces used, bandwidth
// changes applied, failed and retried requests, re-plans. No SimGrid here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "partitioners/partitioner.hpp"

namespace edgesplit::recorder {

/// One trace file a dynamics entry read (summary.json `traces`).
struct TraceRecord {
  std::string target;  ///< host or link name
  std::string what;    ///< bandwidth | latency | load | fail
  std::string path, format, sha256;
  double mean = 0;     ///< mean rate (B/s), latency (s), speed fraction or up fraction
};

/// A bandwidth SimGrid applied to a link (links.csv).
struct LinkChange {
  double time_s = 0;
  int link = 0;  ///< index into platform.links
  double bandwidth_Bps = 0;
};

/// One invocation of the partitioner by the adaptation controller (plan.json `replans`).
struct ReplanRecord {
  double time_s = 0;
  std::string reason;                      ///< periodic | on-change | failure | recovery
  double predicted_bottleneck_before_s = 0;  ///< the running plan under the new estimates
  double predicted_bottleneck_after_s = 0;   ///< the new plan under the same estimates
  double migration_s = 0;                  ///< weight transfers before the new plan ran
  double migration_bytes = 0;
  bool applied = false;                    ///< false: the plan kept (no gain, or infeasible)
  std::string note;                        ///< why not applied, when not
  partition::Plan plan;                    ///< the partitioner's answer (empty stages if none)
};

struct DynamicsOutcome {
  std::vector<TraceRecord> traces;
  std::vector<LinkChange> link_changes;  ///< in time order; t = 0 entries override the nominal value
  int64_t requests_failed = 0;
  int64_t requests_retried = 0;
  std::vector<ReplanRecord> replans;
  std::string adapt_policy = "none";
  std::string replan_switch = "drain";  ///< how a new plan is applied
};

}  // namespace edgesplit::recorder
