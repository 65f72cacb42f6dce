// dads: DADS (Hu et al., INFOCOM 2019) latency partition of a DAG between a device and a
// server host as an s-t minimum cut, solved with Boost.Graph's Boykov-Kolmogorov max-flow.
#include <algorithm>
#include <queue>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
// Boost's max-flow code trips GCC's -Wmaybe-uninitialized on an optional inside its iterators.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>
#pragma GCC diagnostic pop
#include <fmt/format.h>

#include "partitioners/chain_dp.hpp"
#include "partitioners/evaluate.hpp"
#include "partitioners/pipeedge.hpp"

namespace edgesplit::partition {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS,
    boost::property<boost::vertex_color_t, boost::default_color_type,
                    boost::property<boost::vertex_distance_t, long,
                                    boost::property<boost::vertex_predecessor_t, Traits::edge_descriptor>>>,
    boost::property<boost::edge_capacity_t, double,
                    boost::property<boost::edge_residual_capacity_t, double,
                                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;

int resolve_host(const Problem& p, const std::string& option) {
  if (!chain::has_option(p.options, option))
    throw chain::option_error(p.options, option, "expected a host name (required by dads), found nothing");
  const auto& n = p.options.node(option);
  if (!n.is_scalar()) throw chain::option_error(p.options, option, "expected a host name");
  std::vector<std::string> names;
  for (const auto& h : p.hosts) {
    if (h.name == n.scalar) return h.index;
    names.push_back(h.name);
  }
  std::string msg = fmt::format("expected a host of the platform, found \"{}\"", n.scalar);
  if (auto hint = config::did_you_mean(n.scalar, names); !hint.empty()) msg += "; " + hint;
  throw chain::option_error(p.options, option, msg);
}

class Dads : public Partitioner {
 public:
  Plan partition(const Problem& p) const override {
    const int device = resolve_host(p, "device");
    const int server = resolve_host(p, "server");
    if (device == server)
      throw chain::option_error(p.options, "server", "expected a host other than the device");
    const auto& g = p.graph;
    const std::size_t n = g.size();
    if (n == 0) throw std::invalid_argument("dads: the model has no layers");

    // Vertices: 0 = s, 1 = t, 2 = the model input, 3.. = layers, then auxiliary vertices.
    const std::size_t src = 0, snk = 1, input = 2;
    auto vtx = [&](model::LayerId l) { return l == model::kInput ? input : 3 + l; };
    struct Arc {
      std::size_t from, to;
      double cap;
      bool infinite;
    };
    std::vector<Arc> arcs;
    std::size_t vertices = 3 + n;
    double finite_total = 0;
    auto add = [&](std::size_t a, std::size_t b, double cap) {
      arcs.push_back({a, b, cap, false});
      finite_total += cap;
    };
    auto add_inf = [&](std::size_t a, std::size_t b) { arcs.push_back({a, b, 0, true}); };

    add_inf(src, input);  // edgesplit pins the input to the device
    for (std::size_t l = 0; l < n; ++l) {
      add(src, vtx(l), p.cost.compute_s(l, server));  // cut when l runs on the server
      add(vtx(l), snk, p.cost.compute_s(l, device));  // cut when l runs on the device
    }
    std::vector<model::LayerId> producers{model::kInput};
    for (std::size_t l = 0; l < n; ++l) producers.push_back(l);
    for (auto u : producers) {
      const auto& readers = g.consumers(u);
      if (readers.empty()) continue;
      const double bytes = u == model::kInput ? g.input_bytes(p.batch) : g.output_bytes(u, p.batch);
      const double transfer = p.cost.send_s(bytes, device, server);
      if (readers.size() == 1) {
        add(vtx(u), vtx(readers[0]), transfer);
        add_inf(vtx(readers[0]), vtx(u));  // no data back from server to device
      } else {
        // One auxiliary vertex: the output is sent once however many readers run on the server.
        // Back edges go from each reader straight to u: through the auxiliary vertex they would
        // tie every reader to the side of the others.
        const std::size_t aux = vertices++;
        add(vtx(u), aux, transfer);
        for (auto r : readers) {
          add_inf(aux, vtx(r));
          add_inf(vtx(r), vtx(u));
        }
      }
    }
    // A finite stand-in for infinity: more than any finite cut.
    const double big = 2 * finite_total + 1;

    FlowGraph fg(vertices);
    auto cap = boost::get(boost::edge_capacity, fg);
    auto rev = boost::get(boost::edge_reverse, fg);
    auto res = boost::get(boost::edge_residual_capacity, fg);
    for (const auto& a : arcs) {
      auto e = boost::add_edge(a.from, a.to, fg).first;
      auto r = boost::add_edge(a.to, a.from, fg).first;
      cap[e] = a.infinite ? big : a.cap;
      cap[r] = 0;
      rev[e] = r;
      rev[r] = e;
    }
    const double flow = boost::boykov_kolmogorov_max_flow(fg, src, snk);

    // Source side of the minimum cut: vertices reachable from s in the residual graph.
    const double eps = 1e-12 * std::max(1.0, big);
    std::vector<char> on_device(vertices, 0);
    std::queue<std::size_t> q;
    q.push(src);
    on_device[src] = 1;
    while (!q.empty()) {
      const auto v = q.front();
      q.pop();
      for (auto [it, end] = boost::out_edges(v, fg); it != end; ++it) {
        const auto w = boost::target(*it, fg);
        if (!on_device[w] && res[*it] > eps) {
          on_device[w] = 1;
          q.push(w);
        }
      }
    }
    Stage dev, srv;
    dev.hosts.push_back({device, 1.0});
    srv.hosts.push_back({server, 1.0});
    for (std::size_t l = 0; l < n; ++l) (on_device[vtx(l)] ? dev : srv).layers.push_back(l);
    Plan plan;
    plan.partitioner = "dads";
    if (!dev.layers.empty()) plan.stages.push_back(dev);
    if (!srv.layers.empty()) plan.stages.push_back(srv);
    require_fits(p, plan.stages);
    evaluate(p, plan);
    plan.notes["min_cut_latency_s"] = fmt::format("{}", flow);
    plan.notes["device_layers"] = fmt::format("{}", dev.layers.size());
    return plan;
  }
};

}  // namespace

PartitionerInfo dads_info() {
  return {"dads",
          "DADS min-cut of a DAG between a device and a server host, least latency (input pinned to the device)",
          {{"device", OptionType::Host, "", "host that holds the input and runs the first part", {}, true},
           {"server", OptionType::Host, "", "host that runs the rest", {}, true}},
          [](const Options&) { return std::make_unique<Dads>(); }};
}

}  // namespace edgesplit::partition
