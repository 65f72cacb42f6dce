// Typed platform -> SimGrid hosts, links and routes, built in code (no XML), plus the engine
// settings of the network model and the host energy plugin.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <simgrid/forward.h>

#include "sim/config/platform.hpp"

namespace edgesplit::platform {

class Profiles;  // sim/platform/profiles.hpp

/// The SimGrid objects standing for one config::Platform (indices match its hosts and links).
struct BuiltPlatform {
  std::vector<simgrid::s4u::Host*> hosts;  ///< hosts[i] is platform.hosts[i]
  std::vector<simgrid::s4u::Link*> links;  ///< links[i] is platform.links[i] (a SplitDuplexLink for splitduplex)
};

/// Speed SimGrid gives a device type (flop/s of the whole device): speed_flops, or for a CIM
/// device without one 2 x macs_per_s (as the analytic cost model), else 1 Gflop/s. The runtime
/// executes compute_s x this speed, so only the ratio matters for time.
double host_speed_flops(const config::DeviceType& type);

/// Index of host h's access link in platform.links: its `link`, else the generated "<name>-link";
/// -1 when neither exists.
int access_link_index(const config::Platform& platform, int h);

/// True for an access link generated from a device type's bandwidth (a host names no link and
/// the link is "<host>-link"). Its power is counted in the device's power figure.
bool is_generated_access_link(const config::Platform& platform, int link);

/// Checks that every device type used by a host and every declared link has a power figure;
/// throws config::InputError (key "device_types.<t>.power" or "links[<i>].power") otherwise.
/// Generated access links without power draw 0 W (the device's power includes its network interface).
void check_power(const config::Platform& platform);

/// Engine-wide settings; call after the Engine exists and before build().
/// network_model "exact": CM02, no cross-traffic, TCP-gamma 0, so a transfer of B bytes alone
/// takes sum of latencies + B / smallest bandwidth (notes/simgrid-3.32.md section 5).
/// "simgrid": SimGrid's defaults (LV08). Anything else: std::invalid_argument.
/// Also initialises the host energy plugin (it must precede the first host).
void configure_engine(const std::string& network_model);

/// Builds the platform in one full zone. Hosts get per-core speed = speed_flops / cores, `cores`
/// cores and wattage_per_state "idle:idle+(busy-idle)/cores:busy" (linear in the cores in use).
/// Links: splitduplex (default), shared or fatpipe, with bandwidth and latency. Routes are added
/// for the ordered host pairs in `pairs` (every ordered pair when empty) and cross exactly the
/// links of platform.route(a, b). Direction on a split-duplex link: UP when it is a's access link,
/// DOWN when it is b's, otherwise UP when an explicit route declares a -> b and DOWN when it
/// declares b -> a (UP when neither). Call check_power() first.
/// With `profiles`, each host and link gets its dynamics profiles before sealing, and the
/// controller host is added when profiles->add_controller_host is wanted (with_controller).
BuiltPlatform build(const config::Platform& platform, const std::vector<std::pair<int, int>>& pairs,
                    Profiles* profiles = nullptr, bool with_controller = false);

}  // namespace edgesplit::platform
