// Placement bounds of the `ilp` partitioner (docs/ILP.md "Placement bounds"): for each group
// and candidate host, a lower bound on one request's latency (schedule.hpp's rules) over every
// assignment that puts the group on that host. Before the solve, the ILP fixes x[g][k] = 0 where
// the bound exceeds the start solution's latency, which removes hosts that cannot pay off (a
// host behind a slow link) without cutting any assignment at least as good as the start.
#pragma once

#include <cstddef>
#include <vector>

#include "partitioners/partitioner.hpp"
#include "partitioners/schedule.hpp"

namespace edgesplit::partition {

struct PlacementProblem {
  const Problem& p;
  WeightOptions w;
  std::vector<int> hosts;                  ///< candidate k -> index into Problem::hosts
  std::vector<int> group_of;               ///< layer -> group (the layers of a group share a host)
  std::size_t groups = 0;
  std::vector<std::vector<char>> allowed;  ///< [g][k]: group g may go on candidate k
};

/// [g][k]: a lower bound, in seconds, on one_request_latency_s over every assignment that puts
/// group g on candidate k and each group on an allowed candidate; +inf where g may not go on k.
std::vector<std::vector<double>> placement_bounds_s(const PlacementProblem& pp);

}  // namespace edgesplit::partition
