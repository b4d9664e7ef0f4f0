#pragma once
/// Summary figures of a city model, as `citytwin info` prints them.

#include <array>
#include <cstddef>
#include <cstdint>

#include "citytwin/sim/city_model.h"

namespace ct {

struct CitySummary {
    std::size_t nodes = 0;
    std::size_t intersections = 0;  ///< nodes with >= 3 distinct neighbours
    std::size_t signalisedIntersections = 0;
    std::size_t roundaboutNodes = 0;
    std::size_t links = 0;  ///< directed links
    std::size_t onewayLinks = 0;
    std::size_t bridgeLinks = 0;
    std::size_t turnConnections = 0;
    std::array<double, kRoadClassCount> roadKmByClass{};  ///< km of road centreline (a two-way road once)
    double roadKm = 0.0;                                  ///< km of drivable centreline, all classes
    double laneKm = 0.0;                                  ///< km of lanes, both directions
    double mainComponentLinkShare = 0.0;    ///< share of directed links in the largest SCC, 0..1
    double mainComponentLengthShare = 0.0;  ///< share of directed link length in it, 0..1
    std::size_t linksOutsideMain = 0;
    std::size_t buildings = 0;
    std::size_t buildingsExplicitHeight = 0;
    std::size_t buildingsFromLevels = 0;
    std::size_t buildingsDefaultHeight = 0;
    std::size_t buildingsWithoutAccess = 0;
    std::array<std::size_t, static_cast<std::size_t>(BuildingUse::Count)> buildingsByUse{};
    double buildingFootprintKm2 = 0.0;
    std::uint64_t residents = 0;
    std::uint64_t jobs = 0;
    std::array<std::size_t, static_cast<std::size_t>(FacilityKind::Count)> facilitiesByKind{};
    std::size_t landUsePolygons = 0;
    bool hasTerrain = false;
    double terrainMin = 0.0, terrainMax = 0.0;  ///< m
};

CitySummary summarize(const CityModel& city);

}  // namespace ct
