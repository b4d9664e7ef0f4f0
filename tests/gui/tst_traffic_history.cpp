// GUI test of what the desktop app does with a running scenario beyond showing it: the search
// box finds vehicles on the road, the camera follows a vehicle, the window records the run (link
// speeds, junction queues, vehicle speeds and delays) for the inspector's charts within bounded
// memory, and the timeline shows a recorded moment exactly. On tests/gui/fixtures/gui_town.json
// (the OSM town, 36 trips). Runs under tools/with-display.sh.

#include <QtTest>

#include <QApplication>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>

#include "city_view.h"
#include "citytwin/render/palette.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "search_box.h"
#include "sim_history.h"
#include "sim_snapshot.h"
#include "sim_toolbar.h"
#include "sim_worker.h"
#include "surface_format.h"
#include "timeline_bar.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_GUI_FIXTURES_DIR "/gui_town.json");

double distance2d(QVector3D a, QVector3D b) {
    return std::hypot(static_cast<double>(a.x() - b.x()), static_cast<double>(a.y() - b.y()));
}

bool sameFloat(float a, float b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

}  // namespace

class TestTrafficHistory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void historyIsBoundedAndThinned();
    void searchFindsAVehicleOnTheRoad();
    void followKeepsTheVehicleCentred();
    void selectedVehicleShowsItsRoute();
    void historyRecordsTheSnapshots();
    void inspectorChartsTheHistory();
    void timelineShowsTheRecordedMoment();
    void followEndsWhenTheVehicleArrives();

private:
    std::shared_ptr<const gui::SimSnapshot> snap() const { return m_window->shownSnapshot(); }
    void runTo(double t);
    /// The running vehicle that departed last (the most of its trip ahead).
    std::optional<gui::VehicleSnap> freshVehicle() const;

    std::unique_ptr<gui::MainWindow> m_window;
};

void TestTrafficHistory::initTestCase() {
    QString why;
    m_window = test::openScenario(kScenario, &why, QSize(1200, 800), 60000);
    QVERIFY2(m_window != nullptr, qPrintable(why));
}

void TestTrafficHistory::cleanupTestCase() {
    m_window.reset();
}

void TestTrafficHistory::runTo(double t) {
    m_window->setSimulationSpeed(0.0);
    m_window->playUntil(t);
    QVERIFY2(
        test::waitFor(
            [&] { return snap() && snap()->time >= t - 1e-9 && snap()->state != gui::SimState::Playing; },
            30000),
        qPrintable(QStringLiteral("stuck at %1 s").arg(snap() ? snap()->time : -1.0)));
}

std::optional<gui::VehicleSnap> TestTrafficHistory::freshVehicle() const {
    if (snap()->vehicles.empty()) {
        return std::nullopt;
    }
    return snap()->vehicles.back();  // sorted by trip; trips depart in order
}

