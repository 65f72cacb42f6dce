// Measurements -> estimates -> estimated platform and cost model (see adapt.hpp).
#include "sim/runtime/adapt.hpp"

#include <algorithm>
#include <cmath>

namespace edgesplit::runtime {

Estimates nominal_estimates(const config::Platform& platform) {
  Estimates e;
  for (const config::Link& l : platform.links) e.link_bandwidth_Bps.push_back(l.bandwidth_Bps);
  e.host_speed_factor.assign(platform.hosts.size(), 1.0);
  e.host_measured.assign(platform.hosts.size(), false);
  e.host_up.assign(platform.hosts.size(), true);
  e.link_up.assign(platform.links.size(), true);
  return e;
}

double relative_change(const Estimates& now, const Estimates& basis) {
  double worst = 0;
  auto cmp = [&](const std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (b[i] > 0) worst = std::max(worst, std::abs(a[i] - b[i]) / b[i]);
  };
  cmp(now.link_bandwidth_Bps, basis.link_bandwidth_Bps);
  cmp(now.host_speed_factor, basis.host_speed_factor);
  return worst;
}

double Estimator::Window::rate() const {
  double amount = 0, seconds = 0;
  for (const auto& [a, s] : obs) {
    amount += a;
    seconds += s;
  }
  return seconds > 0 ? amount / seconds : 0;
}

Estimator::Estimator(const config::Platform& platform, int window)
    : window_(std::max(1, window)), now_(nominal_estimates(platform)), hosts_(platform.hosts.size()) {}

void Estimator::observe_transfer(const std::vector<int>& links, double bytes, double data_s) {
  if (links.empty() || bytes <= 0 || data_s <= 0) return;
  Window& w = routes_[links];
  w.obs.emplace_back(bytes, data_s);
  while (static_cast<int>(w.obs.size()) > window_) w.obs.pop_front();
  const double rate = w.rate();
  auto& bw = now_.link_bandwidth_Bps;
  int slowest = links.front();
  for (int l : links)
    if (bw[static_cast<std::size_t>(l)] < bw[static_cast<std::size_t>(slowest)]) slowest = l;
  for (int l : links) bw[static_cast<std::size_t>(l)] = std::max(bw[static_cast<std::size_t>(l)], rate);
  bw[static_cast<std::size_t>(slowest)] = rate;
}

void Estimator::observe_compute(int host, double nominal_s, double actual_s) {
  if (nominal_s <= 0 || actual_s <= 0) return;
  Window& w = hosts_.at(static_cast<std::size_t>(host));
  w.obs.emplace_back(nominal_s, actual_s);
  while (static_cast<int>(w.obs.size()) > window_) w.obs.pop_front();
  now_.host_speed_factor[static_cast<std::size_t>(host)] = w.rate();
  now_.host_measured[static_cast<std::size_t>(host)] = true;
}

config::Platform estimated_platform(const config::Platform& platform, const Estimates& est) {
  config::Platform p = platform;
  for (std::size_t l = 0; l < p.links.size() && l < est.link_bandwidth_Bps.size(); ++l) {
    // A failed link is priced as nearly unusable rather than removed (routes stay valid).
    const double bw = est.link_bandwidth_Bps[l];
    p.links[l].bandwidth_Bps = est.link_up[l] ? std::max(bw, 1e-6) : 1e-6;
  }
  return p;
}

EstimatedCost::EstimatedCost(const cost::CostModel& base, const config::Platform& estimated, const Estimates& est)
    : cost::CostModel(base.graph(), estimated, base.batch()), base_(base) {
  factor_ = est.host_speed_factor;
  measured_ = est.host_measured;
  for (std::size_t h = 0; h < factor_.size(); ++h) {
    if (!(factor_[h] > 0)) factor_[h] = 1e-9;
    if (h < est.host_up.size() && !est.host_up[h]) factor_[h] = 1e-9;
  }
}

double EstimatedCost::compute_s(model::LayerId l, int host) const {
  return base_.compute_s(l, host) / factor_.at(static_cast<std::size_t>(host));
}

}  // namespace edgesplit::runtime
