#pragma once
/// Counting what a scene costs to draw: geometries, draw calls, vertices, triangles.

#include <cstddef>

namespace osg {
class Node;
}

namespace ct::render {

/// What a scene graph holds. Draw calls are counted the way OSG issues them: one per primitive
/// set of each geometry, plus one per text label. Of an osg::LOD (the terrain tiles) only the
/// most detailed child counts: what the scene draws close up.
struct SceneStats {
    std::size_t geometries = 0;  ///< osg::Geometry drawables (meshes), labels excluded
    std::size_t labels = 0;      ///< osgText labels
    std::size_t drawCalls = 0;   ///< primitive sets of all geometries + one per label
    std::size_t vertices = 0;    ///< vertices of all geometries
    std::size_t triangles = 0;   ///< triangles of all geometries
};

/// Walks the graph under `root` (read only) and counts its drawables.
SceneStats collectSceneStats(const osg::Node& root);

}  // namespace ct::render
