// GUI test of a scenario on a SUMO network in the desktop app (tests/fixtures/scenarios/
// sumo_two_junctions.json: the hand-written two_junctions.net.xml and its route file): it loads
// without errors, the roads are drawn, a click on a road selects the link of that SUMO edge and
// the inspector names the edge, vehicles stand on SUMO's lane shapes (positions checked against
// the coordinates written in the .net.xml), play runs the trips to their arrival, the signal is
// drawn, links take speed colours, a closure made in the app names the SUMO edge. Runs under
// tools/with-display.sh (Xvfb + Mesa llvmpipe without a display).

#include <QtTest>

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include "city_view.h"
#include "citytwin/render/palette.h"
#include "citytwin/render/vehicle_layer.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "sim_history.h"
#include "sim_snapshot.h"
#include "sim_worker.h"
#include "surface_format.h"

using namespace ct;
using ct::test::countColor;
using ct::test::waitFor;

namespace {

const QString kScenario = QStringLiteral(CT_FIXTURES_DIR "/scenarios/sumo_two_junctions.json");

/// The centre lines of the car lanes as two_junctions.net.xml writes them (lane id -> first and
/// last point: every lane of the file is straight), and their lengths.
struct FileLane {
    const char* id;
    Vec2 a, b;
    double length;
};
constexpr FileLane kFileLanes[] = {
    {"WJ1_0", {0.0, -4.8}, {92.0, -4.8}, 92.0},      {"WJ1_1", {0.0, -1.6}, {92.0, -1.6}, 92.0},
    {"J1W_0", {92.0, 1.6}, {0.0, 1.6}, 92.0},        {"J1J2_0", {108.0, -4.8}, {192.0, -4.8}, 84.0},
    {"J1J2_1", {108.0, -1.6}, {192.0, -1.6}, 84.0},  {"J2J1_0", {192.0, 1.6}, {108.0, 1.6}, 84.0},
    {"J2E_1", {208.0, -1.6}, {300.0, -1.6}, 92.0},   {"EJ2_0", {300.0, 1.6}, {208.0, 1.6}, 92.0},
    {"NJ1_0", {98.4, 100.0}, {98.4, 8.0}, 92.0},     {"J1N_0", {101.6, 8.0}, {101.6, 100.0}, 92.0},
    {"SJ2_0", {201.6, -100.0}, {201.6, -8.0}, 92.0}, {"J2S_0", {198.4, -8.0}, {198.4, -100.0}, 92.0},
};

}  // namespace

class TestSumoView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void loadsTheNetworkAsACity();
    void roadsAreDrawn();
    void clickOnARoadInspectsItsEdge();
    void vehiclesStandOnTheSumoLanes();
    void vehiclesAppearInTheFrame();
    void clickOnAVehicleInspectsIt();
    void linksTakeSpeedColours();
    void closingAnEdgeIsSavedByItsId();
    void tripsArrive();
    void recordingReplaysTheRun();

private:
    std::shared_ptr<const gui::SimSnapshot> snap() const { return m_window->shownSnapshot(); }
    const gui::ScenarioSession& session() const { return *m_window->simulation()->session(); }
    void runTo(double t);

    std::unique_ptr<gui::MainWindow> m_window;
};

void TestSumoView::initTestCase() {
    QString why;
    m_window = test::openScenario(kScenario, &why, QSize(1200, 800), 60000);
    QVERIFY2(m_window != nullptr, qPrintable(why));
    QVERIFY(m_window->simulation() != nullptr);
}

void TestSumoView::cleanupTestCase() {
    m_window.reset();
}

void TestSumoView::runTo(double t) {
    m_window->setSimulationSpeed(0.0);
    m_window->playUntil(t);
    QVERIFY2(
        waitFor([&] { return snap() && snap()->time >= t - 1e-9 && snap()->state != gui::SimState::Playing; },
                30000),
        qPrintable(QStringLiteral("stuck at %1 s").arg(snap() ? snap()->time : -1.0)));
}

