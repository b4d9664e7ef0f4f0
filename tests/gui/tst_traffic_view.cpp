// GUI test of live traffic in the desktop app: a scenario loads paused, the simulation thread
// plays, pauses and steps, vehicles move and show in the frame, links take speed colours, the
// dashboard fills, a click selects and inspects a building or a vehicle, and the thread ends
// with the window. Runs under tools/with-display.sh (Xvfb + Mesa llvmpipe without a display).

#include <QtTest>

#include <map>

#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include "city_view.h"
#include "citytwin/render/palette.h"
#include "citytwin/render/vehicle_layer.h"
#include "citytwin/sim/city_model.h"
#include "dashboard_panel.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "sim_snapshot.h"
#include "sim_toolbar.h"
#include "sim_worker.h"
#include "surface_format.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_GUI_FIXTURES_DIR "/gui_town.json");

}  // namespace

class TestTrafficView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void scenarioLoadsPaused();
    void stepAdvancesExactlyOneStep();
    void playAdvancesTheClockAtTheChosenSpeed();
    void pauseStopsTheClock();
    void vehiclesMoveBetweenSnapshots();
    void framesBetweenTicksAreInterpolated();
    void vehiclesAppearInTheFrame();
    void linksTakeSpeedColours();
    void dashboardShowsVitalSigns();
    void clickSelectsABuilding();
    void clickSelectsAVehicle();
    void screenshotWritesAPng();
    void brokenScenarioKeepsTheRunningOne();
    void workerStopsWhenTheWindowCloses();

private:
    std::shared_ptr<const gui::SimSnapshot> snap() const { return m_window->shownSnapshot(); }
    /// Runs the simulation flat out to simulated time `t` and waits until it is shown.
    void runTo(double t);

    std::unique_ptr<gui::MainWindow> m_window;
};

void TestTrafficView::initTestCase() {
    QString why;
    m_window = test::openScenario(kScenario, &why, QSize(1200, 800), 60000);
    QVERIFY2(m_window != nullptr, qPrintable(why));
    QVERIFY(m_window->simulation() != nullptr);
}

void TestTrafficView::cleanupTestCase() {
    m_window.reset();
}

void TestTrafficView::runTo(double t) {
    m_window->setSimulationSpeed(0.0);
    m_window->playUntil(t);
    QVERIFY2(
        test::waitFor(
            [&] { return snap() && snap()->time >= t - 1e-9 && snap()->state != gui::SimState::Playing; },
            20000),
        qPrintable(QStringLiteral("stuck at %1 s").arg(snap() ? snap()->time : -1.0)));
}

void TestTrafficView::scenarioLoadsPaused() {
    QCOMPARE(snap()->time, 0.0);
    QCOMPARE(snap()->state, gui::SimState::Paused);
    QCOMPARE(m_window->simToolbar()->clockText(), QStringLiteral("08:00:00"));
    QVERIFY(m_window->simToolbar()->playAction()->isEnabled());
    QCOMPARE(m_window->simulation()->session()->trips.size(), std::size_t{36});
    QVERIFY(m_window->view()->signalsDrawn() > 0);  // the town's signalised junction
    QTest::qWait(300);
    QCOMPARE(snap()->tick, std::int64_t{0});  // nothing runs before Play
}

void TestTrafficView::stepAdvancesExactlyOneStep() {
    const std::int64_t tick = snap()->tick;
    const double time = snap()->time;
    m_window->stepOnce();
    QVERIFY(test::waitFor([&] { return snap()->tick > tick; }, 5000));
    QTest::qWait(300);
    QCOMPARE(snap()->tick, tick + 1);
    QCOMPARE(snap()->time, time + snap()->step);
    QCOMPARE(snap()->state, gui::SimState::Paused);
    // The toolbar's Step does the same.
    m_window->simToolbar()->stepAction()->trigger();
    QVERIFY(test::waitFor([&] { return snap()->tick > tick + 1; }, 5000));
    QTest::qWait(200);
    QCOMPARE(snap()->tick, tick + 2);
    QCOMPARE(m_window->simToolbar()->clockText(),
             QString::fromStdString(gui::clockText(8 * 3600 + snap()->time)));
}

