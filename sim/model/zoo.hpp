// Built-in model zoo, built from architecture definitions in code (torchvision / NeuroSim).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/model/graph.hpp"

namespace edgesplit::model {

/// Names of the built-in models, in a stable order.
std::vector<std::string> zoo_names();
/// One-line description of a zoo model ("torchvision VGG16, 224x224"); throws
/// std::invalid_argument for an unknown name.
std::string zoo_summary(const std::string& name);
/// The model, or nullopt for an unknown name.
std::optional<Graph> zoo_model(const std::string& name);

}  // namespace edgesplit::model
