// FCPM latency regression (Shen 2023): weighted least squares per device and layer type with the
// form chosen by cross-validation, MODEL.yaml I/O, the regression cost model and the sample generator.
#include "sim/cost/regression.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sim/config/diagnostics.hpp"
#include "sim/config/file_text.hpp"
#include "sim/config/loader.hpp"
#include "sim/model/zoo.hpp"
#include "sim/units/units.hpp"

namespace edgesplit::cost {

namespace {

constexpr double kMinLatency_s = 1e-9;
// Loads are clamped below 1 so that u = 1 / (1 - load) stays finite.
constexpr double kMaxLoad = 0.99;

config::InputError input_error(const std::string& file, int line, int column, const std::string& key,
                               const std::string& message) {
  return config::InputError(config::Diagnostic{{file, line, column}, key, message});
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    auto b = cell.find_first_not_of(" \t\r");
    auto e = cell.find_last_not_of(" \t\r");
    out.push_back(b == std::string::npos ? std::string() : cell.substr(b, e - b + 1));
  }
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Uniform in [0, 1) from 53 raw bits, and a standard normal by Box-Muller: the same numbers on
// every standard library (std::normal_distribution is implementation-defined).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double std_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::vector<std::size_t> shuffled(std::size_t n, uint64_t seed) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::mt19937_64 rng(seed);
  // Fisher-Yates from raw bits (std::shuffle's use of the engine is implementation-defined).
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(uniform01(rng) * static_cast<double>(i));
    std::swap(idx[i - 1], idx[std::min(j, i - 1)]);
  }
  return idx;
}

}  // namespace

// ---- CSV ----------------------------------------------------------------------------------------

std::vector<LatencySample> read_latency_csv(const std::string& path) {
  const config::FileText file = config::read_file_text(path);
  if (!file.text) throw input_error(path, 0, 0, "", "cannot read the samples file: " + file.why);
  std::istringstream in(*file.text);
  static const std::vector<std::string> header{"device_type", "layer_type", "flops", "in_bytes",
                                                "out_bytes",   "load",       "latency_s"};
  std::string line;
  int ln = 0;
  if (!std::getline(in, line)) throw input_error(path, 1, 1, "", "expected a header line, found an empty file");
  ++ln;
  if (split_csv_line(line) != header)
    throw input_error(path, 1, 1, "", fmt::format("expected the header \"{}\", found \"{}\"",
                                                  "device_type,layer_type,flops,in_bytes,out_bytes,load,latency_s", line));
  std::vector<LatencySample> out;
  while (std::getline(in, line)) {
    ++ln;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto cells = split_csv_line(line);
    if (cells.size() != header.size())
      throw input_error(path, ln, 1, "", fmt::format("expected {} columns, found {}", header.size(), cells.size()));
    LatencySample s;
    s.device_type = cells[0];
    s.layer_type = cells[1];
    if (s.device_type.empty()) throw input_error(path, ln, 1, "device_type", "expected a device type, found \"\"");
    if (s.layer_type.empty()) throw input_error(path, ln, 1, "layer_type", "expected a layer type, found \"\"");
    double* fields[] = {&s.flops, &s.in_bytes, &s.out_bytes, &s.load, &s.latency_s};
    for (std::size_t c = 2; c < header.size(); ++c) {
      auto v = config::scalar_to_double(cells[c]);
      if (!v || *v < 0)
        throw input_error(path, ln, 1, header[c], fmt::format("expected a number >= 0, found \"{}\"", cells[c]));
      *fields[c - 2] = *v;
    }
    if (s.load >= 1) throw input_error(path, ln, 1, "load", fmt::format("expected a load in [0, 1), found \"{}\"", cells[5]));
    if (s.latency_s <= 0)
      throw input_error(path, ln, 1, "latency_s", fmt::format("expected a positive latency, found \"{}\"", cells[6]));
    out.push_back(std::move(s));
  }
  return out;
}

