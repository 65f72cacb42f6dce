// Dynamics -> SimGrid profiles, generated lazily (ProfileBuilder::from_callback) so loops and
// random walks cover runs of any length (notes/simgrid-3.32.md section 4).
#include "sim/platform/profiles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/kernel/ProfileBuilder.hpp>
#include <simgrid/s4u.hpp>

namespace edgesplit::platform {

namespace sg4 = simgrid::s4u;
using simgrid::kernel::profile::DatedValue;
using simgrid::kernel::profile::ProfileBuilder;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
/// First horizon of a lazily expanded series; each refill doubles it.
constexpr double kFirstHorizon_s = 64.0;
/// Past this horizon a series is taken as constant (about 31,700 years of simulated time).
constexpr double kLastHorizon_s = 1e12;

/// True when the series can still change after time h_s.
bool changes_after(const traces::DynamicsSpec& spec, const traces::Series& s, double h_s) {
  if (spec.process && spec.process->process == "random_walk") {
    const auto& w = spec.process->walk;
    return w.step > 0 && w.max > w.min;
  }
  const bool constant = std::all_of(s.values.begin(), s.values.end(), [&](double v) { return v == s.values[0]; });
  if (constant) return false;
  if (s.end == traces::EndMode::Loop) return true;
  return h_s < s.offset_s + s.span_s;
}

/// Feeds one profile: each call appends the changes of the next, doubled, horizon. DatedValue
/// dates are delays since the previous event (the first one since t = 0).
class LazySeries {
 public:
  explicit LazySeries(traces::DynamicsSpec spec) : spec_(std::move(spec)) {}
  void fill(std::vector<DatedValue>& out) {
    while (!done_) {
      const double from_s = horizon_s_;
      horizon_s_ = horizon_s_ == 0 ? kFirstHorizon_s : 2 * horizon_s_;
      const traces::Series s = traces::materialize(spec_, horizon_s_);
      bool added = false;
      for (const auto& [t, v] : traces::changes(s, horizon_s_)) {
        if (started_ && t < from_s) continue;
        out.emplace_back(t - last_s_, v);
        last_s_ = t;
        started_ = true;
        added = true;
      }
      if (!changes_after(spec_, s, horizon_s_) || horizon_s_ >= kLastHorizon_s) done_ = true;
      if (added) return;
    }
  }

 private:
  traces::DynamicsSpec spec_;
  double horizon_s_ = 0, last_s_ = 0;
  bool started_ = false, done_ = false;
};

simgrid::kernel::profile::Profile* make_profile(const std::string& name, const traces::DynamicsSpec& spec) {
  auto lazy = std::make_shared<LazySeries>(spec);
  return ProfileBuilder::from_callback(name, [lazy](std::vector<DatedValue>& out) { lazy->fill(out); }, -1);
}

double state_up_from(const traces::DynamicsSpec* spec, double t_s) {
  return spec ? up_from(traces::materialize(*spec, std::max(t_s, 1.0) * 2 + kFirstHorizon_s), t_s) : t_s;
}

}  // namespace

bool link_is_on(const sg4::Link* link) {
  if (const auto* sd = dynamic_cast<const sg4::SplitDuplexLink*>(link))
    return sd->get_link_up()->is_on() && sd->get_link_down()->is_on();
  return link->is_on();
}

double up_from(const traces::Series& s, double t_s) {
  if (traces::value_at(s, t_s) > 0.5) return t_s;
  // Walk the change points after t_s; loops repeat, so one period past t_s suffices.
  const double horizon_s = std::max(t_s, s.offset_s) + s.span_s + (s.end == traces::EndMode::Loop ? s.span_s : 0) + 1;
  for (const auto& [t, v] : traces::changes(s, horizon_s))
    if (t > t_s && v > 0.5) return t;
  return kInf;
}

