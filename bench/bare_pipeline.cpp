// Benchmark baseline: a bare SimGrid actor pipeline of the runtime bench's shape (8 stages on 8
// hosts with private split-duplex links, 1 MB between stages, network exact); one actor per stage:
// get / execute / detached put, requests admitted through a window of 16. Prints simulated
// requests per wall second and the peak RSS. Usage: bare_pipeline REQUESTS
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>
#include <xbt/log.h>

namespace sg4 = simgrid::s4u;

static std::string name(const char* prefix, int k) {
  std::string s = prefix;  // not "x" + std::to_string(k): GCC 12 warns falsely (-Wrestrict)
  s += std::to_string(k);
  return s;
}

int main(int argc, char** argv) {
  const long long requests = argc > 1 ? std::atoll(argv[1]) : 100000;
  xbt_log_control_set("root.thresh:critical");
  int sg_argc = 1;
  sg4::Engine e(&sg_argc, argv);
  e.set_config("network/model:CM02");
  e.set_config("network/crosstraffic:0");
  e.set_config("network/TCP-gamma:0");
  const int stages = 8;
  const double compute_s[8] = {0.05, 0.08, 0.06, 0.1, 0.07, 0.09, 0.04, 0.06};
  auto* zone = sg4::create_full_zone("world");
  std::vector<sg4::Host*> hosts;
  std::vector<sg4::Link*> links;
  for (int k = 0; k < stages; ++k) {
    hosts.push_back(zone->create_host(name("h", k), 1e9)->seal());
    auto* l = zone->create_split_duplex_link(name("l", k), 1e8);
    l->set_latency(1e-3)->seal();
    links.push_back(l);
  }
  for (int k = 0; k + 1 < stages; ++k)
    zone->add_route(hosts[k]->get_netpoint(), hosts[k + 1]->get_netpoint(), nullptr, nullptr,
                    {sg4::LinkInRoute(links[k], sg4::LinkInRoute::Direction::UP),
                     sg4::LinkInRoute(links[k + 1], sg4::LinkInRoute::Direction::DOWN)},
                    false);
  zone->seal();
  std::vector<sg4::Mailbox*> mb;
  for (int k = 0; k <= stages; ++k) mb.push_back(sg4::Mailbox::by_name(name("mb", k)));
  // Payloads: a ring of one slot per window place (at most 16 requests in flight), so that the
  // benchmark's own memory does not grow with the request count (8 bytes per request before).
  constexpr std::size_t kWindow = 16;
  static std::vector<long long> ids(kWindow);
  auto window = sg4::Semaphore::create(kWindow);
  long long done = 0;
  double first_end = 0, last_end = 0;
  sg4::Actor::create("source", hosts[0], [&] {
    for (long long i = 0; i < requests; ++i) {
      window->acquire();
      long long& slot = ids[static_cast<std::size_t>(i) % kWindow];
      slot = i;
      mb[0]->put_init(&slot, 0)->detach();
    }
  });
  for (int k = 0; k < stages; ++k) {
    auto a = sg4::Actor::create(name("stage", k), hosts[k], [&, k] {
      for (long long i = 0; i < requests; ++i) {
        long long* id = mb[k]->get<long long>();
        sg4::this_actor::execute(compute_s[k] * 1e9);
        if (k + 1 < stages) {
          mb[k + 1]->put_init(id, 1000000)->detach();
        } else {
          if (done++ == 0) first_end = sg4::Engine::get_clock();
          last_end = sg4::Engine::get_clock();
          window->release();
        }
      }
    });
    mb[k]->set_receiver(a);
  }
  const auto t0 = std::chrono::steady_clock::now();
  e.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("bare SimGrid 8-stage pipeline: %lld requests in %.3f wall-s = %.0f requests/wall-s, %.3f req/sim-s, "
              "peak RSS %.1f MB\n",
              done, wall_s, static_cast<double>(done) / wall_s,
              done > 1 ? static_cast<double>(done - 1) / (last_end - first_end) : 0.0,
              static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
