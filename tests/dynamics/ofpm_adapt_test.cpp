// ofpm under adapt: hpm::evaluate_plan reproduces ofpm's own predictions (so re-plans compare
// running and new plans with ofpm's model), and a measured host rate replaces the `load` belief.
#include <gtest/gtest.h>

#include <cmath>

#include "fixture.hpp"
#include "partitioners/ofpm.hpp"
#include "sim/config/loader.hpp"
#include "sim/model/zoo.hpp"
#include "sim/runtime/adapt.hpp"

namespace edgesplit::runtime::test {
namespace {

struct Vgg16Edge4 {
  model::Graph g = *model::zoo_model("vgg16");
  config::Platform pf;
  Vgg16Edge4() {
    config::Diagnostics d;
    pf = *config::load_platform(std::string(EDGESPLIT_SOURCE_DIR) + "/scenarios/ofpm/edge4-wifi.platform.yaml", d);
  }
};

partition::Plan ofpm(const partition::Problem& p, std::vector<double> load) {
  partition::hpm::Settings s;
  s.name = "ofpm";
  s.balanced = true;
  for (const auto& h : p.hosts) s.hosts.push_back(h.index);
  s.load = std::move(load);
  return partition::hpm::plan_hpm(p, s);
}

TEST(OfpmAdapt, EvaluatePlanReproducesOfpmsOwnPredictions) {
  Vgg16Edge4 su;
  const cost::AnalyticCost cost(su.g, su.pf, 1);
  const config::Options opts;
  const partition::Problem p{su.g, partition::host_views(su.pf), cost, 1, 2, partition::Objective::Latency, opts,
                             "rpi3", "rpi3"};
  const std::vector<double> load{0, 0, 0.6, 0.3};
  const partition::Plan plan = ofpm(p, load);
  ASSERT_GT(std::stoi(plan.notes.at("split_stages")), 0);
  partition::Plan again = plan;
  for (auto& st : again.stages) st.predicted_compute_s = st.predicted_send_s = -1;
  again.predicted_latency_s = again.predicted_bottleneck_s = -1;
  partition::hpm::evaluate_plan(p, load, again);
  EXPECT_NEAR(again.predicted_latency_s, plan.predicted_latency_s, 1e-9 * plan.predicted_latency_s);
  EXPECT_NEAR(again.predicted_bottleneck_s, plan.predicted_bottleneck_s, 1e-12);
  EXPECT_NEAR(again.predicted_energy_j, plan.predicted_energy_j, 1e-9 * plan.predicted_energy_j);
  for (std::size_t k = 0; k < plan.stages.size(); ++k) {
    EXPECT_DOUBLE_EQ(again.stages[k].predicted_compute_s, plan.stages[k].predicted_compute_s) << k;
    EXPECT_DOUBLE_EQ(again.stages[k].predicted_send_s, plan.stages[k].predicted_send_s) << k;
  }
}

// The odroid is believed 60% loaded. Measured at speed factor 0.4 (= 1 - 0.6) under the
// estimates, ofpm must give the same plan as the belief alone (the measurement replaces the
// belief, it does not compound with it); measured at full speed, the plan of no load.
TEST(OfpmAdapt, MeasuredRateReplacesTheLoadBelief) {
  Vgg16Edge4 su;
  const cost::AnalyticCost base(su.g, su.pf, 1);
  const config::Options opts;
  const std::vector<double> belief{0, 0, 0.6, 0};
  auto plan_with = [&](double odroid_factor, bool measured) {
    Estimates est = nominal_estimates(su.pf);
    est.host_speed_factor[2] = odroid_factor;
    est.host_measured[2] = measured;
    const config::Platform estimated = estimated_platform(su.pf, est);
    const EstimatedCost cost(base, estimated, est);
    const partition::Problem p{su.g, partition::host_views(estimated), cost, 1, 2, partition::Objective::Latency,
                               opts, "rpi3", "rpi3"};
    return ofpm(p, belief);
  };
  const partition::Problem plain{su.g, partition::host_views(su.pf), base, 1, 2, partition::Objective::Latency, opts,
                                 "rpi3", "rpi3"};
  const partition::Plan believed = ofpm(plain, belief);
  const partition::Plan unloaded = ofpm(plain, {0, 0, 0, 0});
  EXPECT_NEAR(plan_with(0.4, true).predicted_latency_s, believed.predicted_latency_s, 1e-9);
  EXPECT_NEAR(plan_with(1.0, true).predicted_latency_s, unloaded.predicted_latency_s, 1e-9);
  // Not measured yet: the belief stays.
  EXPECT_NEAR(plan_with(1.0, false).predicted_latency_s, believed.predicted_latency_s, 1e-9);
  EXPECT_GT(believed.predicted_latency_s, unloaded.predicted_latency_s);
}

}  // namespace
}  // namespace edgesplit::runtime::test
