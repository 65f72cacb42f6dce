// Shared prediction of a plan (rules stated in evaluate.hpp): compute, sends, bottleneck,
// latency, energy and the memory check every partitioner applies.
#include "partitioners/evaluate.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace edgesplit::partition {

namespace {

int host_index(const Problem& p, const std::string& name) {
  for (const auto& h : p.hosts)
    if (h.name == name) return h.index;
  return -1;
}

double model_output_bytes(const Problem& p, const Stage& s) {
  double b = 0;
  for (auto l : s.layers)
    if (p.graph.consumers(l).empty()) b += p.graph.output_bytes(l, p.batch);
  return b;
}

/// Time for stage `from` to send `bytes` to host `to` (max over its hosts of their share).
double send_time(const Problem& p, const Stage& from, double bytes, int to) {
  double t = 0;
  for (const auto& hs : from.hosts) t = std::max(t, p.cost.send_s(hs.share * bytes, hs.host, to));
  return t;
}

double send_energy(const Problem& p, const Stage& from, double bytes, int to) {
  double e = 0;
  for (const auto& hs : from.hosts) e += p.cost.send_energy_j(hs.share * bytes, hs.host, to);
  return e;
}

void require_hosts(const Problem& p, const std::vector<Stage>& stages) {
  for (std::size_t k = 0; k < stages.size(); ++k) {
    if (stages[k].hosts.empty()) throw std::invalid_argument(fmt::format("stage {} has no host", k));
    for (const auto& hs : stages[k].hosts)
      if (hs.host < 0 || static_cast<std::size_t>(hs.host) >= p.hosts.size())
        throw std::invalid_argument(fmt::format("stage {} has host index {} out of range", k, hs.host));
  }
}

}  // namespace

std::vector<int> stage_of_layers(const Problem& p, const std::vector<Stage>& stages) {
  std::vector<int> stage_of(p.graph.size(), -1);
  for (std::size_t k = 0; k < stages.size(); ++k)
    for (auto l : stages[k].layers) {
      if (l >= p.graph.size()) throw std::invalid_argument(fmt::format("stage {} has layer id {} out of range", k, l));
      if (stage_of[l] != -1)
        throw std::invalid_argument(fmt::format("layer {} is in stages {} and {}", p.graph.layer(l).name, stage_of[l], k));
      stage_of[l] = static_cast<int>(k);
    }
  return stage_of;
}

bool stage_reads_input(const Problem& p, const Stage& stage) {
  for (auto l : stage.layers)
    for (auto in : p.graph.layer(l).inputs)
      if (in == model::kInput) return true;
  return false;
}

static std::vector<double> send_bytes_with(const Problem& p, const std::vector<Stage>& stages,
                                           const std::vector<int>& stage_of, std::size_t k) {
  std::vector<double> out(stages.size() + 1, 0.0);
  for (auto l : stages[k].layers) {
    std::set<int> dests;
    for (auto c : p.graph.consumers(l)) {
      int d = stage_of[c];
      if (d < 0) throw std::invalid_argument(fmt::format("layer {} is in no stage", p.graph.layer(c).name));
      if (d != static_cast<int>(k)) dests.insert(d);
    }
    double bytes = p.graph.output_bytes(l, p.batch);
    for (int d : dests) out[static_cast<std::size_t>(d)] += bytes;
  }
  if (!p.sink_host.empty()) out[stages.size()] = model_output_bytes(p, stages[k]);
  return out;
}

std::vector<double> stage_send_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k) {
  return send_bytes_with(p, stages, stage_of_layers(p, stages), k);
}

double stage_recv_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k) {
  auto stage_of = stage_of_layers(p, stages);
  double b = 0;
  for (std::size_t j = 0; j < stages.size(); ++j)
    if (j != k) b += send_bytes_with(p, stages, stage_of, j)[k];
  return b;
}

