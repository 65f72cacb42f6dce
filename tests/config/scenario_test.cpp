// Scenario loader: defaults, references to model and platform files, partitioner options against a
// hand-written catalog, --set overrides, dynamics and adapt checks, resolved YAML.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/loader.hpp"

using namespace edgesplit;
using namespace edgesplit::config;
namespace fs = std::filesystem;

namespace {

const char* kModel = R"(name: toy
input: {shape: [4]}
layers:
  - {name: a, type: fc, output: [8], macs: 32, params: 40}
  - {name: b, type: fc, output: [2], macs: 16, params: 18}
)";

const char* kPlatform = R"(device_types:
  t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}
hosts:
  - {name: a, type: t}
  - {name: h, type: t, count: 2}
links:
  - {name: wifi, bandwidth: 100Mbps, latency: 2ms}
)";

PartitionerCatalog catalog() {
  PartitionerCatalog c;
  c["even"] = {{"hosts", OptionType::HostList, "", "hosts", {}, true}};
  c["demo"] = {
      {"objective", OptionType::Enum, "throughput", "", {"throughput", "latency", "energy"}, false},
      {"depth", OptionType::Int, "3", "", {}, false},
      {"alpha", OptionType::Double, "0.5", "", {}, false},
      {"verbose", OptionType::Bool, "false", "", {}, false},
      {"tag", OptionType::String, "", "", {}, false},
      {"first", OptionType::Host, "", "", {}, false},
      {"names", OptionType::StringList, "", "", {}, false},
      {"stages", OptionType::Tree, "", "", {}, false},
  };
  return c;
}

class ScenarioLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/edgesplit-config-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    write("models/toy.yaml", kModel);
    write("platform.yaml", kPlatform);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& text) {
    const fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string path(const std::string& rel) const { return (fs::path(dir_) / rel).string(); }

  // Loads `text` as <dir>/s.yaml; returns the formatted diagnostics with the directory cut out.
  std::string errors(const std::string& text, const std::vector<Override>& overrides = {}) {
    Diagnostics diag;
    write("s.yaml", text);
    const auto s = load_scenario(path("s.yaml"), overrides, catalog(), diag);
    EXPECT_EQ(s.has_value(), !diag.has_errors());
    std::string out = diag.format();
    for (std::size_t p; (p = out.find(dir_ + "/")) != std::string::npos;) out.erase(p, dir_.size() + 1);
    return out;
  }
  std::optional<Scenario> load(const std::string& text, const std::vector<Override>& overrides = {}) {
    Diagnostics diag;
    write("s.yaml", text);
    auto s = load_scenario(path("s.yaml"), overrides, catalog(), diag);
    EXPECT_TRUE(s) << diag.format();
    return s;
  }

  std::string dir_;
};

const std::string kBase =
    "model: {file: models/toy.yaml}\nplatform: platform.yaml\npartitioner: {name: demo}\n";

}  // namespace

TEST_F(ScenarioLoader, DefaultsAreFilled) {
  const auto s = load(kBase);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "s");  // file stem
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->batch, 1);
  EXPECT_EQ(s->cost, "analytic");
  EXPECT_EQ(s->network_model, "exact");
  EXPECT_EQ(s->model_ref, "models/toy.yaml");
  EXPECT_EQ(s->model.size(), 2u);
  EXPECT_EQ(s->model.name(), "toy");
  EXPECT_EQ(s->platform.hosts.size(), 3u);
  EXPECT_EQ(s->platform.path, path("platform.yaml"));
  EXPECT_EQ(s->workload.requests, 100);
  EXPECT_EQ(s->workload.arrival.process, "saturate");
  EXPECT_EQ(s->workload.buffers, 2);
  EXPECT_EQ(s->adapt.policy, "none");
  EXPECT_EQ(s->adapt.migration, "transfer");
  EXPECT_EQ(s->output.window_s, 1.0);
  EXPECT_TRUE(s->output.dir.empty());
  EXPECT_EQ(s->partitioner.name, "demo");
  const Options o(s->partitioner.options);
  EXPECT_EQ(o.get_string("objective"), "throughput");
  EXPECT_EQ(o.get_int("depth"), 3);
  EXPECT_EQ(o.get_double("alpha"), 0.5);
  EXPECT_FALSE(o.get_bool("verbose"));
  EXPECT_FALSE(o.has("tag"));  // no default, not given
  EXPECT_EQ(o.node("depth").key, "partitioner.options.depth");
}

