// Tests of the traffic layers of the 3D view (no display needed): where lanes lie, how vehicles
// move between snapshots, instanced vehicles, the link colour overlay and picking.

#include <QtTest>

#include <cmath>
#include <numbers>

#include <osg/Camera>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Viewport>

#include "citytwin/gis/city_loader.h"
#include "citytwin/render/lane_geometry.h"
#include "citytwin/render/link_overlay.h"
#include "citytwin/render/picking.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/render/signal_layer.h"
#include "citytwin/render/vehicle_layer.h"
#include "citytwin/traffic/traffic_network.h"
#include "sim_snapshot.h"
#include "synthetic_city.h"

using namespace ct;

namespace {

/// Distance from p to the polyline, and whether p lies left of it (seen along its direction).
double distanceToShape(std::span<const Vec2> shape, Vec2 p, bool* left) {
    double best = 1e300;
    for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
        const Vec2 d = shape[i + 1] - shape[i];
        const double t = std::clamp(dot(p - shape[i], d) / dot(d, d), 0.0, 1.0);
        const double dist = distance(shape[i] + d * t, p);
        if (dist < best) {
            best = dist;
            *left = cross(d, p - shape[i]) > 0.0;
        }
    }
    return best;
}

double angleDiff(double a, double b) {
    return std::abs(std::remainder(a - b, 2.0 * std::numbers::pi));
}

gui::VehicleSnap vehicle(std::uint32_t trip, float x, float y, float heading) {
    gui::VehicleSnap v;
    v.trip = trip;
    v.x = x;
    v.y = y;
    v.heading = heading;
    return v;
}

/// A camera over `centre` looking straight down from `height` m, with a 800x600 viewport.
osg::ref_ptr<osg::Camera> topDownCamera(const osg::Vec3d& centre, double height) {
    osg::ref_ptr<osg::Camera> camera = new osg::Camera;
    camera->setViewport(new osg::Viewport(0, 0, 800, 600));
    camera->setProjectionMatrixAsPerspective(30.0, 800.0 / 600.0, 1.0, 10000.0);
    camera->setViewMatrixAsLookAt(centre + osg::Vec3d(0, 0, height), centre, osg::Vec3d(0, 1, 0));
    return camera;
}

}  // namespace

class TestTrafficLayers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void normalLanesSitRightOfTheirLink();
    void lanesStopAtJunctionEdges();
    void internalLanesJoinTheirLanes();
    void interpolationBetweenSnapshots();
    void instancedVehiclesAreOneDrawCall();
    void linkOverlayTakesColours();
    void pickingFindsBuildingsAndLinks();
    void signalsFollowTheirPrograms();

private:
    std::optional<CityModel> m_city;
    traffic::TrafficNetwork m_net;
    std::unique_ptr<render::LaneGeometry> m_lanes;
};

