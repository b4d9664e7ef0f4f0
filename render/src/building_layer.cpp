// Buildings: footprints extruded to their height with flat roofs, merged into one mesh per tile
// of the city's grid and coloured per vertex by use, so a city of any size costs at most one
// draw call per tile, and a close view only draws the tiles it sees.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <osg/Geode>
#include <osg/Group>

#include "citytwin/render/triangulate.h"
#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

constexpr double kMinHeight = 2.5;   ///< m, buildings without a sensible height get this much
constexpr float kRoofShade = 1.06f;  ///< roofs a touch lighter than walls (render::recolorBuildings too)

/// Appends one building: walls from below the ground up to `top`, and the roof. Returns the
/// index of the roof's first vertex (the walls' come before it).
std::uint32_t addBuilding(MeshBuffer& mesh, std::span<const Vec2> ring, double bottom, double top,
                          const osg::Vec4& wall, const osg::Vec4& roof) {
    const std::size_t n = ring.size();
    const auto zb = static_cast<float>(bottom);
    const auto zt = static_cast<float>(top);
    // Walls: four vertices per edge, so each wall has its own flat normal. The ring is
    // counter-clockwise, so the outward normal is the right-hand normal of each edge.
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 a = ring[i];
        const Vec2 b = ring[(i + 1) % n];
        const Vec2 d = b - a;
        const double len = length(d);
        if (len <= 0.0) {
            continue;
        }
        const osg::Vec3 normal(static_cast<float>(d.y / len), static_cast<float>(-d.x / len), 0.0f);
        const auto ax = static_cast<float>(a.x);
        const auto ay = static_cast<float>(a.y);
        const auto bx = static_cast<float>(b.x);
        const auto by = static_cast<float>(b.y);
        mesh.addQuad(mesh.addVertex({ax, ay, zb}, normal, wall), mesh.addVertex({bx, by, zb}, normal, wall),
                     mesh.addVertex({bx, by, zt}, normal, wall), mesh.addVertex({ax, ay, zt}, normal, wall));
    }
    // Roof: the footprint at the top, triangulated (footprints may be concave).
    const auto roofFirst = static_cast<std::uint32_t>(mesh.vertexCount());
    const std::vector<std::uint32_t> tris = triangulateRing(ring);
    if (tris.empty()) {
        return roofFirst;
    }
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    const auto first = static_cast<std::uint32_t>(mesh.vertexCount());
    for (const Vec2& p : ring) {
        mesh.addVertex({static_cast<float>(p.x), static_cast<float>(p.y), zt}, up, roof);
    }
    for (std::size_t t = 0; t + 2 < tris.size(); t += 3) {
        mesh.addTriangle(first + tris[t], first + tris[t + 1], first + tris[t + 2]);
    }
    return roofFirst;
}

osg::Vec4 shade(const osg::Vec4& c, float f) {
    return {c.r() * f, c.g() * f, c.b() * f, c.a()};
}

}  // namespace

osg::ref_ptr<osg::Node> buildBuildingLayer(const CityModel& city, const Ground& ground, const SceneOptions&,
                                           const TileGrid& grid, PickTables* pick) {
    const Buildings& bs = city.buildings;
    // Tolerate columns of unequal length (a model that skipped finish()): draw what is complete.
    const std::size_t count =
        std::min({bs.ringOffset.empty() ? 0 : bs.ringOffset.size() - 1, bs.height.size(), bs.use.size()});

    std::vector<MeshBuffer> meshes(static_cast<std::size_t>(grid.count()));
    std::vector<PickTables::Table> tables(meshes.size());
    for (std::size_t i = 0; i < count; ++i) {
        const std::span<const Vec2> ring = bs.footprint(BuildingId(static_cast<std::uint32_t>(i)));
        if (ring.size() < 3) {
            continue;
        }
        // Stand on the ground at the centroid; the walls reach down to the lowest corner so
        // that buildings on a slope do not float.
        const Vec2 centre = i < bs.centroid.size() ? bs.centroid[i] : ringCentroid(ring);
        const double base = ground.z(centre);
        double bottom = base;
        for (const Vec2& p : ring) {
            bottom = std::min(bottom, ground.z(p));
        }
        const double h = std::isfinite(bs.height[i]) && bs.height[i] > 0.0f ? bs.height[i] : kMinHeight;
        const osg::Vec4 color = toVec4(buildingColor(bs.use[i]));
        const auto tile = static_cast<std::size_t>(grid.index(centre));
        MeshBuffer& mesh = meshes[tile];
        tables[tile].first.push_back(mesh.triangleCount());
        tables[tile].item.push_back(static_cast<std::uint32_t>(i));
        tables[tile].firstVertex.push_back(static_cast<std::uint32_t>(mesh.vertexCount()));
        // Roofs a touch lighter than walls: reads better from above.
        const std::uint32_t roof =
            addBuilding(mesh, ring, bottom - 0.5, base + h, color, shade(color, kRoofShade));
        tables[tile].roofVertex.push_back(roof);
    }

    osg::ref_ptr<osg::Group> group = new osg::Group;
    group->setName("buildings");
    for (std::size_t t = 0; t < meshes.size(); ++t) {
        if (meshes[t].empty()) {
            continue;
        }
        osg::ref_ptr<osg::Geode> geode = new osg::Geode;
        geode->setName("buildings tile " + std::to_string(t % static_cast<std::size_t>(grid.nx)) + "," +
                       std::to_string(t / static_cast<std::size_t>(grid.nx)));
        osg::ref_ptr<osg::Geometry> geom = meshes[t].finish("buildings");
        geode->addDrawable(geom.get());
        group->addChild(geode.get());
        if (pick != nullptr) {
            tables[t].drawable = geom.get();
            tables[t].geometry = geom.get();
            pick->buildings.push_back(std::move(tables[t]));
        }
    }
    return group;
}

}  // namespace ct::render::detail
