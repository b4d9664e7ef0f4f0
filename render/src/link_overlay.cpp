// Links as coloured strips over their own lanes, for colour-by-data views.

#include "citytwin/render/link_overlay.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <osg/Geode>
#include <osg/PolygonOffset>

#include "citytwin/sim/city_model.h"
#include "ground.h"
#include "mesh_buffer.h"

namespace ct::render {

namespace {

/// Above the road ribbons and their class lifts, below the vehicles.
constexpr double kOverlayLift = 0.22;

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

}  // namespace

struct LinkOverlay::Impl {
    osg::ref_ptr<osg::Geode> geode;
    osg::ref_ptr<osg::Vec4Array> colors;
    std::vector<std::uint32_t> first;  ///< per link: first vertex, size links+1
};

LinkOverlay::LinkOverlay(const CityModel& city, const SceneOptions& options) : m(std::make_unique<Impl>()) {
    const RoadNetwork& net = city.roads;
    const detail::Ground ground(city.terrain, options);
    detail::MeshBuffer mesh;
    const double step = ground.spacing();
    const osg::Vec4 grey = detail::toVec4(noDataColor());
    m->first.assign(net.linkCount() + 1, 0);

    for (std::uint32_t li = 0; li < net.linkCount(); ++li) {
        m->first[li] = static_cast<std::uint32_t>(mesh.vertexCount());
        const LinkId link(li);
        // The strip covers the link's own lanes: right of the centre line of a two-way road
        // (less a small gap, so the two directions read apart), the whole ribbon of a one-way one.
        const double lanes = std::max<int>(net.linkLanes[li], 1) * options.laneWidth;
        const bool twoWay = net.linkReverse[li].valid();
        const double inner = twoWay ? 0.3 : -0.5 * lanes + 0.3;
        const double outer = twoWay ? lanes - 0.3 : 0.5 * lanes - 0.3;
        const bool bridge = net.hasFlag(link, link_flags::kBridge);

        // The shape, resampled to follow the ground.
        std::vector<Vec2> pts;
        for (const Vec2 p : net.shape(link)) {
            if (!pts.empty()) {
                const double len = distance(pts.back(), p);
                if (len <= 1e-6) {
                    continue;
                }
                const int pieces = step > 0.0 ? static_cast<int>(std::ceil(len / step)) : 1;
                const Vec2 a = pts.back();
                for (int k = 1; k < pieces; ++k) {
                    pts.push_back(a + (p - a) * (static_cast<double>(k) / pieces));
                }
            }
            pts.push_back(p);
        }
        if (pts.size() < 2) {
            continue;
        }
        const double z0 = ground.z(pts.front());
        const double z1 = ground.z(pts.back());
        const double total = polylineLength(pts);
        double along = 0.0;
        std::uint32_t prevIn = 0;
        std::uint32_t prevOut = 0;
        const osg::Vec3 up(0.0f, 0.0f, 1.0f);
        for (std::size_t i = 0; i < pts.size(); ++i) {
            if (i > 0) {
                along += distance(pts[i - 1], pts[i]);
            }
            const Vec2 nIn = i > 0 ? leftNormal(pts[i - 1], pts[i]) : Vec2{};
            const Vec2 nOut = i + 1 < pts.size() ? leftNormal(pts[i], pts[i + 1]) : Vec2{};
            Vec2 mitre = nIn + nOut;
            double f = 1.0;
            if (i == 0) {
                mitre = nOut;
            } else if (i + 1 == pts.size() || length(mitre) < 1e-6) {
                mitre = nIn;
            } else {
                mitre = mitre * (1.0 / length(mitre));
                f = 1.0 / std::max(dot(mitre, nIn), 0.35);
            }
            // Right of travel = minus the left normal.
            const Vec2 a = pts[i] - mitre * (inner * f);
            const Vec2 b = pts[i] - mitre * (outer * f);
            const double t = total > 0.0 ? along / total : 0.0;
            auto z = [&](Vec2 p) {
                return static_cast<float>((bridge ? z0 + (z1 - z0) * t : ground.z(p)) + options.roadLift +
                                          kOverlayLift);
            };
            const std::uint32_t vin =
                mesh.addVertex({static_cast<float>(a.x), static_cast<float>(a.y), z(a)}, up, grey);
            const std::uint32_t vout =
                mesh.addVertex({static_cast<float>(b.x), static_cast<float>(b.y), z(b)}, up, grey);
            if (i > 0) {
                mesh.addQuad(prevIn, vin, vout, prevOut);
            }
            prevIn = vin;
            prevOut = vout;
        }
    }
    m->first[net.linkCount()] = static_cast<std::uint32_t>(mesh.vertexCount());

    m->geode = new osg::Geode;
    m->geode->setName("link overlay");
    m->geode->setNodeMask(kDynamicMask);
    if (!mesh.empty()) {
        osg::ref_ptr<osg::Geometry> geom = mesh.finish("link overlay");
        geom->setDataVariance(osg::Object::DYNAMIC);
        m->colors = dynamic_cast<osg::Vec4Array*>(geom->getColorArray());
        m->geode->addDrawable(geom.get());
    }
    osg::StateSet* ss = m->geode->getOrCreateStateSet();
    ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
    // Pulled towards the camera a little, so it wins over the ribbons it lies on at any distance.
    ss->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -4.0f), osg::StateAttribute::ON);
}

LinkOverlay::~LinkOverlay() = default;

osg::Node* LinkOverlay::node() const {
    return m->geode.get();
}

std::size_t LinkOverlay::linkCount() const {
    return m->first.empty() ? 0 : m->first.size() - 1;
}

void LinkOverlay::setColors(std::span<const Rgb> colors) {
    if (!m->colors) {
        return;
    }
    const std::size_t links = std::min(colors.size(), linkCount());
    for (std::size_t l = 0; l < links; ++l) {
        const osg::Vec4 c = detail::toVec4(colors[l]);
        for (std::uint32_t v = m->first[l]; v < m->first[l + 1]; ++v) {
            (*m->colors)[v] = c;
        }
    }
    m->colors->dirty();
}

}  // namespace ct::render