void TestTrafficHistory::historyIsBoundedAndThinned() {
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    gui::HistoryOptions options;
    options.interval = 10.0;
    options.maxRecords = 8;
    options.maxSnapshots = 5;
    gui::SimHistory history(options);
    std::shared_ptr<const gui::SimSnapshot> last;
    for (int t = 0; t <= 400; ++t) {
        auto s = std::make_shared<gui::SimSnapshot>();
        s->time = t;
        s->tick = t;
        s->linkSpeed.assign(net.linkCount(), static_cast<float>(t));
        gui::VehicleSnap v;
        v.trip = 1;
        v.speed = static_cast<float>(t);
        s->vehicles.push_back(v);
        last = s;
        history.offer(s, net);
        QVERIFY(history.size() <= options.maxRecords);
        QVERIFY(history.snapshotCount() <= options.maxSnapshots);
    }
    // 400 s at 10 s would be 41 records: thinned to at most 8 by doubling the interval.
    qInfo("%zu records, interval %.0f s", history.size(), history.interval());
    QVERIFY(history.interval() >= 80.0);
    QCOMPARE(history.times().front(), 0.0);
    for (std::size_t i = 1; i < history.size(); ++i) {
        QVERIFY(history.times()[i] > history.times()[i - 1]);
        QCOMPARE(static_cast<double>(history.linkSpeeds(0)[i]), history.times()[i]);
    }
    // The ring keeps the newest snapshots; the vehicle's series has a point per snapshot offered
    // at a record time.
    QCOMPARE(history.snapshot(history.snapshotCount() - 1)->time, history.times().back());
    QVERIFY(history.vehicle(1) != nullptr);
    QVERIFY(history.vehicle(2) == nullptr);
    QVERIFY(history.memoryBytes() < 1u << 20u);
    // The same moment twice is one record; an earlier moment is a new run.
    const std::size_t n = history.size();
    QVERIFY(!history.offer(last, net));
    QCOMPARE(history.size(), n);
    auto again = std::make_shared<gui::SimSnapshot>();
    again->linkSpeed.assign(net.linkCount(), 1.0f);
    QVERIFY(history.offer(again, net));
    QCOMPARE(history.size(), std::size_t{1});
    QCOMPARE(history.interval(), 10.0);
    QCOMPARE(history.snapshotCount(), std::size_t{1});
}

void TestTrafficHistory::searchFindsAVehicleOnTheRoad() {
    runTo(24.0);
    const std::optional<gui::VehicleSnap> v = freshVehicle();
    QVERIFY(v.has_value());
    const std::string& id = m_window->simulation()->session()->trips[v->trip].id;
    gui::SearchBox& box = *m_window->searchBox();
    box.search(QString::fromStdString(id));
    QVERIFY(!box.hits().empty());
    QCOMPARE(box.hits().front().target, (gui::Selection{gui::Selection::Kind::Vehicle, v->trip}));
    // By number too; a trip not on the road is not found.
    box.search(QStringLiteral("vehicle %1").arg(v->trip));
    QCOMPARE(box.hits().size(), std::size_t{1});
    box.search(QStringLiteral("vehicle 35"));
    QVERIFY(box.hits().empty() || snap()->find(35) != nullptr);
    // Picking it selects it and flies to where it is drawn.
    box.search(QString::fromStdString(id));
    QVERIFY(box.choose(0));
    gui::CityView& view = *m_window->view();
    QCOMPARE(view.selection(), (gui::Selection{gui::Selection::Kind::Vehicle, v->trip}));
    QCOMPARE(m_window->inspector()->value(QStringLiteral("trip id")), QString::fromStdString(id));
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    view.renderFrame();
    QVERIFY(distance2d(view.cameraCenter(), *view.vehicleShown(v->trip)) < 1.0);
}

void TestTrafficHistory::followKeepsTheVehicleCentred() {
    gui::CityView& view = *m_window->view();
    const std::optional<gui::VehicleSnap> v = freshVehicle();
    QVERIFY(v.has_value());
    view.resetCamera();
    view.select({gui::Selection::Kind::Vehicle, v->trip});
    gui::InspectorPanel& inspector = *m_window->inspector();
    QVERIFY(inspector.followButton()->isVisible());
    QVERIFY(inspector.followButton()->isEnabled());
    QTest::mouseClick(inspector.followButton(), Qt::LeftButton);
    QCOMPARE(view.followedVehicle(), std::optional<std::uint32_t>(v->trip));
    QVERIFY(inspector.followButton()->isChecked());

    // Play at 5x: after the flight in, every frame has the vehicle at the centre.
    m_window->setSimulationSpeed(5.0);
    m_window->play();
    QElapsedTimer t;
    t.start();
    int checked = 0;
    double worst = 0.0;
    std::optional<QVector3D> firstSeen;
    QVector3D lastSeen;
    while (t.elapsed() < 2500 && view.followedVehicle()) {
        view.renderFrame();
        const std::optional<QVector3D> at = view.vehicleShown(v->trip);
        if (at && !view.cameraFlying()) {
            worst = std::max(worst, distance2d(view.cameraCenter(), *at));
            ++checked;
            if (!firstSeen) {
                firstSeen = *at;
            }
            lastSeen = *at;
        }
        QTest::qWait(40);
    }
    m_window->pause();
    qInfo("%d frames followed; the camera centre at most %.3f m from the vehicle; it drove %.1f m", checked,
          worst, firstSeen ? distance2d(*firstSeen, lastSeen) : 0.0);
    QVERIFY(checked >= 5);
    QVERIFY(worst < 0.5);
    QVERIFY(firstSeen && distance2d(*firstSeen, lastSeen) > 5.0);

    // A pan (middle drag) stops following.
    QVERIFY(view.followedVehicle().has_value());
    QTest::mousePress(&view, Qt::MiddleButton, Qt::NoModifier, QPoint(300, 300));
    QTest::mouseMove(&view, QPoint(340, 320));
    QTest::mouseRelease(&view, Qt::MiddleButton, Qt::NoModifier, QPoint(340, 320));
    QVERIFY(!view.followedVehicle().has_value());
    QVERIFY(!inspector.followButton()->isChecked());
}

