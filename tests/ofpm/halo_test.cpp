// Band/halo geometry against rows worked out by hand, and bands covering every row exactly once.
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "partitioners/halo.hpp"

namespace edgesplit::partition::ofpm_test {
namespace {

using halo::RowRange;

TEST(Halo, TwoConvs3x3Stride1Pad1) {
  // 8 rows in, two 3x3 stride 1 pad 1 convs keep 8 rows. Rows [a, b] of a layer need input
  // rows [a - 1, b + 1] clipped to [0, 7].
  model::Graph g("t", {1, 8, 8}, 4);
  auto c1 = conv(g, "c1", model::kInput, 2, 3, 1, 1);
  auto c2 = conv(g, "c2", c1, 2, 3, 1, 1);
  std::vector<model::LayerId> run{c1, c2};
  ASSERT_EQ(halo::check_run(g, run), "");
  auto mid = halo::run_rows(g, run, {2, 4});  // c2 rows 2..4 <- c1 rows 1..5 <- input 0..6
  EXPECT_EQ(mid.out_rows[1], (RowRange{2, 4}));
  EXPECT_EQ(mid.out_rows[0], (RowRange{1, 5}));
  EXPECT_EQ(mid.input, (RowRange{0, 6}));
  auto top = halo::run_rows(g, run, {0, 3});  // c1 rows -1..4 -> 0..4; input -1..5 -> 0..5
  EXPECT_EQ(top.out_rows[0], (RowRange{0, 4}));
  EXPECT_EQ(top.input, (RowRange{0, 5}));
  auto bottom = halo::run_rows(g, run, {4, 7});  // c1 rows 3..8 -> 3..7; input 2..8 -> 2..7
  EXPECT_EQ(bottom.out_rows[0], (RowRange{3, 7}));
  EXPECT_EQ(bottom.input, (RowRange{2, 7}));
}

TEST(Halo, Conv3x3Stride2) {
  // 8 rows in, 3x3 stride 2 pad 1: (8 + 2 - 3) / 2 + 1 = 4 rows out; rows [a, b] need [2a - 1, 2b + 1].
  model::Graph g("t", {1, 8, 8}, 4);
  auto c = conv(g, "c", model::kInput, 1, 3, 2, 1);
  ASSERT_EQ(g.layer(c).output_shape[1], 4);
  EXPECT_EQ(halo::input_rows(g.layer(c), 8, {1, 2}), (RowRange{1, 5}));
  EXPECT_EQ(halo::input_rows(g.layer(c), 8, {0, 0}), (RowRange{0, 1}));
  EXPECT_EQ(halo::input_rows(g.layer(c), 8, {3, 3}), (RowRange{5, 7}));
  EXPECT_EQ(halo::input_rows(g.layer(c), 8, {0, 3}), (RowRange{0, 7}));
}

TEST(Halo, Pool2x2OnOddHeight) {
  // 7 rows, 2x2 pool stride 2: 3 rows out; row r needs [2r, 2r + 1]; input row 6 is never read.
  model::Graph g("t", {1, 7, 7}, 4);
  auto p = conv(g, "p", model::kInput, 0, 2, 2, 0, "pool");
  ASSERT_EQ(g.layer(p).output_shape[1], 3);
  EXPECT_EQ(halo::input_rows(g.layer(p), 7, {2, 2}), (RowRange{4, 5}));
  EXPECT_EQ(halo::input_rows(g.layer(p), 7, {1, 2}), (RowRange{2, 5}));
  EXPECT_EQ(halo::input_rows(g.layer(p), 7, {0, 0}), (RowRange{0, 1}));
  // The affine bottom bound knows it: a band ending at the bottom needs rows up to 5 only.
  auto aff = halo::run_affine(g, {p});
  EXPECT_EQ(aff[1].bottom_last, 5);
  EXPECT_EQ(halo::row_bytes(g, model::kInput, 7, 1), g.input_bytes(1));
}

TEST(Halo, ConvPoolConvStack) {
  // 16 rows: conv 3x3 s1 p1 (16) -> pool 2x2 s2 (8) -> conv 3x3 s1 p1 (8).
  // Output rows [3, 5] of c2 <- pool rows [2, 6] <- c1 rows [4, 13] <- input [3, 14].
  model::Graph g("t", {1, 16, 16}, 4);
  auto c1 = conv(g, "c1", model::kInput, 1, 3, 1, 1);
  auto p = conv(g, "p", c1, 0, 2, 2, 0, "pool");
  auto r = simple(g, "r", p, "relu", g.layer(p).output_shape);
  auto c2 = conv(g, "c2", r, 1, 3, 1, 1);
  auto rows = halo::run_rows(g, {c1, p, r, c2}, {3, 5});
  EXPECT_EQ(rows.out_rows[2], (RowRange{2, 6}));
  EXPECT_EQ(rows.out_rows[1], (RowRange{2, 6}));
  EXPECT_EQ(rows.out_rows[0], (RowRange{4, 13}));
  EXPECT_EQ(rows.input, (RowRange{3, 14}));
}

TEST(Halo, BandsCoverEveryRowExactlyOnce) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    const int k = 1 + static_cast<int>(rng() % 6);
    const int64_t H = 1 + static_cast<int64_t>(rng() % 300);
    std::vector<int64_t> heights = trial % 2 ? halo::equal_heights(H, k) : std::vector<int64_t>{};
    if (heights.empty()) {  // random heights summing to H, zeros allowed
      int64_t left = H;
      for (int i = 0; i + 1 < k; ++i) {
        heights.push_back(static_cast<int64_t>(rng() % static_cast<uint64_t>(left + 1)));
        left -= heights.back();
      }
      heights.push_back(left);
    }
    std::vector<int> count(static_cast<std::size_t>(H), 0);
    for (const auto& b : halo::bands_from_heights(heights))
      for (int64_t r = b.first; r <= b.last; ++r) ++count.at(static_cast<std::size_t>(r));
    for (int64_t r = 0; r < H; ++r) ASSERT_EQ(count[static_cast<std::size_t>(r)], 1) << "row " << r;
  }
  EXPECT_EQ(halo::equal_heights(10, 4), (std::vector<int64_t>{3, 3, 2, 2}));
  EXPECT_THROW(halo::bands_from_heights({2, -1}), std::invalid_argument);
}