Profiles::Profiles(const config::Scenario& scenario) {
  default_on_failure_ = scenario.on_failure == "retry" ? traces::OnFailure::Retry : traces::OnFailure::Drop;
  const config::Platform& p = scenario.platform;
  const std::string dir = [&] {
    const auto slash = scenario.path.find_last_of('/');
    return slash == std::string::npos ? std::string() : scenario.path.substr(0, slash);
  }();
  for (std::size_t i = 0; i < scenario.dynamics.size(); ++i) {
    const config::DynamicsEntry& d = scenario.dynamics[i];
    const std::string key = fmt::format("dynamics[{}]", i);
    ResolvedDynamics r;
    r.target_kind = d.target_kind;
    r.what = d.what;
    r.entry = i;
    r.target = d.target_kind == "link" ? p.link_index(d.target) : p.host_index(d.target);
    if (r.target < 0)
      throw config::InputError(config::Diagnostic{
          d.loc, key + "." + d.target_kind, fmt::format("expected a {} of the platform, found \"{}\"", d.target_kind, d.target)});
    if (d.parsed) {
      r.spec = *d.parsed;
    } else {
      config::Diagnostics diags;
      auto spec = traces::parse_dynamics(d.what, d.spec, dir, diags, scenario.seed);
      if (!spec) {
        const auto& items = diags.items();
        if (!items.empty()) throw config::InputError(items.front());
        throw config::InputError(config::Diagnostic{d.loc, key, "invalid dynamics entry"});
      }
      r.spec = std::move(*spec);
    }
    for (const ResolvedDynamics& o : entries_)
      if (o.target_kind == r.target_kind && o.target == r.target && o.what == r.what)
        throw config::InputError(config::Diagnostic{
            d.loc, key, fmt::format("expected one {} entry per {}, found a second one for \"{}\" (the first is dynamics[{}])",
                                    r.what, r.target_kind, d.target, o.entry)});
    entries_.push_back(std::move(r));
  }
}

const traces::DynamicsSpec* Profiles::find(const std::string& target_kind, int target, const std::string& what) const {
  for (const ResolvedDynamics& r : entries_)
    if (r.target_kind == target_kind && r.target == target && r.what == what) return &r.spec;
  return nullptr;
}

void Profiles::attach_host(int h, sg4::Host* host) const {
  if (const auto* s = find("host", h, "load"))
    host->set_speed_profile(make_profile(fmt::format("edgesplit-host{}-load", h), *s));
  if (const auto* s = find("host", h, "fail"))
    host->set_state_profile(make_profile(fmt::format("edgesplit-host{}-fail", h), *s));
}

void Profiles::attach_link(int l, sg4::Link* link) const {
  if (const auto* s = find("link", l, "bandwidth"))
    link->set_bandwidth_profile(make_profile(fmt::format("edgesplit-link{}-bandwidth", l), *s));
  if (const auto* s = find("link", l, "latency"))
    link->set_latency_profile(make_profile(fmt::format("edgesplit-link{}-latency", l), *s));
  if (const auto* s = find("link", l, "fail")) {
    // SimGrid 3.32 aborts ("Unknown event!") on a state profile set on a split-duplex link
    // itself: set one on each direction instead.
    if (auto* sd = dynamic_cast<sg4::SplitDuplexLink*>(link)) {
      sd->get_link_up()->set_state_profile(make_profile(fmt::format("edgesplit-link{}-fail-up", l), *s));
      sd->get_link_down()->set_state_profile(make_profile(fmt::format("edgesplit-link{}-fail-down", l), *s));
    } else {
      link->set_state_profile(make_profile(fmt::format("edgesplit-link{}-fail", l), *s));
    }
  }
}

void Profiles::add_controller_host(sg4::NetZone* zone) {
  controller_host_ = zone->create_host("edgesplit-controller", 1e9);
  controller_host_->set_property("wattage_per_state", "0:0:0");
  controller_host_->seal();
}

bool Profiles::host_up_at(int h, double t_s) const {
  const auto* s = find("host", h, "fail");
  return !s || traces::value_at(traces::materialize(*s, t_s + 1), t_s) > 0.5;
}

bool Profiles::link_up_at(int l, double t_s) const {
  const auto* s = find("link", l, "fail");
  return !s || traces::value_at(traces::materialize(*s, t_s + 1), t_s) > 0.5;
}

double Profiles::host_up_from(int h, double t_s) const { return state_up_from(find("host", h, "fail"), t_s); }
double Profiles::link_up_from(int l, double t_s) const { return state_up_from(find("link", l, "fail"), t_s); }

traces::OnFailure Profiles::on_failure_of(const std::string& target_kind, int target) const {
  if (const auto* s = find(target_kind, target, "fail"))
    if (s->on_failure) return *s->on_failure;
  return default_on_failure_;
}

bool Profiles::has_failures() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const ResolvedDynamics& r) { return r.what == "fail"; });
}

}  // namespace edgesplit::platform