void write_latency_csv(std::ostream& out, const std::vector<LatencySample>& samples) {
  out << "device_type,layer_type,flops,in_bytes,out_bytes,load,latency_s\n";
  for (const auto& s : samples)
    out << fmt::format("{},{},{},{},{},{},{}\n", s.device_type, s.layer_type, s.flops, s.in_bytes, s.out_bytes, s.load,
                       s.latency_s);
}

// ---- features and least squares -----------------------------------------------------------------

std::string form_name(RegressionForm f) {
  switch (f) {
    case RegressionForm::Linear: return "linear";
    case RegressionForm::Poly: return "poly";
    case RegressionForm::Contention: return "contention";
  }
  return "linear";
}

std::vector<double> regression_features(RegressionForm form, bool use_load, double F, double I, double O, double load) {
  std::vector<double> x{1.0, F, I, O};
  const double u = 1.0 / (1.0 - std::min(load, kMaxLoad));
  switch (form) {
    case RegressionForm::Linear:
      if (use_load) x.push_back(load);
      break;
    case RegressionForm::Poly:
      if (use_load) {
        const double l2 = load * load, l3 = l2 * load;
        x.insert(x.end(), {load, l2, l3, F * load, F * l2, F * l3, (I + O) * load});
      } else {
        x.push_back(F * F);
      }
      break;
    case RegressionForm::Contention:
      if (use_load) x.insert(x.end(), {u, F * u, I * u, O * u});
      break;
  }
  return x;
}

std::vector<double> least_squares(const std::vector<std::vector<double>>& A, const std::vector<double>& y) {
  const std::size_t m = A.size();
  const std::size_t n = m == 0 ? 0 : A[0].size();
  if (m < n || y.size() != m) throw std::invalid_argument("least_squares: need rows >= columns and one target per row");
  // Column-major copy, each column scaled to unit norm (conditioning: FLOPs ~1e9 next to loads ~1).
  std::vector<std::vector<double>> R(n, std::vector<double>(m));
  std::vector<double> scale(n, 1.0);
  for (std::size_t j = 0; j < n; ++j) {
    double s = 0;
    for (std::size_t i = 0; i < m; ++i) s += A[i][j] * A[i][j];
    scale[j] = s > 0 ? std::sqrt(s) : 1.0;
    for (std::size_t i = 0; i < m; ++i) R[j][i] = A[i][j] / scale[j];
  }
  std::vector<double> b = y;
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  // Householder QR with column pivoting (Golub and Van Loan, Matrix Computations, 4th ed., 5.4.2):
  // at step k the remaining column of largest norm is reduced; stop when what is left is negligible.
  std::size_t rank = 0;
  double first_norm = 0;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t best = k;
    double best_norm = -1;
    for (std::size_t j = k; j < n; ++j) {
      double s = 0;
      for (std::size_t i = k; i < m; ++i) s += R[j][i] * R[j][i];
      if (s > best_norm) best_norm = s, best = j;
    }
    best_norm = std::sqrt(best_norm);
    if (k == 0) first_norm = best_norm;
    if (best_norm <= 1e-10 * first_norm || best_norm == 0) break;
    std::swap(R[k], R[best]);
    std::swap(perm[k], perm[best]);
    auto& col = R[k];
    const double alpha = col[k] > 0 ? -best_norm : best_norm;
    std::vector<double> v(m, 0.0);
    for (std::size_t i = k; i < m; ++i) v[i] = col[i];
    v[k] -= alpha;
    double vv = 0;
    for (std::size_t i = k; i < m; ++i) vv += v[i] * v[i];
    auto reflect = [&](std::vector<double>& c) {
      if (vv == 0) return;
      double d = 0;
      for (std::size_t i = k; i < m; ++i) d += v[i] * c[i];
      const double f = 2.0 * d / vv;
      for (std::size_t i = k; i < m; ++i) c[i] -= f * v[i];
    };
    for (std::size_t j = k; j < n; ++j) reflect(R[j]);
    reflect(b);
    rank = k + 1;
  }
  // Back substitution on the leading rank x rank triangle; dependent columns get 0.
  std::vector<double> z(n, 0.0);
  for (std::size_t k = rank; k-- > 0;) {
    double s = b[k];
    for (std::size_t j = k + 1; j < rank; ++j) s -= R[j][k] * z[j];
    z[k] = s / R[k][k];
  }
  std::vector<double> x(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) x[perm[k]] = z[k] / scale[perm[k]];
  return x;
}

