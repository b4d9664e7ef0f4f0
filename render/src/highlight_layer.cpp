// The selection highlight: yellow outlines on top of the scene.

#include "citytwin/render/highlight_layer.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <osg/Depth>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Group>
#include <osg/LineWidth>

#include "citytwin/render/palette.h"
#include "citytwin/sim/city_model.h"
#include "ground.h"

namespace ct::render {

namespace {

constexpr double kLift = 0.8;  ///< m above the surface outlined

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

}  // namespace

struct HighlightLayer::Impl {
    const CityModel* city = nullptr;
    SceneOptions options;
    detail::Ground ground;
    osg::ref_ptr<osg::Group> root;
    osg::ref_ptr<osg::Geode> geode;
    osg::ref_ptr<osg::Geometry> geom;
    // The route: its own lines, coloured per vertex.
    osg::ref_ptr<osg::Geode> routeGeode;
    osg::ref_ptr<osg::Geometry> routeGeom;
    osg::ref_ptr<osg::Vec3Array> routeVertices;
    osg::ref_ptr<osg::Vec4Array> routeColors;
    osg::ref_ptr<osg::DrawArrays> routeLines;
    osg::ref_ptr<osg::Vec3Array> vertices;
    osg::ref_ptr<osg::DrawArrays> lines;

    Impl(const CityModel& c, const SceneOptions& o) : city(&c), options(o), ground(c.terrain, o) {}

    void segment(const osg::Vec3& a, const osg::Vec3& b) {
        vertices->push_back(a);
        vertices->push_back(b);
    }
    [[nodiscard]] osg::Vec3 at(Vec2 p, double z) const {
        return {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(z)};
    }
    void ring(Vec2 c, double z, double radius) {
        constexpr int kSegments = 32;
        for (int k = 0; k < kSegments; ++k) {
            const double a0 = 2.0 * std::numbers::pi * k / kSegments;
            const double a1 = 2.0 * std::numbers::pi * (k + 1) / kSegments;
            segment(at(c + Vec2{radius * std::cos(a0), radius * std::sin(a0)}, z),
                    at(c + Vec2{radius * std::cos(a1), radius * std::sin(a1)}, z));
        }
    }
    /// Heights along a link's shape: the ground, or on a bridge the deck from end to end (as
    /// the road layer draws it), plus the road's lift.
    [[nodiscard]] std::vector<double> linkHeights(LinkId l) const {
        const RoadNetwork& net = city->roads;
        const std::span<const Vec2> shape = net.shape(l);
        std::vector<double> z(shape.size(), 0.0);
        if (shape.empty()) {
            return z;
        }
        const bool bridge = net.hasFlag(l, link_flags::kBridge);
        const double total = polylineLength(shape);
        const double z0 = ground.z(shape.front());
        const double z1 = ground.z(shape.back());
        double along = 0.0;
        for (std::size_t i = 0; i < shape.size(); ++i) {
            if (i > 0) {
                along += distance(shape[i - 1], shape[i]);
            }
            const double t = total > 0.0 ? along / total : 0.0;
            z[i] = (bridge ? z0 + (z1 - z0) * t : ground.z(shape[i])) + options.roadLift;
        }
        return z;
    }
    void commit() {
        lines->setCount(static_cast<GLsizei>(vertices->size()));
        vertices->dirty();
        geom->dirtyBound();
        geode->setNodeMask(vertices->empty() ? 0u : kDynamicMask);
    }
};

HighlightLayer::HighlightLayer(const CityModel& city, const SceneOptions& options)
    : m(std::make_unique<Impl>(city, options)) {
    Impl& p = *m;
    p.vertices = new osg::Vec3Array;
    p.geom = new osg::Geometry;
    p.geom->setName("highlight");
    p.geom->setUseDisplayList(false);
    p.geom->setUseVertexBufferObjects(true);
    p.geom->setDataVariance(osg::Object::DYNAMIC);
    p.geom->setVertexArray(p.vertices.get());
    osg::ref_ptr<osg::Vec4Array> color = new osg::Vec4Array;
    const Rgb c = highlightColor();
    color->push_back(osg::Vec4(c.r, c.g, c.b, 1.0f));
    p.geom->setColorArray(color.get(), osg::Array::BIND_OVERALL);
    p.lines = new osg::DrawArrays(GL_LINES, 0, 0);
    p.geom->addPrimitiveSet(p.lines.get());

    p.geode = new osg::Geode;
    p.geode->setName("highlight");
    p.geode->addDrawable(p.geom.get());
    p.geode->setNodeMask(0);
    osg::StateSet* ss = p.geode->getOrCreateStateSet();
    ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
    ss->setAttributeAndModes(new osg::LineWidth(3.0f), osg::StateAttribute::ON);
    // Over everything, drawn last.
    ss->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0.0, 1.0, false), osg::StateAttribute::ON);
    ss->setRenderBinDetails(100, "RenderBin");

    p.routeVertices = new osg::Vec3Array;
    p.routeColors = new osg::Vec4Array;
    p.routeGeom = new osg::Geometry;
    p.routeGeom->setName("route");
    p.routeGeom->setUseDisplayList(false);
    p.routeGeom->setUseVertexBufferObjects(true);
    p.routeGeom->setDataVariance(osg::Object::DYNAMIC);
    p.routeGeom->setVertexArray(p.routeVertices.get());
    p.routeGeom->setColorArray(p.routeColors.get(), osg::Array::BIND_PER_VERTEX);
    p.routeLines = new osg::DrawArrays(GL_LINES, 0, 0);
    p.routeGeom->addPrimitiveSet(p.routeLines.get());
    p.routeGeode = new osg::Geode;
    p.routeGeode->setName("route");
    p.routeGeode->addDrawable(p.routeGeom.get());
    p.routeGeode->setNodeMask(0);
    osg::StateSet* rs = p.routeGeode->getOrCreateStateSet();
    rs->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
    rs->setAttributeAndModes(new osg::LineWidth(5.0f), osg::StateAttribute::ON);
    rs->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0.0, 1.0, false), osg::StateAttribute::ON);
    rs->setRenderBinDetails(99, "RenderBin");  // under the selection outline

    p.root = new osg::Group;
    p.root->setName("highlight");
    p.root->addChild(p.routeGeode.get());
    p.root->addChild(p.geode.get());
}

