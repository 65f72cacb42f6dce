// Platform loader: expansion, generated access links and routes checked by hand; one mistake per
// snippet with its exact located message.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/config/loader.hpp"

using namespace edgesplit::config;

namespace {

const char* kGood = R"(device_types:
  rpi4: {speed: 8Gf, memory: 4GiB, power: {idle: 2.7W, busy: 6.4W}, bandwidth: 1Gbps}
  xeon: {speed: 1Tf, cores: 16, memory: 64GiB, bandwidth: 10Gbps, latency: 50us}
  cim-sram:
    kind: cim
    macs_per_s: 20e12
    energy_per_mac: 0.5pJ
    weight_capacity: 16MiB
    power: {idle: 0.05W}
hosts:
  - {name: pi-1, type: rpi4, link: wifi}
  - {name: hub, type: xeon, count: 2}
  - {name: acc, type: cim-sram, link: lan}
links:
  - {name: wifi, bandwidth: 100Mbps, latency: 2ms, power: {idle: 0.2W, busy: 1.0W}}
  - {name: lan, bandwidth: 1Gbps, latency: 100us, sharing: shared}
routes:
  - {from: pi-1, to: hub-0, links: [wifi, lan]}
)";

std::string errors_of(const std::string& text) {
  Diagnostics diag;
  auto p = load_platform_text(text, "p.yaml", diag);
  EXPECT_EQ(p.has_value(), !diag.has_errors());
  return diag.format();
}

}  // namespace

TEST(PlatformLoader, GoodPlatform) {
  Diagnostics diag;
  const auto p = load_platform_text(kGood, "p.yaml", diag);
  ASSERT_TRUE(p) << diag.format();
  ASSERT_EQ(p->hosts.size(), 4u);
  EXPECT_EQ(p->hosts[1].name, "hub-0");
  EXPECT_EQ(p->hosts[2].name, "hub-1");
  const auto& rpi = p->device_types.at("rpi4");
  EXPECT_EQ(rpi.speed_flops, 8e9);
  EXPECT_EQ(rpi.memory_bytes, 4.0 * 1073741824.0);
  ASSERT_TRUE(rpi.power);
  EXPECT_EQ(rpi.power->idle_w, 2.7);
  EXPECT_EQ(rpi.power->busy_w, 6.4);
  EXPECT_EQ(rpi.cores, 1);
  const auto& cim = p->device_types.at("cim-sram");
  EXPECT_EQ(cim.kind, "cim");
  EXPECT_EQ(cim.macs_per_s, 20e12);
  EXPECT_EQ(cim.energy_per_mac_j, 0.5e-12);
  EXPECT_EQ(cim.weight_capacity_bytes, 16.0 * 1048576.0);
  EXPECT_EQ(cim.power->busy_w, 0.05);  // busy defaults to idle
  EXPECT_EQ(cim.speed_flops, 40e12);   // 2 flop per MAC
  // hub-0 and hub-1 get private links from xeon's bandwidth and latency.
  const Link* l0 = p->find_link("hub-0-link");
  ASSERT_NE(l0, nullptr);
  EXPECT_EQ(l0->bandwidth_Bps, 1.25e9);
  EXPECT_EQ(l0->latency_s, 50e-6);
  EXPECT_EQ(p->hosts[1].link, "hub-0-link");
  EXPECT_EQ(p->find_link("lan")->sharing, "shared");
  EXPECT_EQ(p->find_link("wifi")->sharing, "splitduplex");
  EXPECT_EQ(p->links.size(), 4u);

  const int pi = p->host_index("pi-1"), h0 = p->host_index("hub-0"), h1 = p->host_index("hub-1"),
            acc = p->host_index("acc");
  const int wifi = p->link_index("wifi"), lan = p->link_index("lan");
  // Explicit route, both directions.
  EXPECT_EQ(p->route(pi, h0), (std::vector<int>{wifi, lan}));
  EXPECT_EQ(p->route(h0, pi), (std::vector<int>{lan, wifi}));
  EXPECT_DOUBLE_EQ(p->route_latency_s(pi, h0), 2e-3 + 100e-6);
  EXPECT_EQ(p->route_bandwidth_Bps(pi, h0), 12.5e6);
  // Default: a's access link then b's.
  EXPECT_EQ(p->route(h1, pi), (std::vector<int>{p->link_index("hub-1-link"), wifi}));
  EXPECT_DOUBLE_EQ(p->route_latency_s(h1, pi), 50e-6 + 2e-3);
  EXPECT_EQ(p->route(pi, pi), std::vector<int>{});
  EXPECT_EQ(p->route_latency_s(pi, pi), 0.0);
  EXPECT_TRUE(std::isinf(p->route_bandwidth_Bps(pi, pi)));
  EXPECT_EQ(p->find_host("nope"), nullptr);
  EXPECT_EQ(p->host_index("nope"), -1);
  (void)acc;
}

