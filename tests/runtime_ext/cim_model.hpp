// The CIM device figures and the small conv/relu/fc model shared by cim_test and reprogram_test.
#pragma once

namespace edgesplit::runtime_ext::test {

// DNN+NeuroSim V1.3 VGG8 figures (platforms/cim-edge.yaml): 4.23e11 MAC/s, 78 fJ/MAC, 0.63 mW leakage.
inline constexpr double kRate = 4.23e11, kEmac = 78e-15, kLeak = 0.63e-3;

// conv1 (1e9 MACs, 100,000 params), relu1 (2e8 flop = 1e8 MAC-equivalents), fc1 (1e8 MACs,
// 200,000 params); 1-byte weights: 300,000 weight bytes.
inline constexpr const char* kModel = R"(name: cimnet
input: {shape: [10000]}
dtype_bytes: 1
layers:
  - {name: conv1, type: conv, inputs: [input], output: [20000], macs: 1000000000, params: 100000}
  - {name: relu1, type: relu, output: [20000], macs: 0, params: 0, flops: 200000000}
  - {name: fc1, type: fc, output: [10], macs: 100000000, params: 200000}
)";

}  // namespace edgesplit::runtime_ext::test