TEST(Halo, AffineCountsMatchRunRows) {
  // The affine row counts ofpm balances with equal the exact backward pass for bands away from the edges,
  // and for bands touching the top or bottom edge.
  std::mt19937 rng(9);
  for (int trial = 0; trial < 200; ++trial) {
    model::Graph g("t", {1, 96 + static_cast<int64_t>(rng() % 64), 8}, 4);
    model::LayerId x = model::kInput;
    std::vector<model::LayerId> run;
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < n; ++j) {
      const int64_t k = 1 + static_cast<int64_t>(rng() % 3), s = 1 + static_cast<int64_t>(rng() % 2);
      x = conv(g, fmt::format("c{}", j), x, 1, k, s, static_cast<int64_t>(rng() % static_cast<uint64_t>(k)),
               rng() % 3 ? "conv" : "pool");
      run.push_back(x);
    }
    auto aff = halo::run_affine(g, run);
    const int64_t H = halo::height(g, run.back());
    if (H < 12) continue;
    const int64_t h = 3;
    auto check = [&](int64_t a, auto expected_count) {
      auto rows = halo::run_rows(g, run, {a, a + h - 1});
      for (std::size_t j = 0; j <= run.size(); ++j) {
        const auto& r = j < run.size() ? rows.out_rows[j] : rows.input;
        ASSERT_EQ(r.rows(), expected_count(aff[j])) << "trial " << trial << " layer " << j << " a " << a;
      }
    };
    check(0, [&](const halo::Affine& A) { return std::min(A.height - 1, (h - 1) * A.S + A.Q) + 1; });
    check(H - h, [&](const halo::Affine& A) { return A.bottom_last - ((H - h) * A.S - A.P) + 1; });
    const int64_t a = H / 2;
    auto rows = halo::run_rows(g, run, {a, a + h - 1});
    for (std::size_t j = 0; j <= run.size(); ++j) {
      const auto& A = aff[j];
      if (a * A.S - A.P < 0 || (a + h - 1) * A.S + A.Q > A.height - 1) continue;  // clipped: not interior
      const auto& r = j < run.size() ? rows.out_rows[j] : rows.input;
      ASSERT_EQ(r.rows(), (h - 1) * A.S + A.P + A.Q + 1);
    }
  }
}

TEST(Halo, CheckRunRejectsWhatCannotBeSplit) {
  model::Graph g("t", {1, 8, 8}, 4);
  auto c = conv(g, "c", model::kInput, 2, 3, 1, 1);
  auto f = simple(g, "flat", c, "flatten", {128});
  simple(g, "fc", f, "fc", {10}, 1280);
  EXPECT_EQ(halo::check_run(g, {c}), "");
  EXPECT_NE(halo::check_run(g, {c, f}), "");
  EXPECT_FALSE(halo::row_splittable(g, f));
}

}  // namespace
}  // namespace edgesplit::partition::ofpm_test
