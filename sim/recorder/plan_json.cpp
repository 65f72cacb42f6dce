// plan.json: the one rendering of a Plan (FORMATS.md), shared by `partition --json` and the recorder.
#include "sim/recorder/plan_json.hpp"

#include <string>

namespace edgesplit::recorder {

namespace {

// A host index as its name; `missing` for an index outside the platform.
std::string host_name(const config::Scenario& scenario, int host, const char* missing) {
  const auto& hosts = scenario.platform.hosts;
  return host >= 0 && static_cast<std::size_t>(host) < hosts.size() ? hosts[static_cast<std::size_t>(host)].name
                                                                      : std::string(missing);
}

// A band's input rows, bytes and flops (plan.json's bands only).
void write_band_sizes(JsonWriter& w, const partition::Band& b) {
  w.key("in_rows").begin_array().value(b.in_first_row).value(b.in_last_row).end_array();
  w.key("in_bytes").value(b.in_bytes);
  w.key("out_bytes").value(b.out_bytes);
  w.key("flops").value(b.flops);
}

// One band of a split stage: its host, output rows, predicted times; `band_sizes` as write_stage_json.
void write_band_json(JsonWriter& w, const config::Scenario& scenario, const partition::Band& b, bool band_sizes) {
  w.begin_object();
  w.key("host").value(host_name(scenario, b.host, "?"));
  w.key("rows").begin_array().value(b.first_row).value(b.last_row).end_array();
  if (band_sizes) write_band_sizes(w, b);
  w.key("predicted_recv_s").value(b.recv_s);
  w.key("predicted_compute_s").value(b.compute_s);
  w.key("predicted_send_s").value(b.send_s);
  w.end_object();
}

}  // namespace

void write_stage_json(JsonWriter& w, const config::Scenario& scenario, const partition::Stage& s, int64_t index,
                      bool band_sizes) {
  const auto& g = scenario.model;
  w.begin_object();
  if (index >= 0) w.key("index").value(index);
  w.key("hosts").begin_array();
  for (const auto& hs : s.hosts) w.value(host_name(scenario, hs.host, "?"));
  w.end_array();
  w.key("shares").begin_array();
  for (const auto& hs : s.hosts) w.value(hs.share);
  w.end_array();
  w.key("layers").begin_array();
  for (model::LayerId l : s.layers) w.value(l < g.size() ? g.layer(l).name : std::string("?"));
  w.end_array();
  w.key("predicted_compute_s").value(s.predicted_compute_s);
  w.key("predicted_send_s").value(s.predicted_send_s);
  if (!s.bands.empty()) {  // split stages (fpm, ofpm): one band per host, top to bottom
    w.key("gather_host").value(host_name(scenario, s.gather_host, ""));
    w.key("bands").begin_array();
    for (const partition::Band& b : s.bands) write_band_json(w, scenario, b, band_sizes);
    w.end_array();
  }
  w.end_object();
}

std::string plan_json(const config::Scenario& scenario, const partition::Plan& plan) {
  JsonWriter w;
  w.begin_object();
  w.key("partitioner").value(plan.partitioner);
  w.key("stages").begin_array();
  for (std::size_t k = 0; k < plan.stages.size(); ++k)
    write_stage_json(w, scenario, plan.stages[k], static_cast<int64_t>(k), true);
  w.end_array();
  w.key("predicted").begin_object();
  w.key("bottleneck_s").value(plan.predicted_bottleneck_s);
  w.key("latency_s").value(plan.predicted_latency_s);
  w.key("energy_j").value(plan.predicted_energy_j);
  w.end_object();
  w.key("notes").begin_object();
  for (const auto& [k, v] : plan.notes) w.key(k).value(v);  // std::map: sorted, stable
  w.end_object();
  if (!plan.pareto.empty()) {
    w.key("pareto").begin_array();
    for (const auto& p : plan.pareto) {
      w.begin_object();
      w.key("bottleneck_s").value(p.bottleneck_s);
      w.key("energy_j").value(p.energy_j);
      w.key("chosen").value(p.chosen);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.str();
}

}  // namespace edgesplit::recorder
