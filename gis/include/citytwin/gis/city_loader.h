#pragma once
/// Loading a city from GIS data through GDAL. No GDAL type crosses this header.
///
/// Thread-safety: loadCity may run on any thread; GDAL error handling is installed per call
/// (thread-local in GDAL), so two loads may run at once.

#include <optional>
#include <string>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"

namespace ct::gis {

struct LoadOptions {
    /// Vector sources (GeoPackage, GeoJSON, Shapefile or a folder of them, FlatGeobuf, .osm, .pbf).
    std::vector<std::string> vectorSources;
    /// Optional terrain raster (GeoTIFF or any GDAL raster), resampled to the model's frame.
    std::string demPath;
    /// Optional JSON mapping file (docs/mapping.md); empty = the built-in tag mapping.
    std::string mappingPath;
    /// Force a projected CRS by EPSG code; 0 = keep the data's projected CRS, or pick the UTM
    /// zone of the data's centre when the data is geographic.
    int targetEpsg = 0;
};

/// Per-layer counts reported by `citytwin info`.
struct LayerStats {
    std::string file;
    std::string layer;
    std::string role;
    std::int64_t features = 0;  ///< features read (compare with ogrinfo's Feature Count)
    std::int64_t roads = 0, buildings = 0, facilities = 0, trafficSignals = 0, landUse = 0;
    std::int64_t utilities = 0;  ///< features of water and power layers
    std::int64_t ignored = 0;    ///< features that describe nothing CityTwin models
    std::int64_t skipped = 0;    ///< features dropped because of bad data (see diagnostics)
};

struct LoadResult {
    std::optional<CityModel> city;   ///< set when the load succeeded (no errors)
    DiagnosticReport report;         ///< everything found, errors and warnings
    std::vector<LayerStats> layers;  ///< what each source layer gave, in read order
    double seconds = 0.0;            ///< wall time of the load
};

/// Loads and validates a city. Never throws on bad input: problems go to `report`, and any
/// error leaves `city` empty.
LoadResult loadCity(const LoadOptions& options);

/// The bundled sample city (assets/sample_city) as load options, given the assets folder.
LoadOptions sampleCityOptions(const std::string& assetsDir);

}  // namespace ct::gis
