// `ilp` weight options defaulting from the scenario's `weights:` key: explicit options win,
// agreeing ones are accepted, contradicting ones are located errors (ilp_weight_options).
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "partitioners/ilp.hpp"
#include "sim/config/diagnostics.hpp"
#include "sim/config/scenario.hpp"

namespace edgesplit::partition {
namespace {

using test::World;

config::Node opt(const std::string& text, const std::string& name, int line = 9) {
  return test::option(text, name, line);
}

/// A scenario holding only what ilp_weight_options reads: `weights:` and the device types.
config::Scenario scenario_with(const World& w, bool preload, const std::string& from, std::optional<double> rate_Bps) {
  config::Scenario s;
  s.platform = w.platform;
  s.weights.enabled = true;
  s.weights.preload = preload;
  s.weights.from = from;
  s.weights.storage_bandwidth_Bps = rate_Bps;
  s.weights.loc = {"s.yaml", 4, 3};
  return s;
}

struct IlpWeights : ::testing::Test {
  World w{test::make_chain(1, {1, 1}, {10, 10}), {{"a"}, {"b"}, {"store"}}, {{1, 1}, {1, 1}, {1, 1}}};
  WeightOptions resolve(std::map<std::string, config::Node> options, const config::Scenario* s) {
    w.options = config::Options(std::move(options));
    return ilp_weight_options(w.problem(), w.options, s);
  }
  /// The message of the InputError that resolve() throws ("" when none).
  std::string error(std::map<std::string, config::Node> options, const config::Scenario* s) {
    try {
      resolve(std::move(options), s);
    } catch (const config::InputError& e) {
      return e.diagnostic().format();
    }
    return "";
  }
};

TEST_F(IlpWeights, WithoutScenarioTheOldDefaultsHold) {
  const WeightOptions o = resolve({}, nullptr);
  EXPECT_TRUE(o.preload);
  EXPECT_EQ(o.weights_from, -1);
  EXPECT_DOUBLE_EQ(o.load_bandwidth_Bps, 1e9);
  config::Scenario none;  // a scenario without `weights:` changes nothing either
  EXPECT_DOUBLE_EQ(resolve({{"load_bandwidth", opt("5e6", "load_bandwidth")}}, &none).load_bandwidth_Bps, 5e6);
  EXPECT_TRUE(resolve({}, &none).preload);
}

TEST_F(IlpWeights, DefaultsComeFromTheScenario) {
  const config::Scenario s = scenario_with(w, false, "store", 2e8);
  const WeightOptions o = resolve({}, &s);
  EXPECT_FALSE(o.preload);
  EXPECT_EQ(o.weights_from, 2);
  EXPECT_DOUBLE_EQ(o.load_bandwidth_Bps, 2e8);
  // The store's device type overrides the scenario's rate (the runtime's rule).
  config::Scenario typed = s;
  typed.platform.device_types["store-type"].storage_bandwidth_Bps = 3e9;
  EXPECT_DOUBLE_EQ(resolve({}, &typed).load_bandwidth_Bps, 3e9);
}

TEST_F(IlpWeights, AgreeingOptionsAreAccepted) {
  const config::Scenario s = scenario_with(w, true, "store", 2e8);
  const WeightOptions o = resolve({{"preload", opt("true", "preload")},
                                   {"weights_from", opt("store", "weights_from")},
                                   {"load_bandwidth", opt("2e8", "load_bandwidth")}},
                                  &s);
  EXPECT_TRUE(o.preload);
  EXPECT_EQ(o.weights_from, 2);
  EXPECT_DOUBLE_EQ(o.load_bandwidth_Bps, 2e8);
}

TEST_F(IlpWeights, ContradictionsAreLocatedAtTheOption) {
  const config::Scenario s = scenario_with(w, true, "", 2e8);
  EXPECT_EQ(error({{"preload", opt("false", "preload", 12)}}, &s),
            "s.yaml:12:1: error: partitioner.options.preload: preload: false contradicts the scenario's "
            "weights.preload: true (s.yaml:4); the ilp would plan for a loading the simulation does not run: "
            "remove the option or make them agree");
  EXPECT_NE(error({{"weights_from", opt("store", "weights_from")}}, &s).find("each host reads its own storage"),
            std::string::npos);
  EXPECT_NE(error({{"load_bandwidth", opt("1e9", "load_bandwidth")}}, &s).find("contradicts the scenario's storage read "
                                                                              "rate, 200000000 B/s (s.yaml:4)"),
            std::string::npos);
  const config::Scenario from_store = scenario_with(w, true, "store", 2e8);
  EXPECT_NE(error({{"weights_from", opt("a", "weights_from")}}, &from_store).find("from: store"), std::string::npos);
}

TEST_F(IlpWeights, DifferentLocalRatesNeedAnExplicitRate) {
  config::Scenario s = scenario_with(w, true, "", 2e8);
  s.platform.device_types["a-type"].storage_bandwidth_Bps = 4e7;
  const std::string e = error({}, &s);
  EXPECT_EQ(e.rfind("s.yaml:4:3: error: weights.storage_bandwidth:", 0), 0u) << e;
  // Restricting the candidates to hosts with one rate resolves it.
  EXPECT_DOUBLE_EQ(resolve({{"hosts", test::host_list({"b", "store"})}}, &s).load_bandwidth_Bps, 2e8);
}

}  // namespace
}  // namespace edgesplit::partition
