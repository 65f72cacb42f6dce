// Weight loaders and layer-by-layer stage execution (weights still loading, CIM stages split
// between the CIM device and its host). Semantics follow partitioners/schedule.hpp.
#include "sim/runtime/layer_exec.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include "partitioners/evaluate.hpp"

namespace edgesplit::runtime {

namespace sg4 = simgrid::s4u;

/// An event that stays set once fired; any number of actors may wait for it.
struct LayerExec::Latch {
  bool set = false;
  sg4::SemaphorePtr sem = sg4::Semaphore::create(0);
  void fire() {
    if (set) return;
    set = true;
    sem->release();
  }
  void wait() {
    if (set) return;
    sem->acquire();
    sem->release();  // pass the wake-up on to any other waiter
  }
};

LayerExec::LayerExec(const config::Scenario& sc, const partition::Plan& plan, const cost::CostModel& cost,
                     WeightPlan weights, const platform::BuiltPlatform& built, recorder::Recorder& rec,
                     LinkUsage& links, std::vector<BusyUnion>& host_busy)
    : sc_(sc), plan_(plan), cost_(cost), weights_(std::move(weights)), built_(built), rec_(rec), links_(links),
      host_busy_(host_busy) {
  const std::size_t n = sc.model.size();
  const std::size_t s = plan.stages.size();
  loaded_.resize(n);
  inputs_.resize(n);
  in_stage_producers_.resize(n);
  for (std::size_t l = 0; l < n; ++l) {
    loaded_[l] = std::make_shared<Latch>();
    loaded_[l]->set = true;  // no weights to load (cleared below for the layers that have some)
    inputs_[l] = std::make_shared<Latch>();
  }
  for (const auto& loads : weights_.by_host)
    for (const WeightLoad& w : loads) loaded_[w.layer]->set = false;
  remaining_ = weights_.loads_of_stage;
  remaining_.resize(s, 0);
  ready_s_.assign(s, 0.0);
  cim_split_.assign(s, false);
  merged_.resize(s);
  std::vector<int> stage_of(n, -1);
  for (std::size_t k = 0; k < s; ++k)
    for (model::LayerId l : plan.stages[k].layers) stage_of[l] = static_cast<int>(k);
  // CIM reprogramming (docs/CIM.md): the overflow of the memory rule, as the partitioners'
  // evaluate() predicts it, costed by the same cost model.
  reprogram_s_.assign(s, 0.0);
  reprogram_busy_s_.assign(s, 0.0);
  reprogram_extra_j_.assign(s, 0.0);
  extra_energy_j_.assign(sc.platform.hosts.size(), 0.0);
  {
    const config::Options no_options;
    const partition::Problem problem{sc.model, partition::host_views(sc.platform), cost, sc.batch, sc.workload.buffers,
                                     partition::Objective::Throughput, no_options, sc.workload.source,
                                     sc.workload.sink};
    const std::vector<double> overflow = partition::stage_reprogram_overflow(problem, plan.stages);
    for (std::size_t k = 0; k < s; ++k) {
      if (overflow[k] <= 0) continue;
      const int host = plan.stages[k].hosts.at(0).host;
      reprogram_s_[k] = cost.reprogram_s(overflow[k], host);
      // SimGrid's host energy plugin is the meter: the device runs busy (busy - idle above leakage)
      // for write energy / (busy - idle) seconds of the write time and idles for the rest, so the
      // plugin counts leakage x time + the write energy exactly. Write power above busy - idle
      // leaves a remainder, booked in extra_energy_j.
      const double write_j = cost.reprogram_energy_j(overflow[k], host);
      const config::DeviceType& t = sc.platform.type_of(sc.platform.hosts.at(static_cast<std::size_t>(host)));
      const double above_idle_w = t.power ? cost::busy_power_w(t) - t.power->idle_w : 0.0;
      if (above_idle_w > 0) reprogram_busy_s_[k] = std::min(reprogram_s_[k], write_j / above_idle_w);
      reprogram_extra_j_[k] = write_j - above_idle_w * reprogram_busy_s_[k];
      if (reprogram_extra_j_[k] < 1e-12 * write_j) reprogram_extra_j_[k] = 0.0;
    }
  }
  for (std::size_t k = 0; k < s; ++k) {
    const int host = plan.stages[k].hosts.at(0).host;
    int last_exec = -1;
    for (model::LayerId l : plan.stages[k].layers) {
      for (model::LayerId u : sc.model.layer(l).inputs)
        if (u != model::kInput && stage_of[u] == static_cast<int>(k)) in_stage_producers_[l].push_back(u);
      const Segment seg = segment_of(l, host);
      if (seg.host != host) cim_split_[k] = true;
      if (seg.host == last_exec) {
        merged_[k].back().flops_per_thread += seg.flops_per_thread;
      } else {
        merged_[k].push_back(seg);
        last_exec = seg.host;
      }
    }
  }
}

LayerExec::~LayerExec() = default;

LayerExec::Segment LayerExec::segment_of(model::LayerId l, int stage_host) const {
  Segment seg;
  seg.host = cost::executing_host(sc_.platform, sc_.model, l, stage_host);
  const config::DeviceType& t = sc_.platform.type_of(sc_.platform.hosts.at(static_cast<std::size_t>(seg.host)));
  seg.threads = t.cores > 0 ? t.cores : 1;
  // compute_s already counts the executing host's speed; run it there at nominal speed.
  seg.flops_per_thread = cost_.compute_s(l, stage_host) * platform::host_speed_flops(t) / seg.threads;
  return seg;
}

void LayerExec::execute(const Segment& s) {
  BusyUnion& busy = host_busy_.at(static_cast<std::size_t>(s.host));
  busy.begin(sg4::Engine::get_clock());
  if (s.flops_per_thread > 0) {
    sg4::ExecPtr e = sg4::this_actor::exec_init(s.flops_per_thread);
    e->set_host(built_.hosts.at(static_cast<std::size_t>(s.host)));
    if (s.threads > 1) e->set_thread_count(s.threads);
    e->wait();
  }
  busy.end(sg4::Engine::get_clock());
}

bool LayerExec::handles(int stage) const {
  const auto k = static_cast<std::size_t>(stage);
  return cim_split_[k] || remaining_[k] > 0 || reprogram_s_[k] > 0;
}

void LayerExec::reprogram(std::size_t stage) {
  if (reprogram_s_[stage] <= 0) return;
  // The CIM device writes the bytes beyond its capacity into its arrays before computing: busy
  // for reprogram_busy_s_ (so SimGrid's energy counts the write energy, see the constructor),
  // then idle for the rest of the write time.
  const int host = plan_.stages[stage].hosts.at(0).host;
  BusyUnion& busy = host_busy_.at(static_cast<std::size_t>(host));
  busy.begin(sg4::Engine::get_clock());
  if (reprogram_busy_s_[stage] > 0) {
    const config::DeviceType& t = sc_.platform.type_of(sc_.platform.hosts.at(static_cast<std::size_t>(host)));
    Segment seg;
    seg.host = host;
    seg.threads = t.cores > 0 ? t.cores : 1;
    seg.flops_per_thread = reprogram_busy_s_[stage] * platform::host_speed_flops(t) / seg.threads;
    sg4::ExecPtr e = sg4::this_actor::exec_init(seg.flops_per_thread);
    e->set_host(built_.hosts.at(static_cast<std::size_t>(host)));
    if (seg.threads > 1) e->set_thread_count(seg.threads);
    e->wait();
  }
  const double rest_s = reprogram_s_[stage] - reprogram_busy_s_[stage];
  if (rest_s > 0) sg4::this_actor::sleep_for(rest_s);
  busy.end(sg4::Engine::get_clock());
  extra_energy_j_.at(static_cast<std::size_t>(host)) += reprogram_extra_j_[stage];
}

double LayerExec::extra_energy_j(int host) const { return extra_energy_j_.at(static_cast<std::size_t>(host)); }

double LayerExec::weights_ready_s(int stage) const { return ready_s_.at(static_cast<std::size_t>(stage)); }

void LayerExec::run(int stage, const std::function<void()>& on_start) {
  const auto k = static_cast<std::size_t>(stage);
  if (remaining_[k] == 0) {
    on_start();
    reprogram(k);
    for (const Segment& s : merged_[k]) execute(s);
    return;
  }
  const int host = plan_.stages[k].hosts.at(0).host;
  const auto& layers = plan_.stages[k].layers;
  // Without pre-loading a layer's load may start once its inputs are on the host: inputs from
  // other stages are here now; a producer in this stage delivers when it finishes.
  if (!weights_.preload)
    for (model::LayerId l : layers)
      if (in_stage_producers_[l].empty()) inputs_[l]->fire();
  bool started = false;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const model::LayerId l = layers[i];
    loaded_[l]->wait();
    if (!started) {
      on_start();
      reprogram(k);
      started = true;
    }
    execute(segment_of(l, host));
    if (!weights_.preload)
      for (std::size_t j = i + 1; j < layers.size(); ++j) {
        const auto& prod = in_stage_producers_[layers[j]];
        // Producers have smaller ids and run in id order: all are done once the last one is.
        if (!prod.empty() && *std::max_element(prod.begin(), prod.end()) == l) inputs_[layers[j]]->fire();
      }
  }
}