namespace {
std::vector<double> all_stage_memory(const Problem& p, const std::vector<Stage>& stages);

/// kind: cim with `reprogram`: a single-host stage may exceed its host's memory as long as its
/// activation buffers fit (need - weights <= memory); the excess is rewritten per request.
bool reprogram_allowed(const Problem& p, const Stage& s, double need, double weights) {
  if (s.hosts.size() != 1) return false;
  const int host = s.hosts.front().host;
  const double memory = p.hosts[static_cast<std::size_t>(host)].memory_bytes;
  return p.cost.reprograms(host) && memory > 0 && need - weights <= memory;
}
}  // namespace

std::vector<double> stage_reprogram_overflow(const Problem& p, const std::vector<Stage>& stages) {
  std::vector<double> out(stages.size(), 0.0);
  bool any = false;
  for (const auto& s : stages)
    for (const auto& hs : s.hosts) any = any || p.cost.reprograms(hs.host);
  if (!any) return out;
  const auto mem = all_stage_memory(p, stages);
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& s = stages[k];
    if (s.hosts.size() != 1) continue;
    const int host = s.hosts.front().host;
    const double memory = p.hosts[static_cast<std::size_t>(host)].memory_bytes;
    if (!p.cost.reprograms(host) || memory <= 0 || mem[k] <= memory) continue;
    if (reprogram_allowed(p, s, mem[k], p.graph.weight_bytes(s.layers))) out[k] = mem[k] - memory;
  }
  return out;
}

void evaluate(const Problem& p, Plan& plan) {
  auto& stages = plan.stages;
  require_hosts(p, stages);
  const std::vector<double> overflow = stage_reprogram_overflow(p, stages);
  std::string reprogram_note;
  auto stage_of = stage_of_layers(p, stages);
  for (std::size_t l = 0; l < stage_of.size(); ++l)
    if (stage_of[l] < 0) throw std::invalid_argument(fmt::format("layer {} is in no stage", p.graph.layer(l).name));

  const int source = p.source_host.empty() ? -1 : host_index(p, p.source_host);
  const int sink = p.sink_host.empty() ? -1 : host_index(p, p.sink_host);
  if (!p.source_host.empty() && source < 0) throw std::invalid_argument("unknown source host " + p.source_host);
  if (!p.sink_host.empty() && sink < 0) throw std::invalid_argument("unknown sink host " + p.sink_host);

  double bottleneck = 0, latency = 0, energy = 0;
  double source_send = 0;  // the source sends each request's input, one stage after another
  std::set<int> used;
  const double in_bytes = p.graph.input_bytes(p.batch);
  for (std::size_t k = 0; k < stages.size(); ++k) {
    auto& s = stages[k];
    // Compute: the slowest share of the stage's hosts.
    double compute = 0;
    for (const auto& hs : s.hosts) {
      double c = 0;
      for (auto l : s.layers) {
        c += p.cost.compute_s(l, hs.host);
        energy += hs.share * p.cost.compute_energy_j(l, hs.host);
      }
      compute = std::max(compute, hs.share * c);
      used.insert(hs.host);
    }
    if (overflow[k] > 0) {
      // CIM reprogramming (docs/CIM.md): the bytes beyond the capacity are written into the
      // arrays for every request, serially with the stage's compute.
      const int h = s.hosts.front().host;
      const double t = p.cost.reprogram_s(overflow[k], h), e = p.cost.reprogram_energy_j(overflow[k], h);
      compute += t;
      energy += e;
      reprogram_note += fmt::format("{}stage {} on {}: {:.0f} bytes, {} s, {} J", reprogram_note.empty() ? "" : "; ", k,
                                    p.hosts[static_cast<std::size_t>(h)].name, p.cost.reprogram_bytes(overflow[k], h), t, e);
    }
    // Sends, one destination after another.
    auto bytes = send_bytes_with(p, stages, stage_of, k);
    double send = 0;
    for (std::size_t d = 0; d <= stages.size(); ++d) {
      if (bytes[d] <= 0) continue;
      int to = d < stages.size() ? stages[d].hosts.front().host : sink;
      send += send_time(p, s, bytes[d], to);
      energy += send_energy(p, s, bytes[d], to);
    }
    // The model input, from the source host to this stage's hosts.
    if (source >= 0 && stage_reads_input(p, s)) {
      double t = 0;
      for (const auto& hs : s.hosts) {
        t = std::max(t, p.cost.send_s(hs.share * in_bytes, source, hs.host));
        energy += p.cost.send_energy_j(hs.share * in_bytes, source, hs.host);
      }
      latency += t;
      source_send += t;
    }
    s.predicted_compute_s = compute;
    s.predicted_send_s = send;
    bottleneck = std::max({bottleneck, compute, send});
    latency += compute + send;
  }
  // The source is a pipeline element of its own: its sends bound the throughput like a stage's.
  bottleneck = std::max(bottleneck, source_send);
  if (source >= 0) plan.notes["source_send_s"] = fmt::format("{}", source_send);
  if (!reprogram_note.empty()) plan.notes["reprogram_per_request"] = reprogram_note;
  for (int h : used) energy += p.hosts[static_cast<std::size_t>(h)].idle_w * bottleneck;
  plan.predicted_bottleneck_s = bottleneck;
  plan.predicted_latency_s = latency;
  plan.predicted_energy_j = energy;
}

