// Streams a run's output files into a temporary directory and renames it into place at the end.
#include "sim/recorder/recorder.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <iterator>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "sim/recorder/dynamics_json.hpp"
#include "sim/recorder/json_writer.hpp"
#include "sim/recorder/plan_json.hpp"
#include "sim/recorder/quantiles.hpp"

namespace edgesplit::recorder {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

/// A buffered output file: rows are formatted straight into a memory buffer (no temporary
/// strings) and handed to stdio in 64 KiB blocks; errors surface at close().
struct Recorder::File {
  std::FILE* f = nullptr;
  std::string path;
  fmt::memory_buffer buf;
  explicit File(std::string p) : path(std::move(p)) {
    f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  ~File() {
    if (f) std::fclose(f);
  }
  template <class... Args>
  void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buf), format, std::forward<Args>(args)...);
    if (buf.size() > (1u << 16)) flush();
  }
  void write(const std::string& s) {
    buf.append(s.data(), s.data() + s.size());
    if (buf.size() > (1u << 16)) flush();
  }
  void flush() {
    std::fwrite(buf.data(), 1, buf.size(), f);
    buf.clear();
  }
  void close() {
    flush();
    const bool bad = std::ferror(f) != 0;
    const int rc = std::fclose(f);
    f = nullptr;
    if (bad || rc != 0) throw std::runtime_error(fmt::format("cannot write {}", path));
  }
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

static void write_whole(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  const std::size_t n = std::fwrite(text.data(), 1, text.size(), f);
  if (std::fclose(f) != 0 || n != text.size()) throw std::runtime_error(fmt::format("cannot write {}", path));
}