TEST(PlatformLoader, SharedAccessLinkIsCrossedOnce) {
  Diagnostics diag;
  const auto p = load_platform_text(R"(device_types: {t: {speed: 1Gf, memory: 1GB}}
hosts: [{name: a, type: t, link: l}, {name: b, type: t, link: l}]
links: [{name: l, bandwidth: 1MBps, latency: 1ms}]
)",
                                    "p.yaml", diag);
  ASSERT_TRUE(p) << diag.format();
  EXPECT_EQ(p->route(0, 1), std::vector<int>{0});
  EXPECT_EQ(p->route_latency_s(0, 1), 1e-3);
}

TEST(PlatformLoader, DefaultAccessLatencyIsDocumented) {
  Diagnostics diag;
  const auto p = load_platform_text("device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 8Mbps}}\n"
                                    "hosts: [{name: a, type: t}]\n",
                                    "p.yaml", diag);
  ASSERT_TRUE(p) << diag.format();
  EXPECT_EQ(p->find_link("a-link")->latency_s, 1e-4);
  EXPECT_EQ(p->find_link("a-link")->bandwidth_Bps, 1e6);
}

struct BadCase {
  const char* name;
  const char* text;
  const char* expected;  // the full formatted diagnostics
};

const BadCase kBad[] = {
    {"unknown key", "device_types: {t: {speed: 1Gf, memroy: 1GB}}\nhosts: [{name: a, type: t, link: l}]\n"
                    "links: [{name: l, bandwidth: 1Gbps}]\n",
     "p.yaml:1:19: error: device_types.t: missing key \"memory\"\n"
     "p.yaml:1:32: error: device_types.t.memroy: unknown key; did you mean \"memory\"?\n"},
    {"negative bandwidth", "device_types: {t: {speed: 1Gf, memory: 1GB}}\nhosts: [{name: a, type: t, link: l}]\n"
                           "links: [{name: l, bandwidth: -5Mbps}]\n",
     "p.yaml:3:30: error: links[0].bandwidth: expected a positive bandwidth such as 100Mbps, found \"-5Mbps\"\n"},
    {"zero speed", "device_types: {t: {speed: 0, memory: 1GB, bandwidth: 1Gbps}}\nhosts: [{name: a, type: t}]\n",
     "p.yaml:1:27: error: device_types.t.speed: expected a positive speed such as 10Gf, found \"0\"\n"},
    {"unknown type", "device_types:\n  rpi4: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}\nhosts:\n  - {name: a, type: rpi5}\n",
     "p.yaml:4:21: error: hosts[0].type: expected one of rpi4, found \"rpi5\"\n"},
    {"duplicate host", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}}\n"
                       "hosts:\n  - {name: a, type: t}\n  - {name: a, type: t}\n",
     "p.yaml:4:12: error: hosts[1].name: expected a unique host name, found \"a\" (first at line 3)\n"},
    {"duplicate after count", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}}\n"
                              "hosts:\n  - {name: h, type: t, count: 2}\n  - {name: h-1, type: t}\n",
     "p.yaml:4:12: error: hosts[1].name: expected a unique host name, found \"h-1\" (first at line 3)\n"},
    {"duplicate yaml key", "device_types: {t: {speed: 1Gf, memory: 1GB, speed: 2Gf, bandwidth: 1Gbps}}\n"
                           "hosts: [{name: a, type: t}]\n",
     "p.yaml:1:45: error: device_types.t.speed: duplicate key; first given at line 1\n"},
    {"route to unknown host", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}}\n"
                              "hosts: [{name: a, type: t}, {name: b, type: t}]\nroutes:\n"
                              "  - {from: a, to: c, links: [a-link]}\n",
     "p.yaml:4:19: error: routes[0].to: expected one of a, b, found \"c\"\n"},
    {"route over unknown link", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps}}\n"
                                "hosts: [{name: a, type: t}, {name: b, type: t}]\nroutes:\n"
                                "  - {from: a, to: b, links: [wan]}\n",
     "p.yaml:4:30: error: routes[0].links[0]: expected one of a-link, b-link, found \"wan\"\n"},
    {"no link and no bandwidth", "device_types: {t: {speed: 1Gf, memory: 1GB}}\nhosts: [{name: a, type: t}]\n",
     "p.yaml:2:9: error: hosts[0]: expected a \"link\", or a \"bandwidth\" in device type \"t\" for a private "
     "access link, found neither\n"},
    {"idle above busy", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps, power: {idle: 5W, busy: 2W}}}\n"
                        "hosts: [{name: a, type: t}]\n",
     "p.yaml:1:87: error: device_types.t.power.busy: expected a busy power >= the idle power (5W), found \"2W\"\n"},
    {"bad unit", "device_types: {t: {speed: 1Gf, memory: 1GB}}\nhosts: [{name: a, type: t, link: l}]\n"
                 "links: [{name: l, bandwidth: 100Mb}]\n",
     "p.yaml:3:30: error: links[0].bandwidth: expected a bandwidth such as 100Mbps, found \"100Mb\" (did you "
     "mean 100Mbps or 100MBps?)\n"},
    {"cim keys on a cpu", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps, macs_per_s: 1e9}}\n"
                          "hosts: [{name: a, type: t}]\n",
     "p.yaml:1:75: error: device_types.t.macs_per_s: expected only with kind: cim, found kind: cpu\n"},
    {"cim missing capacity", "device_types: {c: {kind: cim, macs_per_s: 1e9, energy_per_mac: 1pJ, bandwidth: 1Gbps}}\n"
                             "hosts: [{name: a, type: c}]\n",
     "p.yaml:1:19: error: device_types.c: missing key \"weight_capacity\"\n"},
    {"efficiency above one", "device_types: {t: {speed: 1Gf, memory: 1GB, bandwidth: 1Gbps, efficiency: {conv: 1.5}}}\n"
                             "hosts: [{name: a, type: t}]\n",
     "p.yaml:1:82: error: device_types.t.efficiency.conv: expected a fraction in (0, 1], found \"1.5\"\n"},
    {"malformed yaml", "device_types: {t: {speed: 1Gf\nhosts: [\n",
     // Where yaml-cpp gave up.
     "p.yaml:2:6: error: malformed YAML: end of map flow not found\n"},
    {"not a map", "- a\n- b\n", "p.yaml:1:1: error: expected a map, found a list\n"},
};

TEST(PlatformLoader, EachMistakeIsLocated) {
  for (const auto& c : kBad) EXPECT_EQ(errors_of(c.text), c.expected) << c.name;
}

TEST(PlatformLoader, EveryErrorIsReported) {
  const std::string e = errors_of(
      "device_types: {t: {speed: -1Gf, memory: 0}}\n"
      "hosts: [{name: a, type: u}, {name: b, type: t, link: nope}]\n"
      "links: [{name: l, bandwidth: 1Gbps, latency: -1ms, sharing: maybe}]\n");
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 6) << e;
}
