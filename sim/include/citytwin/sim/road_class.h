#pragma once
/// Road classes (after OpenStreetMap's highway=* values) and their default attributes.

#include <cstdint>
#include <optional>
#include <string_view>

namespace ct {

enum class RoadClass : std::uint8_t {
    Motorway,
    MotorwayLink,
    Trunk,
    TrunkLink,
    Primary,
    PrimaryLink,
    Secondary,
    SecondaryLink,
    Tertiary,
    TertiaryLink,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    Count
};

inline constexpr int kRoadClassCount = static_cast<int>(RoadClass::Count);

/// Defaults used when the data does not say: free speed and lanes in each direction.
struct RoadClassDefaults {
    double speedMps;        ///< m/s
    int lanesPerDirection;  ///< lanes in each direction of a two-way road (and of a one-way road)
    int rank;               ///< priority rank for right of way, higher wins
};

/// The OSM highway value ("motorway", "primary_link"...), e.g. for output and mapping files.
std::string_view toString(RoadClass c);

/// Parses an OSM highway value; nullopt when it is not a drivable road class
/// (footway, cycleway, path, track, construction...).
std::optional<RoadClass> roadClassFromString(std::string_view highway);

RoadClassDefaults defaults(RoadClass c);

}  // namespace ct
