// Built-in model zoo: the registry of names, plus the plain feed-forward nets (VGG8 of
// DNN+NeuroSim, torchvision AlexNet and VGG16). ResNets and MobileNetV2 live in their own files.
#include "sim/model/zoo.hpp"

#include <functional>
#include <stdexcept>
#include <string>

#include "sim/model/builder.hpp"

namespace edgesplit::model {

namespace detail {
Graph build_vgg16_64();  // zoo_tinyvgg.cpp: stand-in for Partition Pruning's TinyVGG16
}  // namespace detail

namespace {

using detail::Builder;

// VGG8 for CIFAR-10 as in DNN+NeuroSim (models/VGG.py of DNN_NeuroSim_V1.x): six 3x3 pad-1
// convs 128-128-256-256-512-512, a 2x2 max-pool after each pair, FC 8192-1024-10, no biases.
Graph build_vgg8() {
  Builder b("vgg8", {3, 32, 32});
  const int64_t widths[] = {128, 128, 256, 256, 512, 512};
  LayerId x = kInput;
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i + 1);
    x = b.conv("conv" + n, x, widths[i], 3, 1, 1, 1, /*bias=*/false);
    x = b.relu("relu" + n, x);
    if (i % 2 == 1) x = b.max_pool("pool" + std::to_string(i / 2 + 1), x, 2, 2);
  }
  x = b.flatten("flatten", x);  // 512 x 4 x 4 = 8192
  x = b.fc("fc1", x, 1024, /*bias=*/false);
  x = b.relu("relu7", x);
  b.fc("fc2", x, 10, /*bias=*/false);
  return b.take();
}

// torchvision.models.AlexNet (the "one weird trick" variant torchvision ships): names follow
// its module indices; dropout layers are omitted (no compute, no tensor change).
Graph build_alexnet() {
  Builder b("alexnet", {3, 224, 224});
  LayerId x = b.conv("features.0", kInput, 64, 11, 4, 2, 1, true);
  x = b.relu("features.1", x);
  x = b.max_pool("features.2", x, 3, 2);
  x = b.conv("features.3", x, 192, 5, 1, 2, 1, true);
  x = b.relu("features.4", x);
  x = b.max_pool("features.5", x, 3, 2);
  x = b.conv("features.6", x, 384, 3, 1, 1, 1, true);
  x = b.relu("features.7", x);
  x = b.conv("features.8", x, 256, 3, 1, 1, 1, true);
  x = b.relu("features.9", x);
  x = b.conv("features.10", x, 256, 3, 1, 1, 1, true);
  x = b.relu("features.11", x);
  x = b.max_pool("features.12", x, 3, 2);
  x = b.adaptive_avg_pool("avgpool", x, 6);
  x = b.flatten("flatten", x);
  x = b.fc("classifier.1", x, 4096);
  x = b.relu("classifier.2", x);
  x = b.fc("classifier.4", x, 4096);
  x = b.relu("classifier.5", x);
  b.fc("classifier.6", x, 1000);
  return b.take();
}

// torchvision.models.vgg16 (configuration "D", no BatchNorm): 3x3 pad-1 convs with bias and
// ReLU, "M" = 2x2 max-pool; AdaptiveAvgPool 7x7; classifier 25088-4096-4096-1000.
Graph build_vgg16() {
  Builder b("vgg16", {3, 224, 224});
  const int64_t kPool = 0;
  const int64_t cfg[] = {64, 64, kPool, 128, 128, kPool, 256, 256, 256, kPool,
                         512, 512, 512, kPool, 512, 512, 512, kPool};
  LayerId x = kInput;
  int index = 0;  // torchvision's index in `features`
  for (int64_t c : cfg) {
    if (c == kPool) {
      x = b.max_pool("features." + std::to_string(index++), x, 2, 2);
    } else {
      x = b.conv("features." + std::to_string(index++), x, c, 3, 1, 1, 1, true);
      x = b.relu("features." + std::to_string(index++), x);
    }
  }
  x = b.adaptive_avg_pool("avgpool", x, 7);
  x = b.flatten("flatten", x);
  x = b.fc("classifier.0", x, 4096);
  x = b.relu("classifier.1", x);
  x = b.fc("classifier.3", x, 4096);
  x = b.relu("classifier.4", x);
  b.fc("classifier.6", x, 1000);
  return b.take();
}

struct Entry {
  const char* name;
  const char* summary;
  std::function<Graph()> build;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
      {"vgg8", "DNN+NeuroSim VGG8 for CIFAR-10, 32x32, no biases", build_vgg8},
      {"alexnet", "torchvision AlexNet, 224x224", build_alexnet},
      {"vgg16", "torchvision VGG16 (no BatchNorm), 224x224", build_vgg16},
      {"resnet18", "torchvision ResNet-18, 224x224", [] { return detail::build_resnet(18); }},
      {"resnet50", "torchvision ResNet-50 (v1.5, stride on the 3x3 conv), 224x224",
       [] { return detail::build_resnet(50); }},
      {"resnet152", "torchvision ResNet-152 (v1.5, stride on the 3x3 conv), 224x224",
       [] { return detail::build_resnet(152); }},
      {"mobilenetv2", "torchvision MobileNetV2, width 1.0, 224x224", detail::build_mobilenetv2},
      {"vgg16-64", "VGG16 convs on 64x64 + FC 2048-4096-4096-200 (stand-in for TinyVGG16)", detail::build_vgg16_64},
  };
  return kEntries;
}

const Entry* lookup(const std::string& name) {
  for (const Entry& e : entries()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> zoo_names() {
  std::vector<std::string> names;
  for (const Entry& e : entries()) names.emplace_back(e.name);
  return names;
}

std::string zoo_summary(const std::string& name) {
  const Entry* e = lookup(name);
  if (e == nullptr) throw std::invalid_argument("unknown zoo model \"" + name + "\"");
  return e->summary;
}

std::optional<Graph> zoo_model(const std::string& name) {
  const Entry* e = lookup(name);
  if (e == nullptr) return std::nullopt;
  return e->build();
}

}  // namespace edgesplit::model
