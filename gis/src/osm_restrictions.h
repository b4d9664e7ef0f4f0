#pragma once
// Turn restrictions of OpenStreetMap files (relations type=restriction), read with libosmium:
// GDAL's OSM driver does not expose relation member roles.

#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/road_network.h"
#include "feature_reader.h"

namespace ct::gis {

/// True for the files GDAL reads with its OSM driver (.osm, .pbf).
bool isOsmFile(const std::string& path);

/// The restrictions of an OSM file with a via node, in the local frame. Restrictions with a via
/// way, without from/to ways, or with an unknown restriction value are counted in a warning.
/// Never throws: a file libosmium cannot read gives a warning and no restrictions.
std::vector<TurnRestriction> readOsmRestrictions(const std::string& path, const LocalFrame& frame,
                                                 DiagnosticReport& report);

}  // namespace ct::gis