Recorder::Recorder(Setup setup) : setup_(std::move(setup)) {
  if (!setup_.scenario || !setup_.plan) throw std::invalid_argument("recorder: scenario and plan are required");
  if (setup_.out_dir.empty()) throw std::invalid_argument("recorder: empty output directory");
  fs::path out = fs::path(setup_.out_dir);
  if (out.has_filename() == false) out = out.parent_path();  // "dir/" -> "dir"
  setup_.out_dir = out.string();
  tmp_dir_ = setup_.out_dir + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
  fs::remove_all(tmp_dir_, ec);
  if (!fs::create_directory(tmp_dir_, ec) || ec)
    throw std::runtime_error(fmt::format("cannot create directory {}: {}", tmp_dir_, ec.message()));
  try {
    const config::Scenario& sc = *setup_.scenario;
    window_s_ = sc.output.window_s > 0 ? sc.output.window_s : 1.0;
    const int s = stage_count();
    open_since_.assign(static_cast<std::size_t>(s), {kNaN, kNaN});
    window_busy_.assign(static_cast<std::size_t>(s), {0.0, 0.0});
    total_busy_.assign(static_cast<std::size_t>(s), {0.0, 0.0});
    send_open_.assign(static_cast<std::size_t>(s) + 1, kNaN);
    weights_ready_s_.assign(static_cast<std::size_t>(s), 0.0);
    stage_flops_.assign(static_cast<std::size_t>(s), 0.0);  // stages.csv flops of single-host stages
    for (int k = 0; k < s && k < static_cast<int>(setup_.plan->stages.size()); ++k)
      for (model::LayerId l : setup_.plan->stages[static_cast<std::size_t>(k)].layers)
        if (l < sc.model.size())
          stage_flops_[static_cast<std::size_t>(k)] += sc.model.layer(l).flops_per_sample() * sc.batch;

    write_whole(tmp_dir_ + "/plan.json", plan_json(sc, *setup_.plan));
    if (!setup_.plan->pareto.empty()) {
      // The front a partitioner returned (pipeedge-energy with pareto: true); `chosen` marks the plan run.
      std::string pareto = "bottleneck_s,energy_j,chosen\n";
      for (const auto& pt : setup_.plan->pareto)
        pareto += fmt::format("{},{},{}\n", pt.bottleneck_s, pt.energy_j, pt.chosen ? 1 : 0);
      write_whole(tmp_dir_ + "/pareto.csv", pareto);
    }
    write_whole(tmp_dir_ + "/scenario.resolved.yaml", sc.resolved_yaml);
    std::string links = "time_s,link,bandwidth_Bps\n";
    for (const config::Link& l : sc.platform.links) links += fmt::format("0,{},{}\n", l.name, l.bandwidth_Bps);
    write_whole(tmp_dir_ + "/links.csv", links);

    requests_ = std::make_unique<File>(tmp_dir_ + "/requests.csv");
    requests_->write("request,arrival_s,start_s,end_s,latency_s\n");
    stages_ = std::make_unique<File>(tmp_dir_ + "/stages.csv");
    stages_->write("request,stage,host,recv_end_s,compute_start_s,compute_end_s,send_end_s,bytes_sent,weights_ready_s,flops\n");
    bottleneck_ = std::make_unique<File>(tmp_dir_ + "/bottleneck.csv");
    bottleneck_->write(
        "window_start_s,window_end_s,stage,host,busy_fraction,is_bottleneck,resource,compute_fraction,"
        "network_fraction\n");
    trace_ = std::make_unique<File>(tmp_dir_ + "/trace.json");
    trace_->write("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
    // One process per platform host, one thread for computing and one for sending.
    for (std::size_t h = 0; h < sc.platform.hosts.size(); ++h) {
      const int pid = static_cast<int>(h) + 1;
      trace_event(fmt::format(R"({{"name": "process_name", "ph": "M", "pid": {}, "args": {{"name": "{}"}}}})", pid,
                              json_escape(sc.platform.hosts[h].name)));
      trace_event(fmt::format(R"({{"name": "thread_name", "ph": "M", "pid": {}, "tid": 1, "args": {{"name": "compute"}}}})", pid));
      trace_event(fmt::format(R"({{"name": "thread_name", "ph": "M", "pid": {}, "tid": 2, "args": {{"name": "send"}}}})", pid));
      if (sc.weights.enabled)
        trace_event(fmt::format(R"({{"name": "thread_name", "ph": "M", "pid": {}, "tid": 3, "args": {{"name": "weights"}}}})", pid));
    }
    last_progress_ = std::chrono::steady_clock::now();
  } catch (...) {
    requests_.reset();
    stages_.reset();
    bottleneck_.reset();
    trace_.reset();
    fs::remove_all(tmp_dir_, ec);
    throw;
  }
}

Recorder::~Recorder() {
  if (committed_) return;
  requests_.reset();
  stages_.reset();
  bottleneck_.reset();
  trace_.reset();
  std::error_code ec;
  fs::remove_all(tmp_dir_, ec);
}

int Recorder::host_of(int entity) const {
  if (entity < 0) return setup_.source_host >= 0 ? setup_.source_host : setup_.stage_hosts.at(0);
  if (entity >= stage_count()) return setup_.sink_host;
  return setup_.stage_hosts[static_cast<std::size_t>(entity)];
}

int64_t Recorder::flow_id(int64_t req, int from, int to) const {
  const int64_t n = stage_count() + 2;
  return (req * n + (from + 1)) * n + (to + 1) + 1;
}

void Recorder::trace_event(const std::string& json) {
  if (!trace_first_) trace_->write(",\n");
  trace_first_ = false;
  trace_->write(json);
}

void Recorder::credit(int stage, int resource, double from_s, double to_s) {
  if (to_s > from_s) {
    window_busy_[static_cast<std::size_t>(stage)][static_cast<std::size_t>(resource)] += to_s - from_s;
    total_busy_[static_cast<std::size_t>(stage)][static_cast<std::size_t>(resource)] += to_s - from_s;
  }
}

// Closes every window that ends at or before t_s: open intervals are credited up to the window's
// end and then continue from there.
void Recorder::advance(double t_s) {
  while (static_cast<double>(window_ + 1) * window_s_ <= t_s) flush_window(static_cast<double>(window_ + 1) * window_s_);
}

void Recorder::flush_window(double end_s) {
  const double start_s = static_cast<double>(window_) * window_s_;
  const double len_s = end_s - start_s;
  const int s = stage_count();
  for (int k = 0; k < s; ++k)
    for (int r = 0; r < 2; ++r) {
      double& open = open_since_[static_cast<std::size_t>(k)][static_cast<std::size_t>(r)];
      if (!std::isnan(open)) {
        credit(k, r, open, end_s);
        open = end_s;
      }
    }
  // The bottleneck of the window: the stage whose busier resource is busiest (lowest index on ties).
  int best = -1;
  double best_busy = 0;
  std::vector<std::array<double, 2>> frac(static_cast<std::size_t>(s));
  for (int k = 0; k < s; ++k) {
    auto& f = frac[static_cast<std::size_t>(k)];
    for (int r = 0; r < 2; ++r)
      f[static_cast<std::size_t>(r)] = len_s > 0 ? window_busy_[static_cast<std::size_t>(k)][static_cast<std::size_t>(r)] / len_s : 0;
    const double b = std::max(f[0], f[1]);
    if (b > best_busy) {
      best_busy = b;
      best = k;
    }
  }
  std::string rows;
  for (int k = 0; k < s; ++k) {
    const auto& f = frac[static_cast<std::size_t>(k)];
    rows += fmt::format("{},{},{},{},{},{},{},{},{}\n", start_s, end_s, k,
                        setup_.scenario->platform.hosts[static_cast<std::size_t>(host_of(k))].name,
                        std::max(f[0], f[1]), k == best ? 1 : 0, f[0] >= f[1] ? "compute" : "network", f[0], f[1]);
    window_busy_[static_cast<std::size_t>(k)] = {0.0, 0.0};
  }
  bottleneck_->write(rows);
  window_marks_.push_back(static_cast<std::size_t>(completed_));
  ++window_;
}

void Recorder::compute_begin(int stage, int64_t req, double t_s) {
  advance(t_s);
  open_since_[static_cast<std::size_t>(stage)][0] = t_s;
  if (req < setup_.trace_requests) {
    const int pid = host_of(stage) + 1;
    for (int from : setup_.producers[static_cast<std::size_t>(stage)])
      trace_event(fmt::format(
          R"({{"name": "request", "cat": "request", "ph": "f", "bp": "e", "id": {}, "pid": {}, "tid": 1, "ts": {}}})",
          flow_id(req, from, stage), pid, t_s * 1e6));
  }
}

void Recorder::compute_end(int stage, int64_t req, double t_s) {
  advance(t_s);
  double& open = open_since_[static_cast<std::size_t>(stage)][0];
  credit(stage, 0, open, t_s);
  open = kNaN;
  (void)req;  // the compute slice of trace.json is written with the stages.csv row
}

void Recorder::send_begin(int from, double t_s) {
  advance(t_s);
  send_open_[static_cast<std::size_t>(from + 1)] = t_s;
  if (from >= 0) open_since_[static_cast<std::size_t>(from)][1] = t_s;
}

void Recorder::send_end(int from, int64_t req, int to, double t_s, double bytes) {
  advance(t_s);
  const double begin_s = send_open_[static_cast<std::size_t>(from + 1)];
  if (from < 0 && t_s > begin_s) source_send_s_ += t_s - begin_s;  // the source's sends are sequential
  if (from >= 0) {
    double& open = open_since_[static_cast<std::size_t>(from)][1];
    credit(from, 1, open, t_s);
    open = kNaN;
  }
  if (req < setup_.trace_requests) {
    const int pid = host_of(from) + 1;
    const std::string to_name = to >= stage_count() ? std::string("sink") : fmt::format("stage {}", to);
    trace_event(fmt::format(
        R"({{"name": "request {} to {}", "cat": "send", "ph": "X", "pid": {}, "tid": 2, "ts": {}, "dur": {}, "args": {{"request": {}, "bytes": {}}}}})",
        req, to_name, pid, begin_s * 1e6, (t_s - begin_s) * 1e6, req, bytes));
    trace_event(fmt::format(
        R"({{"name": "request", "cat": "request", "ph": "s", "id": {}, "pid": {}, "tid": 2, "ts": {}}})",
        flow_id(req, from, to), pid, begin_s * 1e6));
  }
}

void Recorder::sink_receive(int64_t req, double t_s) {
  advance(t_s);
  if (req < setup_.trace_requests) {
    const int s = stage_count();
    const int pid = setup_.sink_host + 1;
    trace_event(fmt::format(
        R"({{"name": "request {} done", "cat": "result", "ph": "X", "pid": {}, "tid": 1, "ts": {}, "dur": 0, "args": {{"request": {}}}}})",
        req, pid, t_s * 1e6, req));
    for (int from : setup_.producers[static_cast<std::size_t>(s)])
      trace_event(fmt::format(
          R"({{"name": "request", "cat": "request", "ph": "f", "bp": "e", "id": {}, "pid": {}, "tid": 1, "ts": {}}})",
          flow_id(req, from, s), pid, t_s * 1e6));
  }
}

void Recorder::stage_done(int64_t req, int stage, double recv_end_s, double compute_start_s, double compute_end_s,
                          double send_end_s, double bytes_sent) {
  const std::string& host = setup_.scenario->platform.hosts[static_cast<std::size_t>(host_of(stage))].name;
  // flops: unknown after a re-plan (the recorder only holds the first plan): left empty.
  const auto k = static_cast<std::size_t>(stage);
  const std::string flops = !replanned_ && k < stage_flops_.size() ? fmt::format("{}", stage_flops_[k]) : std::string();
  stages_->print("{},{},{},{},{},{},{},{},{},{}\n", req, stage, host, recv_end_s, compute_start_s, compute_end_s,
                 send_end_s, bytes_sent, weights_ready_s_[k], flops);
  if (req < setup_.trace_requests)
    trace_event(fmt::format(
        R"({{"name": "request {}", "cat": "compute", "ph": "X", "pid": {}, "tid": 1, "ts": {}, "dur": {}, "args": {{"request": {}, "stage": {}}}}})",
        req, host_of(stage) + 1, compute_start_s * 1e6, (compute_end_s - compute_start_s) * 1e6, req, stage));
}

void Recorder::stage_part_done(int64_t req, int stage, int host, double recv_end_s, double compute_start_s,
                               double compute_end_s, double send_end_s, double bytes_sent, double flops) {
  const std::string& name = setup_.scenario->platform.hosts.at(static_cast<std::size_t>(host)).name;
  stages_->print("{},{},{},{},{},{},{},{},{},{}\n", req, stage, name, recv_end_s, compute_start_s, compute_end_s,
                 send_end_s, bytes_sent, weights_ready_s_.at(static_cast<std::size_t>(stage)), flops);
  if (req < setup_.trace_requests)
    trace_event(fmt::format(
        R"({{"name": "request {}", "cat": "compute", "ph": "X", "pid": {}, "tid": 1, "ts": {}, "dur": {}, "args": {{"request": {}, "stage": {}}}}})",
        req, host + 1, compute_start_s * 1e6, (compute_end_s - compute_start_s) * 1e6, req, stage));
}

void Recorder::weight_loaded(int host, int stage, int64_t layer, double start_s, double end_s, double bytes) {
  trace_event(fmt::format(
      R"({{"name": "weights {}", "cat": "weights", "ph": "X", "pid": {}, "tid": 3, "ts": {}, "dur": {}, "args": {{"layer": {}, "stage": {}, "bytes": {}}}}})",
      json_escape(setup_.scenario->model.layer(static_cast<model::LayerId>(layer)).name), host + 1, start_s * 1e6,
      (end_s - start_s) * 1e6, layer, stage, bytes));
}

void Recorder::stage_weights_ready(int stage, double t_s) { weights_ready_s_.at(static_cast<std::size_t>(stage)) = t_s; }

void Recorder::request_done(int64_t req, double arrival_s, double start_s, double end_s) {
  advance(end_s);
  const double latency_s = end_s - arrival_s;
  requests_->print("{},{},{},{},{}\n", req, arrival_s, start_s, end_s, latency_s);
  if (completed_ == 0) first_end_s_ = end_s;
  last_end_s_ = end_s;
  ++completed_;
  if (setup_.progress && (completed_ & 255) == 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress_ > std::chrono::milliseconds(200)) {
      last_progress_ = now;
      std::fprintf(stderr, "\r%lld / %lld requests", static_cast<long long>(completed_),
                   static_cast<long long>(setup_.requests));
      std::fflush(stderr);
    }
  }
}

