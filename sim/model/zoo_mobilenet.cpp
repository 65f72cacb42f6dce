// torchvision MobileNetV2 (width 1.0) as a layer DAG: inverted residual blocks (1x1 expand,
// 3x3 depthwise, 1x1 linear projection) with ReLU6; residual additions are two-input `add` layers.
#include <string>

#include "sim/model/builder.hpp"

namespace edgesplit::model::detail {

namespace {

// torchvision Conv2dNormActivation: conv (no bias, pad (k-1)/2) - BatchNorm - ReLU6,
// named <p>.0, <p>.1, <p>.2.
LayerId conv_bn_relu6(Builder& b, const std::string& p, LayerId x, int64_t out, int64_t kernel, int64_t stride,
                      int64_t groups = 1) {
  x = b.conv(p + ".0", x, out, kernel, stride, (kernel - 1) / 2, groups);
  x = b.bn(p + ".1", x);
  return b.relu6(p + ".2", x);
}

// torchvision InvertedResidual(inp, oup, stride, expand_ratio); `p` = "features.<i>".
LayerId inverted_residual(Builder& b, const std::string& p, LayerId x, int64_t out, int64_t stride,
                          int64_t expand) {
  const int64_t in = b.shape(x)[0];
  const int64_t hidden = in * expand;  // int(round(inp * t)) with integer t
  int index = 0;                      // index within the block's `conv` Sequential
  LayerId y = x;
  if (expand != 1) y = conv_bn_relu6(b, p + ".conv." + std::to_string(index++), y, hidden, 1, 1);
  y = conv_bn_relu6(b, p + ".conv." + std::to_string(index++), y, hidden, 3, stride, hidden);
  y = b.conv(p + ".conv." + std::to_string(index++), y, out, 1);
  y = b.bn(p + ".conv." + std::to_string(index++), y);
  if (stride == 1 && in == out) y = b.add(p + ".add", x, y);
  return y;
}

}  // namespace

Graph build_mobilenetv2() {
  Builder b("mobilenetv2", {3, 224, 224});
  LayerId x = conv_bn_relu6(b, "features.0", kInput, 32, 3, 2);
  // torchvision's inverted_residual_setting: expansion t, channels c, repeats n, first stride s.
  // With width 1.0 every c is already a multiple of 8, so _make_divisible leaves it unchanged.
  struct Setting {
    int64_t t, c, n, s;
  };
  const Setting settings[] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                              {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
  int index = 1;  // torchvision's index in `features`
  for (const Setting& st : settings) {
    for (int64_t i = 0; i < st.n; ++i) {
      x = inverted_residual(b, "features." + std::to_string(index++), x, st.c, i == 0 ? st.s : 1, st.t);
    }
  }
  x = conv_bn_relu6(b, "features." + std::to_string(index), x, 1280, 1, 1);
  x = b.adaptive_avg_pool("avgpool", x, 1);
  x = b.flatten("flatten", x);
  b.fc("classifier.1", x, 1000);  // classifier.0 is Dropout(0.2), omitted
  return b.take();
}

}  // namespace edgesplit::model::detail
