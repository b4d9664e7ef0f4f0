// GUI test on a real OpenStreetMap extract: the centre of Neubrandenburg
// (assets/osm/neubrandenburg_center.osm.pbf, ODbL, (c) OpenStreetMap contributors) with its
// morning-peak scenario. The town loads without errors (the data's own problems are listed as
// warnings), renders with its buildings, a search and a click find a building named in the OSM
// file and the inspector shows its OSM way id, and the traffic runs on the real street network.
// The expectations come from the OSM file itself (names, way ids), read with osmium-tool.
// Runs under tools/with-display.sh.

#include <QtTest>

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "city_view.h"
#include "citytwin/gis/city_loader.h"
#include "citytwin/render/building_colors.h"
#include "citytwin/render/palette.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "search_box.h"
#include "sim_snapshot.h"
#include "sim_worker.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_ASSETS_DIR "/../scenarios/neubrandenburg_peak.json");

}  // namespace

class TestRealOsm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void townLoadsWithItsWarnings();
    void townRenders();
    void searchAndClickFindANamedBuilding();
    void trafficRunsOnTheRealStreets();
    void buildingsColouredByHeight();
    void newScenarioOnTheOpenedCity();

private:
    std::shared_ptr<const gui::SimSnapshot> snap() const { return m_window->shownSnapshot(); }
    std::unique_ptr<gui::MainWindow> m_window;
};

void TestRealOsm::initTestCase() {
    QString why;
    m_window = test::openScenario(kScenario, &why, QSize(1200, 800), 120000);
    QVERIFY2(m_window != nullptr, qPrintable(why));
}

void TestRealOsm::cleanupTestCase() {
    m_window.reset();
}

void TestRealOsm::townLoadsWithItsWarnings() {
    const CityModel& city = *m_window->view()->city();
    // The extract holds 5,454 building ways and relations (osmium); a few are not footprints.
    QVERIFY(city.buildings.count() > 5000);
    QVERIFY(city.roads.linkCount() > 6000);
    QVERIFY(city.facilities.count() >= 30);
    // The data's problems (turn restrictions through a via way, signals away from junctions) are
    // warnings in the diagnostics dock, not errors.
    const QString summary = m_window->diagnostics()->summary();
    QVERIFY2(summary.contains(QStringLiteral("0 error(s)")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("warning")), qPrintable(summary));
    QVERIFY(m_window->simulation() != nullptr);
    QVERIFY(m_window->simulation()->session()->trips.size() > 5000);
}

void TestRealOsm::townRenders() {
    gui::CityView& view = *m_window->view();
    view.resetCamera();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    const QImage frame = view.renderFrame();
    frame.save(QStringLiteral(CT_BINARY_DIR "/tst_real_osm.png"));
    // Residential roofs and walls (most of the town) cover a good part of the overview.
    const int residential = test::countColor(frame, render::buildingColor(BuildingUse::Residential));
    qInfo("residential pixels %d of %lld", residential,
          static_cast<long long>(frame.width()) * frame.height());
    QVERIFY(residential > 2000);
}

void TestRealOsm::searchAndClickFindANamedBuilding() {
    // OSM way 23559521: building=church, name "Konzertkirche (Marienkirche)", inside the ring wall.
    gui::SearchBox& box = *m_window->searchBox();
    box.search(QStringLiteral("konzertkirche"));
    QVERIFY(!box.hits().empty());
    const gui::SearchHit hit = box.hits().front();
    QCOMPARE(static_cast<int>(hit.target.kind), static_cast<int>(gui::Selection::Kind::Building));
    QVERIFY(box.choose(0));
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    gui::InspectorPanel& inspector = *m_window->inspector();
    QCOMPARE(inspector.value(QStringLiteral("name")), QStringLiteral("Konzertkirche (Marienkirche)"));
    QCOMPARE(inspector.value(QStringLiteral("source feature")), QStringLiteral("23559521"));

    // Where the flight ended, a click on the middle of its roof selects it again.
    view.select({});
    view.renderFrame();
    const CityModel& city = *view.city();
    const std::uint32_t b = hit.target.id;
    const Vec2 c = city.buildings.centroid[b];
    const std::optional<QPointF> at = view.projectToWidget(
        QVector3D(static_cast<float>(c.x), static_cast<float>(c.y), city.buildings.height[b]));
    QVERIFY(at.has_value());
    QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, at->toPoint());
    QVERIFY2(view.selection() == (gui::Selection{gui::Selection::Kind::Building, b}),
             qPrintable(QStringLiteral("picked %1 %2 at %3,%4")
                            .arg(QString::fromLatin1(gui::toString(view.selection().kind)))
                            .arg(view.selection().id)
                            .arg(at->x())
                            .arg(at->y())));
    QCOMPARE(inspector.value(QStringLiteral("source feature")), QStringLiteral("23559521"));

    // A street by its name: the ring road around the old town.
    box.search(QStringLiteral("Friedrich-Engels-Ring"));
    QVERIFY(!box.hits().empty());
    QCOMPARE(box.hits().front().label, QStringLiteral("Friedrich-Engels-Ring"));
    view.select({});
}