HighlightLayer::~HighlightLayer() = default;

osg::Node* HighlightLayer::node() const {
    return m->root.get();
}

void HighlightLayer::clear() {
    m->vertices->clear();
    m->commit();
}

void HighlightLayer::showBuilding(BuildingId b) {
    Impl& p = *m;
    p.vertices->clear();
    const Buildings& bs = p.city->buildings;
    if (b.valid() && b.index() < bs.count() && b.index() + 1 < bs.ringOffset.size()) {
        const std::span<const Vec2> ring = bs.footprint(b);
        const Vec2 centre = b.index() < bs.centroid.size() ? bs.centroid[b.index()] : ringCentroid(ring);
        const double base = p.ground.z(centre);
        const double h =
            std::isfinite(bs.height[b.index()]) && bs.height[b.index()] > 0.0f ? bs.height[b.index()] : 2.5;
        const double top = base + h + 0.3;
        for (std::size_t i = 0; i < ring.size(); ++i) {
            const Vec2 a = ring[i];
            const Vec2 c = ring[(i + 1) % ring.size()];
            p.segment(p.at(a, top), p.at(c, top));
            p.segment(p.at(a, p.ground.z(a) + 0.2), p.at(c, p.ground.z(c) + 0.2));
            p.segment(p.at(a, p.ground.z(a)), p.at(a, top));
        }
    }
    p.commit();
}

