#pragma once
// Terrain rasters: any GDAL raster, warped into the model's frame.

#include <string>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "feature_reader.h"

namespace ct::gis {

/// Reads band 1 of a raster as elevation (m), resampled bilinearly into the frame's CRS.
/// Returns false after adding an error.
bool loadTerrain(const std::string& path, const LocalFrame& frame, Terrain& out, DiagnosticReport& report);

}  // namespace ct::gis
