// Deterministic inputs for the benchmarks: heterogeneous N-device platforms (YAML text) and large
// traces in every reader's format. Same arguments, same bytes.
#pragma once

#include <string>
#include <vector>

namespace edgesplit::bench {

/// A platform file of `devices` hosts, each of its own device type: host i is of class i % 4
/// (Raspberry-Pi-class board, Jetson-Nano-class, Xavier-NX-class, T4 edge server, speeds and
/// memories as in platforms/edge-hub-cloud.yaml) slowed by 1 + 0.05 (i / 4), so that every type is
/// distinct. Boards use a 100 Mbps / 2 ms access link, servers 1 Gbps / 0.1 ms; one link per host.
std::string platform_yaml(int devices);

/// Host names of platform_yaml(devices): "dev0", "dev1", ...; dev0 is a board, dev3 a server.
std::string host_name(int index);

/// A trace of `rows` rows in `format`: a bandwidth format ("csv", "simgrid", "mahimahi", "bwlog",
/// "cooked", "lumos5g"), "latency-csv", "load-csv" or "state-csv". Values follow a fixed
/// pseudo-random walk; one row per 0.1 s (mahimahi: one packet per ms).
std::string trace_text(const std::string& format, int rows);

/// The command line without `--quick` (for benchmark::Initialize); `quick` tells whether it was there.
std::vector<char*> without_quick(int argc, char** argv, bool& quick);

}  // namespace edgesplit::bench
