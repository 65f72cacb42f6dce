// Outputs of runs with dynamics and adaptation, and the recorder's epoch events (see dynamics_json.hpp).
#include "sim/recorder/dynamics_json.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/recorder/plan_json.hpp"
#include "sim/recorder/recorder.hpp"

namespace edgesplit::recorder {

std::vector<TimelineWindow> make_timeline(const std::vector<double>& latencies_s, const std::vector<std::size_t>& marks,
                                          double window_s, double end_s) {
  std::vector<TimelineWindow> out;
  std::size_t from = 0;
  for (std::size_t k = 0; k < marks.size(); ++k) {
    TimelineWindow w;
    w.start_s = static_cast<double>(k) * window_s;
    w.end_s = std::min(static_cast<double>(k + 1) * window_s, std::max(end_s, w.start_s));
    const std::size_t to = std::min(marks[k], latencies_s.size());
    w.completed = static_cast<int64_t>(to - std::min(from, to));
    if (w.end_s > w.start_s) w.throughput_rps = static_cast<double>(w.completed) / (w.end_s - w.start_s);
    if (to > from) {
      std::vector<double> slice(latencies_s.begin() + static_cast<std::ptrdiff_t>(from),
                                latencies_s.begin() + static_cast<std::ptrdiff_t>(to));
      std::sort(slice.begin(), slice.end());
      w.latency_p95_s = percentile(slice, 95);
    }
    from = std::max(from, to);
    out.push_back(w);
  }
  return out;
}

std::string links_csv(const config::Platform& platform, const std::vector<LinkChange>& changes) {
  std::vector<double> initial;
  for (const config::Link& l : platform.links) initial.push_back(l.bandwidth_Bps);
  // A change at t = 0 is the trace's first value: it replaces the nominal one in the t = 0 rows.
  for (const LinkChange& c : changes)
    if (c.time_s <= 0 && c.link >= 0 && static_cast<std::size_t>(c.link) < initial.size())
      initial[static_cast<std::size_t>(c.link)] = c.bandwidth_Bps;
  std::string out = "time_s,link,bandwidth_Bps\n";
  for (std::size_t l = 0; l < platform.links.size(); ++l)
    out += fmt::format("0,{},{}\n", platform.links[l].name, initial[l]);
  for (const LinkChange& c : changes)
    if (c.time_s > 0 && c.link >= 0 && static_cast<std::size_t>(c.link) < platform.links.size())
      out += fmt::format("{},{},{}\n", c.time_s, platform.links[static_cast<std::size_t>(c.link)].name, c.bandwidth_Bps);
  return out;
}

std::string plan_json_with_replans(const config::Scenario& scenario, const partition::Plan& plan,
                                   const DynamicsOutcome& outcome) {
  JsonWriter w;
  w.begin_object();
  w.key("replans").begin_array();
  for (const ReplanRecord& r : outcome.replans) {
    w.begin_object();
    w.key("time_s").value(r.time_s);
    w.key("reason").value(r.reason);
    w.key("applied").value(r.applied);
    if (!r.note.empty()) w.key("note").value(r.note);
    w.key("predicted_bottleneck_s").begin_object();
    w.key("before").value(r.predicted_bottleneck_before_s);
    w.key("after").value(r.predicted_bottleneck_after_s);
    w.end_object();
    w.key("predicted_gain_s").value(r.predicted_bottleneck_before_s - r.predicted_bottleneck_after_s);
    w.key("migration_s").value(r.migration_s);
    w.key("migration_bytes").value(r.migration_bytes);
    w.key("stages").begin_array();
    for (const partition::Stage& s : r.plan.stages) write_stage_json(w, scenario, s, -1, false);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  // Both documents are 2-space indented objects: splice the replans in before the closing brace.
  std::string base = plan_json(scenario, plan);
  const std::string extra = w.str();
  const std::size_t close = base.rfind("\n}");
  if (close == std::string::npos) return base;
  base.resize(close);
  return base + "," + extra.substr(1);
}

void write_failure_counts(JsonWriter& w, const DynamicsOutcome* outcome) {
  w.key("requests_failed").value(outcome ? outcome->requests_failed : int64_t{0});
  w.key("requests_retried").value(outcome ? outcome->requests_retried : int64_t{0});
}

void write_dynamics_summary(JsonWriter& w, const std::vector<TimelineWindow>& timeline, const DynamicsOutcome* outcome) {
  w.key("traces").begin_array();
  if (outcome)
    for (const TraceRecord& t : outcome->traces) {
      w.begin_object();
      w.key("target").value(t.target);
      w.key("what").value(t.what);
      w.key("path").value(t.path);
      w.key("format").value(t.format);
      w.key("sha256").value(t.sha256);
      w.key("mean").value(t.mean);
      w.end_object();
    }
  w.end_array();
  w.key("timeline").begin_array();
  for (const TimelineWindow& t : timeline) {
    w.begin_object();
    w.key("window_start_s").value(t.start_s);
    w.key("window_end_s").value(t.end_s);
    w.key("requests_completed").value(t.completed);
    w.key("throughput_rps").value(t.throughput_rps);
    w.key("latency_p95_s").value(t.latency_p95_s);
    w.end_object();
  }
  w.end_array();
  w.key("adapt").begin_object();
  w.key("policy").value(outcome ? outcome->adapt_policy : std::string("none"));
  int64_t applied = 0;
  if (outcome)
    for (const ReplanRecord& r : outcome->replans) applied += r.applied ? 1 : 0;
  w.key("replans").value(outcome ? static_cast<int64_t>(outcome->replans.size()) : int64_t{0});
  w.key("applied").value(applied);
  w.key("switch").value(outcome ? outcome->replan_switch : std::string("drain"));
  w.end_object();
}

// Recorder events of runs with several epochs.

void Recorder::begin_epoch(const std::vector<int>& stage_hosts, const std::vector<std::vector<int>>& producers,
                           double t_s) {
  advance(t_s);
  replanned_ = true;  // stages.csv flops refer to the first plan only
  setup_.stage_hosts = stage_hosts;
  setup_.producers = producers;
  const std::size_t s = stage_hosts.size();
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  // Arrays keep the largest stage count seen: a window may hold busy time of an earlier plan.
  if (open_since_.size() < s) open_since_.resize(s, {kNaN, kNaN});
  if (window_busy_.size() < s) window_busy_.resize(s, {0.0, 0.0});
  if (total_busy_.size() < s) total_busy_.resize(s, {0.0, 0.0});
  if (send_open_.size() < s + 1) send_open_.resize(s + 1, kNaN);
  if (weights_ready_s_.size() < s) weights_ready_s_.resize(s, 0.0);
  for (auto& o : open_since_) o = {kNaN, kNaN};
  for (auto& o : send_open_) o = kNaN;
}

void Recorder::abort_epoch(double t_s) {
  advance(t_s);
  for (std::size_t k = 0; k < open_since_.size(); ++k)
    for (int r = 0; r < 2; ++r) {
      double& open = open_since_[k][static_cast<std::size_t>(r)];
      if (!std::isnan(open)) credit(static_cast<int>(k), r, open, t_s);
      open = std::numeric_limits<double>::quiet_NaN();
    }
}

void Recorder::instant_event(const std::string& name, const std::string& args_json, double t_s) {
  advance(t_s);
  trace_event(fmt::format(R"({{"name": "{}", "cat": "dynamics", "ph": "i", "s": "g", "pid": 0, "tid": 0, "ts": {}, "args": {}}})",
                          json_escape(name), t_s * 1e6, args_json));
}

}  // namespace edgesplit::recorder
