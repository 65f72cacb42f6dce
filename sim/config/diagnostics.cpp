// Located error messages: formatting, sorting, and the did-you-mean suggestion for misspelt names.
#include "sim/config/diagnostics.hpp"

#include <algorithm>
#include <cstddef>
#include <tuple>

namespace edgesplit::config {

std::string Diagnostic::format() const {
  std::string out = loc.file.empty() ? std::string("<unknown>") : loc.file;
  if (loc.line > 0) {
    out += ':';
    out += std::to_string(loc.line);
    if (loc.column > 0) {
      out += ':';
      out += std::to_string(loc.column);
    }
  }
  out += ": error: ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

void Diagnostics::error(SourceLoc loc, std::string key, std::string message) {
  items_.push_back(Diagnostic{std::move(loc), std::move(key), std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column) < std::tie(b.loc.file, b.loc.line, b.loc.column);
  });
  std::vector<Diagnostic> unique;
  for (auto& d : out) {
    const bool dup = std::any_of(unique.begin(), unique.end(), [&](const Diagnostic& u) {
      return u.loc.file == d.loc.file && u.loc.line == d.loc.line && u.loc.column == d.loc.column &&
             u.key == d.key && u.message == d.message;
    });
    if (!dup) unique.push_back(std::move(d));
  }
  return unique;
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& d : sorted()) out += d.format() + "\n";
  return out;
}

namespace {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  // Accept up to a third of the name's length in edits (at least 1, at most 3).
  const std::size_t limit = std::clamp<std::size_t>(name.size() / 3, 1, 3);
  std::size_t best = limit + 1;
  std::string best_name;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best) {
      best = d;
      best_name = c;
    }
  }
  if (best_name.empty() || best > limit) return "";
  return "did you mean \"" + best_name + "\"?";
}

}  // namespace edgesplit::config