// ---- fitting ------------------------------------------------------------------------------------

namespace {

/// Weighted least squares with weights 1 / latency: minimises the sum of squared relative errors.
std::vector<double> fit_group(RegressionForm form, bool use_load, const std::vector<const LatencySample*>& s) {
  std::vector<std::vector<double>> A;
  std::vector<double> y;
  for (const auto* x : s) {
    auto f = regression_features(form, use_load, x->flops, x->in_bytes, x->out_bytes, x->load);
    for (auto& v : f) v /= x->latency_s;
    A.push_back(std::move(f));
    y.push_back(1.0);
  }
  return least_squares(A, y);
}

DeviceFit fit_device(RegressionForm form, bool use_load, const std::vector<const LatencySample*>& s,
                     std::size_t min_group) {
  DeviceFit d;
  d.form = form;
  const std::size_t ncoef = regression_features(form, use_load, 0, 0, 0, 0).size();
  std::map<std::string, std::vector<const LatencySample*>> by_type;
  for (const auto* x : s) by_type[x->layer_type].push_back(x);
  for (const auto& [type, group] : by_type)
    if (group.size() >= std::max(min_group, ncoef)) d.groups[type] = GroupFit{fit_group(form, use_load, group), group.size()};
  if (s.size() >= ncoef) d.groups["*"] = GroupFit{fit_group(form, use_load, s), s.size()};
  return d;
}

double predict_with(const DeviceFit& d, bool use_load, const LatencySample& x) {
  auto it = d.groups.find(x.layer_type);
  if (it == d.groups.end()) it = d.groups.find("*");
  if (it == d.groups.end()) throw std::out_of_range("no fit for layer type " + x.layer_type);
  auto f = regression_features(d.form, use_load, x.flops, x.in_bytes, x.out_bytes, x.load);
  double t = 0;
  for (std::size_t i = 0; i < f.size() && i < it->second.coef.size(); ++i) t += f[i] * it->second.coef[i];
  return std::max(t, kMinLatency_s);
}

}  // namespace

double LatencyModel::predict_s(const std::string& device_type, const std::string& layer_type, double flops,
                               double in_bytes, double out_bytes, double load) const {
  const auto& d = devices.at(device_type);
  LatencySample x;
  x.layer_type = layer_type;
  x.flops = flops;
  x.in_bytes = in_bytes;
  x.out_bytes = out_bytes;
  x.load = load;
  return predict_with(d, use_load, x);
}

double accuracy(const LatencyModel& m, const std::vector<LatencySample>& samples) {
  if (samples.empty()) return 0;
  double err = 0;
  for (const auto& s : samples) err += std::abs(m.predict_s(s) - s.latency_s) / s.latency_s;
  return 1.0 - err / static_cast<double>(samples.size());
}

