// GUI test of finding and looking at things in the desktop app, on the bundled sample city and a
// copy of the hand-written OSM town: the search box finds buildings, facilities, streets, links
// and junctions by name or id, picking a match selects it and flies the camera there smoothly;
// view presets and double clicks fly too; camera bookmarks round-trip through their sidecar
// file; recent files and settings survive a restart. Runs under tools/with-display.sh.

#include <QtTest>

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>

#include "bookmarks_panel.h"
#include "city_view.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "recent_files.h"
#include "search_box.h"
#include "search_index.h"
#include "sim_toolbar.h"
#include "surface_format.h"
#include "view_bookmarks.h"

using namespace ct;

namespace {

/// Poses equal to rounding (a pose read back from the camera went through a quaternion).
bool near(const gui::CameraPose& a, const gui::CameraPose& b) {
    return std::abs(a.cx - b.cx) < 1e-6 && std::abs(a.cy - b.cy) < 1e-6 && std::abs(a.cz - b.cz) < 1e-6 &&
           std::abs(a.distance - b.distance) < 1e-6 &&
           std::abs(std::remainder(a.heading - b.heading, 360.0)) < 1e-6 && std::abs(a.tilt - b.tilt) < 1e-6;
}

double distance2d(QVector3D a, double x, double y) {
    return std::hypot(static_cast<double>(a.x()) - x, static_cast<double>(a.y()) - y);
}

bool loadAndWait(gui::MainWindow& window, const std::function<bool()>& start) {
    QSignalSpy finished(&window, &gui::MainWindow::loadFinished);
    if (!start() || !finished.wait(60000)) {
        return false;
    }
    return finished.at(0).at(0).toBool();
}

const QString kTown = QStringLiteral(CT_FIXTURES_DIR "/osm/small_town.osm");

}  // namespace

class TestNavigation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void poseRoundTrips();
    void searchByNameSelectsAndFlies();
    void searchFindsEveryKind();
    void flightIsSmoothAndInputEndsIt();
    void presetsKeepThePointLookedAt();
    void doubleClickFliesToABuilding();
    void inspectorFlyTo();
    void bookmarksRoundTripThroughTheSidecar();
    void brokenSidecarIsReported();
    void recentFilesAndSettingsSurviveARestart();

private:
    std::unique_ptr<gui::MainWindow> m_window;
    QTemporaryDir m_dir;
};

void TestNavigation::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Settings go to a folder of the test's own, never the user's.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("settings")));
    m_window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY2(loadAndWait(*m_window, [&] { return m_window->loadSampleCity(); }),
             qPrintable(m_window->diagnostics()->summary()));
}

void TestNavigation::cleanupTestCase() {
    m_window.reset();
}

void TestNavigation::poseRoundTrips() {
    gui::CityView& view = *m_window->view();
    const gui::CameraPose pose{1200.0, 800.0, 30.0, 500.0, 30.0, 45.0};
    view.setCameraPose(pose);
    const gui::CameraPose back = view.cameraPose();
    QVERIFY(std::abs(back.cx - pose.cx) < 1e-6 && std::abs(back.cy - pose.cy) < 1e-6);
    QVERIFY(std::abs(back.distance - pose.distance) < 1e-6);
    QVERIFY2(std::abs(back.heading - pose.heading) < 1e-6 && std::abs(back.tilt - pose.tilt) < 1e-6,
             qPrintable(QStringLiteral("heading %1 tilt %2").arg(back.heading).arg(back.tilt)));
    // Looking north-north-east 45 degrees down: the eye is south-south-west of the point and as
    // high above it as it is away horizontally.
    const QVector3D eye = view.cameraPosition();
    const double horizontal = distance2d(eye, pose.cx, pose.cy);
    QVERIFY(std::abs(horizontal - 500.0 * std::sin(M_PI / 4)) < 0.01);
    QVERIFY(std::abs((eye.z() - pose.cz) - 500.0 * std::cos(M_PI / 4)) < 0.01);
    const double bearing = std::atan2(pose.cx - eye.x(), pose.cy - eye.y()) * 180.0 / M_PI;
    QVERIFY2(std::abs(bearing - 30.0) < 0.01, qPrintable(QString::number(bearing)));
    // Straight down: north is up on screen (a point north of the centre is above it).
    view.setCameraPose({1200.0, 800.0, 30.0, 500.0, 0.0, 0.0});
    view.renderFrame();
    const auto c = view.projectToWidget(QVector3D(1200.0f, 800.0f, 30.0f));
    const auto n = view.projectToWidget(QVector3D(1200.0f, 850.0f, 30.0f));
    QVERIFY(c && n);
    QVERIFY(n->y() < c->y() - 10.0 && std::abs(n->x() - c->x()) < 1.0);
}