void TestTrafficHistory::selectedVehicleShowsItsRoute() {
    // Paused, a vehicle on the road with most of its trip ahead.
    m_window->pause();
    QVERIFY(test::waitFor([&] { return snap()->state != gui::SimState::Playing; }, 5000));
    const std::optional<gui::VehicleSnap> v = freshVehicle();
    QVERIFY(v.has_value());
    gui::CityView& view = *m_window->view();
    view.select({});
    view.resetCamera();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    const int cyanBefore = test::countColor(view.renderFrame(), render::routeColor());
    QCOMPARE(view.routeSegmentsDrawn(), std::size_t{0});

    // Selected, the next snapshot carries its route, even while paused.
    view.select({gui::Selection::Kind::Vehicle, v->trip});
    QVERIFY(test::waitFor([&] { return snap()->route && snap()->route->trip == v->trip; }, 3000));
    const gui::RouteSnap route = *snap()->route;
    const CityModel& city = *view.city();
    const RoadNetwork& roads = city.roads;
    const traffic::Trip& trip = m_window->simulation()->session()->trips[v->trip];
    // A connected path from the trip's origin link to its destination link through the link the
    // vehicle is on.
    QVERIFY(!route.links.empty());
    QCOMPARE(route.links.front(), trip.from.index());
    QCOMPARE(route.links.back(), trip.to.index());
    double total = 0.0;
    std::size_t segments = 0;
    for (std::size_t k = 0; k < route.links.size(); ++k) {
        const LinkId l(route.links[k]);
        total += roads.linkLength[l.index()];
        segments += roads.shape(l).size() - 1;
        if (k + 1 < route.links.size()) {
            QCOMPARE(roads.linkTo[l.index()], roads.linkFrom[route.links[k + 1]]);
        }
    }
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    const gui::VehicleSnap* now = snap()->find(v->trip);
    QVERIFY(now != nullptr);
    QVERIFY(route.current < route.links.size());
    if (now->lane < net.normalLaneCount) {
        QCOMPARE(net.laneLink[now->lane].index(), route.links[route.current]);
    }
    // The inspector lists it: links and length, what is left, the streets ahead.
    gui::InspectorPanel& inspector = *m_window->inspector();
    QVERIFY(
        inspector.value(QStringLiteral("route"))
            .startsWith(
                QStringLiteral("%1 links, %2 km").arg(route.links.size()).arg(total / 1000.0, 0, 'f', 2)));
    const double toGo = inspector.value(QStringLiteral("to go")).section(QLatin1Char(' '), 0, 0).toDouble();
    QVERIFY(toGo > 0.0 && toGo <= total + 0.5);
    double ahead = 0.0;  // at least the links after the current one
    for (std::size_t k = route.current + 1; k < route.links.size(); ++k) {
        ahead += roads.linkLength[route.links[k]];
    }
    QVERIFY(toGo >= ahead - 0.5);
    QVERIFY(!inspector.value(QStringLiteral("streets ahead")).isEmpty());

    // The map draws every segment of the route's links, in the route colour, over the scene.
    QImage frame;
    QVERIFY(test::waitFor(
        [&] {
            frame = view.renderFrame();
            return view.routeSegmentsDrawn() == segments;
        },
        3000));
    const int cyanAfter = test::countColor(frame, render::routeColor());
    qInfo("route of trip %u: %zu links, %.0f m, %zu segments drawn; route-coloured pixels %d -> %d", v->trip,
          route.links.size(), total, segments, cyanBefore, cyanAfter);
    QVERIFY(cyanAfter > cyanBefore + 100);

    // Another selection hides it; the worker stops publishing it.
    view.select({gui::Selection::Kind::Building, 0});
    view.renderFrame();
    QCOMPARE(view.routeSegmentsDrawn(), std::size_t{0});
    m_window->simulation()->step(1);
    QVERIFY(test::waitFor([&] { return snap()->tick > 0 && !snap()->route; }, 3000));
    view.select({});
}

