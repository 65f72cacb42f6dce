// plan.json: the one rendering of a Plan, shared by `edgesplit partition --json` and the recorder.
#pragma once

#include <string>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"

namespace edgesplit::recorder {

/// The JSON document plan.json holds (pretty-printed, stable key order, numbers round-trip).
std::string plan_json(const config::Scenario& scenario, const partition::Plan& plan);

}  // namespace edgesplit::recorder