void TestNavigation::searchByNameSelectsAndFlies() {
    gui::CityView& view = *m_window->view();
    view.resetCamera();
    view.renderFrame();
    const CityModel& city = *view.city();
    std::uint32_t rathaus = 0;
    for (std::uint32_t b = 0; b < city.buildings.count(); ++b) {
        if (city.buildings.name[b] == "Rathaus Auenfurt") {
            rathaus = b;
        }
    }
    QVERIFY(city.buildings.name[rathaus] == "Rathaus Auenfurt");
    const Vec2 target = city.buildings.centroid[rathaus];
    const QVector3D before = view.cameraCenter();
    QVERIFY(distance2d(before, target.x, target.y) > 100.0);

    // Type as a user does: the list drops down with the building, Down and Enter pick it.
    gui::SearchBox& box = *m_window->searchBox();
    box.setFocus();
    QTest::keyClicks(&box, QStringLiteral("rathaus auen"));
    QVERIFY(test::waitFor([&] { return box.popup()->isVisible(); }, 2000));
    QVERIFY(!box.suggestions().isEmpty());
    QVERIFY2(box.suggestions().front().startsWith(QStringLiteral("Rathaus Auenfurt")),
             qPrintable(box.suggestions().join(QLatin1Char('|'))));
    // What the user sees, for a look (saved in the build folder).
    box.popup()->grab().save(QStringLiteral(CT_BINARY_DIR "/tst_navigation_search.png"));
    QTest::keyClick(box.popup(), Qt::Key_Down);
    QTest::keyClick(box.popup(), Qt::Key_Return);
    QCOMPARE(static_cast<int>(view.selection().kind), static_cast<int>(gui::Selection::Kind::Building));
    QCOMPARE(view.selection().id, rathaus);
    QCOMPARE(m_window->inspector()->value(QStringLiteral("name")), QStringLiteral("Rathaus Auenfurt"));
    // The camera flies there: under way at first, there within a second.
    QVERIFY(view.cameraFlying());
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    const QVector3D after = view.cameraCenter();
    qInfo("camera centre %.1f m from the building's centroid", distance2d(after, target.x, target.y));
    QVERIFY(distance2d(after, target.x, target.y) < 1.0);
    QVERIFY(view.cameraPose().distance < 1000.0);
    // And it is on screen, in the middle.
    view.renderFrame();
    const auto at = view.projectToWidget(
        QVector3D(static_cast<float>(target.x), static_cast<float>(target.y), after.z()));
    QVERIFY(at.has_value());
    QVERIFY(std::abs(at->x() - view.width() / 2.0) < 5.0 && std::abs(at->y() - view.height() / 2.0) < 5.0);
    // The box shows the name.
    QVERIFY(test::waitFor([&] { return box.text() == QStringLiteral("Rathaus Auenfurt"); }, 1000));
}

