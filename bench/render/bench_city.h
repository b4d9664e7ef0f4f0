#pragma once
// A synthetic city of any size for the frame-time benchmark: a street grid with blocks of
// buildings of varied footprints (rectangles, L shapes, turned rectangles, octagonal towers) and
// heights (taller towards the centre), signalised crossings of the bigger roads, a river, land-use
// districts, rolling terrain and facilities at the sample city's density.

#include <cstdint>

#include "citytwin/sim/city_model.h"

namespace ct::bench {

struct BenchCityOptions {
    int buildings = 5000;  ///< exact number of buildings (16 per block)
    int buildingsPerFacility =
        480;  ///< one named facility per this many buildings (the sample city: 16 per 7,682); 0 = none
    double demCell = 10.0;  ///< m, terrain cell size (render decimates to SceneOptions::maxTerrainSize)
    std::uint32_t seed = 1;
};

/// Builds and finishes the city (finish() diagnostics are dropped: the data is clean).
CityModel makeBenchCity(const BenchCityOptions& options);

}  // namespace ct::bench
