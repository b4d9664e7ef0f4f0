// The ground: the DEM as a lit mesh coloured by elevation, or a flat plane without a DEM.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <osg/Geode>
#include <osg/PolygonOffset>

#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

constexpr std::uint32_t kNoVertex = std::numeric_limits<std::uint32_t>::max();

osg::ref_ptr<osg::Geometry> terrainMesh(const Ground& ground) {
    const int cols = ground.cols();
    const int rows = ground.rows();
    const double lo = ground.minZ();
    const double range = std::max(ground.maxZ() - lo, 1e-6);
    const double spacing = ground.spacing();

    MeshBuffer mesh;
    std::vector<std::uint32_t> index(static_cast<std::size_t>(cols) * rows, kNoVertex);
    for (int j = 0; j < rows; ++j) {
        for (int i = 0; i < cols; ++i) {
            const float z = ground.vertexZ(i, j);
            if (!std::isfinite(z)) {
                continue;
            }
            // Central differences; an unknown neighbour falls back to this vertex.
            auto nb = [&](int di, int dj) {
                const float e = ground.vertexZ(i + di, j + dj);
                return std::isfinite(e) ? static_cast<double>(e) : static_cast<double>(z);
            };
            const double dzdx = (nb(1, 0) - nb(-1, 0)) / (2.0 * spacing);
            const double dzdy = (nb(0, -1) - nb(0, 1)) / (2.0 * spacing);  // row 0 is north
            osg::Vec3 normal(static_cast<float>(-dzdx), static_cast<float>(-dzdy), 1.0f);
            normal.normalize();
            const Rgb c = terrainColor(static_cast<float>((z - lo) / range));
            index[static_cast<std::size_t>(j) * cols + i] = mesh.addVertex(
                osg::Vec3(static_cast<float>(ground.vertexX(i)), static_cast<float>(ground.vertexY(j)), z),
                normal, toVec4(c));
        }
    }
    // Two triangles per grid square, counter-clockwise seen from above, split along the
    // south-west to north-east diagonal (Ground::z follows the same split). Squares with an
    // unknown corner are left out.
    for (int j = 0; j + 1 < rows; ++j) {
        for (int i = 0; i + 1 < cols; ++i) {
            const std::uint32_t nw = index[static_cast<std::size_t>(j) * cols + i];
            const std::uint32_t ne = index[static_cast<std::size_t>(j) * cols + i + 1];
            const std::uint32_t sw = index[static_cast<std::size_t>(j + 1) * cols + i];
            const std::uint32_t se = index[static_cast<std::size_t>(j + 1) * cols + i + 1];
            if (nw == kNoVertex || ne == kNoVertex || sw == kNoVertex || se == kNoVertex) {
                continue;
            }
            mesh.addQuad(sw, se, ne, nw);
        }
    }
    return mesh.finish("terrain");
}

osg::ref_ptr<osg::Geometry> groundPlane(const CityModel& city) {
    Box2 box = city.extent;
    if (box.empty()) {
        box.add(Vec2{-500.0, -500.0});
        box.add(Vec2{500.0, 500.0});
    }
    const double margin = 0.25 * std::max({box.width(), box.height(), 100.0});
    const auto x0 = static_cast<float>(box.min.x - margin);
    const auto y0 = static_cast<float>(box.min.y - margin);
    const auto x1 = static_cast<float>(box.max.x + margin);
    const auto y1 = static_cast<float>(box.max.y + margin);
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    const osg::Vec4 c = toVec4(groundColor());
    MeshBuffer mesh;
    mesh.addQuad(mesh.addVertex({x0, y0, 0.0f}, up, c), mesh.addVertex({x1, y0, 0.0f}, up, c),
                 mesh.addVertex({x1, y1, 0.0f}, up, c), mesh.addVertex({x0, y1, 0.0f}, up, c));
    return mesh.finish("ground");
}

}  // namespace

osg::ref_ptr<osg::Node> buildTerrainLayer(const CityModel& city, const Ground& ground, const SceneOptions&) {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("terrain");
    geode->addDrawable(ground.hasTerrain() ? terrainMesh(ground) : groundPlane(city));
    // Push the ground back in depth so areas and roads drawn just above it win.
    osg::StateSet* ss = geode->getOrCreateStateSet();
    ss->setAttributeAndModes(new osg::PolygonOffset(2.0f, 4.0f), osg::StateAttribute::ON);
    // Drawn first: the areas painted over it rely on its depth (see buildAreaLayer).
    ss->setRenderBinDetails(-2, "RenderBin");
    return geode;
}

}  // namespace ct::render::detail
