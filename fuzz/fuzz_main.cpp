// libFuzzer driver: one binary per target, chosen at compile time by EDGESPLIT_FUZZ_TARGET ("units", ...).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const edgesplit::fuzz::Target* target = [] {
    const auto* t = edgesplit::fuzz::find_target(EDGESPLIT_FUZZ_TARGET);
    if (t == nullptr) __builtin_trap();  // a build mistake, not an input
    return t;
  }();
  target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
