// torchvision ResNet-18/50/152 as a layer DAG: BasicBlock / Bottleneck (v1.5: stride on the
// 3x3 conv), BatchNorm after every conv, residual additions as two-input `add` layers.
#include <stdexcept>
#include <string>

#include "sim/model/builder.hpp"

namespace edgesplit::model::detail {

namespace {

// Shortcut of a block: identity, or torchvision's downsample = conv1x1(stride) + BatchNorm
// when the stride or the channel count changes.
LayerId shortcut(Builder& b, const std::string& p, LayerId x, int64_t out_channels, int64_t stride) {
  if (stride == 1 && b.shape(x)[0] == out_channels) return x;
  const LayerId d = b.conv(p + ".downsample.0", x, out_channels, 1, stride);
  return b.bn(p + ".downsample.1", d);
}

// torchvision BasicBlock (expansion 1): 3x3(stride) - BN - ReLU - 3x3 - BN, + shortcut, ReLU.
LayerId basic_block(Builder& b, const std::string& p, LayerId x, int64_t planes, int64_t stride) {
  LayerId y = b.conv(p + ".conv1", x, planes, 3, stride, 1);
  y = b.bn(p + ".bn1", y);
  y = b.relu(p + ".relu1", y);
  y = b.conv(p + ".conv2", y, planes, 3, 1, 1);
  y = b.bn(p + ".bn2", y);
  const LayerId s = shortcut(b, p, x, planes, stride);
  y = b.add(p + ".add", y, s);
  return b.relu(p + ".relu", y);
}

// torchvision Bottleneck (expansion 4, ResNet v1.5): 1x1 - BN - ReLU - 3x3(stride) - BN - ReLU
// - 1x1 - BN, + shortcut, ReLU.
LayerId bottleneck(Builder& b, const std::string& p, LayerId x, int64_t planes, int64_t stride) {
  LayerId y = b.conv(p + ".conv1", x, planes, 1);
  y = b.bn(p + ".bn1", y);
  y = b.relu(p + ".relu1", y);
  y = b.conv(p + ".conv2", y, planes, 3, stride, 1);
  y = b.bn(p + ".bn2", y);
  y = b.relu(p + ".relu2", y);
  y = b.conv(p + ".conv3", y, planes * 4, 1);
  y = b.bn(p + ".bn3", y);
  const LayerId s = shortcut(b, p, x, planes * 4, stride);
  y = b.add(p + ".add", y, s);
  return b.relu(p + ".relu", y);
}

}  // namespace

Graph build_resnet(int depth) {
  // Blocks per stage, from torchvision's resnet18 / resnet50 / resnet152 constructors.
  int blocks[4];
  bool use_bottleneck = true;
  switch (depth) {
    case 18: blocks[0] = 2; blocks[1] = 2; blocks[2] = 2; blocks[3] = 2; use_bottleneck = false; break;
    case 50: blocks[0] = 3; blocks[1] = 4; blocks[2] = 6; blocks[3] = 3; break;
    case 152: blocks[0] = 3; blocks[1] = 8; blocks[2] = 36; blocks[3] = 3; break;
    default: throw std::logic_error("zoo: no ResNet of depth " + std::to_string(depth));
  }
  Builder b("resnet" + std::to_string(depth), {3, 224, 224});
  LayerId x = b.conv("conv1", kInput, 64, 7, 2, 3);
  x = b.bn("bn1", x);
  x = b.relu("relu", x);
  x = b.max_pool("maxpool", x, 3, 2, 1);
  const int64_t planes[4] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage) {
    for (int i = 0; i < blocks[stage]; ++i) {
      const std::string p = "layer" + std::to_string(stage + 1) + "." + std::to_string(i);
      const int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      x = use_bottleneck ? bottleneck(b, p, x, planes[stage], stride) : basic_block(b, p, x, planes[stage], stride);
    }
  }
  x = b.adaptive_avg_pool("avgpool", x, 1);
  x = b.flatten("flatten", x);
  b.fc("fc", x, 1000);
  return b.take();
}

}  // namespace edgesplit::model::detail