namespace {
/// Memory of every stage at once (one pass over the sends).
std::vector<double> all_stage_memory(const Problem& p, const std::vector<Stage>& stages) {
  auto stage_of = stage_of_layers(p, stages);
  const double factor = static_cast<double>(p.buffers) + 1.0;
  std::vector<double> mem(stages.size(), 0.0);
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const auto& s = stages[k];
    mem[k] += p.graph.weight_bytes(s.layers);
    if (stage_reads_input(p, s)) mem[k] += p.graph.input_bytes(p.batch);
    if (p.sink_host.empty()) mem[k] += model_output_bytes(p, s);
    auto bytes = send_bytes_with(p, stages, stage_of, k);
    for (std::size_t d = 0; d < bytes.size(); ++d) {
      mem[k] += factor * bytes[d];                       // send buffers + output buffer
      if (d < stages.size()) mem[d] += factor * bytes[d];  // receive buffers + input buffer
    }
  }
  return mem;
}
}  // namespace

double stage_memory_bytes(const Problem& p, const std::vector<Stage>& stages, std::size_t k) {
  return all_stage_memory(p, stages).at(k);
}

std::vector<InfeasibleReason> check_memory(const Problem& p, const std::vector<Stage>& stages) {
  require_hosts(p, stages);
  auto mem = all_stage_memory(p, stages);
  std::vector<InfeasibleReason> reasons;
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const double need = mem[k];
    const double weights = p.graph.weight_bytes(stages[k].layers);
    for (const auto& hs : stages[k].hosts) {
      const auto& h = p.hosts[static_cast<std::size_t>(hs.host)];
      if (h.memory_bytes <= 0 || need <= h.memory_bytes) continue;
      if (reprogram_allowed(p, stages[k], need, weights)) continue;  // rewritten per request (evaluate)
      InfeasibleReason r;
      r.stage = static_cast<int>(k);
      r.host = h.name;
      r.needed_bytes = need;
      r.available_bytes = h.memory_bytes;
      r.message = fmt::format("stage {} on host {} needs {:.0f} bytes but has {:.0f} bytes (weights {:.0f}, activations {:.0f})",
                              k, h.name, need, h.memory_bytes, weights, need - weights);
      reasons.push_back(std::move(r));
    }
  }
  return reasons;
}

void require_fits(const Problem& p, const std::vector<Stage>& stages) {
  auto reasons = check_memory(p, stages);
  if (!reasons.empty()) throw Infeasible(std::move(reasons));
}

}  // namespace edgesplit::partition