void TestNavigation::searchFindsEveryKind() {
    gui::SearchBox& box = *m_window->searchBox();
    const CityModel& city = *m_window->view()->city();
    using Kind = gui::Selection::Kind;
    const auto first = [&](const QString& q) {
        box.search(q);
        return box.hits().empty() ? gui::Selection{} : box.hits().front().target;
    };
    // Accents and case do not matter; a street is all its links.
    box.search(QStringLiteral("bahnhofstrasse"));
    QVERIFY(!box.hits().empty());
    const gui::SearchHit street = box.hits().front();
    QCOMPARE(static_cast<int>(street.target.kind), static_cast<int>(Kind::Link));
    QCOMPARE(QString::fromStdString(city.roads.names[city.roads.linkName[street.target.id]]),
             QStringLiteral("Bahnhofstraße"));
    const auto links = std::count(city.roads.linkName.begin(), city.roads.linkName.end(),
                                  city.roads.linkName[street.target.id]);
    QVERIFY(links > 6);  // 6 features, cut at junctions, both directions
    QVERIFY2(street.detail.contains(QStringLiteral("%1 links").arg(links)), qPrintable(street.detail));
    QVERIFY(street.radius > 50.0);
    QCOMPARE(static_cast<int>(first(QStringLiteral("SUDRING")).kind), static_cast<int>(Kind::Link));
    // Street names kept apart from the links' own (a SUMO network names its links by edge id):
    // found as a street of their links, beside the links' own names.
    {
        gui::SearchIndex index;
        index.setCity(&city);
        std::vector<std::string> aliases(city.roads.linkCount());
        aliases[0] = aliases[1] = aliases[2] = "Edge Alias Way";
        index.addStreetNames(aliases);
        const std::vector<gui::SearchHit> hits = index.find(QStringLiteral("alias way"), nullptr);
        QVERIFY(!hits.empty());
        QCOMPARE(hits.front().label, QStringLiteral("Edge Alias Way"));
        QCOMPARE(static_cast<int>(hits.front().target.kind), static_cast<int>(Kind::Link));
        QVERIFY(hits.front().target.id <= 2);
        QVERIFY2(hits.front().detail.contains(QStringLiteral("3 links")), qPrintable(hits.front().detail));
        QVERIFY(!index.find(QStringLiteral("bahnhofstrasse"), nullptr).empty());
    }
    // Facilities by name.
    QVERIFY(!city.facilities.name.empty());
    const QString facility = QString::fromStdString(city.facilities.name[3]);
    const gui::Selection f = first(facility);
    QVERIFY(f.kind == Kind::Facility ||
            f.kind == Kind::Building);  // a facility's building may share its name
    box.search(facility);
    QVERIFY(std::any_of(box.hits().begin(), box.hits().end(), [](const gui::SearchHit& h) {
        return h.target == gui::Selection{Kind::Facility, 3};
    }));
    // Ids, with and without the kind.
    QCOMPARE(first(QStringLiteral("junction 5")), (gui::Selection{Kind::Junction, 5}));
    QCOMPARE(first(QStringLiteral("link:12")), (gui::Selection{Kind::Link, 12}));
    QCOMPARE(first(QStringLiteral("building 42")), (gui::Selection{Kind::Building, 42}));
    box.search(QStringLiteral("7"));
    int kinds = 0;
    for (const Kind k : {Kind::Building, Kind::Link, Kind::Junction, Kind::Facility}) {
        kinds += std::any_of(box.hits().begin(), box.hits().end(),
                             [k](const gui::SearchHit& h) {
                                 return h.target == gui::Selection{k, 7};
                             })
                     ? 1
                     : 0;
    }
    QCOMPARE(kinds, 4);
    // Nothing for nonsense; no vehicles without a scenario.
    box.search(QStringLiteral("zzqqxx"));
    QVERIFY(box.hits().empty());
    box.search(QStringLiteral("vehicle 1"));
    QVERIFY(box.hits().empty());
    // Picking a street frames all of it.
    box.search(QStringLiteral("Bahnhofstraße"));
    QVERIFY(box.choose(0));
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(distance2d(view.cameraCenter(), street.x, street.y) < 1.0);
    QVERIFY2(view.cameraPose().distance >= 2.0 * street.radius,
             qPrintable(QStringLiteral("%1 m away, street radius %2 m, picked %3")
                            .arg(view.cameraPose().distance)
                            .arg(street.radius)
                            .arg(box.hits().front().label)));
}

