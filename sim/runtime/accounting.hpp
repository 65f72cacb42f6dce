// Busy-time bookkeeping of hosts and links (union of busy intervals), for energy.csv and link energy.
// Pure (no SimGrid).
#pragma once

#include <cstddef>
#include <functional>
#include <queue>
#include <vector>

namespace edgesplit::runtime {

/// Union of the intervals during which at least one activity runs; begin/end in time order.
class BusyUnion {
 public:
  void begin(double t_s) {
    if (active_++ == 0) since_s_ = t_s;
  }
  void end(double t_s) {
    if (--active_ == 0) busy_s_ += t_s - since_s_;
  }
  double busy_s() const { return busy_s_; }

 private:
  int active_ = 0;
  double since_s_ = 0;
  double busy_s_ = 0;
};

/// Per link: the time during which at least one transfer crossing it (in either direction) is in
/// its data phase, i.e. between the transfer's start + its route's latency and its end, and the
/// bytes carried. A data phase begins in the future when the transfer starts, so pending begins are
/// kept in a min-heap and applied when an end at a later or equal time is processed.
class LinkUsage {
 public:
  explicit LinkUsage(std::size_t links) : links_(links) {}
  /// A transfer of `bytes` crossing `links` whose data phase begins at data_start_s.
  void transfer_start(const std::vector<int>& links, double data_start_s, double bytes);
  /// That transfer ended at t_s (calls in time order).
  void transfer_end(const std::vector<int>& links, double t_s);
  /// That transfer was cut at t_s (its actor killed by a failure): ends its data phase, or drops
  /// it when it had not begun (data_start_s > t_s).
  void transfer_abort(const std::vector<int>& links, double data_start_s, double t_s);
  double busy_s(int link) const { return links_.at(static_cast<std::size_t>(link)).busy.busy_s(); }
  double bytes(int link) const { return links_.at(static_cast<std::size_t>(link)).bytes; }

 private:
  struct Link {
    BusyUnion busy;
    double bytes = 0;
    std::priority_queue<double, std::vector<double>, std::greater<>> pending;
  };
  std::vector<Link> links_;
};

}  // namespace edgesplit::runtime
