// The utility networks and building service on the map.

#include "citytwin/render/utility_layer.h"

#include <algorithm>
#include <cmath>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/LineWidth>
#include <osg/PolygonOffset>

#include "citytwin/render/triangulate.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/utility/utility_model.h"
#include "ground.h"
#include "mesh_buffer.h"

namespace ct::render {

Rgb waterInServiceColor() {
    return {0.10f, 0.45f, 0.90f};
}
Rgb waterClosedColor() {
    return {0.55f, 0.55f, 0.58f};
}
Rgb waterBurstColor() {
    return {0.95f, 0.10f, 0.10f};
}
Rgb powerLiveColor() {
    return {1.00f, 0.70f, 0.10f};
}
Rgb powerDeadColor() {
    return {0.20f, 0.20f, 0.22f};
}
// Cap colours stay clear of the building palette (terracotta, blue, mauve, ochre, grey):
// without power the roof goes dark ("lights out"), without water it turns cyan.
Rgb noPowerCapColor() {
    return {0.08f, 0.08f, 0.10f};
}
Rgb noWaterCapColor() {
    return {0.00f, 0.88f, 1.00f};
}
Rgb noServiceCapColor() {
    return {0.90f, 0.00f, 0.85f};
}

namespace {

constexpr double kMinHeight = 2.5;  // as the building layer

/// Lines (pairs of vertices) with one colour per element, drawn without lighting.
struct Lines {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> colors = new osg::Vec4Array;
    std::vector<std::uint32_t> first;  // per element: first vertex, size n+1

    void finish(const char* name, float width) {
        geode->setName(name);
        geode->setNodeMask(kDynamicMask);
        if (vertices->empty()) {
            return;
        }
        osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
        g->setName(name);
        g->setUseDisplayList(false);
        g->setUseVertexBufferObjects(true);
        g->setDataVariance(osg::Object::DYNAMIC);
        g->setVertexArray(vertices.get());
        g->setColorArray(colors.get(), osg::Array::BIND_PER_VERTEX);
        g->addPrimitiveSet(new osg::DrawArrays(GL_LINES, 0, static_cast<GLsizei>(vertices->size())));
        geode->addDrawable(g.get());
        osg::StateSet* ss = geode->getOrCreateStateSet();
        ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
        ss->setAttributeAndModes(new osg::LineWidth(width), osg::StateAttribute::ON);
    }
    void setColor(std::size_t element, const osg::Vec4& c) {
        for (std::uint32_t v = first[element]; v < first[element + 1]; ++v) {
            (*colors)[v] = c;
        }
    }
    void dirty() {
        if (!vertices->empty()) {
            colors->dirty();
        }
    }
};

/// A polyline resampled to follow the ground, as line segments at `lift` above it.
void addPolyline(Lines& lines, const detail::Ground& ground, const std::vector<Vec2>& shape, double lift,
                 const osg::Vec4& color) {
    const double step = ground.spacing() > 0 ? ground.spacing() : 1e9;
    std::vector<Vec2> pts;
    for (const Vec2& p : shape) {
        if (!pts.empty()) {
            const double len = distance(pts.back(), p);
            if (len <= 1e-6) {
                continue;
            }
            const int pieces = static_cast<int>(std::ceil(len / step));
            const Vec2 a = pts.back();
            for (int k = 1; k < pieces; ++k) {
                pts.push_back(a + (p - a) * (static_cast<double>(k) / pieces));
            }
        }
        pts.push_back(p);
    }
    for (std::size_t i = 1; i < pts.size(); ++i) {
        for (const Vec2& p : {pts[i - 1], pts[i]}) {
            lines.vertices->push_back(
                {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(ground.z(p) + lift)});
            lines.colors->push_back(color);
        }
    }
}

}  // namespace

struct UtilityLayer::Impl {
    Lines water, power;
    osg::ref_ptr<osg::Geode> service = new osg::Geode;
    // Per building: roof triangles (local frame, at roof height) for the caps.
    std::vector<std::vector<osg::Vec3>> roof;
    std::vector<std::uint8_t> capState;  // 0 none, 1 no power, 2 no water, 3 neither
    std::size_t capped = 0;
};

UtilityLayer::UtilityLayer(const CityModel& city, const utility::UtilityModel& model,
                           const SceneOptions& options)
    : m(std::make_unique<Impl>()) {
    const detail::Ground ground(city.terrain, options);
    // Water: along the streets, a little above the road surface so it reads on the map.
    const water::WaterNetwork& w = model.water;
    for (std::size_t l = 0; model.hasWater && l < w.linkCount(); ++l) {
        m->water.first.push_back(static_cast<std::uint32_t>(m->water.vertices->size()));
        std::vector<Vec2> shape;
        const auto from = w.linkFrom[l], to = w.linkTo[l];
        shape.push_back({w.nodeX[from], w.nodeY[from]});
        if (l + 1 < w.vertexOffset.size()) {
            for (std::uint32_t v = w.vertexOffset[l]; v < w.vertexOffset[l + 1]; ++v) {
                shape.push_back({w.vertexX[v], w.vertexY[v]});
            }
        }
        shape.push_back({w.nodeX[to], w.nodeY[to]});
        shape.erase(std::remove_if(shape.begin(), shape.end(),
                                   [](const Vec2& p) { return !std::isfinite(p.x) || !std::isfinite(p.y); }),
                    shape.end());
        addPolyline(m->water, ground, shape, options.roadLift + 0.45, detail::toVec4(waterInServiceColor()));
    }
    m->water.first.push_back(static_cast<std::uint32_t>(m->water.vertices->size()));
    m->water.finish("water network", 2.0f);

    for (std::size_t b = 0; model.hasPower && b < model.branchShape.size(); ++b) {
        m->power.first.push_back(static_cast<std::uint32_t>(m->power.vertices->size()));
        addPolyline(m->power, ground, model.branchShape[b], options.roadLift + 0.65,
                    detail::toVec4(powerLiveColor()));
    }
    m->power.first.push_back(static_cast<std::uint32_t>(m->power.vertices->size()));
    m->power.finish("power network", 2.0f);

    // Roofs for the caps, exactly where the building layer puts them.
    const Buildings& bs = city.buildings;
    m->roof.resize(bs.count());
    for (std::size_t i = 0; i < bs.count(); ++i) {
        const auto ring = bs.footprint(BuildingId(static_cast<std::uint32_t>(i)));
        if (ring.size() < 3) {
            continue;
        }
        const double base = ground.z(i < bs.centroid.size() ? bs.centroid[i] : ringCentroid(ring));
        const double h = std::isfinite(bs.height[i]) && bs.height[i] > 0.0f ? bs.height[i] : kMinHeight;
        const auto z = static_cast<float>(base + h + 0.3);
        for (std::uint32_t k : triangulateRing(ring)) {
            m->roof[i].push_back({static_cast<float>(ring[k].x), static_cast<float>(ring[k].y), z});
        }
    }
    m->capState.assign(bs.count(), 0);
    m->service->setName("building service");
    m->service->setNodeMask(kDynamicMask);
    osg::StateSet* ss = m->service->getOrCreateStateSet();
    ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
    ss->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -4.0f), osg::StateAttribute::ON);
}