void TestNavigation::flightIsSmoothAndInputEndsIt() {
    gui::CityView& view = *m_window->view();
    view.setCameraPose({1000.0, 1000.0, 0.0, 400.0, 0.0, 40.0});
    const gui::CameraPose to{1600.0, 1300.0, 0.0, 800.0, 90.0, 20.0};
    QElapsedTimer t;
    t.start();
    view.flyTo(to, 0.6);
    // Each frame brings the camera nearer, never past the goal.
    double last = 1e9;
    int frames = 0;
    while (view.cameraFlying() && t.elapsed() < 3000) {
        view.renderFrame();
        const double d = distance2d(view.cameraCenter(), to.cx, to.cy);
        QVERIFY2(d <= last + 1e-6, "the flight went back");
        last = d;
        ++frames;
        QTest::qWait(20);
    }
    qInfo("flight of 0.6 s: %d frames, %lld ms", frames, static_cast<long long>(t.elapsed()));
    QVERIFY(!view.cameraFlying());
    QVERIFY(frames >= 3);
    QVERIFY(t.elapsed() >= 550);
    const gui::CameraPose end = view.cameraPose();
    QVERIFY(std::abs(end.cx - to.cx) < 1e-6 && std::abs(end.distance - to.distance) < 1e-6);
    QVERIFY(std::abs(end.heading - to.heading) < 1e-6 && std::abs(end.tilt - to.tilt) < 1e-6);
    // Interpolation: the heading turns the short way (350 -> 10 passes 0, not 180).
    const gui::CameraPose a{0, 0, 0, 100, 350, 10};
    const gui::CameraPose b{0, 0, 0, 100, 10, 10};
    QVERIFY(std::abs(gui::interpolatePose(a, b, 0.5).heading - 0.0) < 1e-9 ||
            std::abs(gui::interpolatePose(a, b, 0.5).heading - 360.0) < 1e-9);
    // A mouse press takes the camera over mid-flight.
    view.flyTo({1000.0, 1000.0, 0.0, 400.0, 0.0, 40.0}, 2.0);
    QTest::qWait(100);
    QVERIFY(view.cameraFlying());
    QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPoint(50, 50));
    QVERIFY(!view.cameraFlying());
    QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, QPoint(50, 50));
    const QVector3D stopped = view.cameraCenter();
    QTest::qWait(200);
    view.renderFrame();
    QVERIFY((view.cameraCenter() - stopped).length() < 1e-3f);
}

void TestNavigation::presetsKeepThePointLookedAt() {
    gui::CityView& view = *m_window->view();
    view.setCameraPose({1100.0, 900.0, 10.0, 600.0, 120.0, 60.0});
    view.lookStraightDown();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(std::abs(view.cameraPose().tilt) < 1e-6);
    QVERIFY(std::abs(view.cameraPose().heading) < 1e-6 || std::abs(view.cameraPose().heading - 360.0) < 1e-6);
    QVERIFY(distance2d(view.cameraCenter(), 1100.0, 900.0) < 1e-3);
    QVERIFY(std::abs(view.cameraPose().distance - 600.0) < 1e-6);
    view.lookOblique();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(std::abs(view.cameraPose().tilt - 50.0) < 1e-6);
    QVERIFY(distance2d(view.cameraCenter(), 1100.0, 900.0) < 1e-3);
    // The whole-town presets fly there too (the menu's H and T).
    view.topDownView(true);
    QVERIFY(view.cameraFlying());
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(view.cameraPose().tilt < 1e-6);
    view.resetCamera(true);
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(view.cameraPose().tilt > 30.0);
}

void TestNavigation::doubleClickFliesToABuilding() {
    gui::CityView& view = *m_window->view();
    const CityModel& city = *view.city();
    // A tall building seen from straight above, away from the centre of the view.
    std::uint32_t b = 0;
    for (std::uint32_t i = 0; i < city.buildings.count(); ++i) {
        if (city.buildings.area[i] > 400.0f && city.buildings.height[i] > city.buildings.height[b]) {
            b = i;
        }
    }
    const Vec2 c = city.buildings.centroid[b];
    view.setCameraPose({c.x + 120.0, c.y + 60.0, 0.0, 700.0, 0.0, 0.0});
    view.renderFrame();
    const double ground = city.terrain.sample(c);
    const auto at = view.projectToWidget(
        QVector3D(static_cast<float>(c.x), static_cast<float>(c.y),
                  static_cast<float>((std::isfinite(ground) ? ground : 0.0) + city.buildings.height[b])));
    QVERIFY(at.has_value());
    QTest::mouseDClick(&view, Qt::LeftButton, Qt::NoModifier, at->toPoint());
    QCOMPARE(view.selection(), (gui::Selection{gui::Selection::Kind::Building, b}));
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    QVERIFY(distance2d(view.cameraCenter(), c.x, c.y) < 1.0);
}

void TestNavigation::inspectorFlyTo() {
    gui::CityView& view = *m_window->view();
    view.resetCamera();
    view.select({gui::Selection::Kind::Junction, 10});
    QVERIFY(m_window->inspector()->flyToButton()->isEnabled());
    QVERIFY(!m_window->inspector()->followButton()->isVisible());
    QTest::mouseClick(m_window->inspector()->flyToButton(), Qt::LeftButton);
    QVERIFY(view.cameraFlying());
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    const Vec2 n = view.city()->roads.nodePos[10];
    QVERIFY(distance2d(view.cameraCenter(), n.x, n.y) < 1.0);
    view.select({});
}

