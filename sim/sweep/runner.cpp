// Process pool for sweep points: fork/exec per point, staging dir renamed into place when the point ends.
#include "sim/sweep/runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace edgesplit::sweep {

namespace fs = std::filesystem;

namespace {

struct Job {
  const Point* point = nullptr;
  fs::path staging;      ///< the run's --out
  fs::path stderr_file;  ///< the run's stderr
  std::chrono::steady_clock::time_point start;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    line = line.substr(b);
    if (line.size() > 500) line = line.substr(0, 500) + "...";
    return line;
  }
  return "";
}

std::string clock_text(double s) {
  if (s < 0) s = 0;
  const long t = static_cast<long>(s + 0.5);
  if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60);
  return fmt::format("{}:{:02}", t / 60, t % 60);
}

/// fork + exec with stdin from /dev/null, stdout discarded, stderr to `err_path`. Returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& err_path) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const std::string err = err_path.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("cannot start a point: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the sweep died before prctl took effect
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open("/dev/null", O_WRONLY);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in >= 0) ::dup2(in, 0);
    if (out >= 0) ::dup2(out, 1);
    if (e >= 0) ::dup2(e, 2);
    ::execv(cargv[0], cargv.data());
    const char* msg = "edgesplit sweep: cannot start the point's program: ";
    [[maybe_unused]] auto w1 = ::write(2, msg, std::strlen(msg));
    const char* why = std::strerror(errno);
    [[maybe_unused]] auto w2 = ::write(2, why, std::strlen(why));
    [[maybe_unused]] auto w3 = ::write(2, "\n", 1);
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::vector<std::string> point_command(const RunnerOptions& opt, const Point& p, const std::string& out) {
  std::vector<std::string> argv = {opt.runner, "run", opt.scenario, "--out", out};
  for (const auto& prm : p.params) {
    argv.push_back("--set");
    argv.push_back(prm.key + "=" + prm.value);
  }
  if (p.seed) {
    argv.push_back("--seed");
    argv.push_back(std::to_string(*p.seed));
  }
  argv.push_back("--quiet");
  return argv;
}

void classify(PointRecord& r, int wait_status, bool summary_exists, const std::string& stderr_text) {
  const std::string line = first_line(stderr_text);
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    r.status = "crashed";
    r.exit_code = -1;
    r.signal = sig;
    r.error = fmt::format("killed by signal {} ({})", sig, ::strsignal(sig));
    if (!line.empty()) r.error += ": " + line;
    return;
  }
  const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  r.exit_code = code;
  r.signal = 0;
  switch (code) {
    case 0:
      if (summary_exists) {
        r.status = "ok";
        r.error.clear();
      } else {
        r.status = "fault";
        r.error = "the run exited 0 without writing summary.json";
      }
      return;
    case 1: r.status = "fault"; break;
    case 2: r.status = "invalid"; break;
    case 3: r.status = "infeasible"; break;
    default: r.status = "error"; break;
  }
  r.error = line.empty() ? fmt::format("the run exited with code {} and no message", code) : line;
}

RunnerStats run_points(const RunnerOptions& opt, const std::vector<Point>& points, std::size_t already_done,
                       std::size_t total, std::ostream& log) {
  using clock = std::chrono::steady_clock;
  const fs::path points_dir = opt.out_dir / "points";
  fs::create_directories(points_dir);
  const std::string suffix = unique_suffix();
  const auto t0 = clock::now();
  RunnerStats stats;
  std::map<pid_t, Job> running;
  std::size_t next = 0;
  const int jobs = std::max(opt.jobs, 1);
  auto last_draw = clock::now() - std::chrono::seconds(10);

  auto draw = [&](bool final) {
    if (!opt.progress) return;
    const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
    const std::size_t done = already_done + stats.ran;
    const std::size_t left = total - done;
    std::string eta = "?";
    if (stats.ran > 0) eta = clock_text(elapsed / static_cast<double>(stats.ran) * static_cast<double>(left));
    log << fmt::format("\r\033[Ksweep: {}/{} points done, {} failed, {} elapsed, ~{} left", done, total, stats.failed,
                       clock_text(elapsed), left == 0 ? std::string("0:00") : eta);
    if (final) log << '\n';
    log.flush();
    last_draw = clock::now();
  };

  auto finish = [&](pid_t pid, int status) {
    auto it = running.find(pid);
    if (it == running.end()) return;  // not ours
    Job job = std::move(it->second);
    running.erase(it);
    PointRecord r;
    r.id = job.point->id;
    r.params = job.point->params;
    r.seed = job.point->seed;
    r.wall_time_s = std::chrono::duration<double>(clock::now() - job.start).count();
    std::error_code ec;
    const bool summary = fs::is_regular_file(job.staging / "summary.json", ec);
    const std::string err_text = read_all(job.stderr_file);
    classify(r, status, summary, err_text);
    // A failed run writes nothing: the point directory then holds point.json and stderr.txt only.
    if (!fs::is_directory(job.staging, ec)) fs::create_directories(job.staging);
    fs::rename(job.stderr_file, job.staging / "stderr.txt", ec);
    if (ec) fs::remove(job.stderr_file, ec);
    write_file_atomic(job.staging / "point.json", point_json(r));
    const fs::path final_dir = points_dir / r.id;
    if (fs::exists(final_dir, ec)) {
      // Only with --retry-failed: swap the old record out, then drop it.
      const fs::path old = points_dir / (r.id + ".old-" + suffix);
      fs::rename(final_dir, old);
      fs::rename(job.staging, final_dir);
      fs::remove_all(old, ec);
    } else {
      fs::rename(job.staging, final_dir);
    }
    ++stats.ran;
    if (!r.ok()) ++stats.failed;
    draw(false);
  };

  while (next < points.size() || !running.empty()) {
    while (next < points.size() && static_cast<int>(running.size()) < jobs) {
      const Point& p = points[next++];
      Job job;
      job.point = &p;
      job.staging = points_dir / (p.id + ".tmp-" + suffix);
      job.stderr_file = points_dir / (p.id + ".stderr-" + suffix);
      std::error_code ec;
      fs::remove_all(job.staging, ec);
      job.start = clock::now();
      const pid_t pid = spawn(point_command(opt, p, job.staging.string()), job.stderr_file);
      running.emplace(pid, std::move(job));
    }
    int status = 0;
    if (opt.progress) {
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid > 0) {
        finish(pid, status);
      } else if (pid < 0 && errno != EINTR) {
        throw std::runtime_error(fmt::format("waiting for points: {}", std::strerror(errno)));
      } else {
        if (clock::now() - last_draw > std::chrono::seconds(1)) draw(false);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    } else {
      const pid_t pid = ::waitpid(-1, &status, 0);
      if (pid > 0) finish(pid, status);
      else if (errno != EINTR) throw std::runtime_error(fmt::format("waiting for points: {}", std::strerror(errno)));
    }
  }
  draw(true);
  return stats;
}

}  // namespace edgesplit::sweep
