// Registry entries of partB's partitioners (pipeedge, pipeedge-energy, exhaustive, dads, genetic).
#pragma once

#include "partitioners/partitioner.hpp"

namespace edgesplit::partition {

PartitionerInfo pipeedge_info();         ///< partitioners/pipeedge.cpp
PartitionerInfo pipeedge_energy_info();  ///< partitioners/pipeedge_energy.cpp
PartitionerInfo exhaustive_info();       ///< partitioners/exhaustive.cpp
PartitionerInfo dads_info();             ///< partitioners/dads.cpp
PartitionerInfo genetic_info();          ///< partitioners/genetic.cpp

}  // namespace edgesplit::partition