void TestTrafficView::playAdvancesTheClockAtTheChosenSpeed() {
    // At 10x, 1.5 s of wall time are about 15 simulated seconds (1x is real time).
    const double t0 = snap()->time;
    m_window->setSimulationSpeed(10.0);
    QElapsedTimer wall;
    wall.start();
    m_window->play();
    QTest::qWait(1500);
    const double simulated = snap()->time - t0;
    const double elapsed = static_cast<double>(wall.elapsed()) / 1000.0;
    qInfo("10x: %.1f simulated s in %.2f wall s", simulated, elapsed);
    QVERIFY2(simulated >= 0.6 * 10.0 * elapsed - 1.0 && simulated <= 10.0 * elapsed + 1.0,
             qPrintable(QStringLiteral("%1 s simulated in %2 s").arg(simulated).arg(elapsed)));
    QCOMPARE(snap()->state, gui::SimState::Playing);
    QVERIFY(m_window->simToolbar()->clockText() != QStringLiteral("08:00:00"));
}

void TestTrafficView::pauseStopsTheClock() {
    m_window->pause();
    QVERIFY(test::waitFor([&] { return snap()->state == gui::SimState::Paused; }, 3000));
    const std::int64_t tick = snap()->tick;
    QTest::qWait(600);
    QCOMPARE(snap()->tick, tick);
    QCOMPARE(m_window->simulation()->latest()->tick, tick);
}

void TestTrafficView::vehiclesMoveBetweenSnapshots() {
    // Vehicles are on the road by now (trips depart every 4 s); the positions of the same
    // vehicle differ between two snapshots a few steps apart.
    QVERIFY(!snap()->vehicles.empty());
    const std::shared_ptr<const gui::SimSnapshot> before = snap();
    m_window->simulation()->step(3);
    QVERIFY(test::waitFor([&] { return snap()->tick >= before->tick + 3; }, 5000));
    const std::shared_ptr<const gui::SimSnapshot> after = snap();
    int moved = 0;
    int common = 0;
    for (const gui::VehicleSnap& v : after->vehicles) {
        if (const gui::VehicleSnap* w = before->find(v.trip)) {
            ++common;
            moved += std::hypot(v.x - w->x, v.y - w->y) > 0.5 ? 1 : 0;
        }
    }
    QVERIFY(common > 0);
    QVERIFY2(moved > 0, "no vehicle moved in three steps");
    // World positions lie inside the town.
    const Box2 box = m_window->view()->city()->extent;
    for (const gui::VehicleSnap& v : after->vehicles) {
        QVERIFY(v.x >= box.min.x - 10 && v.x <= box.max.x + 10 && v.y >= box.min.y - 10 &&
                v.y <= box.max.y + 10);
    }
    // The view draws them once it has caught up.
    QVERIFY(test::waitFor([&] { return !m_window->view()->animating(); }, 3000));
    m_window->view()->renderFrame();
    QCOMPARE(m_window->view()->vehiclesDrawn(), after->vehicles.size());
}

void TestTrafficView::framesBetweenTicksAreInterpolated() {
    // Paused, caught up: the view shows the snapshot's positions.
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor([&] { return !view.animating(); }, 3000));
    view.renderFrame();
    const std::shared_ptr<const gui::SimSnapshot> before = snap();
    // A moving vehicle far from the end of its lane, likely still driving after the step.
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    const auto room = [&](const gui::VehicleSnap& v) { return net.laneLength[v.lane] - v.pos; };
    const auto moving =
        std::max_element(before->vehicles.begin(), before->vehicles.end(),
                         [&](const gui::VehicleSnap& a, const gui::VehicleSnap& b) {
                             return (a.speed > 2.0f ? room(a) : -1.0f) < (b.speed > 2.0f ? room(b) : -1.0f);
                         });
    if (moving == before->vehicles.end() || moving->speed <= 2.0f) {
        QSKIP("no moving vehicle at this moment");
    }
    const std::uint32_t trip = moving->trip;
    const QVector3D p0(moving->x, moving->y, moving->z);
    QVERIFY(view.vehicleShown(trip).has_value());
    QVERIFY((*view.vehicleShown(trip) - p0).length() < 1e-3f);

    // One step: the next frames move the vehicle from where it was towards its new position
    // (a single step glides in over a quarter second), never past it.
    QElapsedTimer wall;
    m_window->stepOnce();
    QVERIFY(test::waitFor([&] { return snap()->tick > before->tick; }, 5000));
    wall.start();
    view.renderFrame();
    const qint64 firstFrameMs = wall.elapsed();
    const gui::VehicleSnap* after = snap()->find(trip);
    if (after == nullptr) {
        QSKIP("the vehicle arrived in this step");
    }
    const QVector3D p1(after->x, after->y, after->z);
    const std::optional<QVector3D> mid = view.vehicleShown(trip);
    QVERIFY(mid.has_value());
    const float detour = (*mid - p0).length() + (p1 - *mid).length() - (p1 - p0).length();
    qInfo("moved %.2f m in the step; the frame %lld ms after the snapshot shows it %.2f m along",
          (p1 - p0).length(), static_cast<long long>(firstFrameMs), (*mid - p0).length());
    QVERIFY2(detour < 0.05f, "the vehicle left the line between its two positions");
    if (firstFrameMs < 100) {
        QVERIFY2((p1 - *mid).length() > 0.01f,
                 "the first frame after the step already shows the end position");
    }
    // A little later it has come further along the same line.
    QTest::qWait(100);
    view.renderFrame();
    const QVector3D later = *view.vehicleShown(trip);
    QVERIFY((later - p0).length() + (p1 - later).length() - (p1 - p0).length() < 0.05f);
    QVERIFY2((later - p0).length() > (*mid - p0).length() || (p1 - later).length() < 1e-3f,
             "the vehicle did not move on between two frames");
    QVERIFY(test::waitFor([&] { return !view.animating(); }, 3000));
    view.renderFrame();
    QVERIFY((*view.vehicleShown(trip) - p1).length() < 1e-3f);
}