FitReport fit_latency(const std::vector<LatencySample>& samples, const FitOptions& o) {
  if (samples.size() < 10) throw std::invalid_argument(fmt::format("fit-latency: need at least 10 samples, found {}", samples.size()));
  if (!(o.holdout >= 0 && o.holdout < 1)) throw std::invalid_argument("fit-latency: holdout must be in [0, 1)");
  FitReport rep;
  rep.model.use_load = o.use_load;
  auto idx = shuffled(samples.size(), o.seed);
  const std::size_t n_test = static_cast<std::size_t>(std::floor(o.holdout * static_cast<double>(samples.size())));
  std::vector<LatencySample> test;
  std::map<std::string, std::vector<const LatencySample*>> train;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const auto& s = samples[idx[k]];
    if (k < n_test) test.push_back(s);
    else train[s.device_type].push_back(&s);
  }
  rep.test = test.size();
  rep.train = samples.size() - test.size();
  const int folds = std::max(2, o.folds);
  for (const auto& [dev, s] : train) {
    // k-fold cross-validation picks the form with the smallest mean relative error.
    double best_acc = -std::numeric_limits<double>::infinity();
    RegressionForm best_form = RegressionForm::Linear;
    for (auto form : {RegressionForm::Linear, RegressionForm::Poly, RegressionForm::Contention}) {
      double err = 0;
      std::size_t count = 0;
      for (int f = 0; f < folds; ++f) {
        std::vector<const LatencySample*> fit_part, check_part;
        for (std::size_t i = 0; i < s.size(); ++i) (static_cast<int>(i % static_cast<std::size_t>(folds)) == f ? check_part : fit_part).push_back(s[i]);
        DeviceFit d = fit_device(form, o.use_load, fit_part, o.min_group);
        if (d.groups.empty()) continue;
        for (const auto* x : check_part) {
          err += std::abs(predict_with(d, o.use_load, *x) - x->latency_s) / x->latency_s;
          ++count;
        }
      }
      const double acc = count ? 1.0 - err / static_cast<double>(count) : -std::numeric_limits<double>::infinity();
      if (acc > best_acc) best_acc = acc, best_form = form;
    }
    DeviceFit d = fit_device(best_form, o.use_load, s, o.min_group);
    if (d.groups.empty())
      throw std::invalid_argument(fmt::format("fit-latency: too few samples for device type {} ({})", dev, s.size()));
    d.cv_accuracy = best_acc;
    rep.model.devices[dev] = std::move(d);
  }
  std::map<std::string, std::vector<LatencySample>> test_by_dev;
  for (const auto& s : test) {
    if (!rep.model.devices.count(s.device_type))
      throw std::invalid_argument(fmt::format("fit-latency: device type {} has held-out samples only", s.device_type));
    test_by_dev[s.device_type].push_back(s);
  }
  rep.holdout_accuracy = accuracy(rep.model, test);
  for (const auto& [dev, t] : test_by_dev) rep.device_accuracy[dev] = accuracy(rep.model, t);
  return rep;
}

// ---- MODEL.yaml ---------------------------------------------------------------------------------

std::string LatencyModel::to_yaml() const {
  std::string s;
  s += "# edgesplit latency model (edgesplit fit-latency; docs/OFPM.md). Per device type and layer type\n";
  s += "# (\"*\": all types pooled), latency_s = sum of coef[i] x feature[i], features by form with\n";
  s += "# F = flops, I = input bytes, O = output bytes, u = 1 / (1 - load):\n";
  s += "#   linear: 1, F, I, O, load;  contention: 1, F, I, O, u, F u, I u, O u\n";
  s += "#   poly: 1, F, I, O, load, load^2, load^3, F load, F load^2, F load^3, (I+O) load\n";
  s += "#   (use_load: false keeps 1, F, I, O; poly then adds F^2)\n";
  s += fmt::format("use_load: {}\n", use_load ? "true" : "false");
  s += "device_types:\n";
  for (const auto& [dev, d] : devices) {
    s += fmt::format("  \"{}\":\n    form: {}\n    cv_accuracy: {}\n    groups:\n", dev, form_name(d.form), d.cv_accuracy);
    for (const auto& [type, g] : d.groups) {
      s += fmt::format("      \"{}\": {{samples: {}, coef: [", type, g.samples);
      for (std::size_t i = 0; i < g.coef.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", g.coef[i]);
      s += "]}\n";
    }
  }
  return s;
}

namespace {
int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }
int col_of(const YAML::Node& n) { return n.Mark().column >= 0 ? n.Mark().column + 1 : 0; }
}  // namespace

