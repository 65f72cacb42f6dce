// Weight loaders and layer-by-layer stage execution (weights still loading, CIM stages split
// between the CIM device and its host). Semantics follow partitioners/schedule.hpp.
#include "sim/runtime/layer_exec.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

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
  return cim_split_[k] || remaining_[k] > 0;
}

double LayerExec::weights_ready_s(int stage) const { return ready_s_.at(static_cast<std::size_t>(stage)); }

void LayerExec::run(int stage, const std::function<void()>& on_start) {
  const auto k = static_cast<std::size_t>(stage);
  if (remaining_[k] == 0) {
    on_start();
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