TEST_F(ScenarioLoader, AllKeysRead) {
  write("t.csv", "time_s,bandwidth\n0,10MBps\n5,1MBps\n");
  const auto s = load(
      "name: full\nseed: 7\nmodel: {file: models/toy.yaml}\nbatch: 4\nplatform: platform.yaml\ncost: profile\n"
      "network: {model: simgrid}\n"
      "partitioner:\n  name: demo\n  options: {depth: 5, alpha: 2e-3, verbose: true, tag: x, first: h-1,\n"
      "            names: [p, q], stages: [{hosts: [a], layers: 2}], objective: energy}\n"
      "workload: {requests: 20, arrival: {process: periodic, interval: 5ms}, source: a, sink: h-0, buffers: 3}\n"
      "dynamics:\n  - {link: wifi, bandwidth: {trace: t.csv, format: csv}}\n  - {host: h-0, fail: {at: 2s, duration: 1s}}\n"
      "adapt: {policy: on-change, threshold: 0.2, migration: free}\noutput: {dir: out/x, window: 250ms}\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "full");
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->batch, 4);
  EXPECT_EQ(s->cost, "profile");
  EXPECT_EQ(s->network_model, "simgrid");
  const Options o(s->partitioner.options);
  EXPECT_EQ(o.get_int("depth"), 5);
  EXPECT_EQ(o.get_double("alpha"), 2e-3);
  EXPECT_TRUE(o.get_bool("verbose"));
  EXPECT_EQ(o.get_string("first"), "h-1");
  EXPECT_EQ(o.get_list("names"), (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(o.node("stages").is_sequence());
  EXPECT_EQ(o.node("stages").items[0].get("layers")->scalar, "2");
  EXPECT_EQ(o.node("stages").items[0].key, "partitioner.options.stages[0]");
  EXPECT_EQ(o.node("stages").loc.line, 11);
  EXPECT_EQ(s->workload.requests, 20);
  EXPECT_EQ(s->workload.arrival.process, "periodic");
  EXPECT_EQ(s->workload.arrival.interval_s, 0.005);
  EXPECT_EQ(s->workload.source, "a");
  EXPECT_EQ(s->workload.sink, "h-0");
  EXPECT_EQ(s->workload.buffers, 3);
  ASSERT_EQ(s->dynamics.size(), 2u);
  EXPECT_EQ(s->dynamics[0].target_kind, "link");
  EXPECT_EQ(s->dynamics[0].target, "wifi");
  EXPECT_EQ(s->dynamics[0].what, "bandwidth");
  EXPECT_EQ(s->dynamics[0].spec.get("trace")->scalar, "t.csv");
  EXPECT_EQ(s->dynamics[1].what, "fail");
  EXPECT_EQ(s->dynamics[1].loc.line, 15);
  EXPECT_EQ(s->adapt.policy, "on-change");
  EXPECT_EQ(s->adapt.threshold, 0.2);
  EXPECT_EQ(s->adapt.migration, "free");
  EXPECT_EQ(s->output.dir, "out/x");
  EXPECT_EQ(s->output.window_s, 0.25);
}

TEST_F(ScenarioLoader, InlinePlatformAndPoisson) {
  std::string inline_platform = "platform:\n";
  std::istringstream in(kPlatform);
  for (std::string line; std::getline(in, line);) inline_platform += "  " + line + "\n";
  const auto s = load("model: {file: models/toy.yaml}\n" + inline_platform +
                      "partitioner: {name: demo}\nworkload: {arrival: {process: poisson, rate: 40}}\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->platform.path, "<inline>");
  EXPECT_EQ(s->platform.hosts.size(), 3u);
  EXPECT_EQ(s->workload.arrival.rate_per_s, 40.0);
  // Errors inside an inline platform carry the scenario file and the platform. prefix.
  EXPECT_EQ(errors("model: {file: models/toy.yaml}\npartitioner: {name: demo}\nplatform:\n"
                   "  device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 0}}\n  hosts: [{name: a, type: t}]\n"),
            "s.yaml:4:58: error: platform.device_types.t.bandwidth: expected a positive bandwidth such as 100Mbps, "
            "found \"0\"\n");
}

TEST_F(ScenarioLoader, OverridesApplyBeforeValidation) {
  const auto s = load(kBase, {{"workload.requests=50"},
                              {"partitioner.options.depth=7"},
                              {"seed=9"},
                              {"workload.arrival={process: poisson, rate: 5}"},
                              {"partitioner.options.names=[x, y]"},
                              {"partitioner.options.names[1]=z"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->workload.requests, 50);
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->workload.arrival.process, "poisson");
  EXPECT_EQ(s->workload.arrival.rate_per_s, 5.0);
  const Options o(s->partitioner.options);
  EXPECT_EQ(o.get_int("depth"), 7);
  EXPECT_EQ(o.get_list("names"), (std::vector<std::string>{"x", "z"}));
  EXPECT_NE(s->resolved_yaml.find("requests: 50"), std::string::npos) << s->resolved_yaml;
}

TEST_F(ScenarioLoader, BadOverridesReportTheCommandLine) {
  EXPECT_EQ(errors(kBase, {{"workload.requests=ten"}}),
            "<command line>:1:1: error: --set workload.requests: expected an integer >= 1, found \"ten\"\n");
  EXPECT_EQ(errors(kBase, {{"workload"}}),
            "<command line>:1:1: error: --set: expected KEY=VALUE such as workload.requests=50, found \"workload\"\n");
  EXPECT_EQ(errors(kBase, {{"partitoner.name=demo"}}),
            "<command line>:1:1: error: --set partitoner: unknown key; did you mean \"partitioner\"?\n");
  EXPECT_EQ(errors(kBase, {{"partitioner.options.names[3]=x"}}),
            "<command line>:1:1: error: --set partitioner.options.names[3]: expected a list with an element [3] at "
            "\"partitioner.options.names\", found nothing\n");
  EXPECT_EQ(errors(kBase, {{"a..b=1"}}),
            "<command line>:1:1: error: --set a..b: expected a dotted key such as partitioner.options.hosts[0], "
            "found \"a..b\"\n");
  EXPECT_EQ(errors(kBase, {{"workload.requests=[1"}}).substr(0, 60),
            "<command line>:1:1: error: --set workload.requests: malforme");
}

TEST_F(ScenarioLoader, PartitionerOptionsChecked) {
  const std::string head = "model: {file: models/toy.yaml}\nplatform: platform.yaml\n";
  EXPECT_EQ(errors(head + "partitioner: {name: demo, options: {dpeth: 2}}\n"),
            "s.yaml:3:37: error: partitioner.options.dpeth: unknown option of partitioner demo; did you mean "
            "\"depth\"?\n");
  EXPECT_EQ(errors(head + "partitioner: {name: demo, options: {depth: two}}\n"),
            "s.yaml:3:44: error: partitioner.options.depth: expected an integer >= -9223372036854775808, found "
            "\"two\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: demo, options: {objective: speed}}\n"),
            "s.yaml:3:48: error: partitioner.options.objective: expected one of throughput, latency, energy, found "
            "\"speed\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: demo, options: {first: nope}}\n"),
            "s.yaml:3:44: error: partitioner.options.first: expected one of a, h-0, h-1, found \"nope\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: even, options: {hosts: [a, zz]}}\n"),
            "s.yaml:3:48: error: partitioner.options.hosts[1]: expected one of a, h-0, h-1, found \"zz\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: even}\n"),
            "s.yaml:3:14: error: partitioner: missing key \"options\" with \"hosts\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: even, options: {}}\n"),
            "s.yaml:3:36: error: partitioner.options: missing key \"hosts\"\n");
  EXPECT_EQ(errors(head + "partitioner: {name: evn}\n"),
            "s.yaml:3:21: error: partitioner.name: expected one of demo, even, found \"evn\"; did you mean \"even\"?\n");
  EXPECT_EQ(errors(head + "partitioner: {name: demo, options: {verbose: 3}}\n"),
            "s.yaml:3:46: error: partitioner.options.verbose: expected true or false, found \"3\"\n");
}

