#pragma once
// Private: draping flat polygons (land use, water) on the terrain mesh.

#include <cstdint>

#include <osg/Vec4>

#include "ground.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

/// Lays triangles on the ground, `lift` above it, so that the terrain never pokes through.
///
/// Where the ground under a triangle is (nearly) plane, the triangle stays whole; where it
/// bends, the triangle is split at the middle of its longest edge, and once it is down to the
/// size of a grid square, it is cut exactly along the facets of the terrain mesh. Also
/// triangles longer than a few grid squares are split, so that bends the test misses stay small.
class Draper {
public:
    Draper(MeshBuffer& mesh, const Ground& ground);

    /// Drapes the counter-clockwise triangle abc. With `levelNormals` the surface is lit as if
    /// level (water); otherwise it takes the terrain's normals and shading.
    void triangle(Vec2 a, Vec2 b, Vec2 c, double lift, const osg::Vec4& color, bool levelNormals);

private:
    struct Corner {
        Vec2 p;
        double z = 0.0;  ///< m, ground height at p
    };

    void split(Corner a, Corner b, Corner c, int depth);
    /// True when the ground under abc leaves the triangle's plane by more than the tolerance.
    [[nodiscard]] bool bent(const Corner& a, const Corner& b, const Corner& c) const;
    /// Emits abc cut along the terrain mesh's facets (each piece lies exactly on one facet).
    void clipToFacets(const Corner& a, const Corner& b, const Corner& c);
    void emit(const Corner& a, const Corner& b, const Corner& c);
    std::uint32_t vertex(Vec2 p, double z);

    MeshBuffer& m_mesh;
    const Ground& m_ground;
    double m_spacing;
    double m_lift = 0.0;
    osg::Vec4 m_color;
    bool m_levelNormals = false;
};

}  // namespace ct::render::detail
