// The same seed twice gives byte-identical outputs apart from wall_time_s (two child processes,
// since SimGrid allows one engine per process).
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "fixture.hpp"

namespace edgesplit::runtime::test {
namespace {

TEST(Determinism, SameSeedSameBytes) {
  const std::string a = out_dir("det-a"), b = out_dir("det-b");
  ASSERT_EQ(std::system((std::string(RUN_DRIVER) + " " + a + " > /dev/null").c_str()), 0);
  ASSERT_EQ(std::system((std::string(RUN_DRIVER) + " " + b + " > /dev/null").c_str()), 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(a)) {
    const std::string name = e.path().filename().string();
    std::string x = read_file(a + "/" + name), y = read_file(b + "/" + name);
    if (name == "summary.json") {
      const std::regex wall("\"wall_time_s\": [^,\n]*");
      x = std::regex_replace(x, wall, "");
      y = std::regex_replace(y, wall, "");
    }
    EXPECT_FALSE(x.empty()) << name;
    EXPECT_EQ(x, y) << name;
    ++files;
  }
  EXPECT_EQ(files, 9);
  // The arrivals really are poisson: not evenly spaced.
  const auto rows = read_csv(a + "/requests.csv");
  ASSERT_EQ(rows.size(), 300u);
  EXPECT_NE(std::stod(rows[2].at("arrival_s")) - std::stod(rows[1].at("arrival_s")),
            std::stod(rows[3].at("arrival_s")) - std::stod(rows[2].at("arrival_s")));
}

}  // namespace
}  // namespace edgesplit::runtime::test
