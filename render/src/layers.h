#pragma once
// Private: the layers of the city scene and the ground they stand on.

#include <osg/Node>
#include <osg/ref_ptr>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "ground.h"
#include "tile_grid.h"

namespace ct::render::detail {

/// The DEM as a shaded mesh coloured by elevation, or a flat plane around the extent.
osg::ref_ptr<osg::Node> buildTerrainLayer(const CityModel& city, const Ground& ground,
                                          const SceneOptions& options);

/// Water and (optionally) land-use areas draped on the ground.
osg::ref_ptr<osg::Node> buildAreaLayer(const CityModel& city, const Ground& ground,
                                       const SceneOptions& options);

/// Road ribbons with round junctions: a group named "roads" of one geode per non-empty tile
/// of `grid` (a ribbon in the tile of its midpoint, a junction disc in the tile of its node).
osg::ref_ptr<osg::Node> buildRoadLayer(const CityModel& city, const Ground& ground,
                                       const SceneOptions& options, const TileGrid& grid,
                                       PickTables* pick = nullptr);

/// Extruded buildings with flat roofs: a group named "buildings" of one geode per non-empty
/// tile of `grid` (a building in the tile of its centroid).
osg::ref_ptr<osg::Node> buildBuildingLayer(const CityModel& city, const Ground& ground,
                                           const SceneOptions& options, const TileGrid& grid,
                                           PickTables* pick = nullptr);

/// Facility pins of constant screen size, and their labels.
osg::ref_ptr<osg::Node> buildFacilityLayer(const CityModel& city, const Ground& ground,
                                           const SceneOptions& options);

}  // namespace ct::render::detail
