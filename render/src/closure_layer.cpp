// Closed links: striped strips over their lanes and a barrier across each entry.

#include "citytwin/render/closure_layer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <osg/Geode>
#include <osg/PolygonOffset>

#include "citytwin/render/palette.h"
#include "citytwin/sim/city_model.h"
#include "ground.h"
#include "link_strip.h"
#include "mesh_buffer.h"

namespace ct::render {

namespace {

constexpr double kLift = 0.28;          ///< m above the road: over the speed colours
constexpr double kStripe = 4.0;         ///< m per band of the strip
constexpr double kBarrierAt = 3.0;      ///< m into the link (after the junction)
constexpr double kBarrierBottom = 0.4;  ///< m above the road
constexpr double kBarrierTop = 1.2;
constexpr double kBarrierDepth = 0.35;  ///< m along the road
constexpr double kBarrierBand = 1.0;    ///< m per red or white band across the road

/// A box from a to b (across the road) `depth` deep along `dir`, between z0 and z1.
void addBox(detail::MeshBuffer& mesh, Vec2 a, Vec2 b, Vec2 dir, double z0, double z1, double depth,
            const osg::Vec4& color) {
    const Vec2 h = dir * (0.5 * depth);
    const Vec2 c[4] = {a - h, b - h, b + h, a + h};
    auto v = [](Vec2 p, double z) {
        return osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(z));
    };
    for (int i = 0; i < 4; ++i) {
        const Vec2 p = c[i];
        const Vec2 q = c[(i + 1) % 4];
        const Vec2 d = q - p;
        const double len = length(d);
        const osg::Vec3 n =
            len > 0.0 ? osg::Vec3(static_cast<float>(d.y / len), static_cast<float>(-d.x / len), 0.0f)
                      : osg::Vec3(0.0f, 0.0f, 1.0f);
        mesh.addQuad(mesh.addVertex(v(p, z0), n, color), mesh.addVertex(v(q, z0), n, color),
                     mesh.addVertex(v(q, z1), n, color), mesh.addVertex(v(p, z1), n, color));
    }
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    mesh.addQuad(mesh.addVertex(v(c[0], z1), up, color), mesh.addVertex(v(c[1], z1), up, color),
                 mesh.addVertex(v(c[2], z1), up, color), mesh.addVertex(v(c[3], z1), up, color));
}

}  // namespace

struct ClosureLayer::Impl {
    const CityModel* city = nullptr;
    SceneOptions options;
    detail::Ground ground;
    osg::ref_ptr<osg::Geode> geode;
    std::vector<std::uint32_t> closed;  ///< link indices drawn now, ascending

    Impl(const CityModel& c, const SceneOptions& o) : city(&c), options(o), ground(c.terrain, o) {}

    void barrier(detail::MeshBuffer& mesh, LinkId l) {
        const RoadNetwork& net = city->roads;
        const std::span<const Vec2> shape = net.shape(l);
        if (shape.size() < 2) {
            return;
        }
        // The point kBarrierAt m in (or a third of a short link) and the direction there.
        const double total = polylineLength(shape);
        double want = std::min(kBarrierAt, total / 3.0);
        Vec2 at = shape.front();
        Vec2 dir{1.0, 0.0};
        for (std::size_t i = 1; i < shape.size(); ++i) {
            const double seg = distance(shape[i - 1], shape[i]);
            if (seg <= 0.0) {
                continue;
            }
            dir = (shape[i] - shape[i - 1]) * (1.0 / seg);
            if (want <= seg) {
                at = shape[i - 1] + dir * want;
                break;
            }
            want -= seg;
            at = shape[i];
        }
        const Vec2 left{-dir.y, dir.x};
        const double lanes = std::max<int>(net.linkLanes[l.index()], 1) * options.laneWidth;
        const bool twoWay = net.linkReverse[l.index()].valid();
        const double inner = twoWay ? 0.2 : -0.5 * lanes + 0.2;
        const double outer = twoWay ? lanes - 0.2 : 0.5 * lanes - 0.2;
        const double z = ground.z(at) + options.roadLift;
        const osg::Vec4 red = detail::toVec4(closedColor());
        const osg::Vec4 white(0.96f, 0.96f, 0.96f, 1.0f);
        const int bands = std::max(1, static_cast<int>(std::lround((outer - inner) / kBarrierBand)));
        for (int k = 0; k < bands; ++k) {
            const double o0 = inner + (outer - inner) * k / bands;
            const double o1 = inner + (outer - inner) * (k + 1) / bands;
            addBox(mesh, at - left * o0, at - left * o1, dir, z + kBarrierBottom, z + kBarrierTop,
                   kBarrierDepth, k % 2 == 0 ? red : white);
        }
        // Two posts at the ends.
        for (const double o : {inner, outer}) {
            const Vec2 p = at - left * o;
            addBox(mesh, p - left * 0.08, p + left * 0.08, dir, z, z + kBarrierTop, 0.16, white);
        }
    }
};

ClosureLayer::ClosureLayer(const CityModel& city, const SceneOptions& options)
    : m(std::make_unique<Impl>(city, options)) {
    m->geode = new osg::Geode;
    m->geode->setName("closures");
    m->geode->setNodeMask(0);
    osg::StateSet* ss = m->geode->getOrCreateStateSet();
    // Over the speed overlay it lies on, at any distance.
    ss->setAttributeAndModes(new osg::PolygonOffset(-2.0f, -8.0f), osg::StateAttribute::ON);
}

ClosureLayer::~ClosureLayer() = default;

osg::Node* ClosureLayer::node() const {
    return m->geode.get();
}

std::size_t ClosureLayer::closedCount() const {
    return m->closed.size();
}

void ClosureLayer::setClosed(std::span<const std::uint8_t> closed) {
    Impl& p = *m;
    const RoadNetwork& net = p.city->roads;
    std::vector<std::uint32_t> now;
    const std::size_t n = std::min(closed.size(), net.linkCount());
    for (std::size_t l = 0; l < n; ++l) {
        if (closed[l] != 0) {
            now.push_back(static_cast<std::uint32_t>(l));
        }
    }
    if (now == p.closed) {
        return;
    }
    p.closed = std::move(now);
    p.geode->removeDrawables(0, p.geode->getNumDrawables());
    detail::MeshBuffer mesh;
    const osg::Vec4 red = detail::toVec4(closedColor());
    const osg::Vec4 white(0.96f, 0.96f, 0.96f, 1.0f);
    for (const std::uint32_t l : p.closed) {
        detail::appendLinkStrip(mesh, net, LinkId(l), p.ground, p.options, kLift, 0.3, red, kStripe, white);
        p.barrier(mesh, LinkId(l));
    }
    if (!mesh.empty()) {
        p.geode->addDrawable(mesh.finish("closures"));
    }
    p.geode->setNodeMask(p.closed.empty() ? 0u : kDynamicMask);
}

}  // namespace ct::render