void TestRealOsm::trafficRunsOnTheRealStreets() {
    // 06:30 -> 06:45 as fast as it goes: commuters are on the road and some have arrived.
    m_window->setSimulationSpeed(0.0);
    m_window->playUntil(900.0);
    QVERIFY(test::waitFor(
        [&] { return snap()->time >= 900.0 - 1e-9 && snap()->state != gui::SimState::Playing; }, 60000));
    const traffic::Counters& c = snap()->counters;
    qInfo("at 06:45: %llu inserted, %llu arrived, %zu on the road",
          static_cast<unsigned long long>(c.inserted), static_cast<unsigned long long>(c.arrived),
          snap()->vehicles.size());
    QVERIFY(snap()->vehicles.size() > 50);
    QVERIFY(c.arrived > 50);
    QCOMPARE(c.inserted, c.arrived + c.running + c.removed);
    // Vehicles are drawn where the engine has them.
    gui::CityView& view = *m_window->view();
    view.resetCamera();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    view.renderFrame();
    QCOMPARE(view.vehiclesDrawn(), snap()->vehicles.size());
}

void TestRealOsm::buildingsColouredByHeight() {
    gui::CityView& view = *m_window->view();
    const CityModel& city = *view.city();
    view.resetCamera();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    const render::Rgb darkest = render::attributeColor(1.0);
    const int darkBefore = test::countColor(view.renderFrame(), darkest);

    // As a user does: the Layers dock's "Buildings coloured by" box.
    QComboBox* box = m_window->layers()->buildingColoringBox();
    box->setCurrentIndex(box->findData(static_cast<int>(gui::CityView::BuildingColoring::ByHeight)));
    QCOMPARE(view.buildingColoring(), gui::CityView::BuildingColoring::ByHeight);
    // The ramp's top is the 95th percentile of the heights (so a few towers do not wash out the
    // rest); every building's colour is its height's place on the ramp.
    std::vector<double> heights(city.buildings.height.begin(), city.buildings.height.end());
    const auto k = static_cast<std::ptrdiff_t>(0.95 * static_cast<double>(heights.size() - 1));
    std::nth_element(heights.begin(), heights.begin() + k, heights.end());
    const gui::CityView::BuildingScale scale = view.buildingScale();
    QCOMPARE(scale.unit, QStringLiteral("m"));
    QCOMPARE(scale.top, heights[static_cast<std::size_t>(k)]);
    int saturated = 0;
    for (std::uint32_t b = 0; b < city.buildings.count(); ++b) {
        const render::Rgb want = render::attributeColor(city.buildings.height[b] / scale.top);
        const render::Rgb got = view.buildingColorShown(b);
        QVERIFY(got.r == want.r && got.g == want.g && got.b == want.b);
        saturated += city.buildings.height[b] >= scale.top ? 1 : 0;
    }
    QVERIFY(saturated > 0);
    // The tallest buildings turn dark purple in the frame.
    const int darkAfter = test::countColor(view.renderFrame(), darkest);
    qInfo("ramp top %.1f m, %d buildings at the top; dark pixels %d -> %d", scale.top, saturated, darkBefore,
          darkAfter);
    QVERIFY(darkAfter > darkBefore + 50);

    // Back to use: the palette again.
    box->setCurrentIndex(box->findData(static_cast<int>(gui::CityView::BuildingColoring::ByUse)));
    for (std::uint32_t b = 0; b < city.buildings.count(); b += 97) {
        const render::Rgb want = render::buildingColor(city.buildings.use[b]);
        const render::Rgb got = view.buildingColorShown(b);
        QVERIFY(got.r == want.r && got.g == want.g && got.b == want.b);
    }
    QVERIFY(test::countColor(view.renderFrame(), darkest) <= darkBefore + 10);
}

void TestRealOsm::newScenarioOnTheOpenedCity() {
    // The scenario's trips, to compare with the one the app writes.
    const auto bundled = m_window->simulation()->session();
    const std::size_t bundledTrips = bundled->trips.size();
    const traffic::Trip first = bundled->trips.front();
    const traffic::Trip last = bundled->trips.back();

    // Open the OSM file as a city: no demand, so no simulation; the app offers a new scenario.
    gis::LoadOptions options;
    options.vectorSources = {CT_ASSETS_DIR "/osm/neubrandenburg_center.osm.pbf"};
    QSignalSpy finished(m_window.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_window->loadCity(options));
    QVERIFY(finished.wait(60000));
    QVERIFY(finished.at(0).at(0).toBool());
    QVERIFY(m_window->simulation() == nullptr);
    QVERIFY(m_window->cityWithoutScenario());

    // Written next to nothing in particular: the city's path is made relative to it.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/nb_peak.json"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("sub"))));
    QString error;
    finished.clear();
    QVERIFY2(m_window->newScenarioForCity(path, 0.15, &error), qPrintable(error));
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_window->diagnostics()->summary()));
    QVERIFY(!m_window->cityWithoutScenario());
    QVERIFY(m_window->simulation() != nullptr);
    // The same settings as scenarios/neubrandenburg_peak.json (0.15 trips per resident, the same
    // profile and seed): the very same trips.
    const auto made = m_window->simulation()->session();
    QCOMPARE(made->trips.size(), bundledTrips);
    QCOMPARE(made->trips.front().id, first.id);
    QCOMPARE(made->trips.front().depart, first.depart);
    QCOMPARE(made->trips.back().from, last.from);
    QCOMPARE(made->trips.back().to, last.to);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    // The city's file is named relative to the scenario's folder and resolves to the OSM file.
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QString source = json.value(QStringLiteral("city"))
                               .toObject()
                               .value(QStringLiteral("sources"))
                               .toArray()
                               .at(0)
                               .toString();
    QVERIFY2(QDir::isRelativePath(source), qPrintable(source));
    QCOMPARE(
        QFileInfo(QFileInfo(path).dir().filePath(source)).canonicalFilePath(),
        QFileInfo(QStringLiteral(CT_ASSETS_DIR "/osm/neubrandenburg_center.osm.pbf")).canonicalFilePath());
}

QTEST_MAIN(TestRealOsm)
#include "tst_real_osm.moc"