void HighlightLayer::showLink(LinkId l) {
    Impl& p = *m;
    p.vertices->clear();
    const RoadNetwork& net = p.city->roads;
    if (l.valid() && l.index() < net.linkCount() && net.shape(l).size() >= 2) {
        const std::span<const Vec2> shape = net.shape(l);
        const double lanes = std::max<int>(net.linkLanes[l.index()], 1) * p.options.laneWidth;
        const bool twoWay = net.linkReverse[l.index()].valid();
        const double inner = twoWay ? 0.0 : -0.5 * lanes;
        const double outer = twoWay ? lanes : 0.5 * lanes;
        std::vector<osg::Vec3> in;
        std::vector<osg::Vec3> out;
        const std::vector<double> zs = p.linkHeights(l);
        for (std::size_t i = 0; i < shape.size(); ++i) {
            const Vec2 n = i + 1 < shape.size() ? leftNormal(shape[i], shape[i + 1])
                                                : leftNormal(shape[i - 1], shape[i]);
            const Vec2 a = shape[i] - n * inner;
            const Vec2 b = shape[i] - n * outer;
            in.push_back(p.at(a, zs[i] + kLift));
            out.push_back(p.at(b, zs[i] + kLift));
        }
        for (std::size_t i = 0; i + 1 < in.size(); ++i) {
            p.segment(in[i], in[i + 1]);
            p.segment(out[i], out[i + 1]);
        }
        if (!in.empty()) {
            p.segment(in.front(), out.front());
            // The end: a tip pointing the way the link runs.
            const std::size_t k = shape.size() - 1;
            const Vec2 d = shape[k] - shape[k - 1];
            const double len = length(d);
            if (len > 0.0) {
                const Vec2 tipXy = shape[k] - leftNormal(shape[k - 1], shape[k]) * (0.5 * (inner + outer)) +
                                   d * (std::min(lanes, 6.0) / len);
                const osg::Vec3 tip = p.at(tipXy, zs.back() + kLift);
                p.segment(in.back(), tip);
                p.segment(out.back(), tip);
            }
        }
    }
    p.commit();
}

void HighlightLayer::showMarker(double x, double y, double z, double radius) {
    Impl& p = *m;
    p.vertices->clear();
    const Vec2 c{x, y};
    p.ring(c, z + 0.3, radius);
    p.ring(c, z + 0.3, radius * 1.15);
    p.segment(p.at(c, z + 0.3), p.at(c, z + 3.0 * radius));
    p.commit();
}

void HighlightLayer::showJunction(NodeId n) {
    Impl& p = *m;
    p.vertices->clear();
    const RoadNetwork& net = p.city->roads;
    if (n.valid() && n.index() < net.nodeCount()) {
        const Vec2 c = net.nodePos[n.index()];
        p.ring(c, p.ground.z(c) + kLift, 12.0);
    }
    p.commit();
}

void HighlightLayer::showRoute(std::span<const LinkId> links, std::size_t current) {
    Impl& p = *m;
    p.routeVertices->clear();
    p.routeColors->clear();
    const RoadNetwork& net = p.city->roads;
    const Rgb ahead = routeColor();
    const Rgb driven = routeDrivenColor();
    for (std::size_t k = 0; k < links.size(); ++k) {
        const LinkId l = links[k];
        if (!l.valid() || l.index() >= net.linkCount() || net.shape(l).size() < 2) {
            continue;
        }
        const Rgb c = k >= current ? ahead : driven;
        const osg::Vec4 colour(c.r, c.g, c.b, 1.0f);
        // The middle of the link's own lanes (the right half of a two-way road).
        const double lanes = std::max<int>(net.linkLanes[l.index()], 1) * p.options.laneWidth;
        const double offset = net.linkReverse[l.index()].valid() ? 0.5 * lanes : 0.0;
        const std::span<const Vec2> shape = net.shape(l);
        const std::vector<double> zs = p.linkHeights(l);
        osg::Vec3 prev;
        for (std::size_t i = 0; i < shape.size(); ++i) {
            const Vec2 n = i + 1 < shape.size() ? leftNormal(shape[i], shape[i + 1])
                                                : leftNormal(shape[i - 1], shape[i]);
            const Vec2 a = shape[i] - n * offset;
            const osg::Vec3 v = p.at(a, zs[i] + kLift);
            if (i > 0) {
                p.routeVertices->push_back(prev);
                p.routeVertices->push_back(v);
                p.routeColors->push_back(colour);
                p.routeColors->push_back(colour);
            }
            prev = v;
        }
    }
    p.routeLines->setCount(static_cast<GLsizei>(p.routeVertices->size()));
    p.routeVertices->dirty();
    p.routeColors->dirty();
    p.routeGeom->dirtyBound();
    p.routeGeode->setNodeMask(p.routeVertices->empty() ? 0u : kDynamicMask);
}

void HighlightLayer::clearRoute() {
    showRoute({}, 0);
}

std::size_t HighlightLayer::routeSegments() const {
    return m->routeGeode->getNodeMask() == 0u ? 0 : m->routeVertices->size() / 2;
}

}  // namespace ct::render
