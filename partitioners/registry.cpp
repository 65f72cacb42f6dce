// The partitioner registry: an explicit list of built-in partitioners (no self-registration,
// see STYLE.md section 2), the Infeasible error and the host views partitioners see.
#include <algorithm>
#include <stdexcept>

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

// One factory per built-in partitioner, each defined in partitioners/<name>.cpp.
PartitionerInfo single_info();
PartitionerInfo even_info();
PartitionerInfo manual_info();
PartitionerInfo neurosurgeon_info();
PartitionerInfo pipeedge_info();         // partB
PartitionerInfo pipeedge_energy_info();  // partB
PartitionerInfo exhaustive_info();       // partB
PartitionerInfo dads_info();             // partB
PartitionerInfo genetic_info();          // partB
PartitionerInfo fpm_info();              // ofpm
PartitionerInfo ofpm_info();             // ofpm
PartitionerInfo ilp_info();              // ilp (declared in partitioners/ilp.hpp)

void register_builtin(Registry& r) {
  r.add(single_info());
  r.add(even_info());
  r.add(manual_info());
  r.add(neurosurgeon_info());
  r.add(pipeedge_info());
  r.add(pipeedge_energy_info());
  r.add(exhaustive_info());
  r.add(dads_info());
  r.add(genetic_info());
  r.add(fpm_info());
  r.add(ofpm_info());
  r.add(ilp_info());
}

namespace {
std::string join_reasons(const std::vector<InfeasibleReason>& reasons) {
  std::string s;
  for (const auto& r : reasons) {
    if (!s.empty()) s += '\n';
    s += r.message;
  }
  return s.empty() ? std::string("no feasible plan") : s;
}
}  // namespace

Infeasible::Infeasible(std::vector<InfeasibleReason> reasons)
    : std::runtime_error(join_reasons(reasons)), reasons_(std::move(reasons)) {}

void Registry::add(PartitionerInfo info) {
  if (info.name.empty()) throw std::logic_error("partitioner registered without a name");
  if (!info.make) throw std::logic_error("partitioner " + info.name + " registered without a factory");
  if (find(info.name)) throw std::logic_error("partitioner " + info.name + " registered twice");
  infos_.push_back(std::move(info));
}

const PartitionerInfo* Registry::find(const std::string& name) const {
  for (const auto& i : infos_)
    if (i.name == name) return &i;
  return nullptr;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& i : infos_) out.push_back(i.name);
  std::sort(out.begin(), out.end());
  return out;
}

config::PartitionerCatalog Registry::catalog() const {
  config::PartitionerCatalog c;
  for (const auto& i : infos_) c[i.name] = i.options;
  return c;
}

const Registry& builtin_registry() {
  static const Registry registry = [] {
    Registry r;
    register_builtin(r);
    return r;
  }();
  return registry;
}

std::vector<HostView> host_views(const config::Platform& platform) {
  std::vector<HostView> out;
  out.reserve(platform.hosts.size());
  for (std::size_t i = 0; i < platform.hosts.size(); ++i) {
    const auto& h = platform.hosts[i];
    HostView v;
    v.index = static_cast<int>(i);
    v.name = h.name;
    v.type = h.type;
    auto it = platform.device_types.find(h.type);
    if (it != platform.device_types.end()) {
      const auto& t = it->second;
      v.kind = t.kind;
      v.speed_flops = t.speed_flops;
      v.memory_bytes = t.memory_bytes;
      if (t.power) {
        v.idle_w = t.power->idle_w;
        v.busy_w = t.power->busy_w;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace edgesplit::partition
