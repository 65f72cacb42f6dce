// manual: stages written by the user (AutoDiCE-style mapping), every mistake reported at its
// place in the scenario: unknown host or layer, a layer in two stages or none, stages out of order.
#include <filesystem>

#include "partitioners/autodice.hpp"
#include "partitioners/option_util.hpp"

namespace edgesplit::partition {

namespace {

std::string stage_key(const config::Node& stages, std::size_t i) { return fmt::format("{}[{}]", stages.key, i); }

/// Reads an AutoDiCE mapping file (path relative to the scenario that names it) into the same
/// located tree as a `stages` list, so both go through one set of checks.
config::Node stages_from_autodice(const config::Node& at) {
  if (!at.is_scalar() || at.scalar.empty()) util::fail(at, "expected the path of an AutoDiCE mapping file (JSON)");
  std::filesystem::path path(at.scalar);
  if (path.is_relative() && !at.loc.file.empty() && at.loc.file != "<command line>")
    path = std::filesystem::path(at.loc.file).parent_path() / path;
  config::Diagnostics diag;
  const auto stages = parse_autodice(path.string(), diag);
  if (diag.has_errors()) throw config::InputError(diag.sorted().front());
  config::Node list;
  list.kind = config::Node::Kind::Sequence;
  list.loc = at.loc;
  list.key = at.key;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& st = stages[i];
    config::Node item;
    item.kind = config::Node::Kind::Map;
    item.loc = st.loc;
    item.key = st.key;
    config::Node host = config::scalar_node(st.host, st.key, st.loc);
    config::Node layers;
    layers.kind = config::Node::Kind::Sequence;
    layers.loc = st.loc;
    layers.key = st.key;
    for (std::size_t j = 0; j < st.layers.size(); ++j) {
      layers.items.push_back(config::scalar_node(st.layers[j], fmt::format("{}[{}]", st.key, j),
                                                 j < st.layer_locs.size() ? st.layer_locs[j] : st.loc));
    }
    item.entries.emplace_back("host", std::move(host));
    item.entries.emplace_back("layers", std::move(layers));
    list.items.push_back(std::move(item));
  }
  return list;
}

class ManualPartitioner : public Partitioner {
 public:
  explicit ManualPartitioner(Options options) : options_(std::move(options)) {}

  Plan partition(const Problem& p) const override {
    const config::Node* stages_node = util::option(options_, "stages");
    const config::Node* autodice_node = util::option(options_, "autodice");
    if (stages_node && autodice_node)
      util::fail(*autodice_node, "expected either \"stages\" or \"autodice\", found both");
    if (!stages_node && !autodice_node)
      util::fail_missing("stages", "missing key \"stages\" (manual needs a stage list or an autodice mapping file)");
    config::Node from_file;
    if (autodice_node) from_file = stages_from_autodice(*autodice_node);
    const auto& sn = stages_node ? *stages_node : from_file;
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
       "list of {host: NAME, layers: [names] or \"first..last\"}, in pipeline order", {}, false},
      {"autodice", OptionType::String, "",
       "AutoDiCE mapping file (JSON: {\"<host>_<resource>\": [node names]}) instead of stages", {}, false},
  };
  info.make = [](const Options& o) { return std::make_unique<ManualPartitioner>(o); };
  return info;
}

}  // namespace edgesplit::partition
