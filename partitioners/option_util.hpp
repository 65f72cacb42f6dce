// Helpers shared by single, even, manual and neurosurgeon: reading declared options as located
// nodes, resolving host names with did-you-mean errors, and finishing a plan. Header-only:
// partitioners/CMakeLists.txt lists one source per partitioner.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "partitioners/evaluate.hpp"
#include "partitioners/partitioner.hpp"
#include "sim/config/diagnostics.hpp"
#include "sim/config/node.hpp"

#include <fmt/format.h>

namespace edgesplit::partition::util {


/// The option's node, or nullptr when it was neither given nor defaulted.
inline const config::Node* option(const Options& o, const std::string& name) {
  auto it = o.values().find(name);
  if (it == o.values().end() || it->second.kind == config::Node::Kind::Null) return nullptr;
  return &it->second;
}

/// Throws config::InputError located at `n` (its loc and dotted key).
[[noreturn]] inline void fail(const config::Node& n, const std::string& message) {
  throw config::InputError(config::Diagnostic{n.loc, n.key, message});
}

/// Throws config::InputError for a required option that is absent (no place to point at:
/// the loader normally reports it first, at the partitioner map).
[[noreturn]] inline void fail_missing(const std::string& option, const std::string& message) {
  config::Diagnostic d;
  d.key = "partitioner.options." + option;
  d.message = message;
  throw config::InputError(std::move(d));
}

/// Index of the host called `name` in p.hosts, or -1.
inline int host_index(const Problem& p, const std::string& name) {
  for (const auto& h : p.hosts)
    if (h.name == name) return h.index;
  return -1;
}

/// Resolves a host name written at node `n`; throws a located InputError with a
/// did-you-mean when it names no host.
inline int resolve_host(const Problem& p, const config::Node& n) {
  if (!n.is_scalar()) fail(n, "expected a host name");
  int i = host_index(p, n.scalar);
  if (i >= 0) return i;
  std::vector<std::string> names;
  for (const auto& h : p.hosts) names.push_back(h.name);
  std::string msg = fmt::format("expected a host of the platform, found \"{}\"", n.scalar);
  if (auto hint = config::did_you_mean(n.scalar, names); !hint.empty()) msg += "; " + hint;
  fail(n, msg);
}

/// Resolves a HostList option (a sequence of names, or one name); nullopt when absent.
/// Throws a located InputError for an unknown name, a duplicate or an empty list.
inline std::optional<std::vector<int>> host_list(const Problem& p, const Options& o, const std::string& name) {
  const config::Node* n = option(o, name);
  if (!n) return std::nullopt;
  std::vector<int> out;
  if (n->is_scalar()) {
    out.push_back(resolve_host(p, *n));
  } else if (n->is_sequence()) {
    if (n->items.empty()) fail(*n, "expected a non-empty list of host names, found []");
    for (const auto& item : n->items) {
      int h = resolve_host(p, item);
      if (std::find(out.begin(), out.end(), h) != out.end())
        fail(item, fmt::format("host \"{}\" is listed twice", item.scalar));
      out.push_back(h);
    }
  } else {
    fail(*n, "expected a list of host names");
  }
  return out;
}

/// Scalar text of a string/enum option, or `fallback` when absent.
inline std::string string_option(const Options& o, const std::string& name, const std::string& fallback) {
  const config::Node* n = option(o, name);
  if (!n) return fallback;
  if (!n->is_scalar()) fail(*n, "expected a single value");
  return n->scalar;
}

/// Stage on one host with the given layers (sorted ascending).
inline Stage single_host_stage(int host, std::vector<model::LayerId> layers) {
  std::sort(layers.begin(), layers.end());
  Stage s;
  s.hosts.push_back(HostShare{host, 1.0});
  s.layers = std::move(layers);
  return s;
}

/// Plan named `partitioner` with `stages`, evaluated (evaluate.hpp rules).
inline Plan make_plan(const Problem& p, const std::string& partitioner, std::vector<Stage> stages) {
  Plan plan;
  plan.partitioner = partitioner;
  plan.stages = std::move(stages);
  evaluate(p, plan);
  return plan;
}

/// Value of `plan` for an objective (bottleneck, latency or energy); smaller is better.
inline double objective_value(const Plan& plan, Objective objective) {
  switch (objective) {
    case Objective::Throughput:
      return plan.predicted_bottleneck_s;
    case Objective::Latency:
      return plan.predicted_latency_s;
    case Objective::Energy:
      return plan.predicted_energy_j;
  }
  return plan.predicted_bottleneck_s;
}

}  // namespace edgesplit::partition::util