UtilityLayer::~UtilityLayer() = default;

osg::Node* UtilityLayer::waterNode() const {
    return m->water.geode.get();
}
osg::Node* UtilityLayer::powerNode() const {
    return m->power.geode.get();
}
osg::Node* UtilityLayer::serviceNode() const {
    return m->service.get();
}
std::size_t UtilityLayer::cappedBuildings() const {
    return m->capped;
}
std::size_t UtilityLayer::waterSegments() const {
    return m->water.vertices->size() / 2;
}
std::size_t UtilityLayer::powerSegments() const {
    return m->power.vertices->size() / 2;
}

void UtilityLayer::setState(const UtilityViewState& s) {
    const std::size_t nw = m->water.first.empty() ? 0 : m->water.first.size() - 1;
    for (std::size_t l = 0; l < nw && l < s.waterLinkState.size(); ++l) {
        const Rgb c = s.waterLinkState[l] == 2   ? waterBurstColor()
                      : s.waterLinkState[l] == 1 ? waterClosedColor()
                                                 : waterInServiceColor();
        m->water.setColor(l, detail::toVec4(c));
    }
    m->water.dirty();
    const std::size_t np = m->power.first.empty() ? 0 : m->power.first.size() - 1;
    for (std::size_t b = 0; b < np && b < s.branchLive.size(); ++b) {
        m->power.setColor(b, detail::toVec4(s.branchLive[b] != 0 ? powerLiveColor() : powerDeadColor()));
    }
    m->power.dirty();

    // Caps: rebuilt when any building's service changed.
    bool changed = false;
    const std::size_t nb = m->capState.size();
    for (std::size_t b = 0; b < nb; ++b) {
        const bool noWater = b < s.buildingHasWater.size() && s.buildingHasWater[b] == 0;
        const bool noPower = b < s.buildingHasPower.size() && s.buildingHasPower[b] == 0;
        const std::uint8_t st = static_cast<std::uint8_t>((noPower ? 1 : 0) | (noWater ? 2 : 0));
        changed = changed || st != m->capState[b];
        m->capState[b] = st;
    }
    if (!changed) {
        return;
    }
    m->service->removeDrawables(0, m->service->getNumDrawables());
    m->capped = 0;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
    for (std::size_t b = 0; b < nb; ++b) {
        if (m->capState[b] == 0) {
            continue;
        }
        ++m->capped;
        const Rgb rgb = m->capState[b] == 3   ? noServiceCapColor()
                        : m->capState[b] == 1 ? noPowerCapColor()
                                              : noWaterCapColor();
        for (const osg::Vec3& p : m->roof[b]) {
            v->push_back(p);
            c->push_back(detail::toVec4(rgb));
        }
    }
    if (v->empty()) {
        return;
    }
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    g->setName("building service caps");
    g->setUseDisplayList(false);
    g->setUseVertexBufferObjects(true);
    g->setVertexArray(v.get());
    g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
    g->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, static_cast<GLsizei>(v->size())));
    m->service->addDrawable(g.get());
}

}  // namespace ct::render
