// vgg16-64: a documented stand-in for Partition Pruning's TinyVGG16 (Shahhosseini et al., 2020),
// whose exact definition is not published in the sources we could find (docs/ONNX.md).
#include <string>

#include "sim/model/builder.hpp"

namespace edgesplit::model::detail {

// torchvision VGG16's thirteen 3x3 pad-1 convolutions (configuration "D", biases, ReLU) and five
// 2x2 max-pools on a 64x64 Tiny ImageNet image: 512 x 2 x 2 = 2048 features, then the classifier
// FC 2048-4096-4096-200 (Tiny ImageNet's 200 classes). No adaptive pool: 2x2 is the map size.
// Layer names follow torchvision's module indices.
Graph build_vgg16_64() {
  Builder b("vgg16-64", {3, 64, 64});
  const int64_t kPool = 0;
  const int64_t cfg[] = {64, 64, kPool, 128, 128, kPool, 256, 256, 256, kPool,
                         512, 512, 512, kPool, 512, 512, 512, kPool};
  LayerId x = kInput;
  int index = 0;
  for (int64_t c : cfg) {
    if (c == kPool) {
      x = b.max_pool("features." + std::to_string(index++), x, 2, 2);
    } else {
      x = b.conv("features." + std::to_string(index++), x, c, 3, 1, 1, 1, true);
      x = b.relu("features." + std::to_string(index++), x);
    }
  }
  x = b.flatten("flatten", x);
  x = b.fc("classifier.0", x, 4096);
  x = b.relu("classifier.1", x);
  x = b.fc("classifier.3", x, 4096);
  x = b.relu("classifier.4", x);
  b.fc("classifier.6", x, 200);
  return b.take();
}

}  // namespace edgesplit::model::detail
