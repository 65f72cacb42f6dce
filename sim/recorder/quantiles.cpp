// Exact percentiles of requests.csv's latency column in bounded memory (sim/recorder/quantiles.hpp).
// Selection: doubles map to unsigned keys in the same order; each pass over the file counts the
// next 16 bits of the keys that share the prefix found so far, until the bucket holding the wanted
// rank is small enough to select in memory (a radix select; Knuth, TAOCP vol. 3, 5.2.5).
#include "sim/recorder/quantiles.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace edgesplit::recorder {
namespace {

constexpr std::size_t kInMemory = std::size_t{1} << 15;  // values selected in memory at most
constexpr int kDigitBits = 16;
constexpr std::size_t kConcurrent = 4;                   // selections sharing one pass

// Order-preserving map of doubles to unsigned keys (IEEE 754: flip the sign bit of positives,
// every bit of negatives).
uint64_t key_of(double v) {
  uint64_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return (u >> 63) ? ~u : (u | (uint64_t{1} << 63));
}

double value_of(uint64_t key) {
  const uint64_t u = (key >> 63) ? (key & ~(uint64_t{1} << 63)) : ~key;
  double v = 0;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

// Calls fn(row, latency_s) for every data row of a requests.csv, in file order.
template <class Fn>
void for_each_latency(const std::string& path, Fn&& fn) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw std::runtime_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::vector<char> block(std::size_t{1} << 16);
  std::string carry;  // a line cut by the end of a block
  std::size_t line_no = 0, row = 0;
  const auto line = [&](const char* b, const char* e) {
    if (line_no++ == 0 || b == e) return;  // the header; a trailing empty line
    const char* comma = e;
    while (comma > b && comma[-1] != ',') --comma;
    double v = 0;
    const auto r = std::from_chars(comma, e, v);
    if (r.ec != std::errc() || r.ptr != e)
      throw std::runtime_error(fmt::format("{}:{}: cannot read the latency \"{}\"", path, line_no, std::string(comma, e)));
    fn(row++, v);
  };
  for (;;) {
    const std::size_t n = std::fread(block.data(), 1, block.size(), f.get());
    if (n == 0) break;
    const char* p = block.data();
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (nl == nullptr) {
        carry.append(p, end);
        break;
      }
      if (carry.empty()) {
        line(p, nl);
      } else {
        carry.append(p, nl);
        line(carry.data(), carry.data() + carry.size());
        carry.clear();
      }
      p = nl + 1;
    }
  }
  if (std::ferror(f.get())) throw std::runtime_error(fmt::format("cannot read {}", path));
  if (!carry.empty()) line(carry.data(), carry.data() + carry.size());
}

// One order statistic being selected: the k-th smallest (1-based) latency of rows [from, to).
struct Selection {
  std::size_t from = 0, to = 0, k = 1;
  double* result = nullptr;
  uint64_t prefix = 0;  // the top `bits` bits every candidate's key shares
  int bits = 0;
  std::size_t candidates = 0;  // rows in range whose key has the prefix
};

// Selections reading the same candidates in a pass (the p50, p95 and p99 of a run at first) share
// one histogram or one pool of values.
struct Group {
  std::size_t from = 0, to = 0;
  uint64_t prefix = 0;
  int bits = 0;
  bool collect = false;  // pool the values (few enough) rather than count the next digit
  std::vector<uint32_t> histogram;
  std::vector<double> pool;
  bool matches(std::size_t row, uint64_t key) const {
    return row >= from && row < to && (bits == 0 || (key >> (64 - bits)) == prefix);
  }
};

// Resolves every selection, at most kConcurrent at a time, one pass over the file per step.
void select_all(const std::string& path, std::vector<Selection>& all) {
  for (std::size_t first = 0; first < all.size(); first += kConcurrent) {
    std::vector<Selection*> open;
    for (std::size_t i = first; i < std::min(all.size(), first + kConcurrent); ++i) open.push_back(&all[i]);
    while (!open.empty()) {
      std::vector<Group> groups;
      std::vector<std::size_t> group_of;
      for (Selection* s : open) {
        const bool collect = s->candidates <= kInMemory;
        std::size_t g = 0;
        while (g < groups.size() && !(groups[g].from == s->from && groups[g].to == s->to && groups[g].bits == s->bits &&
                                      groups[g].prefix == s->prefix && groups[g].collect == collect))
          ++g;
        if (g == groups.size()) {
          Group grp;
          grp.from = s->from;
          grp.to = s->to;
          grp.prefix = s->prefix;
          grp.bits = s->bits;
          grp.collect = collect;
          if (collect) grp.pool.reserve(s->candidates);
          else grp.histogram.assign(std::size_t{1} << kDigitBits, 0);
          groups.push_back(std::move(grp));
        }
        group_of.push_back(g);
      }
      for_each_latency(path, [&](std::size_t row, double v) {
        const uint64_t key = key_of(v);
        for (Group& g : groups) {
          if (!g.matches(row, key)) continue;
          if (g.collect) g.pool.push_back(v);
          else ++g.histogram[(key >> (64 - g.bits - kDigitBits)) & ((uint64_t{1} << kDigitBits) - 1)];
        }
      });
      std::vector<Selection*> still;
      for (std::size_t i = 0; i < open.size(); ++i) {
        Selection* s = open[i];
        Group& g = groups[group_of[i]];
        if (g.collect) {
          if (s->k == 0 || s->k > g.pool.size()) throw std::runtime_error(fmt::format("{} changed while being read", path));
          // nth_element on a pool another selection already partitioned: still the k-th smallest.
          std::nth_element(g.pool.begin(), g.pool.begin() + static_cast<std::ptrdiff_t>(s->k - 1), g.pool.end());
          *s->result = g.pool[s->k - 1];
          continue;
        }
        std::size_t below = 0, digit = 0;
        while (digit < g.histogram.size() && below + g.histogram[digit] < s->k) below += g.histogram[digit++];
        if (digit == g.histogram.size()) throw std::runtime_error(fmt::format("{} changed while being read", path));
        s->k -= below;
        s->candidates = g.histogram[digit];
        s->prefix = (s->bits == 0 ? 0 : s->prefix << kDigitBits) | digit;
        s->bits += kDigitBits;
        if (s->bits == 64) {
          *s->result = value_of(s->prefix);  // every candidate has this very key
        } else {
          still.push_back(s);
        }
      }
      open = std::move(still);
    }
  }
}