void LayerExec::loaded(const WeightLoad& w, double start_s) {
  const double t = sg4::Engine::get_clock();
  loaded_[w.layer]->fire();
  rec_.weight_loaded(w.host, w.stage, w.layer, start_s, t, w.bytes);
  if (--remaining_[static_cast<std::size_t>(w.stage)] == 0) {
    ready_s_[static_cast<std::size_t>(w.stage)] = t;
    rec_.stage_weights_ready(w.stage, t);
  }
}

void LayerExec::loader(int host) {
  for (const WeightLoad& w : weights_.by_host[static_cast<std::size_t>(host)]) {
    if (!weights_.preload) inputs_[w.layer]->wait();
    const double start_s = sg4::Engine::get_clock();
    if (w.from < 0 || w.from == host) {
      // Local storage: a read at the device's storage bandwidth (no compute, no network).
      sg4::this_actor::sleep_for(w.local_s);
    } else {
      // From the model store over the route (link energy counted like activations').
      const std::vector<int> route = sc_.platform.route(w.from, host);
      links_.transfer_start(route, start_s + sc_.platform.route_latency_s(w.from, host), w.bytes);
      sg4::Comm::sendto(built_.hosts.at(static_cast<std::size_t>(w.from)), built_.hosts.at(static_cast<std::size_t>(host)),
                        static_cast<uint64_t>(std::llround(w.bytes)));
      links_.transfer_end(route, sg4::Engine::get_clock());
    }
    loaded(w, start_s);
  }
}

void LayerExec::create_actors() {
  for (std::size_t h = 0; h < weights_.by_host.size(); ++h) {
    if (weights_.by_host[h].empty()) continue;
    const int host = static_cast<int>(h);
    sg4::Actor::create(fmt::format("weights-{}", sc_.platform.hosts[h].name), built_.hosts.at(h), [this, host] {
      try {
        loader(host);
      } catch (const simgrid::ForcefulKillException&) {
        throw;  // SimGrid unwinds killed actors with it
      } catch (...) {
        if (!error_) error_ = std::current_exception();
        sg4::Actor::kill_all();
      }
    });
  }
}

void LayerExec::rethrow_if_failed() const {
  if (error_) std::rethrow_exception(error_);
}

}  // namespace edgesplit::runtime