TEST_F(ScenarioLoader, ReferencesAndValues) {
  EXPECT_EQ(errors("model: {file: models/nope.yaml}\nplatform: platform.yaml\npartitioner: {name: demo}\n"),
            "s.yaml:1:15: error: model.file: expected a readable file, found \"models/nope.yaml\" (" +
                path("models/nope.yaml").substr(dir_.size() + 1) + ": No such file or directory)\n");
  EXPECT_EQ(errors("model: {onnx: net.onnx}\nplatform: platform.yaml\npartitioner: {name: demo}\n"),
            "s.yaml:1:15: error: model.onnx: net.onnx: cannot open the ONNX file\n");
  EXPECT_EQ(errors(kBase + "cost: regression\n"),
            "s.yaml:1:1: error: latency_model: missing key \"latency_model\" (cost: regression needs a model fitted by "
            "edgesplit fit-latency)\n");
  EXPECT_EQ(errors(kBase + "batch: 0\n"), "s.yaml:4:8: error: batch: expected an integer >= 1, found \"0\"\n");
  EXPECT_EQ(errors(kBase + "workload: {requests: 0}\n"),
            "s.yaml:4:22: error: workload.requests: expected an integer >= 1, found \"0\"\n");
  EXPECT_EQ(errors(kBase + "workload: {arrival: {process: periodic}}\n"),
            "s.yaml:4:21: error: workload.arrival: missing key \"interval\"\n");
  EXPECT_EQ(errors(kBase + "adapt: {policy: periodic}\n"), "s.yaml:4:8: error: adapt: missing key \"interval\"\n");
  EXPECT_EQ(errors(kBase + "workload: {sink: nope}\n"),
            "s.yaml:4:18: error: workload.sink: expected one of a, h-0, h-1, found \"nope\"\n");
  EXPECT_EQ(errors(kBase + "partitoner: 1\n"), "s.yaml:4:1: error: partitoner: unknown key; did you mean \"partitioner\"?\n");
  EXPECT_EQ(errors("platform: platform.yaml\npartitioner: {name: demo}\n"), "s.yaml:1:1: error: missing key \"model\"\n");
  // Errors inside a referenced file name that file.
  write("bad-platform.yaml", "device_types: {t: {speed: fast, memory: 1GB, bandwidth: 1Gbps}}\nhosts: [{name: a, type: t}]\n");
  EXPECT_EQ(errors("model: {file: models/toy.yaml}\nplatform: bad-platform.yaml\npartitioner: {name: demo}\n"),
            "bad-platform.yaml:1:27: error: device_types.t.speed: expected a speed such as 10Gf, found \"fast\"\n");
}