LatencyModel LatencyModel::load(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw input_error(path, 0, 0, "", "cannot read the latency model file");
  } catch (const YAML::ParserException& e) {
    throw input_error(path, e.mark.line + 1, e.mark.column + 1, "", "malformed YAML: " + e.msg);
  }
  auto bad = [&](const YAML::Node& at, const std::string& key, const std::string& msg) {
    return input_error(path, line_of(at), col_of(at), key, msg);
  };
  if (!root.IsMap()) throw bad(root, "", "expected a latency model (a map with use_load and device_types)");
  LatencyModel m;
  if (auto u = root["use_load"]) {
    if (!u.IsScalar()) throw bad(u, "use_load", "expected true or false");
    auto b = config::scalar_to_bool(u.Scalar());
    if (!b) throw bad(u, "use_load", fmt::format("expected true or false, found \"{}\"", u.Scalar()));
    m.use_load = *b;
  }
  auto devs = root["device_types"];
  if (!devs || !devs.IsMap()) throw bad(root, "device_types", "expected a map of device type to fit");
  for (const auto& dv : devs) {
    const std::string dev = dv.first.Scalar();
    const std::string key = "device_types." + dev;
    const auto& node = dv.second;
    if (!node.IsMap()) throw bad(node, key, "expected a map with form and groups");
    DeviceFit d;
    auto form = node["form"];
    const std::string fs = form && form.IsScalar() ? form.Scalar() : "";
    if (fs == "linear") d.form = RegressionForm::Linear;
    else if (fs == "poly") d.form = RegressionForm::Poly;
    else if (fs == "contention") d.form = RegressionForm::Contention;
    else throw bad(form ? form : node, key + ".form", fmt::format("expected one of linear, poly, contention, found \"{}\"", fs));
    if (auto cv = node["cv_accuracy"]; cv && cv.IsScalar()) d.cv_accuracy = config::scalar_to_double(cv.Scalar()).value_or(0);
    auto groups = node["groups"];
    if (!groups || !groups.IsMap()) throw bad(node, key + ".groups", "expected a map of layer type to coefficients");
    const std::size_t ncoef = regression_features(d.form, m.use_load, 0, 0, 0, 0).size();
    for (const auto& gv : groups) {
      const std::string gkey = key + ".groups." + gv.first.Scalar();
      auto coef = gv.second["coef"];
      if (!coef || !coef.IsSequence() || coef.size() != ncoef)
        throw bad(coef ? coef : gv.second, gkey + ".coef", fmt::format("expected {} coefficients for form {}", ncoef, fs));
      GroupFit g;
      for (const auto& c : coef) {
        auto v = c.IsScalar() ? config::scalar_to_double(c.Scalar()) : std::nullopt;
        if (!v) throw bad(c, gkey + ".coef", fmt::format("expected a number, found \"{}\"", c.IsScalar() ? c.Scalar() : "a collection"));
        g.coef.push_back(*v);
      }
      if (auto n = gv.second["samples"]; n && n.IsScalar())
        g.samples = static_cast<std::size_t>(config::scalar_to_int(n.Scalar()).value_or(0));
      d.groups[gv.first.Scalar()] = std::move(g);
    }
    if (d.groups.empty()) throw bad(groups, key + ".groups", "expected at least one layer type");
    m.devices[dev] = std::move(d);
  }
  return m;
}

// ---- cost model ---------------------------------------------------------------------------------

RegressionCost::RegressionCost(const model::Graph& graph, const config::Platform& platform, int batch, LatencyModel m)
    : CostModel(graph, platform, batch), model_(std::move(m)) {}

double RegressionCost::compute_s(model::LayerId l, int host) const { return compute_s_at_load(l, host, 0.0); }

double RegressionCost::compute_s_at_load(model::LayerId l, int host, double load) const {
  const auto& layer = graph_.layer(l);
  const auto& type = platform_.hosts.at(static_cast<std::size_t>(host)).type;
  double in_bytes = 0;
  for (auto in : layer.inputs) in_bytes += in == model::kInput ? graph_.input_bytes(batch_) : graph_.output_bytes(in, batch_);
  return model_.predict_s(type, layer.type, static_cast<double>(batch_) * layer.flops_per_sample(), in_bytes,
                          graph_.output_bytes(l, batch_), load);
}

