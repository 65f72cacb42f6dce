// SimGrid profiles from the scenario's `dynamics:` (bandwidth, latency, background load, failures):
// series generated lazily while the simulation runs, attached to hosts and links before they seal.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <simgrid/forward.h>

#include "sim/config/scenario.hpp"
#include "sim/traces/dynamics.hpp"
#include "sim/traces/series.hpp"

namespace edgesplit::platform {

/// One dynamics entry resolved against the platform: which host or link, what, and its series.
struct ResolvedDynamics {
  std::string target_kind;  ///< "host" | "link"
  int target = -1;          ///< index into platform.hosts or platform.links
  std::string what;         ///< bandwidth | latency | load | fail
  traces::DynamicsSpec spec;
  std::size_t entry = 0;    ///< index in scenario.dynamics
};

/// The profiles of one run. Series are unbounded in time: SimGrid asks for more events each time
/// a profile runs out (ProfileBuilder::from_callback), and each request doubles the horizon up to
/// which the series (loops, random walks) is expanded, so any run length is covered exactly.
class Profiles {
 public:
  /// Resolves every entry of scenario.dynamics (using `parsed`, or parsing `spec` when the scenario
  /// was built by hand). Throws config::InputError for an unknown target or a bad value.
  explicit Profiles(const config::Scenario& scenario);

  bool empty() const { return entries_.empty(); }
  const std::vector<ResolvedDynamics>& entries() const { return entries_; }

  /// Attaches the speed and state profiles of platform host h (call before the host is sealed).
  void attach_host(int h, simgrid::s4u::Host* host) const;
  /// Attaches the bandwidth, latency and state profiles of platform link l (before sealing).
  void attach_link(int l, simgrid::s4u::Link* link) const;
  /// Creates, in `zone` before it seals, the host that runs the run's controller: outside the
  /// platform, never failing, never communicating. Only when needs_controller().
  void add_controller_host(simgrid::s4u::NetZone* zone);
  simgrid::s4u::Host* controller_host() const { return controller_host_; }

  /// Series of a what on a target, or nullptr (the last entry wins when several apply).
  const traces::DynamicsSpec* find(const std::string& target_kind, int target, const std::string& what) const;
  /// Whether host h / link l is up at time t_s according to its fail series (true without one).
  bool host_up_at(int h, double t_s) const;
  bool link_up_at(int l, double t_s) const;
  /// Earliest time >= t_s at which host h (link l) is up; +infinity when it never comes back.
  double host_up_from(int h, double t_s) const;
  double link_up_from(int l, double t_s) const;
  /// The on_failure of the fail entries on host h / link l, else the scenario's.
  traces::OnFailure on_failure_of(const std::string& target_kind, int target) const;
  /// True when some entry can stop a host or link (a fail entry).
  bool has_failures() const;

 private:
  std::vector<ResolvedDynamics> entries_;
  traces::OnFailure default_on_failure_ = traces::OnFailure::Drop;
  simgrid::s4u::Host* controller_host_ = nullptr;
};

/// Whether a link carries traffic: both directions of a split-duplex link must be on (its own
/// is_on() does not follow the state profiles of its directions).
bool link_is_on(const simgrid::s4u::Link* link);

/// Earliest time >= t_s at which the series takes a value > 0.5 (an up state); +infinity if never.
double up_from(const traces::Series& s, double t_s);

}  // namespace edgesplit::platform
