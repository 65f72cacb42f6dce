// Runs every tests/bad_inputs/<case>.yaml through the real edgesplit binary: exit code 2, stderr
// exactly <case>.stderr, and no output directory (see README.md in this folder).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = EDGESPLIT_SOURCE_DIR;
const fs::path kDir = kSource / "tests" / "bad_inputs";

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kDir))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Result {
  int code = -1;
  std::string err;
};

class BadInput : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/edgesplit-bad-input-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    tmp_ = tmpl;
  }
  void TearDown() override { fs::remove_all(tmp_); }

  // Runs the binary from the source directory so that messages name tests/bad_inputs/<case>.yaml.
  Result run(const std::string& args) const {
    const std::string cmd = "cd '" + kSource.string() + "' && '" + std::string(EDGESPLIT_BINARY) + "' " + args +
                            " >'" + (tmp_ / "stdout").string() + "' 2>'" + (tmp_ / "stderr").string() + "'";
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read(tmp_ / "stderr");
    return r;
  }
  std::string file() const { return "tests/bad_inputs/" + GetParam() + ".yaml"; }
  std::string expected() const { return read(kDir / (GetParam() + ".stderr")); }
  // `run` knows the file is a scenario where `validate` has to guess: <case>.run.stderr, when present.
  std::string expected_run() const {
    const fs::path p = kDir / (GetParam() + ".run.stderr");
    return fs::exists(p) ? read(p) : expected();
  }
  std::string extra_args() const {
    const fs::path p = kDir / (GetParam() + ".args");
    return fs::exists(p) ? trimmed(read(p)) : "";
  }

  fs::path tmp_;
};

}  // namespace

TEST(BadInputs, EveryCaseHasItsExpectedStderr) {
  const auto list = cases();
  EXPECT_GE(list.size(), 40u);  // the catalogue asked for at least 40 real mistakes
  for (const auto& c : list) EXPECT_TRUE(fs::exists(kDir / (c + ".stderr"))) << c;
}

TEST_P(BadInput, Validate) {
  if (!extra_args().empty()) GTEST_SKIP() << "needs run arguments (" << extra_args() << ")";
  const Result r = run("validate " + file());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, expected());
}

TEST_P(BadInput, RunWritesNothing) {
  const fs::path out = tmp_ / "o";
  const std::string extra = extra_args();
  const Result r = run("run " + file() + " --out '" + out.string() + "'" + (extra.empty() ? "" : " " + extra));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, expected_run());
  EXPECT_FALSE(fs::exists(out)) << out;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });
