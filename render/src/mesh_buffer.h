#pragma once
// Private: accumulates triangles with per-vertex normals and colours into one osg::Geometry.
// Every layer of the city scene is one or a few of these (buildings and roads one per tile of
// a capped grid), so the number of draw calls stays bounded however many buildings or roads a
// city has.

#include <cstdint>
#include <string>

#include <osg/Array>
#include <osg/Geometry>
#include <osg/PrimitiveSet>
#include <osg/ref_ptr>

#include "citytwin/render/palette.h"

namespace ct::render::detail {

class MeshBuffer {
public:
    MeshBuffer();

    /// Appends a vertex and returns its index.
    std::uint32_t addVertex(const osg::Vec3& position, const osg::Vec3& normal, const osg::Vec4& color) {
        m_vertices->push_back(position);
        m_normals->push_back(normal);
        m_colors->push_back(color);
        return static_cast<std::uint32_t>(m_vertices->size() - 1);
    }
    void addTriangle(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
        m_indices->push_back(a);
        m_indices->push_back(b);
        m_indices->push_back(c);
    }
    /// A quad a-b-c-d (counter-clockwise) as two triangles.
    void addQuad(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
        addTriangle(a, b, c);
        addTriangle(a, c, d);
    }

    [[nodiscard]] std::size_t vertexCount() const { return m_vertices->size(); }
    [[nodiscard]] std::uint32_t triangleCount() const {
        return static_cast<std::uint32_t>(m_indices->size() / 3);
    }
    [[nodiscard]] bool empty() const { return m_indices->empty(); }

    /// Wraps the buffers in a Geometry using vertex buffer objects, no display list. The buffer
    /// must not be used afterwards.
    osg::ref_ptr<osg::Geometry> finish(const std::string& name);

private:
    osg::ref_ptr<osg::Vec3Array> m_vertices;
    osg::ref_ptr<osg::Vec3Array> m_normals;
    osg::ref_ptr<osg::Vec4Array> m_colors;
    osg::ref_ptr<osg::DrawElementsUInt> m_indices;
};

inline osg::Vec4 toVec4(Rgb c, float alpha = 1.0f) {
    return {c.r, c.g, c.b, alpha};
}

}  // namespace ct::render::detail