void TestNavigation::bookmarksRoundTripThroughTheSidecar() {
    // A city of our own in a folder of our own: the sidecar goes next to it.
    const QString town = m_dir.filePath(QStringLiteral("town.osm"));
    QVERIFY(QFile::copy(kTown, town));
    gis::LoadOptions options;
    options.vectorSources.push_back(town.toStdString());
    QVERIFY(loadAndWait(*m_window, [&] { return m_window->loadCity(options); }));
    const QString sidecar = m_dir.filePath(QStringLiteral("town.citytwin-views.json"));
    QCOMPARE(m_window->viewsFile(), sidecar);
    QCOMPARE(m_window->views().size(), 0);
    QVERIFY(!QFile::exists(sidecar));

    gui::CityView& view = *m_window->view();
    const gui::CameraPose north{100.0, 150.0, 0.0, 250.0, 0.0, 30.0};
    const gui::CameraPose east{180.0, 90.0, 2.0, 400.0, 90.0, 55.0};
    view.setCameraPose(north);
    QVERIFY(m_window->saveView(QStringLiteral("North gate")));
    view.setCameraPose(east);
    QVERIFY(m_window->saveView(QStringLiteral("East side")));
    QVERIFY(QFile::exists(sidecar));
    QCOMPARE(m_window->bookmarks()->names(),
             (QStringList{QStringLiteral("North gate"), QStringLiteral("East side")}));
    m_window->bookmarksDock()->show();
    m_window->bookmarksDock()->raise();
    QTest::qWait(50);
    m_window->grab().save(QStringLiteral(CT_BINARY_DIR "/tst_navigation_views.png"));

    // The file says what it holds.
    QFile file(sidecar);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("citytwin-views"));
    const QJsonArray views = root.value(QStringLiteral("views")).toArray();
    QCOMPARE(views.size(), 2);
    QCOMPARE(views[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("East side"));
    QVERIFY(std::abs(views[1].toObject().value(QStringLiteral("heading_deg")).toDouble() - 90.0) < 1e-6);
    QVERIFY(std::abs(views[1].toObject().value(QStringLiteral("center")).toArray()[0].toDouble() - 180.0) <
            1e-6);

    // Going to one flies there.
    QVERIFY(m_window->goToView(0));
    QVERIFY(view.cameraFlying());
    QVERIFY(test::waitFor([&] { return !view.cameraFlying(); }, 3000));
    const gui::CameraPose got = view.cameraPose();
    QVERIFY(std::abs(got.cx - north.cx) < 1e-6 && std::abs(got.tilt - north.tilt) < 1e-6 &&
            std::abs(got.distance - north.distance) < 1e-6);

    // Opening the city again, in another window, brings them back.
    {
        gui::MainWindow other(QStringLiteral(CT_ASSETS_DIR));
        other.show();
        QVERIFY(QTest::qWaitForWindowExposed(&other));
        QVERIFY(loadAndWait(other, [&] { return other.loadCity(options); }));
        QCOMPARE(other.views().size(), 2);
        QCOMPARE(other.views().at(0).name, QStringLiteral("North gate"));
        QVERIFY(near(other.views().at(1).pose, east));
        QCOMPARE(other.bookmarks()->names().size(), 2);
    }

    // Rename and delete write the file at once.
    QVERIFY(m_window->renameView(0, QStringLiteral("Gate")));
    QVERIFY(!m_window->renameView(0, QStringLiteral("East side")));  // taken
    QVERIFY(m_window->deleteView(1));
    gui::ViewBookmarks reread;
    QVERIFY(reread.load(sidecar));
    QCOMPARE(reread.size(), 1);
    QCOMPARE(reread.at(0).name, QStringLiteral("Gate"));
    QVERIFY(near(reread.at(0).pose, north));
    // Saving under an existing name replaces that view.
    view.setCameraPose(east);
    QVERIFY(m_window->saveView(QStringLiteral("Gate")));
    QVERIFY(reread.load(sidecar));
    QCOMPARE(reread.size(), 1);
    QVERIFY(near(reread.at(0).pose, east));
    // No temporary files left behind (QSaveFile renames into place).
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*.json*")}, QDir::Files).size(), 1);
}

