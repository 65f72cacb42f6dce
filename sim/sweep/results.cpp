// point.json records, atomic writes, summary.json flattening and results.csv assembly.
#include "sim/sweep/results.hpp"

#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace edgesplit::sweep {

namespace fs = std::filesystem;

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool is_point_id(const std::string& name) {
  return name.size() == 12 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

const std::vector<std::string> kUnits = {"_s", "_j", "_rps", "_Bps", "_w", "_b"};

std::string unit_of(const std::string& name) {
  for (const auto& u : kUnits)
    if (name.size() > u.size() && name.compare(name.size() - u.size(), u.size(), u) == 0) return u;
  return "";
}

void flatten(const YAML::Node& n, std::vector<std::string>& path, std::vector<std::pair<std::string, std::string>>& out) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      for (const auto& kv : n) {
        path.push_back(kv.first.Scalar());
        flatten(kv.second, path, out);
        path.pop_back();
      }
      break;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < n.size(); ++i) {
        path.push_back(std::to_string(i));
        flatten(n[i], path, out);
        path.pop_back();
      }
      break;
    case YAML::NodeType::Scalar: out.emplace_back(flat_name(path), n.Scalar()); break;
    default: out.emplace_back(flat_name(path), ""); break;
  }
}

}  // namespace

std::string unique_suffix() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == 0) std::snprintf(host, sizeof host, "host");
  return fmt::format("{}-{}", host, static_cast<long>(::getpid()));
}

void write_file_atomic(const fs::path& path, const std::string& content) {
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = path.string() + ".tmp-" + unique_suffix() + "-" + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot rename to " + path.string());
  }
}

std::string point_json(const PointRecord& r) {
  std::string params = "{";
  for (std::size_t i = 0; i < r.params.size(); ++i) {
    if (i) params += ", ";
    params += json_string(r.params[i].key) + ": " + json_string(r.params[i].value);
  }
  params += "}";
  return fmt::format(
      "{{\n  \"id\": {},\n  \"params\": {},\n  \"seed\": {},\n  \"status\": {},\n  \"exit_code\": {},\n"
      "  \"signal\": {},\n  \"error\": {},\n  \"wall_time_s\": {}\n}}\n",
      json_string(r.id), params, r.seed ? std::to_string(*r.seed) : std::string("null"), json_string(r.status),
      r.exit_code, r.signal, json_string(r.error), r.wall_time_s);
}

std::optional<PointRecord> read_point_json(const fs::path& path, std::string& why) {
  try {
    const YAML::Node n = YAML::Load(read_text(path));
    PointRecord r;
    r.id = n["id"].as<std::string>();
    for (const auto& kv : n["params"]) r.params.push_back({kv.first.Scalar(), kv.second.as<std::string>()});
    if (n["seed"] && !n["seed"].IsNull()) r.seed = n["seed"].as<uint64_t>();
    r.status = n["status"].as<std::string>();
    r.exit_code = n["exit_code"].as<int>();
    r.signal = n["signal"].as<int>();
    r.error = n["error"].as<std::string>();
    if (n["wall_time_s"]) r.wall_time_s = n["wall_time_s"].as<double>();
    return r;
  } catch (const std::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}

std::string flat_name(const std::vector<std::string>& path) {
  std::string unit;
  std::string name;
  for (std::size_t i = 0; i < path.size(); ++i) {
    std::string part = path[i];
    const std::string u = unit_of(part);
    // A unit on any component (latency_s: {p95}) moves to the end; a deeper one wins.
    if (!u.empty()) {
      part.resize(part.size() - u.size());
      unit = u;
    }
    if (!name.empty()) name += "_";
    name += part;
  }
  return name + unit;
}

std::vector<std::pair<std::string, std::string>> flatten_summary(const std::string& json_text) {
  YAML::Node root;
  try {
    root = YAML::Load(json_text);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("malformed summary.json: " + e.msg);
  }
  if (!root.IsMap()) throw std::runtime_error("malformed summary.json: expected an object");
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> path;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "wall_time_s") continue;
    path.push_back(key);
    flatten(kv.second, path, out);
    path.pop_back();
  }
  return out;
}

std::string csv_field(const std::string& s) {
  const bool quote = s.find_first_of(",\"\n\r") != std::string::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string results_csv(std::vector<PointDir> points) {
  std::sort(points.begin(), points.end(), [](const PointDir& a, const PointDir& b) { return a.record.id < b.record.id; });
  std::vector<std::string> param_cols;
  bool any_seed = false;
  for (const auto& p : points) {
    for (const auto& prm : p.record.params)
      if (std::find(param_cols.begin(), param_cols.end(), prm.key) == param_cols.end()) param_cols.push_back(prm.key);
    any_seed |= p.record.seed.has_value();
  }
  std::vector<std::string> metric_cols = {"throughput_rps", "latency_p50_s", "latency_p95_s", "energy_per_inference_j",
                                          "bottleneck_stage"};
  std::vector<std::map<std::string, std::string>> metrics(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!points[i].record.ok()) continue;
    const fs::path summary = points[i].dir / "summary.json";
    std::vector<std::pair<std::string, std::string>> flat;
    try {
      flat = flatten_summary(read_text(summary));
    } catch (const std::exception& e) {
      points[i].record.status = "fault";
      points[i].record.error = fmt::format("{}: {}", summary.string(), e.what());
      continue;
    }
    for (auto& [k, v] : flat) {
      if (std::find(metric_cols.begin(), metric_cols.end(), k) == metric_cols.end()) metric_cols.push_back(k);
      metrics[i].emplace(k, v);
    }
  }
  // The parameter columns are the point's identity; a summary key of the same name would be ambiguous.
  std::set<std::string> taken(param_cols.begin(), param_cols.end());
  taken.insert({"point", "seed", "status", "error"});
  std::string out = "point";
  for (const auto& c : param_cols) out += "," + csv_field(c);
  if (any_seed) out += ",seed";
  out += ",status,error";
  std::vector<std::string> metric_headers;
  for (const auto& c : metric_cols) {
    metric_headers.push_back(taken.count(c) ? "summary_" + c : c);
    out += "," + csv_field(metric_headers.back());
  }
  out += "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& r = points[i].record;
    out += r.id;
    for (const auto& c : param_cols) {
      auto it = std::find_if(r.params.begin(), r.params.end(), [&](const Param& p) { return p.key == c; });
      out += "," + (it == r.params.end() ? std::string() : csv_field(it->value));
    }
    if (any_seed) out += "," + (r.seed ? std::to_string(*r.seed) : std::string());
    out += "," + csv_field(r.status) + "," + csv_field(r.error);
    for (const auto& c : metric_cols) {
      auto it = metrics[i].find(c);
      out += "," + (it == metrics[i].end() ? std::string() : csv_field(it->second));
    }
    out += "\n";
  }
  return out;
}

std::vector<PointDir> scan_points(const fs::path& dir) {
  std::vector<PointDir> out;
  const fs::path points = dir / "points";
  std::error_code ec;
  if (!fs::is_directory(points, ec)) return out;
  for (const auto& e : fs::directory_iterator(points, ec)) {
    const std::string name = e.path().filename().string();
    if (!is_point_id(name) || !e.is_directory()) continue;
    std::string why;
    auto r = read_point_json(e.path() / "point.json", why);
    if (!r || r->id != name) continue;
    out.push_back({std::move(*r), e.path()});
  }
  std::sort(out.begin(), out.end(), [](const PointDir& a, const PointDir& b) { return a.record.id < b.record.id; });
  return out;
}

}  // namespace edgesplit::sweep