void TestTrafficHistory::followEndsWhenTheVehicleArrives() {
    gui::CityView& view = *m_window->view();
    const std::optional<gui::VehicleSnap> v = freshVehicle();
    QVERIFY(v.has_value());
    view.select({gui::Selection::Kind::Vehicle, v->trip});
    m_window->followSelection(true);
    QCOMPARE(view.followedVehicle(), std::optional<std::uint32_t>(v->trip));
    QSignalSpy following(&view, &gui::CityView::followingChanged);
    m_window->setSimulationSpeed(0.0);
    m_window->play();
    QVERIFY2(test::waitFor(
                 [&] {
                     view.renderFrame();
                     return !view.followedVehicle().has_value();
                 },
                 20000),
             "still following");
    m_window->pause();
    QVERIFY(snap()->find(v->trip) == nullptr || !view.vehicleShown(v->trip));
    QCOMPARE(following.size(), 1);
    QCOMPARE(following.at(0).at(0).toBool(), false);
}

void TestTrafficHistory::historyRecordsTheSnapshots() {
    // Flat out (about a thousand steps a second here): still a record every 10 s.
    runTo(std::max(snap()->time, 120.0) + 5.0);
    const gui::SimHistory& history = m_window->history();
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    qInfo("%zu records over %.0f s, %zu snapshots kept, %zu bytes", history.size(), snap()->time,
          history.snapshotCount(), history.memoryBytes());
    QVERIFY(history.size() >= 12);
    QCOMPARE(history.times().back(), std::floor(snap()->time / 10.0) * 10.0);
    // No thinning yet: one snapshot per record, at least 10 s apart.
    QCOMPARE(history.snapshotCount(), history.size());
    for (std::size_t i = 0; i < history.size(); ++i) {
        const gui::SimSnapshot& s = *history.snapshot(i);
        QCOMPARE(s.time, history.times()[i]);
        if (i > 0) {
            QCOMPARE(history.times()[i] - history.times()[i - 1], 10.0);
        }
    }
    // Each link's series holds the recorded snapshots' speeds exactly.
    for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
        const std::vector<float> series = history.linkSpeeds(l);
        QCOMPARE(series.size(), history.size());
        for (std::size_t i = 0; i < series.size(); ++i) {
            QVERIFY(sameFloat(series[i], history.snapshot(i)->linkSpeed[l]));
        }
    }
    // Vehicles: a point per record while on the road, equal to the snapshot's speed and delay;
    // the delay only grows.
    std::size_t traced = 0;
    for (std::uint32_t trip = 0; trip < 36; ++trip) {
        const auto* trace = history.vehicle(trip);
        std::size_t expected = 0;
        for (std::size_t i = 0; i < history.size(); ++i) {
            expected += history.snapshot(i)->find(trip) != nullptr ? 1 : 0;
        }
        QCOMPARE(trace != nullptr ? trace->size() : 0, expected);
        if (trace == nullptr) {
            continue;
        }
        ++traced;
        for (std::size_t k = 0; k < trace->size(); ++k) {
            const gui::SimHistory::VehiclePoint& p = (*trace)[k];
            const gui::SimSnapshot& s = *history.snapshot(history.snapshotNear(p.time));
            QCOMPARE(s.time, p.time);
            QCOMPARE(p.speed, s.find(trip)->speed);
            QCOMPARE(p.delay, s.find(trip)->delay);
            if (k > 0) {
                QVERIFY(p.delay >= (*trace)[k - 1].delay - 1e-3f);
            }
        }
    }
    QVERIFY(traced >= 10);
    // Junction queues: the standing vehicles on the lanes into the junction.
    const std::uint32_t signalised = [&] {
        for (std::uint32_t n = 0; n < net.nodeCount(); ++n) {
            if (net.nodeControl[n] == traffic::JunctionControl::Signal) {
                return n;
            }
        }
        return 0u;
    }();
    const std::vector<float> queue = history.junctionQueue(signalised);
    QCOMPARE(queue.size(), history.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
        int standing = 0;
        for (const gui::VehicleSnap& v : history.snapshot(i)->vehicles) {
            standing += v.lane < net.normalLaneCount && v.speed < 1.0f &&
                                net.linkTo[net.laneLink[v.lane].index()] == NodeId(signalised)
                            ? 1
                            : 0;
        }
        QCOMPARE(static_cast<int>(queue[i]), standing);
    }
}