void TestNavigation::brokenSidecarIsReported() {
    const QString path = m_dir.filePath(QStringLiteral("broken.citytwin-views.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"citytwin-views\", \"views\": [");
    file.close();
    gui::ViewBookmarks views;
    QString error;
    QVERIFY(!views.load(path, &error));
    QVERIFY(error.contains(QStringLiteral("broken.citytwin-views.json")));
    QCOMPARE(views.size(), 0);
    // Not a views file at all.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\"views\": []}");
    file.close();
    QVERIFY(!views.load(path, &error));
    // A missing file is an empty list.
    QVERIFY(views.load(m_dir.filePath(QStringLiteral("none.citytwin-views.json")), &error));
    QCOMPARE(gui::ViewBookmarks::sidecarPath(QStringLiteral("/data/town/city.gpkg")),
             QStringLiteral("/data/town/city.citytwin-views.json"));
}

void TestNavigation::recentFilesAndSettingsSurviveARestart() {
    const QString town = m_dir.filePath(QStringLiteral("town.osm"));
    const QString scenario = QStringLiteral(CT_FIXTURES_DIR "/../gui/fixtures/gui_town.json");
    QSize size;
    {
        QSettings settings;
        settings.clear();
    }
    {
        gui::MainWindow first(QStringLiteral(CT_ASSETS_DIR));
        first.useSettings();  // nothing saved yet: the defaults
        QVERIFY(first.recentFiles().entries().empty());
        first.resize(1000, 700);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        gis::LoadOptions options;
        options.vectorSources.push_back(town.toStdString());
        QVERIFY(loadAndWait(first, [&] { return first.loadCity(options); }));
        QVERIFY(loadAndWait(first, [&] { return first.loadScenario(scenario); }));
        // Newest first; opening one again moves it up instead of listing it twice.
        QCOMPARE(first.recentFiles().entries().size(), std::size_t{2});
        QCOMPARE(first.recentFiles().entries()[0].file(), QFileInfo(scenario).absoluteFilePath());
        QCOMPARE(first.recentFiles().entries()[1].file(), QFileInfo(town).absoluteFilePath());
        QVERIFY(loadAndWait(first, [&] { return first.openRecent(1); }));
        QCOMPARE(first.recentFiles().entries().size(), std::size_t{2});
        QCOMPARE(first.recentFiles().entries()[0].file(), QFileInfo(town).absoluteFilePath());
        QCOMPARE(first.recentFiles().entries()[0].kind, gui::RecentEntry::Kind::City);
        // The menu lists them.
        const QList<QAction*> actions = first.recentMenu()->actions();
        QVERIFY(actions.size() >= 2);
        QVERIFY(actions[0]->text().contains(QStringLiteral("town.osm")));
        QVERIFY(actions[1]->text().contains(QStringLiteral("gui_town.json")));
        QCOMPARE(first.lastFolder(), QFileInfo(town).absolutePath());
        // Choices made in this run.
        first.layers()->checkBox(gui::CityView::Layer::Facilities)->setChecked(false);
        first.layers()->setRoadColoring(gui::CityView::RoadColoring::BySpeed);
        first.setSimulationSpeed(30.0);
        first.bookmarksDock()->show();
        size = first.size();
        first.close();
    }
    {
        gui::MainWindow second(QStringLiteral(CT_ASSETS_DIR));
        second.useSettings();
        QCOMPARE(second.recentFiles().entries().size(), std::size_t{2});
        QCOMPARE(second.recentFiles().entries()[0].file(), QFileInfo(town).absoluteFilePath());
        QCOMPARE(second.recentFiles().entries()[1].kind, gui::RecentEntry::Kind::Scenario);
        QVERIFY(second.recentMenu()->actions()[1]->text().contains(QStringLiteral("gui_town.json")));
        QCOMPARE(second.lastFolder(), QFileInfo(town).absolutePath());
        QVERIFY(!second.view()->layerVisible(gui::CityView::Layer::Facilities));
        QVERIFY(second.view()->layerVisible(gui::CityView::Layer::Buildings));
        QCOMPARE(second.view()->roadColoring(), gui::CityView::RoadColoring::BySpeed);
        QCOMPARE(second.simToolbar()->speed(), 30.0);
        QCOMPARE(second.size(), size);
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        QVERIFY(!second.bookmarksDock()->isHidden());
        // A file that went away leaves the list when chosen.
        QVERIFY(QFile::remove(town));
        QTimer::singleShot(300, [] {
            if (QWidget* box = QApplication::activeModalWidget()) {
                box->close();
            }
        });
        QVERIFY(!second.openRecent(0));
        QCOMPARE(second.recentFiles().entries().size(), std::size_t{1});
        second.close();
    }
    // Without useSettings() nothing is written.
    QSettings settings;
    const QStringList before = settings.allKeys();
    {
        gui::MainWindow plain(QStringLiteral(CT_ASSETS_DIR));
        plain.setSimulationSpeed(2.0);
        plain.close();
    }
    settings.sync();
    QCOMPARE(settings.value(QStringLiteral("simulation/speed")).toDouble(), 30.0);
    QCOMPARE(settings.allKeys(), before);
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("CityTwinTest"));
    QApplication::setApplicationName(QStringLiteral("tst_navigation"));
    TestNavigation test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_navigation.moc"