void TestTrafficView::vehiclesAppearInTheFrame() {
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor([&] { return !view.animating(); }, 3000));
    const QImage frame = view.renderFrame();
    frame.save(QStringLiteral(CT_BINARY_DIR "/tst_traffic_view.png"));
    // Near each vehicle's projected position there are pixels of its class colour.
    int vehicles = 0;
    int seen = 0;
    const double dpr = view.devicePixelRatioF();
    for (const gui::VehicleSnap& v : snap()->vehicles) {
        const double half = 0.5 * render::vehicleSize(v.vclass).length;
        const QVector3D body(v.x - static_cast<float>(half * std::cos(v.heading)),
                             v.y - static_cast<float>(half * std::sin(v.heading)), v.z + 0.7f);
        const std::optional<QPointF> at = view.projectToWidget(body);
        if (!at || at->x() < 0 || at->y() < 0 || at->x() >= view.width() || at->y() >= view.height()) {
            continue;
        }
        ++vehicles;
        seen += test::countColor(frame, render::vehicleColor(v.vclass), (*at * dpr).toPoint(), 8) > 0 ? 1 : 0;
    }
    qInfo("%d of %d vehicles in view found in the frame in their class colour", seen, vehicles);
    QVERIFY(vehicles > 0);
    QVERIFY2(seen * 10 >= vehicles * 7,
             qPrintable(QStringLiteral("only %1 of %2 vehicles drawn").arg(seen).arg(vehicles)));
    const render::Rgb car = render::vehicleColor(traffic::VehicleClass::Car);
    // And they go with the layer.
    const int withCars = test::countColor(frame, car);
    m_window->layers()->checkBox(gui::CityView::Layer::Vehicles)->setChecked(false);
    QVERIFY(!view.layerVisible(gui::CityView::Layer::Vehicles));
    const int without = test::countColor(view.renderFrame(), car);
    QVERIFY2(without * 10 < withCars,
             qPrintable(QStringLiteral("%1 car pixels with, %2 without").arg(withCars).arg(without)));
    m_window->layers()->checkBox(gui::CityView::Layer::Vehicles)->setChecked(true);
}

