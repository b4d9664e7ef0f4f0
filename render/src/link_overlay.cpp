// Links as coloured strips over their own lanes, for colour-by-data views.

#include "citytwin/render/link_overlay.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <osg/Geode>
#include <osg/PolygonOffset>

#include "citytwin/sim/city_model.h"
#include "ground.h"
#include "link_strip.h"
#include "mesh_buffer.h"

namespace ct::render {

namespace {

/// Above the road ribbons and their class lifts, below the vehicles.
constexpr double kOverlayLift = 0.22;

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
    const osg::Vec4 grey = detail::toVec4(noDataColor());
    m->first.assign(net.linkCount() + 1, 0);

    for (std::uint32_t li = 0; li < net.linkCount(); ++li) {
        m->first[li] = static_cast<std::uint32_t>(mesh.vertexCount());
        detail::appendLinkStrip(mesh, net, LinkId(li), ground, options, kOverlayLift, 0.3, grey);
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
