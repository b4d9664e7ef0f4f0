// Water and land-use polygons, triangulated and draped on the ground.

#include <algorithm>
#include <cmath>

#include <osg/Depth>
#include <osg/Geode>
#include <osg/PolygonOffset>

#include "citytwin/render/triangulate.h"
#include "drape.h"
#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

constexpr double kLift = 0.15;  ///< m, areas float this far above the ground

/// Painting order: zones first, then fields and woods, parks, and water on top.
int layerRank(LandUseKind kind) {
    switch (kind) {
        case LandUseKind::Farmland:
            return 1;
        case LandUseKind::Forest:
            return 2;
        case LandUseKind::Park:
            return 3;
        case LandUseKind::Water:
            return 4;
        default:
            return 0;
    }
}

}  // namespace

osg::ref_ptr<osg::Node> buildAreaLayer(const CityModel& city, const Ground& ground,
                                       const SceneOptions& options) {
    const LandUse& lu = city.landUse;
    MeshBuffer mesh;
    Draper draper(mesh, ground);

    // Areas overlap (a park inside a residential zone, a river over its banks) and are draped
    // with different triangles, so their heights cannot order them. They are painted instead:
    // emitted in layer order into one geometry and drawn without depth writes (state below),
    // so each later layer covers the earlier ones exactly.
    const std::size_t count = std::min(lu.count(), lu.ringOffset.empty() ? 0 : lu.ringOffset.size() - 1);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < count; ++i) {
        if (lu.kind[i] == LandUseKind::Water || options.drawLandUse) {
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return layerRank(lu.kind[a]) < layerRank(lu.kind[b]);
    });
    for (const std::size_t i : order) {
        const LandUseKind kind = lu.kind[i];
        const std::span<const Vec2> ring = lu.ring(i);
        const std::vector<std::uint32_t> tris = triangulateRing(ring);
        const osg::Vec4 color = toVec4(landUseColor(kind));
        for (std::size_t t = 0; t + 2 < tris.size(); t += 3) {
            draper.triangle(ring[tris[t]], ring[tris[t + 1]], ring[tris[t + 2]], kLift, color,
                            kind == LandUseKind::Water);
        }
    }

    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("areas");
    if (!mesh.empty()) {
        geode->addDrawable(mesh.finish("areas"));
    }
    // Depth test against the terrain (hills hide what lies behind them) but no depth writes,
    // drawn right after the terrain and before everything else (render bins -2, -1, 0).
    osg::StateSet* ss = geode->getOrCreateStateSet();
    ss->setAttributeAndModes(new osg::Depth(osg::Depth::LEQUAL, 0.0, 1.0, false), osg::StateAttribute::ON);
    ss->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -2.0f), osg::StateAttribute::ON);
    ss->setRenderBinDetails(-1, "RenderBin");
    return geode;
}

}  // namespace ct::render::detail
