#pragma once
/// The city model: the immutable picture of a city that every subsystem reads.
///
/// Built once by a loader (gis/) or a test, completed and validated by `finish()`, then shared
/// read-only (thread-safe for concurrent readers). All geometry is in a local metric frame:
/// metres east (x) and north (y) of `CityMetadata::originEasting/originNorthing` in the
/// projected CRS `CityMetadata::crsWkt`. Arrays are flat and indexed by the strong ids of ids.h.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/geometry.h"
#include "citytwin/sim/ids.h"
#include "citytwin/sim/road_network.h"

namespace ct {

enum class BuildingUse : std::uint8_t { Residential, Commercial, Industrial, Public, Other, Count };
enum class HeightSource : std::uint8_t { Explicit, Levels, Default };
enum class FacilityKind : std::uint8_t { FireStation, Hospital, Police, Shelter, School, Count };
enum class LandUseKind : std::uint8_t {
    Residential,
    Commercial,
    Industrial,
    Park,
    Farmland,
    Forest,
    Water,
    Other,
    Count
};

const char* toString(BuildingUse u);
const char* toString(FacilityKind k);
const char* toString(LandUseKind k);

/// Where the model's coordinates come from.
struct CityMetadata {
    std::string name;                  ///< a display name (file stem of the first source)
    std::vector<std::string> sources;  ///< input files, in load order
    std::string crsName;               ///< e.g. "WGS 84 / UTM zone 33N"
    std::string crsWkt;                ///< WKT of the projected CRS of the local frame
    int epsg = 0;                      ///< EPSG code of that CRS, 0 when it has none
    double originEasting = 0.0;        ///< m, projected coordinate of local (0,0)
    double originNorthing = 0.0;       ///< m
    double originLonDeg = 0.0;         ///< geographic position of local (0,0)
    double originLatDeg = 0.0;
};

/// Building footprints and their derived attributes. Column i describes BuildingId(i).
struct Buildings {
    std::vector<std::uint32_t> ringOffset{0};  ///< CSR into `ringPoints`, size count()+1; outer ring only
    std::vector<Vec2> ringPoints;              ///< m, footprint vertices, counter-clockwise, not closed
    std::vector<Vec2> centroid;                ///< m
    std::vector<float> area;                   ///< m^2, footprint area less inner courtyards
    std::vector<float> height;                 ///< m, eave height above ground
    std::vector<HeightSource> heightSource;    ///< where `height` came from
    std::vector<std::uint8_t> levels;          ///< storeys above ground (from data, else height / 3 m)
    std::vector<BuildingUse> use;
    std::vector<std::uint32_t>
        residents;                    ///< people living there (from data, else estimated from floor area)
    std::vector<std::uint32_t> jobs;  ///< jobs there (from data, else estimated from floor area)
    std::vector<LinkId> accessLink;   ///< nearest drivable link in the main component, invalid if none
    std::vector<std::string> name;    ///< name, may be empty
    std::vector<std::int64_t> sourceFeature;  ///< feature id in the source layer (OSM id for OSM)
    std::vector<std::string> waterNode;       ///< id of the water node serving it (data), may be empty
    std::vector<std::string> powerBus;        ///< id of the power bus serving it (data), may be empty

    [[nodiscard]] std::size_t count() const { return area.size(); }
    [[nodiscard]] std::span<const Vec2> footprint(BuildingId b) const {
        return {ringPoints.data() + ringOffset[b.index()], ringOffset[b.index() + 1] - ringOffset[b.index()]};
    }
};

/// Emergency and public facilities. Column i describes FacilityId(i).
struct Facilities {
    std::vector<FacilityKind> kind;
    std::vector<std::string> name;
    std::vector<Vec2> position;        ///< m
    std::vector<BuildingId> building;  ///< the building it occupies, invalid when none
    std::vector<LinkId> accessLink;    ///< nearest drivable link in the main component
    std::vector<std::int64_t> sourceFeature;
    std::vector<float> backupHours;  ///< hours of backup power on site (data), NaN when not given

    [[nodiscard]] std::size_t count() const { return kind.size(); }
};

/// Land-use polygons (outer rings only).
struct LandUse {
    std::vector<std::uint32_t> ringOffset{0};  ///< CSR into ringPoints
    std::vector<Vec2> ringPoints;              ///< m
    std::vector<LandUseKind> kind;
    std::vector<float> area;  ///< m^2

    [[nodiscard]] std::size_t count() const { return kind.size(); }
    [[nodiscard]] std::span<const Vec2> ring(std::size_t i) const {
        return {ringPoints.data() + ringOffset[i], ringOffset[i + 1] - ringOffset[i]};
    }
};

/// A terrain elevation grid in the local frame, north-up. Empty when no DEM was loaded.
struct Terrain {
    int width = 0;                 ///< columns
    int height = 0;                ///< rows; row 0 is the northern edge
    double originX = 0.0;          ///< m, local x of the west edge of column 0
    double originY = 0.0;          ///< m, local y of the north edge of row 0
    double cellSize = 0.0;         ///< m, square cells
    std::vector<float> elevation;  ///< m above datum, row-major, NaN where unknown
    std::string source;

    [[nodiscard]] bool empty() const { return elevation.empty(); }
    /// Bilinear elevation at local (x,y); NaN outside the grid or where unknown.
    [[nodiscard]] double sample(Vec2 p) const;
    [[nodiscard]] float at(int col, int row) const {
        return elevation[static_cast<std::size_t>(row) * width + col];
    }
};

/// A feature of a utility layer kept as read: where it came from, its geometry and its fields.
/// sim/utility turns these into water and power networks (docs/data-schema.md lists the fields).
struct UtilityFeature {
    std::string file;
    std::string layer;
    std::int64_t sourceFeature = -1;
    std::vector<Vec2> points;                                ///< m: one point, or a line's vertices in order
    std::vector<std::pair<std::string, std::string>> attrs;  ///< field (lower case) -> text

    /// The value of a field, empty when missing.
    [[nodiscard]] std::string_view attr(std::string_view key) const {
        for (const auto& [k, v] : attrs) {
            if (k == key) {
                return v;
            }
        }
        return {};
    }
};

/// The utility layers of the sources: `water_nodes`, `water_links`, `power_buses`, `power_lines`,
/// and the traffic-signal points with the `power_bus` that feeds them.
struct UtilityLayers {
    std::vector<UtilityFeature> waterNodes;
    std::vector<UtilityFeature> waterLinks;
    std::vector<UtilityFeature> powerBuses;
    std::vector<UtilityFeature> powerLines;
    std::vector<UtilityFeature> signalPoints;

    [[nodiscard]] bool hasWater() const { return !waterNodes.empty(); }
    [[nodiscard]] bool hasPower() const { return !powerBuses.empty(); }
};

struct CityModel {
    CityMetadata meta;
    RoadNetwork roads;
    Buildings buildings;
    Facilities facilities;
    LandUse landUse;
    Terrain terrain;
    UtilityLayers utilities;
    Box2 extent;  ///< m, bounding box of roads, buildings and facilities

    /// Completes derived data (extent, building access links, facility buildings) and checks
    /// invariants. Call once after loading; the road network must already be built.
    void finish(DiagnosticReport& report);
};

}  // namespace ct
