// Replays every input in tests/data/fuzz-regressions/<target>/ through the same entry point as the
// fuzzer (fuzz/targets.hpp): each file once crashed or hung a target and must now pass its checks.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kRegressions = fs::path(EDGESPLIT_SOURCE_DIR) / "tests" / "data" / "fuzz-regressions";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "<target>/<file>" for every regression input; README files are documentation.
std::vector<std::string> inputs() {
  std::vector<std::string> out;
  if (!fs::exists(kRegressions)) return out;
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.is_regular_file() && f.path().filename() != "README.md")
        out.push_back(dir.path().filename().string() + "/" + f.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

// libFuzzer stops at 2 GiB (-rss_limit_mb); this test caps its address space at 4 GiB, so that an input
// that once ran out of memory fails here too (std::bad_alloc, or an ASan report) instead of taking the
// machine's memory.
#if defined(__SANITIZE_ADDRESS__)
#define EDGESPLIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EDGESPLIT_ASAN 1
#endif
#endif
#ifndef EDGESPLIT_ASAN
const bool kMemoryLimited = [] {
  const rlimit limit{rlim_t{4} << 30, rlim_t{4} << 30};
  return setrlimit(RLIMIT_AS, &limit) == 0;
}();
#endif

}  // namespace

#ifdef EDGESPLIT_ASAN
extern "C" const char* __asan_default_options() { return "max_allocation_size_mb=2048"; }
#endif

TEST(FuzzRegressions, EveryFolderNamesATarget) {
  ASSERT_TRUE(fs::exists(kRegressions)) << kRegressions;
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    if (!dir.is_directory()) continue;
    EXPECT_NE(edgesplit::fuzz::find_target(dir.path().filename().string()), nullptr) << dir.path();
  }
}

TEST(FuzzRegressions, TargetsAcceptTheEmptyInput) {
  for (const auto& t : edgesplit::fuzz::all_targets()) EXPECT_NO_THROW(t.run("")) << t.name;
}

TEST_P(FuzzRegression, Passes) {
  const std::string rel = GetParam();
  const auto* target = edgesplit::fuzz::find_target(rel.substr(0, rel.find('/')));
  ASSERT_NE(target, nullptr) << rel;
  const std::string data = read(kRegressions / rel);
  // A broken contract traps (the test process dies and ctest reports it); an exception fails here.
  EXPECT_NO_THROW(target->run(data)) << rel;
}

INSTANTIATE_TEST_SUITE_P(Inputs, FuzzRegression, ::testing::ValuesIn(inputs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FuzzRegression);
