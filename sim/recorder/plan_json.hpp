// plan.json: the one rendering of a Plan, shared by `edgesplit partition --json` and the recorder.
#pragma once

#include <cstdint>
#include <string>

#include "partitioners/partitioner.hpp"
#include "sim/config/scenario.hpp"
#include "sim/recorder/json_writer.hpp"

namespace edgesplit::recorder {

/// The JSON document plan.json holds (pretty-printed, stable key order, numbers round-trip).
std::string plan_json(const config::Scenario& scenario, const partition::Plan& plan);

/// Writes one stage as an object of plan.json's "stages" (hosts and bands by name, layers, predicted
/// times). `index` >= 0 writes an "index" key first; `band_sizes` adds each band's input rows, bytes
/// and flops (plan.json has them, the re-plans of dynamics runs do not).
void write_stage_json(JsonWriter& w, const config::Scenario& scenario, const partition::Stage& s, int64_t index,
                      bool band_sizes);

}  // namespace edgesplit::recorder
