#pragma once
// A small hand-built city for render and GUI tests: a grid of streets, blocks of box
// buildings, a river south of the town, rolling terrain and a few facilities.

#include "citytwin/sim/city_model.h"

namespace ct::test {

struct SyntheticCityOptions {
    int buildings = 200;       ///< number of buildings (16 per 100 m block)
    bool terrain = true;       ///< a 10 m DEM of gentle hills; false = no terrain
    bool river = true;         ///< a water polygon south of the town
    int facilities = 3;        ///< facilities on the first buildings, with names
    double hillHeight = 12.0;  ///< m, amplitude of the terrain's hills
    double riverBed = 0.0;     ///< m, depth of the river's channel cut into the terrain (steep banks)
};

/// Builds and finishes the city (finish() diagnostics are dropped: the data is clean).
CityModel makeSyntheticCity(const SyntheticCityOptions& options = {});

/// The use of the k-th synthetic building: mostly residential, every fourth commercial,
/// every seventh industrial, every eleventh public.
BuildingUse syntheticUse(int k);

}  // namespace ct::test
