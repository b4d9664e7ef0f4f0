#pragma once
/// The junction areas of a network that gives their outlines (a SUMO network's junction shapes):
/// flat polygons in the colour of the biggest road meeting there, just under the road ribbons
/// and over the junction discs, so the space the internal lanes cross is paved. One draw call.
/// Not pickable (rays pass through to the junction disc or the ground).

#include <cstdint>
#include <span>

#include <osg/Node>
#include <osg/ref_ptr>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/geometry.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

/// The areas of junctions (nodes of `city.roads`): outline of node n = points[offset[n] ..
/// offset[n+1]) (CSR, m). Nodes without an outline (fewer than 3 points) or beyond the arrays
/// are skipped; null when there is nothing to draw.
osg::ref_ptr<osg::Node> buildJunctionAreas(const CityModel& city, std::span<const std::uint32_t> offset,
                                           std::span<const Vec2> points, const SceneOptions& options = {});

}  // namespace ct::render