void TestSumoView::loadsTheNetworkAsACity() {
    QCOMPARE(m_window->diagnostics()->errorCount(), 0);
    const gui::ScenarioSession& s = session();
    QVERIFY(s.sumo());
    QCOMPARE(s.title, std::string("SUMO two junctions"));
    QCOMPARE(s.trips.size(), std::size_t{11});  // the route file's 11 vehicles
    const CityModel& city = *m_window->view()->city();
    // One link per SUMO edge (the ten of the file, all with car lanes), named by the edge id.
    QCOMPARE(city.roads.linkCount(), std::size_t{10});
    QCOMPARE(city.roads.linkCount(), s.network->linkCount());
    QCOMPARE(city.roads.nodeCount(), std::size_t{6});  // W, E, N, S, J1, J2 (not the internal one)
    for (std::uint32_t l = 0; l < city.roads.linkCount(); ++l) {
        QCOMPARE(city.roads.names[city.roads.linkName[l]], s.edgeIds[l]);
        QCOMPARE(city.roads.linkFrom[l], s.network->linkFrom[l]);
    }
    QCOMPARE(city.buildings.count(), std::size_t{0});
    QVERIFY(city.terrain.empty());
    // A SUMO edge is a one-way link of its car lanes: WJ1 has 2, J2E 1 (the sidewalk left out).
    const auto edge = [&](const char* id) {
        const auto it = std::find(s.edgeIds.begin(), s.edgeIds.end(), id);
        return static_cast<std::uint32_t>(it - s.edgeIds.begin());
    };
    QCOMPARE(city.roads.linkLanes[edge("WJ1")], std::uint8_t{2});
    QCOMPARE(city.roads.linkLanes[edge("J2E")], std::uint8_t{1});
    // Its shape is the middle of its lanes: WJ1's lanes lie at y = -4.8 and -1.6.
    const auto wj1 = city.roads.shape(LinkId(edge("WJ1")));
    QCOMPARE(wj1.size(), std::size_t{2});
    QVERIFY(std::abs(wj1.front().y + 3.2) < 1e-9 && std::abs(wj1.back().x - 92.0) < 1e-9);
    QVERIFY((city.roads.nodeFlags[s.network->linkTo[edge("WJ1")].index()] & node_flags::kSignalised) != 0);
    QCOMPARE(s.linkReference(LinkId(edge("J2S"))), std::string("edge:J2S"));
    // The scenario's closure of edge J2S at 600 s.
    QCOMPARE(s.events.size(), std::size_t{1});
    QCOMPARE(s.events.front().links.front().index(), edge("J2S"));
    // Paused at 0, the signal of J1 drawn.
    QCOMPARE(snap()->state, gui::SimState::Paused);
    QVERIFY(m_window->view()->signalsDrawn() > 0);
}

void TestSumoView::roadsAreDrawn() {
    gui::CityView& view = *m_window->view();
    const QImage frame = view.renderFrame();
    frame.save(QStringLiteral(CT_BINARY_DIR "/tst_sumo_view.png"));
    // The two-lane edges at 50 km/h are secondary roads, the one-lane ones tertiary, the side
    // roads at 30 km/h residential.
    int road = 0;
    for (RoadClass c : {RoadClass::Secondary, RoadClass::Tertiary, RoadClass::Residential}) {
        road += countColor(frame, render::roadColor(c));
    }
    qInfo("%d road pixels", road);
    QVERIFY2(road > 2000, qPrintable(QStringLiteral("%1 road pixels").arg(road)));
}

void TestSumoView::clickOnARoadInspectsItsEdge() {
    gui::CityView& view = *m_window->view();
    view.topDownView();
    view.renderFrame();
    const gui::ScenarioSession& s = session();
    // The middle of each edge's lanes, from the file: a click there selects its link.
    for (const char* edge : {"NJ1", "J1J2", "SJ2", "EJ2"}) {
        const std::uint32_t link = static_cast<std::uint32_t>(
            std::find(s.edgeIds.begin(), s.edgeIds.end(), edge) - s.edgeIds.begin());
        const auto shape = view.city()->roads.shape(LinkId(link));
        const Vec2 mid = (shape.front() + shape.back()) * 0.5;
        const std::optional<QPointF> at =
            view.projectToWidget(QVector3D(static_cast<float>(mid.x), static_cast<float>(mid.y), 0.2f));
        QVERIFY(at.has_value());
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at->toPoint());
        QCOMPARE(static_cast<int>(view.selection().kind), static_cast<int>(gui::Selection::Kind::Link));
        QCOMPARE(view.selection().id, link);
        QCOMPARE(m_window->inspector()->value(QStringLiteral("name")), QString::fromLatin1(edge));
    }
    view.select({});
    view.resetCamera();
}