// The rank percentile() of recorder.cpp takes: ceil(p / 100 x n), within [1, n].
std::size_t nearest_rank(double p, std::size_t n) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  return std::clamp<std::size_t>(rank, 1, n);
}

}  // namespace

double kth_latency(const std::string& requests_csv, std::size_t from, std::size_t to, std::size_t k) {
  if (from >= to || k < 1 || k > to - from) throw std::invalid_argument("kth_latency: k outside [1, to - from]");
  double out = 0;
  std::vector<Selection> one(1);
  one[0].from = from;
  one[0].to = to;
  one[0].k = k;
  one[0].candidates = to - from;
  one[0].result = &out;
  select_all(requests_csv, one);
  return out;
}

LatencyStats latency_stats(const std::string& requests_csv, const std::vector<std::size_t>& marks, double window_s,
                           double end_s) {
  LatencyStats out;
  out.timeline.resize(marks.size());
  // Window k holds rows [previous windows' end, marks[k]) (make_timeline()); the marks are counts
  // of completed requests, so at most the row count, which pass 1 checks.
  const auto ranges_for = [&marks](std::size_t rows) {
    std::vector<std::pair<std::size_t, std::size_t>> r;
    std::size_t from = 0;
    for (std::size_t m : marks) {
      const std::size_t to = std::min(m, rows);
      r.emplace_back(std::min(from, to), to);
      from = std::max(from, to);
    }
    return r;
  };
  const auto guessed = ranges_for(std::numeric_limits<std::size_t>::max());
  std::vector<bool> done(marks.size(), false);  // p95 selected in pass 1 (the window fit in memory)

  // Pass 1: count, sum in row order, maximum, and the p95 of each window that fits in memory.
  double sum = 0, max = 0;
  std::size_t n = 0, window = 0;
  std::vector<double> buffer;
  bool overflow = false;
  const auto close_window = [&](std::size_t k) {
    const std::size_t count = guessed[k].second - guessed[k].first;
    if (count > 0 && !overflow && buffer.size() == count) {
      const std::size_t r = nearest_rank(95, count);
      std::nth_element(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(r - 1), buffer.end());
      out.timeline[k].latency_p95_s = buffer[r - 1];
      done[k] = true;
    }
    buffer.clear();
    overflow = false;
  };
  for_each_latency(requests_csv, [&](std::size_t row, double v) {
    while (window < guessed.size() && row >= guessed[window].second) close_window(window++);
    if (window < guessed.size() && row >= guessed[window].first) {
      if (buffer.size() < kInMemory) {
        buffer.push_back(v);
      } else {
        overflow = true;  // selected from the file below
      }
    }
    sum += v;
    if (n == 0 || v > max) max = v;
    ++n;
  });
  while (window < guessed.size()) close_window(window++);
  std::vector<double>().swap(buffer);

  const auto ranges = ranges_for(n);
  for (std::size_t k = 0; k < marks.size(); ++k) {
    TimelineWindow& w = out.timeline[k];
    w.start_s = static_cast<double>(k) * window_s;
    w.end_s = std::min(static_cast<double>(k + 1) * window_s, std::max(end_s, w.start_s));
    w.completed = static_cast<int64_t>(ranges[k].second - ranges[k].first);
    if (w.end_s > w.start_s) w.throughput_rps = static_cast<double>(w.completed) / (w.end_s - w.start_s);
    if (ranges[k] != guessed[k]) {  // a mark above the row count: not what pass 1 selected
      done[k] = false;
      w.latency_p95_s = 0;
    }
  }

  out.count = static_cast<int64_t>(n);
  if (n == 0) return out;
  out.mean_s = sum / static_cast<double>(n);
  out.max_s = max;
  std::vector<Selection> todo;
  const auto add = [&](std::size_t a, std::size_t b, double p, double* result) {
    Selection s;
    s.from = a;
    s.to = b;
    s.k = nearest_rank(p, b - a);
    s.candidates = b - a;
    s.result = result;
    todo.push_back(std::move(s));
  };
  add(0, n, 50, &out.p50_s);
  add(0, n, 95, &out.p95_s);
  add(0, n, 99, &out.p99_s);
  for (std::size_t k = 0; k < marks.size(); ++k)
    if (!done[k] && ranges[k].second > ranges[k].first)
      add(ranges[k].first, ranges[k].second, 95, &out.timeline[k].latency_p95_s);
  select_all(requests_csv, todo);
  return out;
}

}  // namespace edgesplit::recorder
