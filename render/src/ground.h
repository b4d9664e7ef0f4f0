#pragma once
// Private: the ground surface of the scene, exactly as the terrain mesh draws it.

#include <vector>

#include <osg/Vec3>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"

namespace ct::render::detail {

/// The terrain as drawn: the DEM decimated to at most SceneOptions::maxTerrainSize vertices a
/// side, scaled by the vertical exaggeration, with two triangles per grid square. z() returns
/// the height of exactly that surface, so roads, areas and buildings placed with it sit on the
/// drawn ground rather than above or below it.
///
/// Vertices lie at DEM cell centres. Points outside the grid take the height of its nearest
/// edge; unknown (NaN) cells their known neighbours or the mean. Without a usable DEM (empty,
/// inconsistent, all unknown, or under 2 x 2) the ground is the plane z = 0.
class Ground {
public:
    Ground(const Terrain& terrain, const SceneOptions& options);

    /// m, height of the drawn ground at p.
    [[nodiscard]] double z(Vec2 p) const;
    /// Unit normal of the ground at p (central differences over one grid spacing).
    [[nodiscard]] osg::Vec3 normal(Vec2 p) const;

    [[nodiscard]] bool hasTerrain() const { return m_cols > 0; }
    /// m, distance between grid vertices (0 without terrain).
    [[nodiscard]] double spacing() const { return m_spacing; }
    [[nodiscard]] double minZ() const { return m_minZ; }
    [[nodiscard]] double maxZ() const { return m_maxZ; }

    // The grid, for the terrain mesh. Column i runs east, row j south from the north edge.
    [[nodiscard]] int cols() const { return m_cols; }
    [[nodiscard]] int rows() const { return m_rows; }
    [[nodiscard]] double vertexX(int i) const { return m_x0 + i * m_spacing; }
    [[nodiscard]] double vertexY(int j) const { return m_y0 - j * m_spacing; }
    /// m, scaled height of vertex (i,j), NaN when unknown; i and j are clamped into the grid.
    [[nodiscard]] float vertexZ(int i, int j) const;

private:
    int m_cols = 0;
    int m_rows = 0;
    double m_x0 = 0.0;       ///< m, x of column 0
    double m_y0 = 0.0;       ///< m, y of row 0 (the northern one)
    double m_spacing = 0.0;  ///< m
    std::vector<float> m_z;  ///< m, scaled, row-major, NaN where unknown
    double m_meanZ = 0.0;
    double m_minZ = 0.0;
    double m_maxZ = 0.0;
};

}  // namespace ct::render::detail