std::unique_ptr<CostModel> make_regression_cost(const model::Graph& graph, const config::Platform& platform, int batch,
                                                const std::string& model_yaml_path) {
  LatencyModel m = LatencyModel::load(model_yaml_path);
  for (const auto& h : platform.hosts) {
    if (!m.devices.count(h.type)) {
      std::vector<std::string> known;
      for (const auto& [k, v] : m.devices) known.push_back(k);
      throw input_error(model_yaml_path, 0, 0, "device_types",
                        fmt::format("expected a fit for device type \"{}\" (host {}), found only {}", h.type, h.name,
                                    fmt::format("{}", fmt::join(known, ", "))));
    }
  }
  return std::make_unique<RegressionCost>(graph, platform, batch, std::move(m));
}

// ---- sample generator ---------------------------------------------------------------------------

double generator_latency_s(const GeneratorDevice& d, const std::string& layer_type, double flops, double in_bytes,
                           double out_bytes, double weight_bytes, double load) {
  double eff = 1.0;
  if (auto it = d.efficiency.find(layer_type); it != d.efficiency.end()) eff = it->second;
  const double stretch = 1.0 / (1.0 - std::min(load, kMaxLoad));
  // Roofline: a layer takes the longer of its compute time and its memory traffic time (Williams
  // et al., CACM 2009); CPU load stretches the compute side and the fixed per-layer overhead only.
  const double compute_s = flops / (d.speed_flops * eff) * stretch;
  const double memory_s = (in_bytes + out_bytes + weight_bytes) / d.memory_Bps;
  return d.overhead_s * stretch + std::max(compute_s, memory_s);
}

std::vector<LatencySample> generate_latency_samples(const GeneratorSpec& spec) {
  std::vector<model::Graph> graphs;
  for (const auto& name : spec.models) {
    auto g = model::zoo_model(name);
    if (!g) throw std::invalid_argument("latency generator: unknown zoo model " + name);
    graphs.push_back(std::move(*g));
  }
  struct Pick {
    std::size_t g;
    model::LayerId l;
  };
  std::vector<Pick> layers;
  for (std::size_t gi = 0; gi < graphs.size(); ++gi)
    for (model::LayerId l = 0; l < graphs[gi].size(); ++l) layers.push_back({gi, l});
  if (layers.empty()) throw std::invalid_argument("latency generator: no layers (list some zoo models)");
  std::mt19937_64 rng(spec.seed);
  std::vector<LatencySample> out;
  for (const auto& [type, dev] : spec.devices) {
    for (int i = 0; i < spec.samples_per_device; ++i) {
      const auto pick = layers[std::min(layers.size() - 1, static_cast<std::size_t>(uniform01(rng) * static_cast<double>(layers.size())))];
      const auto& g = graphs[pick.g];
      const auto& layer = g.layer(pick.l);
      const int batch = 1 + static_cast<int>(uniform01(rng) * 4.0);  // 1..4 samples per request
      LatencySample s;
      s.device_type = type;
      s.layer_type = layer.type;
      s.flops = static_cast<double>(batch) * layer.flops_per_sample();
      for (auto in : layer.inputs) s.in_bytes += in == model::kInput ? g.input_bytes(batch) : g.output_bytes(in, batch);
      s.out_bytes = g.output_bytes(pick.l, batch);
      s.load = spec.max_load * uniform01(rng);
      const double noise = std::exp(spec.noise_sigma * std_normal(rng));
      s.latency_s = generator_latency_s(dev, layer.type, s.flops, s.in_bytes, s.out_bytes, g.weight_bytes(pick.l), s.load) * noise;
      out.push_back(std::move(s));
    }
  }
  return out;
}

