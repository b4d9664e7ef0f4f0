// Junction outlines as flat paved polygons.

#include "citytwin/render/junction_areas.h"

#include <algorithm>

#include <osg/Geode>
#include <osg/Geometry>

#include "citytwin/render/palette.h"
#include "citytwin/render/triangulate.h"
#include "citytwin/sim/city_model.h"
#include "ground.h"

namespace ct::render {

osg::ref_ptr<osg::Node> buildJunctionAreas(const CityModel& city, std::span<const std::uint32_t> offset,
                                           std::span<const Vec2> points, const SceneOptions& options) {
    const RoadNetwork& roads = city.roads;
    const detail::Ground ground(city.terrain, options);
    // Over the junction discs (roadLift - 0.05), under every ribbon (roadLift + 0.02 and up).
    const double lift = options.roadLift - 0.02;
    osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> colors = new osg::Vec4Array;
    osg::ref_ptr<osg::DrawElementsUInt> triangles = new osg::DrawElementsUInt(GL_TRIANGLES);
    for (std::size_t n = 0; n < roads.nodeCount() && n + 1 < offset.size(); ++n) {
        if (offset[n] > offset[n + 1] || offset[n + 1] > points.size() || offset[n + 1] - offset[n] < 3) {
            continue;
        }
        // The colour of the biggest road class meeting here (the lowest enum value); a junction
        // no road of the city touches (of footways, left out) is not drawn.
        RoadClass cls = RoadClass::Count;
        for (auto links : {roads.incoming(NodeId(static_cast<std::uint32_t>(n))),
                           roads.outgoing(NodeId(static_cast<std::uint32_t>(n)))}) {
            for (const LinkId l : links) {
                cls = std::min(cls, roads.linkClass[l.index()]);
            }
        }
        if (cls == RoadClass::Count) {
            continue;
        }
        const std::span<const Vec2> ring = points.subspan(offset[n], offset[n + 1] - offset[n]);
        const std::vector<std::uint32_t> idx = triangulateRing(ring);
        if (idx.empty()) {
            continue;
        }
        const Rgb c = roadColor(cls);
        const osg::Vec4 color(c.r, c.g, c.b, 1.0f);
        const auto first = static_cast<std::uint32_t>(vertices->size());
        for (const Vec2 p : ring) {
            vertices->push_back(osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y),
                                          static_cast<float>(ground.z(p) + lift)));
            normals->push_back(ground.normal(p));
            colors->push_back(color);
        }
        for (const std::uint32_t i : idx) {
            triangles->push_back(first + i);
        }
    }
    if (triangles->empty()) {
        return nullptr;
    }
    osg::ref_ptr<osg::Geometry> geom = new osg::Geometry;
    geom->setName("junction areas");
    geom->setUseDisplayList(false);
    geom->setUseVertexBufferObjects(true);
    geom->setVertexArray(vertices.get());
    geom->setNormalArray(normals.get(), osg::Array::BIND_PER_VERTEX);
    geom->setColorArray(colors.get(), osg::Array::BIND_PER_VERTEX);
    geom->addPrimitiveSet(triangles.get());
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("junction areas");
    geode->addDrawable(geom.get());
    return geode;
}

}  // namespace ct::render
