// Platform file -> config::Platform: device types, hosts (count expansion, private access links),
// links and routes, every reference and value checked (FORMATS.md "Platform file").
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/config/yaml_reader.hpp"

namespace edgesplit::config::detail {
namespace {

using units::Kind;

// {idle, busy}; busy defaults to idle (a device whose power does not vary with load).
std::optional<Power> read_power(const Ctx& ctx, const YAML::Node& n, const std::string& key) {
  MapView m(ctx, n, key, {"idle", "busy"});
  if (!m.ok()) return std::nullopt;
  std::optional<double> idle, busy;
  if (auto v = m.require("idle")) idle = read_quantity(ctx, *v, child_key(key, "idle"), Kind::Power, Bound::NonNegative);
  const auto busy_node = m.get("busy");
  if (busy_node) busy = read_quantity(ctx, *busy_node, child_key(key, "busy"), Kind::Power, Bound::NonNegative);
  if (!idle || (busy_node && !busy)) return std::nullopt;
  if (busy && *busy < *idle) {
    error(ctx, *busy_node, child_key(key, "busy"),
          "expected a busy power >= the idle power (" + m.get("idle")->Scalar() + "), found " + found(*busy_node));
    return std::nullopt;
  }
  return Power{*idle, busy ? *busy : *idle};
}

std::optional<std::vector<double>> read_quantity_list(const Ctx& ctx, const YAML::Node& n, const std::string& key,
                                                      Kind kind) {
  if (!n.IsSequence()) {
    error(ctx, n, key, "expected a list of " + units::describe(kind, "non-negative").substr(2) + ", found " + found(n));
    return std::nullopt;
  }
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto v = read_quantity(ctx, n[i], index_key(key, i), kind, Bound::NonNegative);
    if (v)
      out.push_back(*v);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

void read_profiles(const Ctx& ctx, const YAML::Node& n, const std::string& key, DeviceType& t) {
  MapView models(ctx, n, key, {});
  for (const auto& [model, spec] : models.entries()) {
    const std::string pk = child_key(key, model);
    MapView m(ctx, spec, pk, {"batch", "time_s", "energy_j"});
    if (!m.ok()) continue;
    Profile p;
    p.loc = loc_of(ctx, spec, pk);
    if (auto b = m.get("batch"))
      if (auto v = read_int(ctx, *b, child_key(pk, "batch"), 1)) p.batch = static_cast<int>(*v);
    if (auto ts = m.require("time_s"))
      if (auto v = read_quantity_list(ctx, *ts, child_key(pk, "time_s"), Kind::Time)) p.time_s = *v;
    if (auto es = m.get("energy_j")) {
      if (auto v = read_quantity_list(ctx, *es, child_key(pk, "energy_j"), Kind::Energy)) {
        p.energy_j = *v;
        if (!p.time_s.empty() && p.energy_j.size() != p.time_s.size())
          error(ctx, *es, child_key(pk, "energy_j"),
                "expected one value per layer like time_s (" + std::to_string(p.time_s.size()) + "), found " +
                    std::to_string(p.energy_j.size()));
      }
    }
    t.profiles[model] = std::move(p);
  }
}

DeviceType read_device_type(const Ctx& ctx, const std::string& name, const YAML::Node& n, const std::string& key) {
  DeviceType t;
  t.name = name;
  t.loc = loc_of(ctx, n, key);
  MapView m(ctx, n, key,
            {"kind", "speed", "cores", "memory", "power", "bandwidth", "latency", "efficiency", "profiles",
             "macs_per_s", "energy_per_mac", "weight_capacity", "storage_bandwidth", "precision", "reprogram"});
  if (!m.ok()) return t;
  if (auto v = m.get("kind"))
    if (auto k = read_choice(ctx, *v, child_key(key, "kind"), {"cpu", "gpu", "cim"})) t.kind = *k;
  const bool cim = t.kind == "cim";
  if (auto v = cim ? m.get("speed") : m.require("speed"))
    if (auto q = read_quantity(ctx, *v, child_key(key, "speed"), Kind::Speed, Bound::Positive)) t.speed_flops = *q;
  if (auto v = m.get("cores"))
    if (auto q = read_int(ctx, *v, child_key(key, "cores"), 1)) t.cores = static_cast<int>(*q);
  if (auto v = cim ? m.get("memory") : m.require("memory"))
    if (auto q = read_quantity(ctx, *v, child_key(key, "memory"), Kind::Bytes, Bound::Positive)) t.memory_bytes = *q;
  if (auto v = m.get("power")) t.power = read_power(ctx, *v, child_key(key, "power"));
  if (auto v = m.get("bandwidth"))
    t.bandwidth_Bps = read_quantity(ctx, *v, child_key(key, "bandwidth"), Kind::Bandwidth, Bound::Positive);
  if (auto v = m.get("latency"))
    t.latency_s = read_quantity(ctx, *v, child_key(key, "latency"), Kind::Time, Bound::NonNegative);
  if (auto v = m.get("efficiency")) {
    MapView eff(ctx, *v, child_key(key, "efficiency"), {});
    for (const auto& [type, f] : eff.entries())
      if (auto q = read_quantity(ctx, f, child_key(eff.key(), type), Kind::Number, Bound::Fraction))
        t.efficiency[type] = *q;
  }
  if (auto v = m.get("profiles")) read_profiles(ctx, *v, child_key(key, "profiles"), t);
  if (auto v = m.get("storage_bandwidth"))
    t.storage_bandwidth_Bps = read_quantity(ctx, *v, child_key(key, "storage_bandwidth"), Kind::Bandwidth, Bound::Positive);
  const char* cim_keys[] = {"macs_per_s", "energy_per_mac", "weight_capacity", "precision", "reprogram"};
  if (!cim) {
    for (const char* k : cim_keys)
      if (auto v = m.get(k)) error(ctx, *v, child_key(key, k), "expected only with kind: cim, found kind: " + t.kind);
    return t;
  }
  if (auto v = m.require("macs_per_s"))
    if (auto q = read_quantity(ctx, *v, child_key(key, "macs_per_s"), Kind::MacRate, Bound::Positive))
      t.macs_per_s = *q;
  if (auto v = m.require("energy_per_mac"))
    if (auto q = read_quantity(ctx, *v, child_key(key, "energy_per_mac"), Kind::Energy, Bound::NonNegative))
      t.energy_per_mac_j = *q;
  if (auto v = m.require("weight_capacity"))
    if (auto q = read_quantity(ctx, *v, child_key(key, "weight_capacity"), Kind::Bytes, Bound::Positive))
      t.weight_capacity_bytes = *q;
  // A CIM macro without a stated speed runs at its MAC rate (1 MAC = 2 flop); its memory is
  // its weight capacity unless given.
  if (!m.has("speed")) t.speed_flops = 2.0 * t.macs_per_s;
  if (!m.has("memory")) {
    t.memory_bytes = t.weight_capacity_bytes;
    t.memory_from_capacity = true;
  }
  if (auto v = m.get("precision"))
    if (auto q = read_int(ctx, *v, child_key(key, "precision"), 1)) t.precision_bits = static_cast<int>(*q);
  // reprogram: {write_bandwidth, energy_per_byte}: rewriting the arrays per request when a stage's
  // weights exceed the capacity (docs/CIM.md "Reprogramming").
  if (auto v = m.get("reprogram")) {
    const std::string rkey = child_key(key, "reprogram");
    MapView r(ctx, *v, rkey, {"write_bandwidth", "energy_per_byte"});
    if (r.ok()) {
      std::optional<double> bw, epb;
      if (auto w = r.require("write_bandwidth"))
        bw = read_quantity(ctx, *w, child_key(rkey, "write_bandwidth"), Kind::Bandwidth, Bound::Positive);
      if (auto e = r.require("energy_per_byte"))
        epb = read_quantity(ctx, *e, child_key(rkey, "energy_per_byte"), Kind::Energy, Bound::NonNegative);
      if (bw && epb) t.reprogram = Reprogram{*bw, *epb};
    }
  }
  // A CIM device's busy power is derived (docs/CIM.md): idle + energy_per_mac x macs_per_s, so
  // SimGrid's host energy gives leakage x time + MACs x energy_per_mac exactly.
  if (auto pw = m.get("power"); pw && pw->IsMap() && (*pw)["busy"])
    error(ctx, (*pw)["busy"], child_key(key, "power.busy"),
          "expected no busy power with kind: cim (it is idle + energy_per_mac x macs_per_s), found " +
              found((*pw)["busy"]));
  return t;
}

// `attached_to` of CIM hosts: each names a non-CIM host ("<name>-<k>" of a counted group when the
// CIM entry has the same count). The CIM host keeps its own access link (the short fast link to
// its host); unless a route is declared, traffic between another host x and the CIM host crosses
// route(x, host) then that link (docs/CIM.md), so the loader adds those routes here.
template <class Attached>
void resolve_attachments(const Ctx& ctx, Platform& p, const std::vector<Attached>& attached,
                         const std::vector<std::string>& host_names) {
  for (const Attached& a : attached) {
    const int64_t n = a.count == 0 ? 1 : a.count;
    for (int64_t k = 0; k < n && a.first_host + static_cast<std::size_t>(k) < p.hosts.size(); ++k) {
      Host& h = p.hosts[a.first_host + static_cast<std::size_t>(k)];
      if (h.attached_to.empty()) continue;
      std::string owner = h.attached_to;
      if (p.host_index(owner) < 0 && a.count > 0) owner += fmt::format("-{}", k);
      const int oi = p.host_index(owner);
      if (oi < 0) {
        error(ctx, a.node, a.key, "expected one of " + join_names(host_names) + ", found " + found(a.node));
        h.attached_to.clear();
        break;
      }
      // An owner whose type is unknown has its own error already (type: ...); nothing to check here.
      const auto owner_type = p.device_types.find(p.hosts[static_cast<std::size_t>(oi)].type);
      if (owner_type != p.device_types.end() && owner_type->second.kind == "cim") {
        error(ctx, a.node, a.key, "expected a host that is not a CIM device, found " + found(a.node));
        h.attached_to.clear();
        break;
      }
      h.attached_to = owner;
    }
  }
  std::set<std::pair<std::string, std::string>> declared;
  for (const Route& r : p.routes) declared.insert(std::minmax(r.from, r.to));
  std::vector<Route> added;
  for (const Host& c : p.hosts) {
    if (c.attached_to.empty() || c.link.empty()) continue;
    const int oi = p.host_index(c.attached_to);
    for (std::size_t x = 0; x < p.hosts.size(); ++x) {
      const Host& hx = p.hosts[x];
      if (hx.name == c.name || declared.count(std::minmax(hx.name, c.name))) continue;
      Route r;
      r.from = hx.name;
      r.to = c.name;
      r.loc = c.loc;
      for (int li : p.route(static_cast<int>(x), oi)) r.links.push_back(p.links[static_cast<std::size_t>(li)].name);
      if (r.links.empty() || r.links.back() != c.link) r.links.push_back(c.link);
      declared.insert(std::minmax(hx.name, c.name));
      added.push_back(std::move(r));
    }
  }
  for (Route& r : added) p.routes.push_back(std::move(r));
}

std::vector<std::string> keys_of(const std::map<std::string, DeviceType>& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

}  // namespace

std::optional<Platform> parse_platform(const Ctx& ctx, const YAML::Node& root, const std::string& prefix) {
  const std::size_t errors_before = ctx.diag->items().size();
  Platform p;
  p.path = ctx.file;
  MapView top(ctx, root, prefix, {"device_types", "hosts", "links", "routes"});
  if (!top.ok()) return std::nullopt;

  // Device types.
  const std::string types_key = child_key(prefix, "device_types");
  std::set<std::string> bandwidth_given;  // types naming a bandwidth, valid or not (no second error)
  if (auto dt = top.require("device_types")) {
    MapView types(ctx, *dt, types_key, {});
    for (const auto& [name, spec] : types.entries()) {
      p.device_types[name] = read_device_type(ctx, name, spec, child_key(types_key, name));
      if (spec.IsMap() && spec["bandwidth"]) bandwidth_given.insert(name);
    }
  }

  // Declared links.
  std::map<std::string, int> link_line;
  const std::string links_key = child_key(prefix, "links");
  if (auto ls = top.get("links")) {
    if (!ls->IsSequence() && !ls->IsNull()) {
      error(ctx, *ls, links_key, "expected a list of links, found " + found(*ls));
    } else if (ls->IsSequence()) {
      for (std::size_t i = 0; i < ls->size(); ++i) {
        const YAML::Node n = (*ls)[i];
        const std::string key = index_key(links_key, i);
        MapView m(ctx, n, key, {"name", "bandwidth", "latency", "sharing", "power"});
        if (!m.ok()) continue;
        Link l;
        l.loc = loc_of(ctx, n, key);
        if (auto v = m.require("name")) {
          if (auto s = read_name(ctx, *v, child_key(key, "name"), "a link name")) {
            l.name = *s;
            if (auto it = link_line.find(l.name); it != link_line.end())
              error(ctx, *v, child_key(key, "name"),
                    "expected a unique link name, found " + found(*v) + " (first at line " +
                        std::to_string(it->second) + ")");
            else
              link_line[l.name] = l.loc.line;
          }
        }
        if (auto v = m.require("bandwidth"))
          if (auto q = read_quantity(ctx, *v, child_key(key, "bandwidth"), Kind::Bandwidth, Bound::Positive))
            l.bandwidth_Bps = *q;
        if (auto v = m.get("latency"))
          if (auto q = read_quantity(ctx, *v, child_key(key, "latency"), Kind::Time, Bound::NonNegative))
            l.latency_s = *q;
        if (auto v = m.get("sharing"))
          if (auto s = read_choice(ctx, *v, child_key(key, "sharing"), {"splitduplex", "shared", "fatpipe"}))
            l.sharing = *s;
        if (auto v = m.get("power")) l.power = read_power(ctx, *v, child_key(key, "power"));
        p.links.push_back(std::move(l));
      }
    }
  }
  std::vector<std::string> link_names;
  for (const auto& l : p.links) link_names.push_back(l.name);

  // Hosts, with count expansion and generated private access links.
  std::map<std::string, int> host_line;
  struct Attached {
    std::size_t first_host;  ///< index of the entry's first expanded host
    int64_t count;           ///< 0: one host
    YAML::Node node;
    std::string key;
  };
  std::vector<Attached> attached;  // `attached_to` entries, resolved once every host is known
  const std::string hosts_key = child_key(prefix, "hosts");
  if (auto hs = top.require("hosts")) {
    if (!hs->IsSequence() || hs->size() == 0) {
      error(ctx, *hs, hosts_key, "expected a non-empty list of hosts, found " + found(*hs));
    } else {
      for (std::size_t i = 0; i < hs->size(); ++i) {
        const YAML::Node n = (*hs)[i];
        const std::string key = index_key(hosts_key, i);
        MapView m(ctx, n, key, {"name", "type", "link", "count", "attached_to"});
        if (!m.ok()) continue;
        std::string name, type, link;
        int64_t count = 0;  // 0: no count, a single host named `name`
        const auto name_node = m.require("name");
        if (name_node) name = read_name(ctx, *name_node, child_key(key, "name"), "a host name").value_or("");
        const auto type_node = m.require("type");
        if (type_node) {
          if (auto s = read_name(ctx, *type_node, child_key(key, "type"), "a device type name")) {
            if (p.device_types.count(*s))
              type = *s;
            else
              error(ctx, *type_node, child_key(key, "type"),
                    "expected one of " + join_names(keys_of(p.device_types)) + ", found " + found(*type_node));
          }
        }
        if (auto v = m.get("link")) {
          if (auto s = read_name(ctx, *v, child_key(key, "link"), "a link name")) {
            if (p.link_index(*s) >= 0)
              link = *s;
            else
              error(ctx, *v, child_key(key, "link"),
                    "expected one of " + (link_names.empty() ? std::string("the declared links (none)")
                                                               : join_names(link_names)) +
                        ", found " + found(*v));
          }
        }
        if (auto v = m.get("count"))
          if (auto c = read_int(ctx, *v, child_key(key, "count"), 1)) {
            // A bound well above any edge cluster, so a stray digit cannot make millions of hosts.
            constexpr int64_t kMaxCount = 100000;
            if (*c > kMaxCount)
              error(ctx, *v, child_key(key, "count"),
                    "expected at most " + std::to_string(kMaxCount) + " hosts per entry, found " + found(*v));
            else
              count = *c;
          }
        std::string attached_to;
        if (auto v = m.get("attached_to")) {
          if (!type.empty() && p.device_types.at(type).kind != "cim")
            error(ctx, *v, child_key(key, "attached_to"),
                  "expected only on hosts of a kind: cim type, found type " + type + " of kind " +
                      p.device_types.at(type).kind);
          else if (auto s = read_name(ctx, *v, child_key(key, "attached_to"), "a host name"))
            attached_to = *s;
          attached.push_back({p.hosts.size(), count, *v, child_key(key, "attached_to")});
        }
        if (name.empty()) continue;
        std::vector<std::string> names;
        if (count == 0)
          names.push_back(name);
        else
          for (int64_t k = 0; k < count; ++k) names.push_back(name + "-" + std::to_string(k));
        for (const auto& hn : names) {
          Host h;
          h.name = hn;
          h.type = type;
          h.link = link;
          h.attached_to = attached_to;
          h.loc = loc_of(ctx, n, key);
          if (auto it = host_line.find(hn); it != host_line.end()) {
            error(ctx, *name_node, child_key(key, "name"),
                  "expected a unique host name, found \"" + hn + "\" (first at line " + std::to_string(it->second) +
                      ")");
            continue;
          }
          host_line[hn] = h.loc.line;
          if (!m.has("link") && !type.empty()) {
            const DeviceType& t = p.device_types.at(type);
            const std::string generated = hn + "-link";
            if (!t.bandwidth_Bps && bandwidth_given.count(type)) {
              // The type's bandwidth is wrong and already reported.
            } else if (!t.bandwidth_Bps) {
              error(ctx, n, key,
                    "expected a \"link\", or a \"bandwidth\" in device type \"" + type +
                        "\" for a private access link, found neither");
            } else if (p.link_index(generated) >= 0) {
              error(ctx, n, key,
                    "expected a \"link\": the private access link \"" + generated +
                        "\" would clash with a declared link of that name");
            } else {
              Link l;
              l.name = generated;
              l.bandwidth_Bps = *t.bandwidth_Bps;
              l.latency_s = t.latency_s.value_or(kDefaultAccessLatency_s);
              l.loc = h.loc;
              p.links.push_back(std::move(l));
              h.link = generated;
            }
          }
          p.hosts.push_back(std::move(h));
        }
      }
    }
  }
  std::vector<std::string> host_names;
  for (const auto& h : p.hosts) host_names.push_back(h.name);

  // Routes.
  const std::string routes_key = child_key(prefix, "routes");
  if (auto rs = top.get("routes")) {
    if (!rs->IsSequence() && !rs->IsNull()) {
      error(ctx, *rs, routes_key, "expected a list of routes, found " + found(*rs));
    } else if (rs->IsSequence()) {
      std::set<std::pair<std::string, std::string>> seen;
      for (std::size_t i = 0; i < rs->size(); ++i) {
        const YAML::Node n = (*rs)[i];
        const std::string key = index_key(routes_key, i);
        MapView m(ctx, n, key, {"from", "to", "links"});
        if (!m.ok()) continue;
        Route r;
        r.loc = loc_of(ctx, n, key);
        bool ok = true;
        for (const char* end : {"from", "to"}) {
          auto v = m.require(end);
          if (!v) {
            ok = false;
            continue;
          }
          auto s = read_name(ctx, *v, child_key(key, end), "a host name");
          if (s && p.host_index(*s) < 0) {
            error(ctx, *v, child_key(key, end), "expected one of " + join_names(host_names) + ", found " + found(*v));
            s.reset();
          }
          if (!s) ok = false;
          (std::string(end) == "from" ? r.from : r.to) = s.value_or("");
        }
        if (ok && r.from == r.to) {
          error(ctx, *m.get("to"), child_key(key, "to"),
                "expected a host other than \"from\", found " + found(*m.get("to")));
          ok = false;
        }
        if (ok) {
          const auto pair = std::minmax(r.from, r.to);
          if (!seen.insert({pair.first, pair.second}).second) {
            error(ctx, n, key, "expected one route per pair of hosts, found a second route between \"" + r.from +
                                   "\" and \"" + r.to + "\"");
          }
        }
        if (auto v = m.require("links")) {
          const std::string lk = child_key(key, "links");
          if (!v->IsSequence() || v->size() == 0) {
            error(ctx, *v, lk, "expected a non-empty list of link names, found " + found(*v));
          } else {
            std::vector<std::string> all_links;
            for (const auto& l : p.links) all_links.push_back(l.name);
            for (std::size_t j = 0; j < v->size(); ++j) {
              const YAML::Node ln = (*v)[j];
              auto s = read_name(ctx, ln, index_key(lk, j), "a link name");
              if (s && p.link_index(*s) < 0) {
                error(ctx, ln, index_key(lk, j), "expected one of " + join_names(all_links) + ", found " + found(ln));
              } else if (s) {
                r.links.push_back(*s);
              }
            }
          }
        }
        p.routes.push_back(std::move(r));
      }
    }
  }

  resolve_attachments(ctx, p, attached, host_names);

  if (ctx.diag->items().size() != errors_before) return std::nullopt;
  return p;
}

}  // namespace edgesplit::config::detail
