// Earliest-start one-request schedule with weight loading (rules in schedule.hpp); the `ilp`
// partitioner's objective and the oracle of its tests.
#include "partitioners/schedule.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace edgesplit::partition {

double weight_load_s(const Problem& p, model::LayerId l, int host, const WeightOptions& w) {
  const double bytes = p.graph.weight_bytes(l);
  if (bytes <= 0) return 0.0;
  if (w.weights_from >= 0 && w.weights_from != host) return p.cost.send_s(bytes, w.weights_from, host);
  return bytes / w.load_bandwidth_Bps;
}

double activation_transfer_s(const Problem& p, model::LayerId u, int from, int to) {
  if (from == to) return 0.0;
  return p.cost.send_s(p.graph.output_bytes(u, p.batch), from, to);
}

namespace {
int host_named(const Problem& p, const std::string& name) {
  if (name.empty()) return -1;
  for (const auto& h : p.hosts)
    if (h.name == name) return h.index;
  throw std::invalid_argument("no host named \"" + name + "\"");
}
}  // namespace

double input_arrival_s(const Problem& p, int host) {
  const int source = host_named(p, p.source_host);
  if (source < 0) return 0.0;
  return p.cost.send_s(p.graph.input_bytes(p.batch), source, host);
}

double output_delivery_s(const Problem& p, model::LayerId o, int host) {
  const int sink = host_named(p, p.sink_host);
  if (sink < 0) return 0.0;
  return p.cost.send_s(p.graph.output_bytes(o, p.batch), host, sink);
}

Schedule one_request_schedule(const Problem& p, const std::vector<int>& device_of_layer, const WeightOptions& w) {
  const std::size_t n = p.graph.size();
  if (device_of_layer.size() != n)
    throw std::invalid_argument("schedule: expected " + std::to_string(n) + " hosts (one per layer), got " +
                                std::to_string(device_of_layer.size()));
  const int hosts = static_cast<int>(p.hosts.size());
  for (int d : device_of_layer)
    if (d < 0 || d >= hosts) throw std::invalid_argument("schedule: host index " + std::to_string(d) + " out of range");
  if (!(w.load_bandwidth_Bps > 0)) throw std::invalid_argument("schedule: load bandwidth must be positive");

  Schedule s;
  s.inputs_ready_s.assign(n, 0.0);
  s.load_start_s.assign(n, 0.0);
  s.weight_ready_s.assign(n, 0.0);
  s.start_s.assign(n, 0.0);
  s.finish_s.assign(n, 0.0);
  std::vector<double> compute_free(static_cast<std::size_t>(hosts), 0.0);  // end of the last layer run
  std::vector<double> load_free(static_cast<std::size_t>(hosts), 0.0);     // end of the last load

  for (std::size_t l = 0; l < n; ++l) {
    const int d = device_of_layer[l];
    const auto du = static_cast<std::size_t>(d);
    double ready = 0.0;
    for (model::LayerId u : p.graph.layer(l).inputs) {
      const double arrival = u == model::kInput
                                 ? input_arrival_s(p, d)
                                 : s.finish_s[u] + activation_transfer_s(p, u, device_of_layer[u], d);
      ready = std::max(ready, arrival);
    }
    s.inputs_ready_s[l] = ready;
    if (p.graph.weight_bytes(l) > 0) {
      // One loading channel per host, in id order; without pre-loading it also waits for the inputs.
      const double start = w.preload ? load_free[du] : std::max(load_free[du], ready);
      s.load_start_s[l] = start;
      s.weight_ready_s[l] = start + weight_load_s(p, l, d, w);
      load_free[du] = s.weight_ready_s[l];
    }
    s.start_s[l] = std::max({ready, s.weight_ready_s[l], compute_free[du]});
    s.finish_s[l] = s.start_s[l] + p.cost.compute_s(l, d);
    compute_free[du] = s.finish_s[l];
  }
  for (model::LayerId o : p.graph.outputs())
    s.latency_s = std::max(s.latency_s, s.finish_s[o] + output_delivery_s(p, o, device_of_layer[o]));
  return s;
}

double one_request_latency_s(const Problem& p, const std::vector<int>& device_of_layer, const WeightOptions& w) {
  return one_request_schedule(p, device_of_layer, w).latency_s;
}

std::vector<double> weight_bytes_per_host(const Problem& p, const std::vector<int>& device_of_layer) {
  std::vector<double> out(p.hosts.size(), 0.0);
  for (std::size_t l = 0; l < device_of_layer.size() && l < p.graph.size(); ++l)
    out.at(static_cast<std::size_t>(device_of_layer[l])) += p.graph.weight_bytes(l);
  return out;
}

bool weights_fit(const Problem& p, const std::vector<int>& device_of_layer) {
  const auto bytes = weight_bytes_per_host(p, device_of_layer);
  for (std::size_t h = 0; h < bytes.size(); ++h)
    if (p.hosts[h].memory_bytes > 0 && bytes[h] > p.hosts[h].memory_bytes) return false;
  return true;
}

}  // namespace edgesplit::partition
