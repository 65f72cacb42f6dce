// FCPM latency regression: least squares against exact solutions, the accuracy on the shipped samples
// with and without load, the shipped CSV regenerated from its spec, MODEL.yaml round trip, the cost model.
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "partitioners/ofpm.hpp"
#include "sim/cost/regression.hpp"
#include "sim/model/zoo.hpp"

namespace edgesplit::cost {
namespace {

const std::string kSamples = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/latency/edge4-samples.csv";
const std::string kGen = std::string(EDGESPLIT_SOURCE_DIR) + "/tests/data/latency/latency-gen.yaml";

TEST(LeastSquares, RecoversExactCoefficients) {
  // y = 3 - 2 x1 + 1e-9 x2 with x2 ~ 1e9: badly scaled columns, exact data.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> U(0, 1);
  std::vector<std::vector<double>> A;
  std::vector<double> y;
  for (int i = 0; i < 50; ++i) {
    double x1 = U(rng), x2 = 1e9 * U(rng);
    A.push_back({1, x1, x2});
    y.push_back(3 - 2 * x1 + 1e-9 * x2);
  }
  auto x = least_squares(A, y);
  EXPECT_NEAR(x[0], 3, 1e-10);
  EXPECT_NEAR(x[1], -2, 1e-10);
  EXPECT_NEAR(x[2], 1e-9, 1e-19);
  // A duplicated column is dependent: the fit stays exact and one copy gets 0.
  for (auto& r : A) r.push_back(r[1]);
  x = least_squares(A, y);
  EXPECT_NEAR(x[1] + x[3], -2, 1e-10);
  EXPECT_TRUE(x[1] == 0 || x[3] == 0);
}

TEST(LeastSquares, MatchesNormalEquationsOnNoisyData) {
  // 2 columns: the normal equations solved by hand (Cramer) give the same answer.
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> U(0, 1);
  std::vector<std::vector<double>> A;
  std::vector<double> y;
  double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  for (int i = 0; i < 40; ++i) {
    double a = 1, b = U(rng), v = 2 + 5 * b + U(rng) - 0.5;
    A.push_back({a, b});
    y.push_back(v);
    s11 += a * a, s12 += a * b, s22 += b * b, t1 += a * v, t2 += b * v;
  }
  const double det = s11 * s22 - s12 * s12;
  auto x = least_squares(A, y);
  EXPECT_NEAR(x[0], (t1 * s22 - s12 * t2) / det, 1e-10);
  EXPECT_NEAR(x[1], (s11 * t2 - s12 * t1) / det, 1e-10);
}

TEST(Regression, ShippedSamplesReach88PercentWithLoad) {
  auto samples = read_latency_csv(kSamples);
  ASSERT_GE(samples.size(), 1000u);
  for (uint64_t seed : {1u, 2u, 3u}) {
    FitOptions o;
    o.seed = seed;
    auto rep = fit_latency(samples, o);
    EXPECT_GE(rep.holdout_accuracy, 0.88) << "seed " << seed;
    for (const auto& [dev, acc] : rep.device_accuracy) EXPECT_GE(acc, 0.88) << dev;
    EXPECT_EQ(rep.test, samples.size() / 5);
  }
}

TEST(Regression, LeavingLoadOutFallsBelow88Percent) {
  auto samples = read_latency_csv(kSamples);
  FitOptions o;
  o.use_load = false;
  auto rep = fit_latency(samples, o);
  EXPECT_LT(rep.holdout_accuracy, 0.88);
}

TEST(Regression, ShippedSamplesAreRegeneratedFromTheSpec) {
  auto spec = load_generator_spec(kGen);
  std::ostringstream text;
  write_latency_csv(text, generate_latency_samples(spec));
  std::ifstream in(kSamples);
  std::stringstream shipped;
  shipped << in.rdbuf();
  EXPECT_TRUE(text.str() == shipped.str()) << "tests/data/latency/edge4-samples.csv differs from "
                                              "edgesplit fit-latency --generate tests/data/latency/latency-gen.yaml";
}

TEST(Regression, GeneratorIsTheRooflineWithContention) {
  GeneratorDevice d;
  d.speed_flops = 1e9;
  d.efficiency = {{"conv", 0.5}};
  d.memory_Bps = 1e6;
  d.overhead_s = 1e-3;
  // Compute-bound: 1e9 flops at 0.5 Gf = 2 s, stretched by 1 / (1 - 0.5) = 2: 4 s + 2 ms overhead.
  EXPECT_DOUBLE_EQ(generator_latency_s(d, "conv", 1e9, 100, 100, 0, 0.5), 4.0 + 2e-3);
  // Memory-bound: 3e6 bytes at 1 MB/s = 3 s; load does not stretch it (only the overhead).
  EXPECT_DOUBLE_EQ(generator_latency_s(d, "relu", 0, 1e6, 1e6, 1e6, 0.5), 3.0 + 2e-3);
}

TEST(Regression, ModelYamlRoundTripAndCostModel) {
  auto samples = read_latency_csv(kSamples);
  auto rep = fit_latency(samples, FitOptions{});
  const std::string path = ::testing::TempDir() + "/ofpm-model.yaml";
  {
    std::ofstream out(path);
    out << rep.model.to_yaml();
  }
  auto back = LatencyModel::load(path);
  for (std::size_t i = 0; i < samples.size(); i += 37)
    EXPECT_DOUBLE_EQ(back.predict_s(samples[i]), rep.model.predict_s(samples[i]));

  // The cost model predicts a zoo layer with the layer's own features.
  config::Diagnostics d;
  auto plat = config::load_platform(std::string(EDGESPLIT_SOURCE_DIR) + "/scenarios/ofpm/edge4-wifi.platform.yaml", d);
  ASSERT_TRUE(plat) << d.format();
  auto g = *model::zoo_model("vgg16");
  auto c = make_regression_cost(g, *plat, 2, path);
  EXPECT_EQ(c->name(), "regression");
  const model::LayerId l = 2;  // features.2, a conv
  const double expect = back.predict_s("rpi4", "conv", 2 * g.layer(l).flops_per_sample(), g.output_bytes(1, 2),
                                       g.output_bytes(l, 2), 0.0);
  EXPECT_DOUBLE_EQ(c->compute_s(l, 1), expect);
  auto* rc = dynamic_cast<RegressionCost*>(c.get());
  ASSERT_NE(rc, nullptr);
  EXPECT_GT(rc->compute_s_at_load(l, 1, 0.6), 2.0 * rc->compute_s(l, 1));  // ~1/(1-0.6) = 2.5x

  // ofpm's loaded rates use the regression's own load-aware prediction, not compute / (1 - load).
  config::Options none;
  partition::Problem prob{g, partition::host_views(*plat), *c, 2, 2, partition::Objective::Latency, none, "", ""};
  partition::hpm::LoadedRates rates(prob, {0.0, 0.6, 0.0, 0.0});
  EXPECT_DOUBLE_EQ(rates.compute_s(l, 1), rc->compute_s_at_load(l, 1, 0.6));
  EXPECT_DOUBLE_EQ(rates.compute_s(l, 0), rc->compute_s(l, 0));

  // A platform with a device type the model does not know is an input error.
  plat->hosts[0].type = "rpi4";
  plat->device_types["mystery"] = plat->device_types["rpi4"];
  plat->hosts[1].type = "mystery";
  EXPECT_THROW(make_regression_cost(g, *plat, 1, path), config::InputError);
}

TEST(Regression, BadCsvRowIsALocatedError) {
  const std::string path = ::testing::TempDir() + "/ofpm-bad.csv";
  {
    std::ofstream out(path);
    out << "device_type,layer_type,flops,in_bytes,out_bytes,load,latency_s\n"
        << "rpi4,conv,1e9,10,10,0.2,0.5\n"
        << "rpi4,conv,1e9,10,10,1.2,0.5\n";
  }
  try {
    read_latency_csv(path);
    FAIL() << "expected an InputError";
  } catch (const config::InputError& e) {
    EXPECT_EQ(e.diagnostic().loc.line, 3);
    EXPECT_EQ(e.diagnostic().key, "load");
  }
}

}  // namespace
}  // namespace edgesplit::cost
