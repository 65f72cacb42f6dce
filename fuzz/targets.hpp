// Fuzz entry points shared by the libFuzzer binaries (fuzz_main.cpp) and the regression replay test
// (replay_test.cpp): one function per target, taking the raw input bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace edgesplit::fuzz {

/// One fuzz target. `run` feeds `data` to the code under test through its public entry point and
/// checks the contract that holds for every input (never throws, every error located, every value
/// finite); a broken contract calls __builtin_trap() so libFuzzer records the input as a crash.
/// Exceptions are left to escape: the loaders promise never to throw on user input.
struct Target {
  std::string name;        ///< "units", "platform_yaml", ... (also the regression folder name)
  std::string summary;     ///< one line: what the bytes are
  void (*run)(std::string_view data);
};

/// Every target, in a fixed order.
const std::vector<Target>& all_targets();
/// The target called `name`, or nullptr.
const Target* find_target(std::string_view name);

}  // namespace edgesplit::fuzz