GeneratorSpec load_generator_spec(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw input_error(path, 0, 0, "", "cannot read the generator file");
  } catch (const YAML::ParserException& e) {
    throw input_error(path, e.mark.line + 1, e.mark.column + 1, "", "malformed YAML: " + e.msg);
  }
  auto bad = [&](const YAML::Node& at, const std::string& key, const std::string& msg) {
    return input_error(path, line_of(at), col_of(at), key, msg);
  };
  if (!root.IsMap()) throw bad(root, "", "expected a map with platform, devices and models");
  static const std::vector<std::string> allowed{"platform", "devices", "models", "samples_per_device", "seed", "max_load", "noise_sigma"};
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string msg = "unknown key";
      if (auto hint = config::did_you_mean(k, allowed); !hint.empty()) msg += "; " + hint;
      throw bad(kv.first, k, msg);
    }
  }
  GeneratorSpec spec;
  spec.path = path;
  auto number = [&](const char* key, double lo, double hi) -> std::optional<double> {
    auto n = root[key];
    if (!n) return std::nullopt;
    auto v = n.IsScalar() ? config::scalar_to_double(n.Scalar()) : std::nullopt;
    if (!v || *v < lo || *v > hi)
      throw bad(n, key, fmt::format("expected a number in [{}, {}], found \"{}\"", lo, hi, n.IsScalar() ? n.Scalar() : "a collection"));
    return v;
  };
  if (auto v = number("samples_per_device", 1, 1e7)) spec.samples_per_device = static_cast<int>(*v);
  if (auto v = number("seed", 0, 1e18)) spec.seed = static_cast<uint64_t>(*v);
  if (auto v = number("max_load", 0, kMaxLoad)) spec.max_load = *v;
  if (auto v = number("noise_sigma", 0, 1)) spec.noise_sigma = *v;
  auto models = root["models"];
  if (!models || !models.IsSequence() || models.size() == 0) throw bad(models ? models : root, "models", "expected a list of zoo model names");
  for (const auto& m : models) {
    if (!m.IsScalar() || !model::zoo_model(m.Scalar()))
      throw bad(m, "models", fmt::format("expected a zoo model name, found \"{}\"", m.IsScalar() ? m.Scalar() : "a collection"));
    spec.models.push_back(m.Scalar());
  }
  auto plat = root["platform"];
  if (!plat || !plat.IsScalar()) throw bad(root, "platform", "expected the path of a platform file");
  std::string ppath = plat.Scalar();
  if (!ppath.empty() && ppath[0] != '/') {
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos) ppath = path.substr(0, slash + 1) + ppath;
  }
  config::Diagnostics diag;
  auto platform = config::load_platform(ppath, diag);
  if (!platform) throw config::InputError(diag.sorted().front());
  auto devs = root["devices"];
  if (!devs || !devs.IsMap()) throw bad(root, "devices", "expected a map of device type to {memory_bandwidth, overhead}");
  for (const auto& dv : devs) {
    const std::string type = dv.first.Scalar();
    const std::string key = "devices." + type;
    auto it = platform->device_types.find(type);
    if (it == platform->device_types.end()) throw bad(dv.first, key, "expected a device type of the platform");
    GeneratorDevice d;
    d.speed_flops = it->second.speed_flops;
    d.efficiency = it->second.efficiency;
    auto quantity = [&](const char* k, units::Kind kind) {
      auto n = dv.second[k];
      if (!n || !n.IsScalar()) throw bad(dv.second, key + "." + k, fmt::format("expected {}", units::describe(kind)));
      auto q = units::parse(n.Scalar(), kind);
      if (!q.value || *q.value < 0) throw bad(n, key + "." + k, q.error.empty() ? "expected a non-negative value" : q.error);
      return *q.value;
    };
    d.memory_Bps = quantity("memory_bandwidth", units::Kind::Bandwidth);
    d.overhead_s = quantity("overhead", units::Kind::Time);
    if (d.memory_Bps <= 0 || d.speed_flops <= 0) throw bad(dv.second, key, "expected positive speed and memory bandwidth");
    spec.devices[type] = std::move(d);
  }
  if (spec.devices.empty()) throw bad(devs, "devices", "expected at least one device type");
  return spec;
}

}  // namespace edgesplit::cost
