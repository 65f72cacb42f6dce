// Link data-phase accounting (see accounting.hpp).
#include "sim/runtime/accounting.hpp"

namespace edgesplit::runtime {

void LinkUsage::transfer_start(const std::vector<int>& links, double data_start_s, double bytes) {
  for (int l : links) {
    Link& k = links_.at(static_cast<std::size_t>(l));
    k.pending.push(data_start_s);
    k.bytes += bytes;
  }
}

void LinkUsage::transfer_end(const std::vector<int>& links, double t_s) {
  for (int l : links) {
    Link& k = links_.at(static_cast<std::size_t>(l));
    while (!k.pending.empty() && k.pending.top() <= t_s) {
      k.busy.begin(k.pending.top());
      k.pending.pop();
    }
    k.busy.end(t_s);
  }
}

void LinkUsage::transfer_abort(const std::vector<int>& links, double data_start_s, double t_s) {
  if (data_start_s <= t_s) return transfer_end(links, t_s);
  for (int l : links) {
    auto& pending = links_.at(static_cast<std::size_t>(l)).pending;
    std::vector<double> kept;
    bool dropped = false;
    while (!pending.empty()) {
      const double x = pending.top();
      pending.pop();
      if (!dropped && x == data_start_s)
        dropped = true;
      else
        kept.push_back(x);
    }
    for (double x : kept) pending.push(x);
  }
}

}  // namespace edgesplit::runtime
