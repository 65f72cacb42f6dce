// `edgesplit sweep` and `edgesplit sweep --collect`: expand, skip finished points, run the rest, rebuild results.csv.
#include "sim/sweep/command.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/sweep/results.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep.hpp"

namespace edgesplit::sweep {

namespace fs = std::filesystem;

namespace {

const char* kUsage =
    "usage: edgesplit sweep SWEEP.yaml [--out DIR] [--jobs N] [--shard K/N] [--resume] [--retry-failed] [--list] "
    "[--quiet] [--runner PROGRAM]\n"
    "       edgesplit sweep --collect DIR... [--out DIR] [--quiet]\n";

struct Options {
  std::string sweep_path;
  std::vector<std::string> collect_dirs;
  bool collect = false;
  std::string out_dir;
  int jobs = 0;
  int shard_k = 1, shard_n = 1;
  bool resume = false, retry_failed = false, list = false, quiet = false;
  std::string runner;
};

struct Usage {
  std::string what;
};

bool parse_int(const std::string& s, int& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

Options parse_args(const std::vector<std::string>& args) {
  Options o;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw Usage{a + " needs a value"};
      return args[++i];
    };
    if (a == "--out") {
      o.out_dir = value();
    } else if (a == "--jobs" || a == "-j") {
      const std::string v = value();
      if (!parse_int(v, o.jobs) || o.jobs < 1) throw Usage{fmt::format("--jobs: expected an integer >= 1, found \"{}\"", v)};
    } else if (a == "--shard") {
      const std::string v = value();
      const auto slash = v.find('/');
      if (slash == std::string::npos || !parse_int(v.substr(0, slash), o.shard_k) ||
          !parse_int(v.substr(slash + 1), o.shard_n) || o.shard_n < 1 || o.shard_k < 1 || o.shard_k > o.shard_n)
        throw Usage{fmt::format("--shard: expected K/N with 1 <= K <= N such as 2/4, found \"{}\"", v)};
    } else if (a == "--resume") {
      o.resume = true;
    } else if (a == "--retry-failed") {
      o.retry_failed = true;
      o.resume = true;
    } else if (a == "--list") {
      o.list = true;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--runner") {
      o.runner = value();
    } else if (a == "--collect") {
      o.collect = true;
    } else if (a.size() > 1 && a[0] == '-') {
      throw Usage{fmt::format("unknown option \"{}\"", a)};
    } else {
      positional.push_back(a);
    }
  }
  if (o.collect) {
    if (positional.empty()) throw Usage{"--collect needs at least one sweep directory"};
    o.collect_dirs = positional;
  } else {
    if (positional.size() != 1)
      throw Usage{positional.empty() ? "missing the sweep file" : "expected one sweep file, found " + std::to_string(positional.size())};
    o.sweep_path = positional[0];
  }
  return o;
}

/// DIR/sweep.json: the sweep's full list of point ids (every shard writes the same), read by --collect
/// to report points no shard ran.
std::string manifest_json(const SweepFile& s, const std::vector<Point>& all) {
  std::string keys, ids;
  for (const auto& k : s.keys()) keys += (keys.empty() ? "" : ", ") + fmt::format("\"{}\"", k);
  for (const auto& p : all) ids += (ids.empty() ? "\n    " : ",\n    ") + fmt::format("\"{}\"", p.id);
  return fmt::format("{{\n  \"keys\": [{}],\n  \"points\": {},\n  \"ids\": [{}\n  ]\n}}\n", keys, all.size(), ids);
}

std::set<std::string> manifest_ids(const fs::path& dir) {
  std::set<std::string> ids;
  std::error_code ec;
  const fs::path m = dir / "sweep.json";
  if (!fs::is_regular_file(m, ec)) return ids;
  try {
    const YAML::Node n = YAML::LoadFile(m.string());
    for (const auto& id : n["ids"]) ids.insert(id.as<std::string>());
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot read {}: {}", m.string(), e.what()));
  }
  return ids;
}

/// Removes "<id>.tmp-...", "<id>.stderr-...", "<id>.old-..." of the given points (a killed sweep's debris)
/// and point dirs without a readable point.json.
void remove_leftovers(const fs::path& points_dir, const std::set<std::string>& ids) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(points_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!ids.count(name.substr(0, 12))) continue;
    if (name.size() == 12) {
      std::string why;
      auto r = read_point_json(e.path() / "point.json", why);
      if (r && r->id == name) continue;
    }
    std::error_code rm;
    fs::remove_all(e.path(), rm);
  }
}