void TestTrafficView::linksTakeSpeedColours() {
    runTo(60.0);
    // Some link has a live speed now.
    const auto& speeds = snap()->linkSpeed;
    QVERIFY(std::any_of(speeds.begin(), speeds.end(), [](float v) { return std::isfinite(v); }));
    gui::CityView& view = *m_window->view();
    const QImage byClass = view.renderFrame();
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::BySpeed);
    QCOMPARE(view.roadColoring(), gui::CityView::RoadColoring::BySpeed);
    const QImage bySpeed = view.renderFrame();
    // The no-data grey appears on the links without traffic, and speed colours on the others.
    int coloured = 0;
    for (double ratio : {0.0, 0.3, 0.6, 1.0}) {
        coloured += test::countColor(bySpeed, render::speedRatioColor(ratio)) -
                    test::countColor(byClass, render::speedRatioColor(ratio));
    }
    QVERIFY2(coloured > 50, qPrintable(QStringLiteral("%1 more pixels in speed colours").arg(coloured)));

    // Delay index: limit / mean speed of the last minute, on the same ramp as the legend.
    const CityModel& city = *view.city();
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::ByDelay);
    QCOMPARE(view.roadColoring(), gui::CityView::RoadColoring::ByDelay);
    view.renderFrame();
    int checkedDelay = 0;
    for (std::uint32_t l = 0; l < speeds.size(); ++l) {
        if (std::isfinite(speeds[l]) && speeds[l] > 0.1f) {
            const double index = city.roads.linkSpeed[l] / speeds[l];
            const render::Rgb want = render::delayIndexColor(index);
            const render::Rgb got = view.linkColorShown(l);
            QVERIFY(std::abs(got.r - want.r) < 1e-6f && std::abs(got.g - want.g) < 1e-6f);
            ++checkedDelay;
        }
    }
    QVERIFY(checkedDelay > 0);
    // A free-flowing link is green, one at a third of its limit red (hand-computed ramp).
    QCOMPARE(render::delayIndexColor(1.0).g, render::delayIndexColor(0.8).g);
    QVERIFY(render::delayIndexColor(1.0).g > 0.6f && render::delayIndexColor(1.0).r < 0.2f);
    QVERIFY(render::delayIndexColor(3.0).r > 0.7f && render::delayIndexColor(3.0).g < 0.1f);

    // Density: the vehicles on a link's lanes now, per km and lane.
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::ByDensity);
    view.renderFrame();
    const traffic::TrafficNetwork& net = *m_window->simulation()->session()->network;
    std::map<std::uint32_t, int> onLink;
    for (const gui::VehicleSnap& v : snap()->vehicles) {
        if (v.lane < net.normalLaneCount) {
            ++onLink[net.laneLink[v.lane].index()];
        }
    }
    QVERIFY(!onLink.empty());
    for (const auto& [l, n] : onLink) {
        const double k = n / (city.roads.linkLength[l] / 1000.0 * std::max<int>(city.roads.linkLanes[l], 1));
        const render::Rgb want = render::densityColor(k);
        const render::Rgb got = view.linkColorShown(l);
        QVERIFY2(std::abs(got.r - want.r) < 1e-6f && std::abs(got.g - want.g) < 1e-6f,
                 qPrintable(QStringLiteral("link %1: %2 vehicles").arg(l).arg(n)));
    }
    const int dense = test::countColor(view.renderFrame(), render::densityColor(0.0));
    QVERIFY2(dense > 50, qPrintable(QStringLiteral("%1 pixels of empty-link green").arg(dense)));
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::ByClass);
}

void TestTrafficView::dashboardShowsVitalSigns() {
    runTo(130.0);
    QVERIFY(test::waitFor(
        [&] { return m_window->dashboard()->pointCount(gui::DashboardPanel::Sign::Running) >= 2; }, 3000));
    using Sign = gui::DashboardPanel::Sign;
    for (Sign s : {Sign::Running, Sign::MeanSpeed, Sign::DelayIndex, Sign::TripsCompleted, Sign::Co2Rate}) {
        QCOMPARE(m_window->dashboard()->pointCount(s), static_cast<int>(snap()->kpis.size()));
    }
    QVERIFY(m_window->dashboard()->latestValue(Sign::TripsCompleted) > 0.0);
    QVERIFY(m_window->dashboard()->latestValue(Sign::MeanSpeed) > 5.0);  // km/h
    QVERIFY(m_window->dashboard()->latestValue(Sign::DelayIndex) >= 1.0);
}

