// Builds the SimGrid platform from the typed platform: one full zone, explicit routes.
#include "sim/platform/platform_builder.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>

#include "sim/cost/cost_model.hpp"
#include "sim/platform/profiles.hpp"

namespace edgesplit::platform {

namespace sg4 = simgrid::s4u;

double host_speed_flops(const config::DeviceType& type) {
  if (type.speed_flops > 0) return type.speed_flops;
  if (type.kind == "cim" && type.macs_per_s > 0) return 2.0 * type.macs_per_s;
  return 1e9;
}

int access_link_index(const config::Platform& platform, int h) {
  const config::Host& host = platform.hosts.at(static_cast<std::size_t>(h));
  return platform.link_index(host.link.empty() ? host.name + "-link" : host.link);
}

bool is_generated_access_link(const config::Platform& platform, int link) {
  const config::Link& l = platform.links.at(static_cast<std::size_t>(link));
  // The loader names a generated link "<host>-link", gives it the host entry's location and
  // sets the host's link to it; a declared link of that name has its own location.
  for (const config::Host& h : platform.hosts)
    if (h.name + "-link" == l.name &&
        (h.link.empty() || (h.link == l.name && h.loc.line == l.loc.line && h.loc.file == l.loc.file)))
      return true;
  return false;
}

void check_power(const config::Platform& platform) {
  for (const config::Host& h : platform.hosts) {
    auto it = platform.device_types.find(h.type);
    if (it == platform.device_types.end())
      throw std::invalid_argument(fmt::format("host {} has an unknown type {}", h.name, h.type));
    if (!it->second.power)
      throw config::InputError(config::Diagnostic{
          it->second.loc, "device_types." + h.type + ".power",
          fmt::format("missing power figure {{idle, busy}} of device type {} (host {}): needed for energy", h.type,
                      h.name)});
  }
  for (std::size_t i = 0; i < platform.links.size(); ++i) {
    const config::Link& l = platform.links[i];
    if (!l.power && !is_generated_access_link(platform, static_cast<int>(i)))
      throw config::InputError(config::Diagnostic{
          l.loc, fmt::format("links[{}].power", i),
          fmt::format("missing power figure {{idle, busy}} of link {}: needed for energy", l.name)});
  }
}

void configure_engine(const std::string& network_model) {
  if (network_model == "exact") {
    // CM02: latency and bandwidth factors 1, weight-S 0; no 5% reverse cross-traffic; gamma 0
    // removes the TCP window cap gamma / (2 x latency) (notes section 4 and 5).
    sg4::Engine::set_config("network/model:CM02");
    sg4::Engine::set_config("network/crosstraffic:0");
    sg4::Engine::set_config("network/TCP-gamma:0");
  } else if (network_model != "simgrid") {
    throw std::invalid_argument(fmt::format("unknown network model \"{}\" (expected exact or simgrid)", network_model));
  }
  sg_host_energy_plugin_init();
}

namespace {

sg4::LinkInRoute::Direction direction(const config::Platform& p, int link, int a, int b) {
  using D = sg4::LinkInRoute::Direction;
  if (access_link_index(p, a) == link) return D::UP;
  if (access_link_index(p, b) == link) return D::DOWN;
  // A CIM device's traffic crosses the access link of the host it is attached to.
  const std::string& oa = p.hosts[static_cast<std::size_t>(a)].attached_to;
  const std::string& ob = p.hosts[static_cast<std::size_t>(b)].attached_to;
  if (!oa.empty() && p.host_index(oa) >= 0 && access_link_index(p, p.host_index(oa)) == link) return D::UP;
  if (!ob.empty() && p.host_index(ob) >= 0 && access_link_index(p, p.host_index(ob)) == link) return D::DOWN;
  const std::string& la = p.hosts[static_cast<std::size_t>(a)].name;
  const std::string& lb = p.hosts[static_cast<std::size_t>(b)].name;
  for (const config::Route& r : p.routes) {
    if (r.from == la && r.to == lb) return D::UP;
    if (r.from == lb && r.to == la) return D::DOWN;
  }
  return D::UP;
}

}  // namespace

BuiltPlatform build(const config::Platform& platform, const std::vector<std::pair<int, int>>& pairs,
                    Profiles* profiles, bool with_controller) {
  BuiltPlatform out;
  sg4::NetZone* zone = sg4::create_full_zone("world");
  for (const config::Host& h : platform.hosts) {
    const config::DeviceType& t = platform.type_of(h);
    const int cores = t.cores > 0 ? t.cores : 1;
    sg4::Host* sh = zone->create_host(h.name, host_speed_flops(t) / cores);
    sh->set_core_count(cores);
    config::Power pw = t.power.value_or(config::Power{});
    pw.busy_w = cost::busy_power_w(t);  // CIM: idle + energy_per_mac x macs_per_s (docs/CIM.md)
    // Host energy plugin: idle, one core busy, all cores busy; linear in between, so the power is
    // idle + (busy - idle) x (cores in use / cores).
    sh->set_property("wattage_per_state",
                     fmt::format("{}:{}:{}", pw.idle_w, pw.idle_w + (pw.busy_w - pw.idle_w) / cores, pw.busy_w));
    if (profiles) profiles->attach_host(static_cast<int>(out.hosts.size()), sh);
    sh->seal();
    out.hosts.push_back(sh);
  }
  for (const config::Link& l : platform.links) {
    sg4::Link* sl = nullptr;
    if (l.sharing == "splitduplex") {
      sl = zone->create_split_duplex_link(l.name, l.bandwidth_Bps);
    } else if (l.sharing == "shared" || l.sharing == "fatpipe") {
      sl = zone->create_link(l.name, l.bandwidth_Bps);
      sl->set_sharing_policy(l.sharing == "shared" ? sg4::Link::SharingPolicy::SHARED
                                                   : sg4::Link::SharingPolicy::FATPIPE);
    } else {
      throw std::invalid_argument(
          fmt::format("link {}: unknown sharing \"{}\" (expected splitduplex, shared or fatpipe)", l.name, l.sharing));
    }
    sl->set_latency(l.latency_s);
    if (profiles) profiles->attach_link(static_cast<int>(out.links.size()), sl);
    sl->seal();
    out.links.push_back(sl);
  }
  auto add = [&](int a, int b) {
    if (a == b) return;  // same host: SimGrid's loopback, and the runtime sends 0 bytes
    std::vector<sg4::LinkInRoute> route;
    for (int li : platform.route(a, b)) {
      const config::Link& l = platform.links.at(static_cast<std::size_t>(li));
      if (l.sharing == "splitduplex")
        route.emplace_back(out.links[static_cast<std::size_t>(li)], direction(platform, li, a, b));
      else
        route.emplace_back(out.links[static_cast<std::size_t>(li)]);
    }
    zone->add_route(out.hosts[static_cast<std::size_t>(a)]->get_netpoint(),
                    out.hosts[static_cast<std::size_t>(b)]->get_netpoint(), nullptr, nullptr, route, false);
  };
  if (pairs.empty()) {
    const int n = static_cast<int>(platform.hosts.size());
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) add(a, b);
  } else {
    for (const auto& [a, b] : pairs) add(a, b);
  }
  if (profiles && with_controller) profiles->add_controller_host(zone);
  zone->seal();
  return out;
}

}  // namespace edgesplit::platform