void TestSumoView::vehiclesStandOnTheSumoLanes() {
    runTo(25.0);
    const gui::ScenarioSession& s = session();
    const traffic::TrafficNetwork& net = *s.network;
    QVERIFY(!snap()->vehicles.empty());
    int checked = 0;
    for (const gui::VehicleSnap& v : snap()->vehicles) {
        if (v.lane >= net.normalLaneCount) {
            continue;  // inside a junction
        }
        // The SUMO lane id: "<edge>_<index among the file's lanes>" (J2E's car lane is J2E_1).
        const LinkId link = net.laneLink[v.lane];
        const std::string& edge = s.edgeIds[link.index()];
        const int index = net.laneIndex[v.lane] + (edge == "J2E" ? 1 : 0);
        const std::string id = edge + "_" + std::to_string(index);
        const auto lane = std::find_if(std::begin(kFileLanes), std::end(kFileLanes),
                                       [&](const FileLane& f) { return id == f.id; });
        QVERIFY2(lane != std::end(kFileLanes), id.c_str());
        const double t = std::clamp(static_cast<double>(v.pos) / lane->length, 0.0, 1.0);
        const Vec2 expected = lane->a + (lane->b - lane->a) * t;
        const double off = std::hypot(v.x - expected.x, v.y - expected.y);
        QVERIFY2(off < 0.05, qPrintable(QStringLiteral("%1 at %2 m: (%3, %4), the file says (%5, %6)")
                                            .arg(QString::fromStdString(id))
                                            .arg(v.pos)
                                            .arg(v.x)
                                            .arg(v.y)
                                            .arg(expected.x)
                                            .arg(expected.y)));
        const double heading = std::atan2(lane->b.y - lane->a.y, lane->b.x - lane->a.x);
        QVERIFY(std::abs(std::remainder(v.heading - heading, 2.0 * M_PI)) < 1e-3);
        ++checked;
    }
    qInfo("%d vehicles on normal lanes where the .net.xml puts their lanes", checked);
    QVERIFY(checked >= 3);
}

void TestSumoView::vehiclesAppearInTheFrame() {
    gui::CityView& view = *m_window->view();
    QVERIFY(waitFor([&] { return !view.animating(); }, 3000));
    const QImage frame = view.renderFrame();
    frame.save(QStringLiteral(CT_BINARY_DIR "/tst_sumo_view_vehicles.png"));
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
        seen += countColor(frame, render::vehicleColor(v.vclass), (*at * dpr).toPoint(), 8) > 0 ? 1 : 0;
    }
    qInfo("%d of %d vehicles in view found in the frame in their class colour", seen, vehicles);
    QVERIFY(vehicles > 0);
    QVERIFY2(seen * 10 >= vehicles * 7, qPrintable(QStringLiteral("only %1 of %2").arg(seen).arg(vehicles)));
}

void TestSumoView::clickOnAVehicleInspectsIt() {
    gui::CityView& view = *m_window->view();
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
    // The SUMO vehicle id, and the edge it drives on by its id.
    QCOMPARE(m_window->inspector()->value(QStringLiteral("trip id")),
             QString::fromStdString(session().trips[v.trip].id));
    view.select({});
    view.resetCamera();
}

void TestSumoView::linksTakeSpeedColours() {
    runTo(60.0);
    const auto& speeds = snap()->linkSpeed;
    QCOMPARE(speeds.size(), std::size_t{10});
    QVERIFY(std::any_of(speeds.begin(), speeds.end(), [](float v) { return std::isfinite(v); }));
    gui::CityView& view = *m_window->view();
    const QImage byClass = view.renderFrame();
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::BySpeed);
    const QImage bySpeed = view.renderFrame();
    int coloured = 0;
    for (double ratio : {0.0, 0.3, 0.6, 1.0}) {
        coloured += countColor(bySpeed, render::speedRatioColor(ratio)) -
                    countColor(byClass, render::speedRatioColor(ratio));
    }
    QVERIFY2(coloured > 50, qPrintable(QStringLiteral("%1 more pixels in speed colours").arg(coloured)));
    m_window->layers()->setRoadColoring(gui::CityView::RoadColoring::ByClass);
}

