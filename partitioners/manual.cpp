// manual: stages written by the user (AutoDiCE-style mapping), every mistake reported at its
// place in the scenario: unknown host or layer, a layer in two stages or none, stages out of order.
#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

std::string stage_key(const config::Node& stages, std::size_t i) { return fmt::format("{}[{}]", stages.key, i); }

class ManualPartitioner : public Partitioner {
 public:
  explicit ManualPartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    const config::Node* stages_node = util::option(options_, "stages");
    if (!stages_node)
      util::fail_missing("stages", "missing key \"stages\" (manual needs a stage list)");
    const auto& sn = *stages_node;
    if (!sn.is_sequence() || sn.items.empty())
      util::fail(sn, "expected a non-empty list of stages such as [{host: pi-1, layers: conv1..pool5}]");

    const auto& g = p.graph;
    std::vector<std::string> layer_names;
    for (const auto& l : g.layers()) layer_names.push_back(l.name);
    auto resolve_layer = [&](const config::Node& at, const std::string& name) {
      if (auto id = g.find(name)) return *id;
      std::string msg = fmt::format("expected a layer of model \"{}\", found \"{}\"", g.name(), name);
      if (auto hint = config::did_you_mean(name, layer_names); !hint.empty()) msg += "; " + hint;
      util::fail(at, msg);
    };

    std::vector<int> owner(g.size(), -1);
    std::vector<const config::Node*> named_at(g.size(), nullptr);  // where each layer was written
    std::vector<int> host_stage(p.hosts.size(), -1);
    std::vector<Stage> stages;
    for (std::size_t i = 0; i < sn.items.size(); ++i) {
      const auto& item = sn.items[i];
      if (!item.is_map()) util::fail(item, "expected a map {host: NAME, layers: [...] or \"first..last\"}");
      for (const auto& [k, v] : item.entries)
        if (k != "host" && k != "layers") {
          std::string msg = "unknown key";
          if (auto hint = config::did_you_mean(k, {"host", "layers"}); !hint.empty()) msg += "; " + hint;
          util::fail(v, msg);
        }
      const config::Node* host_node = item.get("host");
      if (!host_node) util::fail(item, "missing key \"host\"");
      const int h = util::resolve_host(p, *host_node);
      if (host_stage[static_cast<std::size_t>(h)] >= 0)
        util::fail(*host_node, fmt::format("host \"{}\" already runs {}; give each stage its own host",
                                           host_node->scalar, stage_key(sn, static_cast<std::size_t>(host_stage[h]))));
      host_stage[static_cast<std::size_t>(h)] = static_cast<int>(i);

      const config::Node* layers_node = item.get("layers");
      if (!layers_node) util::fail(item, "missing key \"layers\"");
      std::vector<std::pair<model::LayerId, const config::Node*>> mine;
      auto add_scalar = [&](const config::Node& n) {
        if (!n.is_scalar() || n.scalar.empty()) util::fail(n, "expected a layer name or a range \"first..last\"");
        auto dots = n.scalar.find("..");
        if (dots == std::string::npos) {
          mine.emplace_back(resolve_layer(n, n.scalar), &n);
          return;
        }
        auto first = resolve_layer(n, n.scalar.substr(0, dots));
        auto last = resolve_layer(n, n.scalar.substr(dots + 2));
        if (first > last)
          util::fail(n, fmt::format("expected a range \"first..last\" in the model's order, found \"{}\" (\"{}\" comes after \"{}\")",
                                    n.scalar, g.layer(first).name, g.layer(last).name));
        for (auto l = first; l <= last; ++l) mine.emplace_back(l, &n);
      };
      if (layers_node->is_sequence()) {
        if (layers_node->items.empty()) util::fail(*layers_node, "expected at least one layer, found []");
        for (const auto& n : layers_node->items) add_scalar(n);
      } else {
        add_scalar(*layers_node);
      }
      std::vector<model::LayerId> ids;
      for (const auto& [l, at] : mine) {
        if (owner[l] >= 0)
          util::fail(*at, fmt::format("layer \"{}\" is already in {}", g.layer(l).name,
                                      stage_key(sn, static_cast<std::size_t>(owner[l]))));
        owner[l] = static_cast<int>(i);
        named_at[l] = at;
        ids.push_back(l);
      }
      stages.push_back(util::single_host_stage(h, std::move(ids)));
    }

    std::vector<std::string> missing;
    for (std::size_t l = 0; l < g.size(); ++l)
      if (owner[l] < 0) missing.push_back(g.layer(l).name);
    if (!missing.empty()) {
      std::string list;
      for (std::size_t j = 0; j < missing.size() && j < 5; ++j) list += (j ? ", " : "") + ("\"" + missing[j] + "\"");
      if (missing.size() > 5) list += fmt::format(" and {} more", missing.size() - 5);
      util::fail(sn, fmt::format("every layer must be in a stage; in none: {}", list));
    }
    // Stages run in list order: a layer may only read layers of its own or earlier stages.
    for (std::size_t l = 0; l < g.size(); ++l)
      for (auto in : g.layer(l).inputs)
        if (in != model::kInput && owner[in] > owner[l])
          util::fail(*named_at[l], fmt::format("layer \"{}\" of {} reads \"{}\" of the later {}; list stages in the model's order",
                                               g.layer(l).name, stage_key(sn, static_cast<std::size_t>(owner[l])),
                                               g.layer(in).name, stage_key(sn, static_cast<std::size_t>(owner[in]))));

    require_fits(p, stages);
    return util::make_plan(p, "manual", std::move(stages));
  }

 private:
  Options options_;
};

}  // namespace

PartitionerInfo manual_info() {
  PartitionerInfo info;
  info.name = "manual";
  info.summary = "stages given by the user: a list of {host, layers} (AutoDiCE-style mapping)";
  info.options = {
      {"stages", OptionType::Tree, "",
       "list of {host: NAME, layers: [names] or \"first..last\"}, in pipeline order", {}, true},
  };
  info.make = [](const Options& o) { return std::make_unique<ManualPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