void TestTrafficView::clickSelectsABuilding() {
    gui::CityView& view = *m_window->view();
    view.topDownView();
    view.renderFrame();
    const CityModel& city = *view.city();
    QVERIFY(city.buildings.count() >= 2);
    for (std::uint32_t b = 0; b < city.buildings.count(); ++b) {
        // The middle of the roof, seen from above.
        const Vec2 c = city.buildings.centroid[b];
        const std::optional<QPointF> at = view.projectToWidget(
            QVector3D(static_cast<float>(c.x), static_cast<float>(c.y), city.buildings.height[b]));
        QVERIFY(at.has_value());
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at->toPoint());
        QCOMPARE(static_cast<int>(view.selection().kind), static_cast<int>(gui::Selection::Kind::Building));
        QCOMPARE(view.selection().id, b);
        // The inspector shows its attributes.
        const gui::InspectorPanel& inspector = *m_window->inspector();
        QCOMPARE(inspector.heading(), QStringLiteral("Building %1").arg(b));
        QCOMPARE(inspector.value(QStringLiteral("id")), QString::number(b));
        QCOMPARE(inspector.value(QStringLiteral("use")),
                 QString::fromLatin1(toString(city.buildings.use[b])));
        QCOMPARE(inspector.value(QStringLiteral("residents")), QString::number(city.buildings.residents[b]));
        QCOMPARE(inspector.value(QStringLiteral("jobs")), QString::number(city.buildings.jobs[b]));
        QVERIFY(inspector.value(QStringLiteral("height"))
                    .startsWith(QString::number(city.buildings.height[b], 'f', 1)));
        QVERIFY(m_window->inspectorDock()->isVisible());
    }
    // The house of the small town is 7.5 m high ("height" = "7.5 m").
    const QImage highlighted = view.renderFrame();
    QVERIFY(test::countColor(highlighted, render::highlightColor()) > 20);
    // A click on empty ground clears the selection.
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, QPoint(5, 5));
    QVERIFY(view.selection().empty());
    QCOMPARE(m_window->inspector()->rowCount(), 0);
}

void TestTrafficView::clickSelectsAVehicle() {
    gui::CityView& view = *m_window->view();
    // Vehicles are running again after a few steps.
    m_window->simulation()->step(1);
    QVERIFY(test::waitFor([&] { return !snap()->vehicles.empty() && !view.animating(); }, 5000));
    if (snap()->vehicles.empty()) {
        QSKIP("no vehicle on the road at this moment");
    }
    view.renderFrame();
    const gui::VehicleSnap v = snap()->vehicles.front();
    const double half = 0.5 * render::vehicleSize(v.vclass).length;
    const std::optional<QPointF> at =
        view.projectToWidget(QVector3D(v.x - static_cast<float>(half * std::cos(v.heading)),
                                       v.y - static_cast<float>(half * std::sin(v.heading)), v.z + 0.8f));
    QVERIFY(at.has_value());
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at->toPoint());
    QCOMPARE(static_cast<int>(view.selection().kind), static_cast<int>(gui::Selection::Kind::Vehicle));
    QCOMPARE(view.selection().id, v.trip);
    const std::string& id = m_window->simulation()->session()->trips[v.trip].id;
    QCOMPARE(m_window->inspector()->value(QStringLiteral("trip id")), QString::fromStdString(id));
    QVERIFY(m_window->inspector()->value(QStringLiteral("speed")).endsWith(QStringLiteral("km/h")));
    view.select({});
    view.resetCamera();
}

void TestTrafficView::screenshotWritesAPng() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shot.png"));
    QVERIFY(m_window->saveScreenshot(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_window->view()->size() * m_window->view()->devicePixelRatio());
    const QString window = dir.filePath(QStringLiteral("window.png"));
    QVERIFY(m_window->saveScreenshot(window, true));
    QCOMPARE(QImage(window).size(), m_window->size() * m_window->devicePixelRatio());
}

void TestTrafficView::brokenScenarioKeepsTheRunningOne() {
    gui::SimWorker* running = m_window->simulation();
    const auto city = m_window->view()->city();
    QSignalSpy finished(m_window.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_window->loadScenario(QStringLiteral(CT_FIXTURES_DIR "/scenarios/bad_scenario.json")));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(m_window->simulation(), running);
    QCOMPARE(m_window->view()->city(), city);
    QVERIFY(m_window->diagnostics()->errorCount() > 0);
    QVERIFY(running->threadRunning());
}

void TestTrafficView::workerStopsWhenTheWindowCloses() {
    auto window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QSignalSpy finished(window.get(), &gui::MainWindow::loadFinished);
    QVERIFY(window->loadScenario(kScenario));
    QVERIFY(finished.wait(60000));
    QVERIFY(finished.at(0).at(0).toBool());
    gui::SimWorker* worker = window->simulation();
    QVERIFY(worker->threadRunning());
    window->setSimulationSpeed(1.0);
    window->play();  // mid-run: the worker sleeps between paced steps
    QTest::qWait(200);
    QElapsedTimer t;
    t.start();
    QVERIFY(window->close());
    QVERIFY(!worker->threadRunning());
    qInfo("the simulation thread ended %lld ms after close", static_cast<long long>(t.elapsed()));
    QVERIFY(t.elapsed() < 2000);
    window.reset();  // and the window goes without waiting for anything
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestTrafficView test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_traffic_view.moc"