void report_failures(const std::vector<PointDir>& points, std::size_t total, std::ostream& err) {
  std::size_t failed = 0;
  std::vector<std::string> examples;
  for (const auto& p : points) {
    if (p.record.ok()) continue;
    ++failed;
    const std::string line = fmt::format("  {} ({}): {}", p.record.id, p.record.status, p.record.error);
    if (examples.size() < 3) examples.push_back(line);
  }
  if (failed == 0) return;
  err << fmt::format("edgesplit sweep: {} of {} points failed; first ones:\n", failed, total);
  for (const auto& e : examples) err << e << '\n';
}

int collect(const Options& o, std::ostream& out, std::ostream& err) {
  const fs::path target = o.out_dir.empty() ? fs::path(o.collect_dirs.front()) : fs::path(o.out_dir);
  std::map<std::string, PointDir> merged;
  std::set<std::string> expected;
  std::error_code ec;
  for (const auto& d : o.collect_dirs) {
    if (!fs::is_directory(fs::path(d) / "points", ec) && !fs::is_regular_file(fs::path(d) / "sweep.json", ec)) {
      err << fmt::format("edgesplit sweep: --collect: \"{}\" is not a sweep directory (no points/ inside)\n", d);
      return 2;
    }
    auto ids = manifest_ids(d);
    expected.insert(ids.begin(), ids.end());
    for (auto& p : scan_points(d)) {
      auto it = merged.find(p.record.id);
      if (it == merged.end()) merged.emplace(p.record.id, std::move(p));
      else if (!it->second.record.ok() && p.record.ok()) it->second = std::move(p);
    }
  }
  // Bring every chosen point into target/points (copy, then rename: all or nothing per point).
  const fs::path target_points = target / "points";
  fs::create_directories(target_points);
  const std::string suffix = unique_suffix();
  std::vector<PointDir> rows;
  for (auto& [id, p] : merged) {
    const fs::path dest = target_points / id;
    if (!fs::equivalent(p.dir, dest, ec) || ec) {
      ec.clear();
      const fs::path tmp = target_points / (id + ".tmp-collect-" + suffix);
      fs::remove_all(tmp, ec);
      fs::copy(p.dir, tmp, fs::copy_options::recursive);
      if (fs::exists(dest, ec)) {
        const fs::path old = target_points / (id + ".old-" + suffix);
        fs::rename(dest, old);
        fs::rename(tmp, dest);
        fs::remove_all(old, ec);
      } else {
        fs::rename(tmp, dest);
      }
      p.dir = dest;
    }
    rows.push_back(p);
  }
  if (!fs::exists(target / "sweep.json", ec)) {
    for (const auto& d : o.collect_dirs)
      if (fs::is_regular_file(fs::path(d) / "sweep.json", ec)) {
        fs::copy_file(fs::path(d) / "sweep.json", target / "sweep.json");
        break;
      }
  }
  write_file_atomic(target / "results.csv", results_csv(rows));
  std::vector<std::string> missing;
  for (const auto& id : expected)
    if (!merged.count(id)) missing.push_back(id);
  const std::size_t total = std::max(expected.size(), merged.size());
  report_failures(rows, total, err);
  if (!missing.empty()) {
    err << fmt::format("edgesplit sweep: {} of {} points missing (no shard ran them):", missing.size(), total);
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i) err << ' ' << missing[i];
    err << (missing.size() > 10 ? " ...\n" : "\n");
  }
  const bool failed = std::any_of(rows.begin(), rows.end(), [](const PointDir& p) { return !p.record.ok(); });
  if (!o.quiet) out << fmt::format("collected {} points into {}\n", rows.size(), (target / "results.csv").string());
  return failed || !missing.empty() ? kSomePointsFailed : 0;
}