void TestTrafficHistory::inspectorChartsTheHistory() {
    const gui::SimHistory& history = m_window->history();
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    gui::CityView& view = *m_window->view();
    gui::InspectorPanel& inspector = *m_window->inspector();
    // The link with the most recorded speeds.
    std::uint32_t best = 0;
    std::size_t bestCount = 0;
    for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
        const std::vector<float> s = history.linkSpeeds(l);
        const auto n = static_cast<std::size_t>(
            std::count_if(s.begin(), s.end(), [](float v) { return std::isfinite(v); }));
        if (n > bestCount) {
            best = l;
            bestCount = n;
        }
    }
    QVERIFY(bestCount >= 5);
    view.select({gui::Selection::Kind::Link, best});
    QCOMPARE(inspector.chartTitle(), QStringLiteral("Mean speed over the run"));
    const QList<QPointF> points = inspector.chartPoints(0);
    QCOMPARE(static_cast<std::size_t>(points.size()), bestCount);
    const std::vector<float> speeds = history.linkSpeeds(best);
    int k = 0;
    for (std::size_t i = 0; i < speeds.size(); ++i) {
        if (std::isfinite(speeds[i])) {
            QCOMPARE(points[k].x(), history.times()[i]);
            QVERIFY(std::abs(points[k].y() - 3.6 * speeds[i]) < 1e-3);
            ++k;
        }
    }
    // A vehicle: speed and delay over its trip.
    std::uint32_t trip = 0;
    for (std::uint32_t t = 0; t < 36; ++t) {
        if (history.vehicle(t) != nullptr &&
            history.vehicle(t)->size() > (history.vehicle(trip) ? history.vehicle(trip)->size() : 0)) {
            trip = t;
        }
    }
    view.select({gui::Selection::Kind::Vehicle, trip});
    QCOMPARE(inspector.chartTitle(), QStringLiteral("Speed and delay over the trip"));
    const auto* trace = history.vehicle(trip);
    QCOMPARE(static_cast<std::size_t>(inspector.chartPoints(0).size()), trace->size());
    QCOMPARE(static_cast<std::size_t>(inspector.chartPoints(1).size()), trace->size());
    QVERIFY(std::abs(inspector.chartPoints(0).back().y() - 3.6 * trace->back().speed) < 1e-3);
    QCOMPARE(inspector.chartPoints(1).back().y(), static_cast<double>(trace->back().delay));
    // A junction: its queue at every record.
    view.select({gui::Selection::Kind::Junction, 0});
    QCOMPARE(inspector.chartTitle(), QStringLiteral("Queue over the run"));
    QCOMPARE(static_cast<std::size_t>(inspector.chartPoints(0).size()), history.size());
    // A building has no chart.
    view.select({gui::Selection::Kind::Building, 0});
    QVERIFY(inspector.chartTitle().isEmpty());
    view.select({});
}