TEST_F(ScenarioLoader, DynamicsChecked) {
  EXPECT_EQ(errors(kBase + "dynamics:\n  - {link: wifi, host: a, fail: {at: 1s}}\n"),
            "s.yaml:5:5: error: dynamics[0]: expected exactly one of \"link\" or \"host\", found both\n");
  EXPECT_EQ(errors(kBase + "dynamics:\n  - {link: wlan, bandwidth: {trace: x.csv}}\n"),
            "s.yaml:5:12: error: dynamics[0].link: expected one of wifi, a-link, h-0-link, h-1-link, found \"wlan\"\n");
  EXPECT_EQ(errors(kBase + "dynamics:\n  - {host: a, load: {trace: x.csv}, fail: {at: 1s}}\n"),
            "s.yaml:5:5: error: dynamics[0]: expected exactly one of \"bandwidth\", \"latency\", \"load\" or \"fail\", "
            "found load, fail\n");
  EXPECT_EQ(errors(kBase + "dynamics:\n  - {host: a, bandwidth: {trace: x.csv}}\n"),
            "s.yaml:5:26: error: dynamics[0].bandwidth: expected only on a link, found it on a host\n");
}

TEST_F(ScenarioLoader, ResolvedYamlLoadsToTheSameScenario) {
  const auto s = load(kBase + "workload: {arrival: {process: periodic, interval: 5ms}}\nadapt: {policy: periodic, interval: 2s}\n",
                      {{"partitioner.options.depth=4"}});
  ASSERT_TRUE(s);
  write("r.yaml", s->resolved_yaml);
  Diagnostics diag;
  const auto r = load_scenario(path("r.yaml"), {}, catalog(), diag);
  ASSERT_TRUE(r) << diag.format() << s->resolved_yaml;
  EXPECT_EQ(r->name, "s");
  EXPECT_EQ(r->seed, s->seed);
  EXPECT_EQ(r->workload.requests, s->workload.requests);
  EXPECT_EQ(r->workload.arrival.interval_s, 0.005);
  EXPECT_EQ(r->adapt.interval_s, 2.0);
  EXPECT_EQ(Options(r->partitioner.options).get_int("depth"), 4);
  EXPECT_EQ(r->partitioner.options.size(), s->partitioner.options.size());
  EXPECT_EQ(r->resolved_yaml, s->resolved_yaml);
}

TEST_F(ScenarioLoader, FileKinds) {
  write("m.yaml", kModel);
  write("s.yaml", kBase);
  write("w.yaml", "base: s.yaml\ngrid: {seed: [1, 2]}\n");
  write("x.yaml", "foo: 1\n");
  Diagnostics diag;
  EXPECT_EQ(detect_file_kind(path("m.yaml"), diag), FileKind::Model);
  EXPECT_EQ(detect_file_kind(path("platform.yaml"), diag), FileKind::Platform);
  EXPECT_EQ(detect_file_kind(path("s.yaml"), diag), FileKind::Scenario);
  EXPECT_EQ(detect_file_kind(path("w.yaml"), diag), FileKind::Sweep);
  EXPECT_FALSE(diag.has_errors()) << diag.format();
  EXPECT_EQ(detect_file_kind(path("x.yaml"), diag), FileKind::Unknown);
  EXPECT_EQ(detect_file_kind(path("missing.yaml"), diag), FileKind::Unknown);
  EXPECT_EQ(diag.items().size(), 2u);
  Diagnostics v;
  validate_file(path("m.yaml"), catalog(), v);
  validate_file(path("s.yaml"), catalog(), v);
  validate_file(path("w.yaml"), catalog(), v);
  EXPECT_FALSE(v.has_errors()) << v.format();
}