int run_sweep(const Options& o, const std::string& self, std::ostream& out, std::ostream& err) {
  config::Diagnostics diag;
  auto sweep = load_sweep(o.sweep_path, diag);
  if (!sweep) {
    err << diag.format();
    return 2;
  }
  const std::vector<Point> all = expand(*sweep);
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].id == all[i - 1].id)
      throw std::runtime_error(fmt::format("two points share the id {} (a hash collision): please report it", all[i].id));
  const std::vector<Point> mine = shard(all, o.shard_k, o.shard_n);

  if (o.list) {
    for (const auto& p : mine) {
      std::string line = p.id;
      for (const auto& prm : p.params) line += " " + prm.key + "=" + prm.value;
      if (p.seed) line += " seed=" + std::to_string(*p.seed);
      out << line << '\n';
    }
    return 0;
  }

  const fs::path dir = o.out_dir.empty() ? fs::path("out") / fs::path(o.sweep_path).stem() : fs::path(o.out_dir);
  const fs::path points_dir = dir / "points";
  fs::create_directories(points_dir);
  std::set<std::string> my_ids, all_ids;
  for (const auto& p : mine) my_ids.insert(p.id);
  for (const auto& p : all) all_ids.insert(p.id);

  // Entries of this shard's points: finished dirs, and leftovers of a killed sweep ("<id>.tmp-..." etc.).
  std::map<std::string, PointRecord> finished;
  std::vector<fs::path> leftovers;
  for (const auto& e : fs::directory_iterator(points_dir)) {
    const std::string name = e.path().filename().string();
    const std::string id = name.substr(0, 12);
    if (!my_ids.count(id)) continue;
    if (name.size() == 12) {
      std::string why;
      auto r = read_point_json(e.path() / "point.json", why);
      if (r && r->id == id) finished.emplace(id, std::move(*r));
      else leftovers.push_back(e.path());
    } else {
      leftovers.push_back(e.path());
    }
  }
  if (!o.resume && (!finished.empty() || !leftovers.empty())) {
    // Refuse rather than mix two runs' points (and never delete what a user may want).
    err << fmt::format(
        "edgesplit sweep: {} already holds {} points of this sweep: pass --resume to continue it, or remove it\n",
        dir.string(), finished.size() + leftovers.size());
    return 2;
  }
  remove_leftovers(points_dir, my_ids);

  std::string scenario = sweep->base_path;
  if (!sweep->inline_scenario.empty()) {
    scenario = (dir / "base.yaml").string();
    write_file_atomic(scenario, "# the inline scenario of " + o.sweep_path + "\n" + sweep->inline_scenario);
  }
  write_file_atomic(dir / "sweep.json", manifest_json(*sweep, all));

  std::vector<Point> todo;
  for (const auto& p : mine) {
    auto it = finished.find(p.id);
    if (it == finished.end() || (o.retry_failed && !it->second.ok())) todo.push_back(p);
  }
  RunnerOptions ro;
  ro.out_dir = dir;
  ro.runner = o.runner.empty() ? self : o.runner;
  ro.scenario = scenario;
  ro.jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  ro.progress = !o.quiet && ::isatty(2);
  if (!o.quiet && todo.size() < mine.size())
    err << fmt::format("edgesplit sweep: {} of {} points already done, running {}\n", mine.size() - todo.size(),
                       mine.size(), todo.size());
  run_points(ro, todo, mine.size() - todo.size(), mine.size(), err);
  remove_leftovers(points_dir, my_ids);

  // results.csv from the point directories: the same bytes however the points got there.
  std::vector<PointDir> rows, my_rows;
  std::size_t foreign = 0;
  for (auto& p : scan_points(dir)) {
    if (!all_ids.count(p.record.id)) {
      ++foreign;
      continue;
    }
    if (my_ids.count(p.record.id)) my_rows.push_back(p);
    rows.push_back(std::move(p));
  }
  write_file_atomic(dir / "results.csv", results_csv(rows));
  if (foreign > 0 && !o.quiet)
    err << fmt::format("edgesplit sweep: note: {} point directories in {} are not points of this sweep (left out)\n",
                       foreign, points_dir.string());
  report_failures(my_rows, mine.size(), err);
  const bool failed = std::any_of(my_rows.begin(), my_rows.end(), [](const PointDir& p) { return !p.record.ok(); });
  if (!o.quiet)
    out << fmt::format("{} points{}: {}\n", mine.size(),
                       o.shard_n > 1 ? fmt::format(" (shard {}/{} of {})", o.shard_k, o.shard_n, all.size()) : "",
                       (dir / "results.csv").string());
  return failed ? kSomePointsFailed : 0;
}

}  // namespace

int command(const std::vector<std::string>& args, const std::string& self, std::ostream& out, std::ostream& err) {
  Options o;
  try {
    o = parse_args(args);
  } catch (const Usage& u) {
    err << "edgesplit sweep: " << u.what << '\n' << kUsage;
    return 2;
  }
  if (o.collect) return collect(o, out, err);
  return run_sweep(o, self, out, err);
}

}  // namespace edgesplit::sweep
