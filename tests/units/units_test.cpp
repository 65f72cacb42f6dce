// Table of unit strings with values computed by hand from FORMATS.md "Units", and bad strings
// whose errors must name the string and hint at a fix.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/units/units.hpp"

namespace u = edgesplit::units;
using u::Kind;

namespace {

struct Good {
  const char* text;
  Kind kind;
  double expected;
};

// Expected values written independently of the code: bit = 1/8 byte, Ki = 1024, k = 1000.
const Good kGood[] = {
    {"100Mbps", Kind::Bandwidth, 12.5e6},
    {"12.5MBps", Kind::Bandwidth, 12.5e6},
    {"1Gbps", Kind::Bandwidth, 125e6},
    {"1GiBps", Kind::Bandwidth, 1073741824.0},
    {"8Kibps", Kind::Bandwidth, 1024.0},
    {"1kBps", Kind::Bandwidth, 1000.0},
    {"250", Kind::Bandwidth, 250.0},
    {"4GiB", Kind::Bytes, 4.0 * 1073741824.0},
    {"500MB", Kind::Bytes, 5e8},
    {"16MiB", Kind::Bytes, 16.0 * 1048576.0},
    {"8kB", Kind::Bytes, 8000.0},
    {"8kb", Kind::Bytes, 1000.0},
    {"2ms", Kind::Time, 0.002},
    {"50us", Kind::Time, 50e-6},
    {"3ns", Kind::Time, 3e-9},
    {"20s", Kind::Time, 20.0},
    {"2m", Kind::Time, 120.0},
    {"1h", Kind::Time, 3600.0},
    {"1d", Kind::Time, 86400.0},
    {"0.5", Kind::Time, 0.5},
    {"10Gf", Kind::Speed, 1e10},
    {"8Gf", Kind::Speed, 8e9},
    {"1.5Tf", Kind::Speed, 1.5e12},
    {"100Mflops", Kind::Speed, 1e8},
    {"2Gf", Kind::Flops, 2e9},
    {"5W", Kind::Power, 5.0},
    {"630uW", Kind::Power, 630e-6},
    {"0.2W", Kind::Power, 0.2},
    {"2kW", Kind::Power, 2000.0},
    {"0.5pJ", Kind::Energy, 0.5e-12},
    {"3.5pJ", Kind::Energy, 3.5e-12},
    {"1.2mJ", Kind::Energy, 1.2e-3},
    {"7J", Kind::Energy, 7.0},
    {"20e12", Kind::MacRate, 20e12},
    {"4.2e11", Kind::MacRate, 4.2e11},
    {"1e9", Kind::Speed, 1e9},
    {"20e12", Kind::Speed, 20e12},
    {"42", Kind::Number, 42.0},
    {"-5Mbps", Kind::Bandwidth, -625000.0},  // parsed; the loaders reject negatives
    {"0", Kind::Speed, 0.0},
    {"+3ms", Kind::Time, 0.003},
};

struct Bad {
  const char* text;
  Kind kind;
  const char* must_contain;  // a hint the message must carry
};

const Bad kBad[] = {
    {"100Mb", Kind::Bandwidth, "did you mean 100Mbps or 100MBps?"},
    {"100MB", Kind::Bandwidth, "did you mean 100MBps?"},
    {"fast", Kind::Speed, "expected a speed such as 10Gf, found \"fast\""},
    // A space between number and unit is rejected (SimGrid does not accept it either).
    {"10 Gbps", Kind::Bandwidth, "did you mean 10Gbps?"},
    {"5Wh", Kind::Energy, "did you mean 18000J?"},
    {"10G", Kind::Speed, "did you mean 10Gf?"},
    {"100mbps", Kind::Bandwidth, "did you mean 100Mbps or 100MBps?"},
    {"2 ms", Kind::Time, "did you mean 2ms?"},
    {"2sec", Kind::Time, "found \"2sec\""},
    {"5W", Kind::Energy, "\"W\" is a unit of power, not of energy"},
    {"100Mbps", Kind::Speed, "\"Mbps\" is a unit of bandwidth, not of speed"},
    {"20T", Kind::MacRate, "plain numbers only"},
    {"", Kind::Time, "found \"\""},
    {"inf", Kind::Number, "found \"inf\""},
    {"nan", Kind::Speed, "found \"nan\""},
    {"1e999", Kind::Number, "out of range"},
    {"4GB ", Kind::Bytes, "found \"4GB \""},
    {"3KB", Kind::Bytes, "found \"3KB\""},
};

}  // namespace

TEST(Units, GoodStringsParseToExactBaseUnits) {
  for (const auto& g : kGood) {
    const auto p = u::parse(g.text, g.kind);
    ASSERT_TRUE(p.value.has_value()) << g.text << ": " << p.error;
    EXPECT_EQ(*p.value, g.expected) << g.text;
    EXPECT_TRUE(p.error.empty()) << g.text;
  }
}

TEST(Units, BadStringsNameTheStringAndHint) {
  for (const auto& b : kBad) {
    const auto p = u::parse(b.text, b.kind);
    EXPECT_FALSE(p.value.has_value()) << b.text;
    EXPECT_NE(p.error.find(std::string("found \"") + b.text + "\""), std::string::npos) << p.error;
    EXPECT_NE(p.error.find(b.must_contain), std::string::npos) << b.text << " -> " << p.error;
  }
}

TEST(Units, ExactMessageForAMissingRate) {
  EXPECT_EQ(u::parse("100Mb", Kind::Bandwidth).error,
            "expected a bandwidth such as 100Mbps, found \"100Mb\" (did you mean 100Mbps or 100MBps?)");
}

TEST(Units, DescribeWithQualifier) {
  EXPECT_EQ(u::describe(Kind::Bandwidth), "a bandwidth such as 100Mbps");
  EXPECT_EQ(u::describe(Kind::Bandwidth, "positive"), "a positive bandwidth such as 100Mbps");
  EXPECT_EQ(u::describe(Kind::Time, "non-negative"), "a non-negative time such as 2ms");
  EXPECT_EQ(u::describe(Kind::Energy), "an energy such as 3.5pJ");
}

TEST(Units, BitsAreAnEighthOfBytesForEveryPrefix) {
  for (const char* p : {"", "k", "M", "G", "T", "Ki", "Mi", "Gi"}) {
    const auto bits = u::parse(std::string("8") + p + "bps", Kind::Bandwidth);
    const auto bytes = u::parse(std::string("1") + p + "Bps", Kind::Bandwidth);
    ASSERT_TRUE(bits.value && bytes.value) << p;
    EXPECT_EQ(*bits.value, *bytes.value) << p;
  }
}
