#pragma once
/// Polygon triangulation for roofs, water and land-use areas (plain geometry, no OSG).

#include <cstdint>
#include <span>
#include <vector>

#include "citytwin/sim/geometry.h"

namespace ct::render {

/// Triangulates a simple polygon ring by ear clipping, O(n^2) in the usual case.
///
/// The ring may be clockwise or counter-clockwise and may repeat its first point at the end.
/// Returns indices into `ring`, three per triangle, each triangle counter-clockwise (seen from
/// +z). Repeated and collinear vertices produce no slivers. A ring that is not simple (a
/// bow-tie) still gets a triangulation covering it roughly (the remainder is fanned), never a
/// crash; fewer than three distinct vertices give no triangles.
std::vector<std::uint32_t> triangulateRing(std::span<const Vec2> ring);

}  // namespace ct::render