void TestTrafficHistory::timelineShowsTheRecordedMoment() {
    gui::CityView& view = *m_window->view();
    const gui::SimHistory& history = m_window->history();
    gui::TimelineBar& timeline = *m_window->timeline();
    QVERIFY(timeline.live());
    QCOMPARE(timeline.slider()->maximum(), static_cast<int>(history.snapshotCount()));
    // A recorded moment with vehicles on the road, picked on the slider.
    int k = -1;
    for (int i = static_cast<int>(history.snapshotCount()) - 1; i >= 0; --i) {
        if (history.snapshot(static_cast<std::size_t>(i))->vehicles.size() >= 3) {
            k = i;
            break;
        }
    }
    QVERIFY(k >= 0);
    k = std::max(0, k - 2);
    if (history.snapshot(static_cast<std::size_t>(k))->vehicles.empty()) {
        k += 2;
    }
    const std::shared_ptr<const gui::SimSnapshot> recorded = history.snapshot(static_cast<std::size_t>(k));
    timeline.slider()->setValue(k);
    QCOMPARE(m_window->replayed(), recorded);
    QVERIFY(!timeline.live());
    QCOMPARE(view.snapshotShown(), recorded);
    QCOMPARE(m_window->simToolbar()->clockText(), QString::fromStdString(gui::clockText(recorded->clock())));
    // Drawn exactly where the snapshot has them, at once.
    QVERIFY(!view.animating());
    view.renderFrame();
    QCOMPARE(view.vehiclesDrawn(), recorded->vehicles.size());
    for (const gui::VehicleSnap& v : recorded->vehicles) {
        const std::optional<QVector3D> at = view.vehicleShown(v.trip);
        QVERIFY(at.has_value());
        QCOMPARE(at->x(), v.x);
        QCOMPARE(at->y(), v.y);
        QCOMPARE(at->z(), v.z);
    }
    // The inspector shows the recorded state of a vehicle.
    const gui::VehicleSnap& first = recorded->vehicles.front();
    view.select({gui::Selection::Kind::Vehicle, first.trip});
    QCOMPARE(m_window->inspector()->value(QStringLiteral("speed")),
             QStringLiteral("%1 km/h").arg(first.speed * 3.6, 0, 'f', 0));
    // The simulation goes on meanwhile; the view stays on the recorded moment.
    const std::int64_t tick = snap()->tick;
    m_window->stepOnce();
    QVERIFY(test::waitFor([&] { return snap()->tick > tick; }, 5000));
    QTest::qWait(100);
    QCOMPARE(view.snapshotShown(), recorded);
    // Another moment, then back to live.
    timeline.slider()->setValue(0);
    QCOMPARE(view.snapshotShown(), history.snapshot(0));
    QTest::mouseClick(timeline.liveButton(), Qt::LeftButton);
    QVERIFY(timeline.live());
    QVERIFY(m_window->replayed() == nullptr);
    QCOMPARE(view.snapshotShown(), snap());
    QCOMPARE(timeline.slider()->value(), timeline.slider()->maximum());
    QCOMPARE(m_window->simToolbar()->clockText(), QString::fromStdString(gui::clockText(snap()->clock())));
    view.select({});
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestTrafficHistory test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_traffic_history.moc"
