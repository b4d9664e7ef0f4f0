#include "mesh_buffer.h"

namespace ct::render::detail {

MeshBuffer::MeshBuffer()
    : m_vertices(new osg::Vec3Array),
      m_normals(new osg::Vec3Array),
      m_colors(new osg::Vec4Array),
      m_indices(new osg::DrawElementsUInt(GL_TRIANGLES)) {}

osg::ref_ptr<osg::Geometry> MeshBuffer::finish(const std::string& name) {
    osg::ref_ptr<osg::Geometry> geom = new osg::Geometry;
    geom->setName(name);
    // Debian's OSG defaults to display lists; large static meshes belong in VBOs.
    geom->setUseDisplayList(false);
    geom->setUseVertexBufferObjects(true);
    geom->setVertexArray(m_vertices.get());
    geom->setNormalArray(m_normals.get(), osg::Array::BIND_PER_VERTEX);
    geom->setColorArray(m_colors.get(), osg::Array::BIND_PER_VERTEX);
    geom->addPrimitiveSet(m_indices.get());
    m_vertices = nullptr;
    m_normals = nullptr;
    m_colors = nullptr;
    m_indices = nullptr;
    return geom;
}

}  // namespace ct::render::detail