void TestSumoView::closingAnEdgeIsSavedByItsId() {
    // Close J2S by hand (the inspector's Close link now): the edit names the SUMO edge, and a
    // scenario saved with it loads again with the closure on that edge.
    const gui::ScenarioSession& s = session();
    const auto j2s =
        static_cast<std::uint32_t>(std::find(s.edgeIds.begin(), s.edgeIds.end(), "J2S") - s.edgeIds.begin());
    QVERIFY(m_window->editLink(j2s, true));
    m_window->simulation()->step(1);
    QVERIFY(waitFor([&] { return snap()->linkClosed(j2s); }, 5000));
    QVERIFY(snap()->edits && !snap()->edits->empty());
    QCOMPARE(snap()->edits->back().ref, std::string("edge:J2S"));
    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("edited.json"));
    QString error;
    QVERIFY2(m_window->saveScenarioAs(saved, &error), qPrintable(error));
    const gui::SessionLoad again = gui::loadScenarioSession(saved.toStdString(), CT_ASSETS_DIR);
    QVERIFY2(again.session, again.report.summary().c_str());
    QCOMPARE(again.session->events.size(), std::size_t{2});  // the file's closure at 600 s and ours
    QCOMPARE(again.session->events.front().links.front().index(), j2s);
    QVERIFY(m_window->editLink(j2s, false));
    m_window->simulation()->step(1);
    QVERIFY(waitFor([&] { return !snap()->linkClosed(j2s); }, 5000));
}

void TestSumoView::tripsArrive() {
    // Played on, every vehicle of the route file arrives (SUMO runs all 11 of them) and the run
    // ends early, its trips done.
    m_window->setSimulationSpeed(0.0);
    m_window->play();
    QVERIFY(waitFor([&] { return snap()->state == gui::SimState::Finished; }, 30000));
    qInfo("%llu inserted, %llu arrived by %.0f s", static_cast<unsigned long long>(snap()->counters.inserted),
          static_cast<unsigned long long>(snap()->counters.arrived), snap()->time);
    QCOMPARE(snap()->counters.arrived, std::uint64_t{11});
    QVERIFY(snap()->vehicles.empty());
    QVERIFY(snap()->error.empty());
}

void TestSumoView::recordingReplaysTheRun() {
    // A recording of the SUMO run reopens through the same loader (the .net.xml and route
    // files) and replays every recorded moment with the same vehicles at the same places.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sumo.ctrec"));
    QString error;
    QVERIFY2(m_window->saveRecordingAs(path, &error), qPrintable(error));
    const gui::SimHistory& live = m_window->history();
    QVERIFY(live.snapshotCount() >= 5);

    gui::MainWindow replay(QStringLiteral(CT_ASSETS_DIR));
    replay.resize(1000, 700);
    replay.show();
    QVERIFY(QTest::qWaitForWindowExposed(&replay));
    QSignalSpy finished(&replay, &gui::MainWindow::loadFinished);
    QVERIFY(replay.openRecording(path));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(replay.diagnostics()->summary()));
    QVERIFY(replay.recordingOpen());
    const gui::SimHistory& again = replay.history();
    QCOMPARE(again.snapshotCount(), live.snapshotCount());
    std::size_t vehicles = 0;
    for (std::size_t i = 0; i < again.snapshotCount(); ++i) {
        const gui::SimSnapshot& a = *live.snapshot(i);
        const gui::SimSnapshot& b = *again.snapshot(i);
        QCOMPARE(b.time, a.time);
        QCOMPARE(b.vehicles.size(), a.vehicles.size());
        for (std::size_t k = 0; k < a.vehicles.size(); ++k) {
            QCOMPARE(b.vehicles[k].trip, a.vehicles[k].trip);
            QCOMPARE(b.vehicles[k].lane, a.vehicles[k].lane);
            QCOMPARE(b.vehicles[k].x, a.vehicles[k].x);
            QCOMPARE(b.vehicles[k].y, a.vehicles[k].y);
        }
        vehicles += a.vehicles.size();
    }
    QVERIFY(vehicles > 0);
    // The replayed city is the SUMO network's: links named by edge id.
    QCOMPARE(replay.view()->city()->roads.linkCount(), m_window->view()->city()->roads.linkCount());
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestSumoView test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_sumo_view.moc"