Summary Recorder::finish(const Final& f) {
  const config::Scenario& sc = *setup_.scenario;
  const partition::Plan& plan = *setup_.plan;
  const int s = stage_count();
  advance(f.sim_time_s);
  if (f.sim_time_s > static_cast<double>(window_) * window_s_) flush_window(f.sim_time_s);
  if (setup_.progress)
    std::fprintf(stderr, "\r%lld / %lld requests\n", static_cast<long long>(completed_),
                 static_cast<long long>(setup_.requests));

  Summary out;
  out.requests_completed = completed_;
  out.throughput_rps = completed_ >= 2 && last_end_s_ > first_end_s_
                           ? static_cast<double>(completed_ - 1) / (last_end_s_ - first_end_s_)
                           : 0.0;
  // Latency figures from the streamed requests.csv in bounded memory (sim/recorder/quantiles.hpp).
  requests_->flush();
  std::fflush(requests_->f);
  const LatencyStats latency = latency_stats(requests_->path, window_marks_, window_s_, f.sim_time_s);
  const std::vector<TimelineWindow>& timeline = latency.timeline;
  out.latency_mean_s = latency.mean_s;
  out.latency_p50_s = latency.p50_s;
  out.latency_p95_s = latency.p95_s;
  out.latency_p99_s = latency.p99_s;
  out.latency_max_s = latency.max_s;
  // Whole-run bottleneck: the stage whose busier resource was busy longest (lowest index on ties).
  double best = -1;
  for (int k = 0; k < s; ++k) {
    const auto& b = total_busy_[static_cast<std::size_t>(k)];
    if (std::max(b[0], b[1]) > best) {
      best = std::max(b[0], b[1]);
      out.bottleneck_stage = k;
      out.bottleneck_resource = b[0] >= b[1] ? "compute" : "network";
    }
  }
  // The source's input transfers limit the run when they kept its link busier than any stage
  // (stage -1: the workload source, docs/REFERENCE.md).
  if (setup_.source_host >= 0 && source_send_s_ > best) {
    out.bottleneck_stage = -1;
    out.bottleneck_resource = "network";
    out.bottleneck_host = sc.platform.hosts[static_cast<std::size_t>(setup_.source_host)].name;
  }
  if (out.bottleneck_stage >= 0) out.bottleneck_host = sc.platform.hosts[static_cast<std::size_t>(host_of(out.bottleneck_stage))].name;

  std::string energy = "entity,kind,energy_j,busy_s,idle_w,busy_w,active,bytes\n";
  for (const auto* group : {&f.hosts, &f.links})
    for (const EntityUse& e : *group) {
      energy += fmt::format("{},{},{},{},{},{},{},{}\n", e.name, e.kind, e.energy_j, e.busy_s, e.idle_w, e.busy_w,
                            e.active ? 1 : 0, e.bytes);
      out.energy_total_j += e.energy_j;
      if (e.active) out.energy_active_j += e.energy_j;
    }
  write_whole(tmp_dir_ + "/energy.csv", energy);
  if (f.dynamics) {
    write_whole(tmp_dir_ + "/links.csv", links_csv(sc.platform, f.dynamics->link_changes));
    if (f.dynamics->adapt_policy != "none" || !f.dynamics->replans.empty())
      write_whole(tmp_dir_ + "/plan.json", plan_json_with_replans(sc, plan, *f.dynamics));
  }
  out.energy_per_inference_j = completed_ > 0 ? out.energy_total_j / static_cast<double>(completed_) : 0.0;
  out.sim_time_s = f.sim_time_s;

  trace_->write("\n]}\n");
  for (auto* file : {&requests_, &stages_, &bottleneck_, &trace_}) (*file)->close();

  double bytes_sent = 0;
  for (const EntityUse& l : f.links) bytes_sent += l.bytes;
  out.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - f.wall_start).count();

  JsonWriter w;
  w.begin_object();
  w.key("scenario").value(sc.name);
  w.key("partitioner").value(plan.partitioner);
  w.key("model").value(sc.model.name());
  w.key("cost_model").value(f.cost_model);
  w.key("network_model").value(f.network_model);
  w.key("requests_issued").value(f.requests_issued);
  w.key("requests_completed").value(completed_);
  write_failure_counts(w, f.dynamics);
  w.key("throughput_rps").value(out.throughput_rps);
  w.key("latency_s").begin_object();
  w.key("mean").value(out.latency_mean_s);
  w.key("p50").value(out.latency_p50_s);
  w.key("p95").value(out.latency_p95_s);
  w.key("p99").value(out.latency_p99_s);
  w.key("max").value(out.latency_max_s);
  w.end_object();
  w.key("bottleneck").begin_object();
  w.key("stage").value(out.bottleneck_stage);
  w.key("host").value(out.bottleneck_host);
  w.key("resource").value(out.bottleneck_resource);
  w.end_object();
  w.key("energy_j").begin_object();
  w.key("total").value(out.energy_total_j);
  w.key("active").value(out.energy_active_j);
  w.key("per_inference").value(out.energy_per_inference_j);
  w.key("by_host").begin_object();
  for (const EntityUse& e : f.hosts) w.key(e.name).value(e.energy_j);
  w.end_object();
  w.key("by_link").begin_object();
  for (const EntityUse& e : f.links) w.key(e.name).value(e.energy_j);
  w.end_object();
  w.end_object();
  w.key("bytes_sent").value(bytes_sent);
  w.key("predicted").begin_object();
  w.key("bottleneck_s").value(plan.predicted_bottleneck_s);
  w.key("latency_s").value(plan.predicted_latency_s);
  w.key("energy_j").value(plan.predicted_energy_j);
  w.end_object();
  write_dynamics_summary(w, timeline, f.dynamics);
  w.key("sim_time_s").value(f.sim_time_s);
  w.key("wall_time_s").value(out.wall_time_s);
  w.key("seed").value(static_cast<int64_t>(sc.seed));
  w.key("edgesplit_version").value(EDGESPLIT_VERSION);
  w.end_object();
  write_whole(tmp_dir_ + "/summary.json", w.str());

  std::error_code ec;
  fs::remove_all(setup_.out_dir, ec);
  fs::rename(tmp_dir_, setup_.out_dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", tmp_dir_, setup_.out_dir, ec.message()));
  committed_ = true;
  out.out_dir = setup_.out_dir;
  return out;
}

}  // namespace edgesplit::recorder
