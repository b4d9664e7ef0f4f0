#pragma once
/// Writing results as GIS layers, and converting geographic coordinates into a model's frame.
/// No GDAL type crosses this header.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "citytwin/sim/city_model.h"

namespace ct::gis {

/// One layer of per-link values: a feature per row, with the link's geometry.
struct LinkLayer {
    std::string name;
    std::vector<std::string> columns;  ///< numeric field names
    struct Row {
        std::uint32_t link;
        std::vector<double> values;  ///< one per column
    };
    std::vector<Row> rows;
};

/// Writes the layers to a new GeoPackage (replacing `path` atomically) in the model's CRS. Each
/// feature also gets the link's id, name, class and lanes. Returns false with *error set.
bool writeLinkGeoPackage(const std::string& path, const CityModel& city, const std::vector<LinkLayer>& layers,
                         std::string* error);

/// One layer of per-building values: a polygon feature per row.
struct BuildingLayer {
    std::string name;
    std::vector<std::string> columns;  ///< numeric field names
    struct Row {
        std::uint32_t building;
        std::vector<double> values;  ///< one per column
    };
    std::vector<Row> rows;
};

/// Writes the layers to a new GeoPackage (replacing `path` atomically) in the model's CRS. Each
/// feature also gets the building's index, name, use, residents and jobs. Returns false with
/// *error set.
bool writeBuildingGeoPackage(const std::string& path, const CityModel& city,
                             const std::vector<BuildingLayer>& layers, std::string* error);

/// Longitude/latitude (WGS 84) to the model's local frame.
class GeoFrame {
public:
    explicit GeoFrame(const CityMetadata& meta);
    ~GeoFrame();
    GeoFrame(const GeoFrame&) = delete;
    GeoFrame& operator=(const GeoFrame&) = delete;
    [[nodiscard]] std::optional<Vec2> toLocal(double lonDeg, double latDeg) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::gis
