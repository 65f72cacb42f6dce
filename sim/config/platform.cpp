// Platform look-ups and default routing (explicit route, else each host's access link).
#include "sim/config/platform.hpp"

#include <algorithm>
#include <limits>

namespace edgesplit::config {

const Host* Platform::find_host(const std::string& name) const {
  const int i = host_index(name);
  return i < 0 ? nullptr : &hosts[static_cast<std::size_t>(i)];
}

const Link* Platform::find_link(const std::string& name) const {
  const int i = link_index(name);
  return i < 0 ? nullptr : &links[static_cast<std::size_t>(i)];
}

int Platform::host_index(const std::string& name) const {
  for (std::size_t i = 0; i < hosts.size(); ++i)
    if (hosts[i].name == name) return static_cast<int>(i);
  return -1;
}

int Platform::link_index(const std::string& name) const {
  for (std::size_t i = 0; i < links.size(); ++i)
    if (links[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<int> Platform::route(int a, int b) const {
  std::vector<int> out;
  const int n = static_cast<int>(hosts.size());
  if (a == b || a < 0 || b < 0 || a >= n || b >= n) return out;
  const Host& ha = hosts[static_cast<std::size_t>(a)];
  const Host& hb = hosts[static_cast<std::size_t>(b)];
  for (const auto& r : routes) {
    const bool forward = r.from == ha.name && r.to == hb.name;
    const bool backward = r.from == hb.name && r.to == ha.name;
    if (!forward && !backward) continue;
    for (const auto& l : r.links) {
      const int li = link_index(l);
      if (li >= 0) out.push_back(li);
    }
    if (backward) std::reverse(out.begin(), out.end());
    return out;
  }
  // Access links; a host naming none uses its generated private link "<host>-link".
  const int la = link_index(ha.link.empty() ? ha.name + "-link" : ha.link);
  const int lb = link_index(hb.link.empty() ? hb.name + "-link" : hb.link);
  if (la >= 0) out.push_back(la);
  if (lb >= 0 && lb != la) out.push_back(lb);
  return out;
}

double Platform::route_latency_s(int a, int b) const {
  double sum = 0;
  for (int l : route(a, b)) sum += links[static_cast<std::size_t>(l)].latency_s;
  return sum;
}

double Platform::route_bandwidth_Bps(int a, int b) const {
  double bw = std::numeric_limits<double>::infinity();
  for (int l : route(a, b)) bw = std::min(bw, links[static_cast<std::size_t>(l)].bandwidth_Bps);
  return bw;
}

}  // namespace edgesplit::config
