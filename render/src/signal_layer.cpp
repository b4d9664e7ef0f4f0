// Signal states as coloured bars at the stop lines of signalised junctions.

#include "citytwin/render/signal_layer.h"

#include <cmath>
#include <limits>
#include <vector>

#include <osg/Geode>
#include <osg/PolygonOffset>

#include "mesh_buffer.h"

namespace ct::render {

namespace {

constexpr double kDepth = 1.2;  ///< m, along the lane
constexpr double kLift = 0.1;   ///< m above the lane's vehicle height base (LaneGeometry z)

}  // namespace

struct SignalLayer::Impl {
    const traffic::TrafficNetwork* net = nullptr;
    osg::ref_ptr<osg::Geode> geode;
    osg::ref_ptr<osg::Vec4Array> colors;
    std::vector<std::uint32_t> conn;         ///< the connection of each signal drawn
    std::vector<traffic::LinkState> state;   ///< its state shown
    std::vector<std::uint32_t> firstVertex;  ///< 4 vertices each
    double time = std::numeric_limits<double>::quiet_NaN();
};

SignalLayer::SignalLayer(const traffic::TrafficNetwork& net, const LaneGeometry& lanes,
                         const SceneOptions& options)
    : m(std::make_unique<Impl>()) {
    m->net = &net;
    detail::MeshBuffer mesh;
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    const osg::Vec4 grey = detail::toVec4(signalColor(traffic::LinkState::Off));
    const double width = options.laneWidth * 0.9;
    for (std::uint32_t lane = 0; lane < net.normalLaneCount && lane + 1 < net.laneConnOffset.size(); ++lane) {
        const std::uint32_t first = net.laneConnOffset[lane];
        const std::uint32_t last = net.laneConnOffset[lane + 1];
        if (first == last) {
            continue;
        }
        const LanePose end = lanes.at(traffic::LaneId(lane), net.laneLength[lane]);
        const Vec2 dir{std::cos(end.heading), std::sin(end.heading)};
        const Vec2 right{dir.y, -dir.x};
        const Vec2 stop{end.x, end.y};
        const auto z = static_cast<float>(end.z + kLift);
        const auto n = static_cast<double>(last - first);
        for (std::uint32_t c = first; c < last; ++c) {
            if (net.nodeProgram[net.connNode[c].index()] == UINT32_MAX) {
                continue;  // not signalised
            }
            // Connections of one lane are ordered right to left: split the lane's width.
            const double k = c - first;
            const double a = 0.5 * width - width * k / n;
            const double b = 0.5 * width - width * (k + 1.0) / n + 0.15;
            auto vertex = [&](double across, double along) {
                const Vec2 p = stop + right * across - dir * along;
                return mesh.addVertex({static_cast<float>(p.x), static_cast<float>(p.y), z}, up, grey);
            };
            m->firstVertex.push_back(static_cast<std::uint32_t>(mesh.vertexCount()));
            mesh.addQuad(vertex(a, kDepth), vertex(b, kDepth), vertex(b, 0.0), vertex(a, 0.0));
            m->conn.push_back(c);
        }
    }
    m->state.assign(m->conn.size(), traffic::LinkState::Off);
    m->geode = new osg::Geode;
    m->geode->setName("signals");
    m->geode->setNodeMask(kDynamicMask);
    if (!mesh.empty()) {
        osg::ref_ptr<osg::Geometry> geom = mesh.finish("signals");
        geom->setDataVariance(osg::Object::DYNAMIC);
        m->colors = dynamic_cast<osg::Vec4Array*>(geom->getColorArray());
        m->geode->addDrawable(geom.get());
    }
    osg::StateSet* ss = m->geode->getOrCreateStateSet();
    ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
    ss->setAttributeAndModes(new osg::PolygonOffset(-2.0f, -8.0f), osg::StateAttribute::ON);
    setTime(0.0);
}

SignalLayer::~SignalLayer() = default;

osg::Node* SignalLayer::node() const {
    return m->geode.get();
}

std::size_t SignalLayer::signalCount() const {
    return m->conn.size();
}

void SignalLayer::setTime(double t) {
    if (t == m->time || !m->colors) {
        return;
    }
    m->time = t;
    bool changed = false;
    for (std::size_t k = 0; k < m->conn.size(); ++k) {
        const traffic::LinkState s = m->net->stateAt(m->conn[k], t);
        if (s == m->state[k]) {
            continue;
        }
        m->state[k] = s;
        const osg::Vec4 c = detail::toVec4(signalColor(s));
        for (std::uint32_t v = m->firstVertex[k]; v < m->firstVertex[k] + 4; ++v) {
            (*m->colors)[v] = c;
        }
        changed = true;
    }
    if (changed) {
        m->colors->dirty();
    }
}

traffic::LinkState SignalLayer::stateOf(std::size_t k) const {
    return k < m->state.size() ? m->state[k] : traffic::LinkState::Off;
}

std::uint32_t SignalLayer::connectionOf(std::size_t k) const {
    return k < m->conn.size() ? m->conn[k] : UINT32_MAX;
}

}  // namespace ct::render