void TestTrafficLayers::initTestCase() {
    gis::LoadOptions options;
    options.vectorSources = {std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm"};
    gis::LoadResult result = gis::loadCity(options);
    QVERIFY2(result.city.has_value(), result.report.summary().c_str());
    m_city = std::move(result.city);
    m_net = traffic::buildTrafficNetwork(m_city->roads);
    m_lanes = std::make_unique<render::LaneGeometry>(*m_city, m_net);
    QCOMPARE(m_lanes->laneCount(), m_net.laneCount());
    QVERIFY(m_net.normalLaneCount > 0);
    QVERIFY(m_net.laneCount() > m_net.normalLaneCount);
}

void TestTrafficLayers::normalLanesSitRightOfTheirLink() {
    // Right-hand traffic, lane 0 rightmost: a two-way road's n forward lanes lie right of its
    // centre line at (n - i - 0.5) x 3.5 m; a one-way road's lanes are centred on its shape.
    const RoadNetwork& roads = m_city->roads;
    int checked = 0;
    for (std::uint32_t lane = 0; lane < m_net.normalLaneCount; ++lane) {
        const LinkId link = m_net.laneLink[lane];
        const int n = roads.linkLanes[link.index()];
        const int i = m_net.laneIndex[lane];
        const bool twoWay = roads.linkReverse[link.index()].valid();
        const double expected = twoWay ? (n - i - 0.5) * 3.5 : (0.5 * n - i - 0.5) * 3.5;
        QCOMPARE(m_lanes->lateralOffset(traffic::LaneId(lane)), expected);
        const render::LanePose mid = m_lanes->at(traffic::LaneId(lane), 0.5 * m_net.laneLength[lane]);
        bool left = false;
        const double d = distanceToShape(roads.shape(link), Vec2{mid.x, mid.y}, &left);
        QVERIFY2(
            std::abs(d - std::abs(expected)) < 0.05,
            qPrintable(
                QStringLiteral("lane %1: %2 m from its link, expected %3").arg(lane).arg(d).arg(expected)));
        if (expected > 0.01) {
            QVERIFY2(!left, qPrintable(QStringLiteral("lane %1 lies left of its link").arg(lane)));
        }
        // The direction of travel is the link's (the links of the small town are straight).
        const auto shape = roads.shape(link);
        const Vec2 d0 = shape.back() - shape.front();
        QVERIFY(angleDiff(mid.heading, std::atan2(d0.y, d0.x)) < 1e-6);
        ++checked;
    }
    QVERIFY(checked >= 10);
}

void TestTrafficLayers::lanesStopAtJunctionEdges() {
    // Along its link, a lane covers its length: from its start to its end is laneLength (the
    // links are straight, so the offset path is as long as the centre line).
    for (std::uint32_t lane = 0; lane < m_net.normalLaneCount; ++lane) {
        const render::LanePose a = m_lanes->at(traffic::LaneId(lane), 0.0);
        const render::LanePose b = m_lanes->at(traffic::LaneId(lane), m_net.laneLength[lane]);
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        QVERIFY2(std::abs(len - m_net.laneLength[lane]) < 0.05,
                 qPrintable(QStringLiteral("lane %1: %2 m drawn, %3 m long")
                                .arg(lane)
                                .arg(len)
                                .arg(m_net.laneLength[lane])));
        // Positions past the ends clamp.
        const render::LanePose before = m_lanes->at(traffic::LaneId(lane), -5.0);
        QCOMPARE(before.x, a.x);
        QCOMPARE(before.y, a.y);
    }
}

void TestTrafficLayers::internalLanesJoinTheirLanes() {
    // A vehicle crossing a junction leaves its lane's end and reaches the next lane's start
    // without a jump or a kink.
    for (std::uint32_t c = 0; c < m_net.connectionCount(); ++c) {
        const traffic::LaneId from = m_net.connFrom[c];
        const traffic::LaneId via = m_net.connVia[c];
        const traffic::LaneId to = m_net.connTo[c];
        const render::LanePose endOfFrom = m_lanes->at(from, m_net.laneLength[from.index()]);
        const render::LanePose startOfVia = m_lanes->at(via, 0.0);
        const render::LanePose endOfVia = m_lanes->at(via, m_net.laneLength[via.index()]);
        const render::LanePose startOfTo = m_lanes->at(to, 0.0);
        QVERIFY(std::hypot(endOfFrom.x - startOfVia.x, endOfFrom.y - startOfVia.y) < 1e-6);
        QVERIFY(std::hypot(endOfVia.x - startOfTo.x, endOfVia.y - startOfTo.y) < 1e-6);
        // Tangent at both ends (within the angle of one of 12 curve pieces).
        if (m_net.connDir[c] != TurnDirection::UTurn) {
            QVERIFY2(angleDiff(startOfVia.heading, endOfFrom.heading) < 0.35,
                     qPrintable(QStringLiteral("connection %1 kinks at its start").arg(c)));
            QVERIFY2(angleDiff(endOfVia.heading, startOfTo.heading) < 0.35,
                     qPrintable(QStringLiteral("connection %1 kinks at its end").arg(c)));
        }
    }
}

void TestTrafficLayers::interpolationBetweenSnapshots() {
    const std::vector<gui::VehicleSnap> prev{vehicle(1, 0, 0, 0.0f), vehicle(2, 10, 0, 3.1f),
                                             vehicle(3, 0, 0, 0.0f), vehicle(5, 0, 0, 0.0f)};
    const std::vector<gui::VehicleSnap> next{vehicle(1, 10, 20, 1.0f), vehicle(2, 10, 10, -3.1f),
                                             vehicle(4, 5, 5, 0.5f), vehicle(5, 500, 0, 0.0f)};
    // Alpha 0 is where they were, 1 where they are; arrived vehicles (3) are gone, new ones (4)
    // stand at their place, teleported ones (5) jump.
    const auto at0 = gui::interpolateVehicles(&prev, next, 0.0);
    QCOMPARE(at0.size(), std::size_t{4});
    QCOMPARE(at0[0].x, 0.0f);
    QCOMPARE(at0[0].y, 0.0f);
    QCOMPARE(at0[2].trip, 4u);
    QCOMPARE(at0[2].x, 5.0f);
    QCOMPARE(at0[3].x, 500.0f);
    const auto half = gui::interpolateVehicles(&prev, next, 0.5);
    QCOMPARE(half[0].x, 5.0f);
    QCOMPARE(half[0].y, 10.0f);
    QCOMPARE(half[0].heading, 0.5f);
    // 3.1 -> -3.1 turns the short way, through pi, not through 0.
    QVERIFY(angleDiff(half[1].heading, std::numbers::pi) < 1e-3);
    const auto at1 = gui::interpolateVehicles(&prev, next, 1.0);
    for (std::size_t i = 0; i < next.size(); ++i) {
        QCOMPARE(at1[i].x, next[i].x);
        QCOMPARE(at1[i].y, next[i].y);
    }
    // No previous snapshot: positions as they are.
    QCOMPARE(gui::interpolateVehicles(nullptr, next, 0.0)[0].x, 10.0f);
    QVERIFY(gui::findVehicle(next, 4) != nullptr);
    QVERIFY(gui::findVehicle(next, 3) == nullptr);
}

void TestTrafficLayers::instancedVehiclesAreOneDrawCall() {
    render::VehicleLayer layer;
    QCOMPARE(layer.node()->getNodeMask(), 0u);  // nothing to draw yet
    std::vector<render::VehicleInstance> cars;
    for (int i = 0; i < 1000; ++i) {
        cars.push_back({static_cast<float>(i % 40) * 10.0f, static_cast<float>(i / 40) * 10.0f, 2.0f, 0.0f,
                        i % 10 == 0 ? traffic::VehicleClass::Bus : traffic::VehicleClass::Car});
    }
    layer.update(cars);
    QCOMPARE(layer.count(), std::size_t{1000});
    QVERIFY(layer.node()->getNodeMask() != 0u);
    const render::SceneStats stats = render::collectSceneStats(*layer.node());
    QCOMPARE(stats.geometries, std::size_t{1});
    QCOMPARE(stats.drawCalls, std::size_t{1});
    // The bound covers every instance, not just the unit box at the origin.
    const osg::BoundingSphere bound = layer.node()->getBound();
    QVERIFY(bound.valid());
    for (const osg::Vec3 corner : {osg::Vec3(0, 0, 2), osg::Vec3(390, 240, 2)}) {
        QVERIFY2((corner - bound.center()).length() <= bound.radius(), "an instance lies outside the bound");
    }
    const auto* geode = layer.node()->asGeode();
    QVERIFY(geode != nullptr);
    const auto* geom = geode->getDrawable(0)->asGeometry();
    QCOMPARE(geom->getPrimitiveSet(0)->getNumInstances(), 1000);
    layer.update({});
    QCOMPARE(layer.node()->getNodeMask(), 0u);
}

void TestTrafficLayers::linkOverlayTakesColours() {
    render::LinkOverlay overlay(*m_city);
    QCOMPARE(overlay.linkCount(), m_city->roads.linkCount());
    QCOMPARE(render::collectSceneStats(*overlay.node()).drawCalls, std::size_t{1});
    std::vector<render::Rgb> colors(m_city->roads.linkCount(), render::speedRatioColor(1.0));
    colors[0] = render::speedRatioColor(0.0);
    overlay.setColors(colors);
    const auto* geom = overlay.node()->asGeode()->getDrawable(0)->asGeometry();
    const auto* array = dynamic_cast<const osg::Vec4Array*>(geom->getColorArray());
    QVERIFY(array != nullptr);
    // Link 0's vertices come first.
    const render::Rgb red = render::speedRatioColor(0.0);
    QCOMPARE((*array)[0].r(), red.r);
    QCOMPARE((*array)[0].g(), red.g);
    const render::Rgb green = render::speedRatioColor(1.0);
    QCOMPARE(array->back().g(), green.g);
    // The scale: standing is red, free flow green, no data grey.
    QVERIFY(red.r > 0.7f && red.g < 0.2f);
    QVERIFY(green.g > 0.6f && green.r < 0.3f);
    QCOMPARE(render::speedRatioColor(std::nan("")).r, render::noDataColor().r);
}

void TestTrafficLayers::pickingFindsBuildingsAndLinks() {
    const CityModel city = test::makeSyntheticCity({.buildings = 64, .terrain = false});
    const render::SceneBuild scene = render::buildCityScene(city);
    QCOMPARE(render::PickTables::itemCount(scene.pick.buildings), city.buildings.count());
    QVERIFY(!scene.pick.buildings.empty() && scene.pick.buildings.front().drawable != nullptr);
    QVERIFY(!scene.pick.roads.empty() && scene.pick.roads.front().drawable != nullptr);
    osg::ref_ptr<osg::Group> root = new osg::Group;
    root->addChild(scene.root.get());

    // Straight above a building's centroid, the ray meets its roof.
    for (const std::uint32_t b : {0u, 17u, 63u}) {
        const Vec2 c = city.buildings.centroid[b];
        osg::ref_ptr<osg::Camera> camera = topDownCamera(osg::Vec3d(c.x, c.y, 0.0), 400.0);
        camera->addChild(root.get());
        const render::ScenePick hit = render::pickScene(scene, city, *camera, 400.0, 300.0);
        QCOMPARE(static_cast<int>(hit.kind), static_cast<int>(render::PickKind::Building));
        QCOMPARE(hit.id, b);
    }
    // Over the middle of a link, off the junctions: that road, in the direction of its side.
    const RoadNetwork& roads = city.roads;
    int links = 0;
    for (std::uint32_t l = 0; l < roads.linkCount() && links < 3; ++l) {
        const auto shape = roads.shape(LinkId(l));
        if (shape.size() != 2 || roads.linkLength[l] < 40.0) {
            continue;
        }
        const Vec2 mid = (shape[0] + shape[1]) * 0.5;
        const Vec2 d = (shape[1] - shape[0]) * (1.0 / roads.linkLength[l]);
        const Vec2 right{d.y, -d.x};
        const Vec2 at = mid + right * 1.5;  // on this direction's half
        osg::ref_ptr<osg::Camera> camera = topDownCamera(osg::Vec3d(at.x, at.y, 0.0), 300.0);
        camera->addChild(root.get());
        const render::ScenePick hit = render::pickScene(scene, city, *camera, 400.0, 300.0);
        if (hit.kind == render::PickKind::Building) {
            continue;  // a building overhangs this spot
        }
        QCOMPARE(static_cast<int>(hit.kind), static_cast<int>(render::PickKind::Link));
        QCOMPARE(hit.id, l);
        ++links;
    }
    QVERIFY(links > 0);

    // Projection: the point under the middle of the viewport projects to it.
    osg::ref_ptr<osg::Camera> camera = topDownCamera(osg::Vec3d(10.0, 20.0, 0.0), 100.0);
    const auto w = render::projectToWindow(*camera, osg::Vec3d(10.0, 20.0, 0.0));
    QVERIFY(w.has_value());
    QVERIFY(std::abs(w->x() - 400.0) < 1e-6 && std::abs(w->y() - 300.0) < 1e-6);
    const std::vector<osg::Vec3d> points{{0.0, 0.0, 0.0}, {10.0, 20.5, 0.0}};
    const auto nearest = render::pickNearestPoint(*camera, points, 400.0, 300.0, 20.0);
    QVERIFY(nearest.has_value());
    QCOMPARE(nearest->index, std::size_t{1});
    QVERIFY(!render::pickNearestPoint(*camera, points, 10.0, 10.0, 5.0).has_value());
}

void TestTrafficLayers::signalsFollowTheirPrograms() {
    // The small town's n2 is signalised: one bar per connection through it.
    std::size_t signalised = 0;
    for (std::uint32_t c = 0; c < m_net.connectionCount(); ++c) {
        signalised += m_net.nodeProgram[m_net.connNode[c].index()] != UINT32_MAX ? 1 : 0;
    }
    QVERIFY(signalised > 0);
    render::SignalLayer layer(m_net, *m_lanes);
    QCOMPARE(layer.signalCount(), signalised);
    QCOMPARE(render::collectSceneStats(*layer.node()).drawCalls, std::size_t{1});
    // Over one cycle, every bar shows its program's state, and each one turns green and red.
    const traffic::SignalProgram& program = m_net.programs.front();
    std::vector<bool> green(layer.signalCount(), false);
    std::vector<bool> red(layer.signalCount(), false);
    for (double t = 0.0; t < program.cycle(); t += 1.0) {
        layer.setTime(t);
        for (std::size_t k = 0; k < layer.signalCount(); ++k) {
            const traffic::LinkState s = layer.stateOf(k);
            QCOMPARE(s, m_net.stateAt(layer.connectionOf(k), t));
            green[k] =
                green[k] || s == traffic::LinkState::PriorityGreen || s == traffic::LinkState::YieldGreen;
            red[k] = red[k] || s == traffic::LinkState::Red;
        }
    }
    for (std::size_t k = 0; k < layer.signalCount(); ++k) {
        QVERIFY2(green[k] && red[k], qPrintable(QStringLiteral("signal %1 never changes").arg(k)));
    }
    // The bars' colours are the states' colours.
    const auto* geom = layer.node()->asGeode()->getDrawable(0)->asGeometry();
    const auto* colors = dynamic_cast<const osg::Vec4Array*>(geom->getColorArray());
    QVERIFY(colors != nullptr);
    QCOMPARE((*colors)[0].r(), render::signalColor(layer.stateOf(0)).r);
    QCOMPARE((*colors)[0].g(), render::signalColor(layer.stateOf(0)).g);
}

QTEST_GUILESS_MAIN(TestTrafficLayers)
#include "tst_traffic_layers.moc"
