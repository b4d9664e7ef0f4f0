// GUI test of editing a running scenario and saving it: the inspector of a road link closes it in
// the running simulation (SimWorker's command queue), no vehicle enters it afterwards, and File >
// Save scenario as... writes the scenario with the closure appended to its events, which the
// scenario reader (and so `citytwin run`) reads and resolves back to the same link. On
// tests/gui/fixtures/gui_town.json (the OSM town, 36 trips). Runs under tools/with-display.sh.

#include <QtTest>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QTemporaryDir>

#include <filesystem>
#include <map>
#include <set>

#include "city_view.h"
#include "citytwin/render/palette.h"
#include "citytwin/scenarios/scenario.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "sim_snapshot.h"
#include "sim_worker.h"
#include "surface_format.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_GUI_FIXTURES_DIR "/gui_town.json");
constexpr double kCloseAt = 60.0;
constexpr double kWatchUntil = 300.0;

/// The link a vehicle is on (invalid on a junction's internal lane).
std::uint32_t linkOf(const traffic::TrafficNetwork& net, const gui::VehicleSnap& v) {
    return v.lane < net.normalLaneCount ? net.laneLink[v.lane].index() : UINT32_MAX;
}

/// Steps `sim` one step at a time up to `until`, calling `see` with every snapshot.
template <class See>
bool stepThrough(gui::SimWorker& sim, double until, See see) {
    while (sim.latest()->time < until - 1e-9 && sim.latest()->state != gui::SimState::Finished) {
        const std::int64_t tick = sim.latest()->tick;
        sim.step(1);
        if (!test::waitFor(
                [&] { return sim.latest()->tick > tick || sim.latest()->state == gui::SimState::Finished; },
                10000)) {
            return false;
        }
        see(*sim.latest());
    }
    return true;
}

}  // namespace

class TestScenarioEdits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void closedLinkIsNotEntered();
    void savedScenarioHoldsTheEvent();
    void reopenIsRecordedToo();

private:
    std::unique_ptr<gui::MainWindow> m_window;
    std::uint32_t m_link = 0;
    QTemporaryDir m_dir;
};

void TestScenarioEdits::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy finished(m_window.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_window->loadScenario(kScenario));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_window->diagnostics()->summary()));
}

void TestScenarioEdits::cleanupTestCase() {
    m_window.reset();
}

void TestScenarioEdits::closedLinkIsNotEntered() {
    const auto session = m_window->simulation()->session();
    const traffic::TrafficNetwork& net = *session->network;

    // A baseline run without the closure: which links do vehicles enter after kCloseAt? Take the
    // one most entered that no trip starts or ends on.
    std::set<std::uint32_t> ends;
    for (const traffic::Trip& t : session->trips) {
        ends.insert(t.from.index());
        ends.insert(t.to.index());
    }
    std::map<std::uint32_t, std::set<std::uint32_t>> entered;  // link -> trips entering it
    {
        gui::SimWorkerOptions options;
        options.threads = 1;
        gui::SimWorker baseline(session, options);
        std::map<std::uint32_t, std::uint32_t> where;  // trip -> link now
        QVERIFY(stepThrough(baseline, kWatchUntil, [&](const gui::SimSnapshot& s) {
            for (const gui::VehicleSnap& v : s.vehicles) {
                const std::uint32_t l = linkOf(net, v);
                if (l != UINT32_MAX && where[v.trip] != l + 1) {
                    where[v.trip] = l + 1;
                    if (s.time > kCloseAt && ends.count(l) == 0) {
                        entered[l].insert(v.trip);
                    }
                }
            }
        }));
    }
    std::size_t most = 0;
    for (const auto& [l, trips] : entered) {
        if (trips.size() > most) {
            most = trips.size();
            m_link = l;
        }
    }
    QVERIFY2(most >= 2, "the baseline run should send vehicles over some link after 60 s");

    // The GUI run: to kCloseAt, select the link, press "Close link now".
    gui::SimWorker& sim = *m_window->simulation();
    m_window->setSimulationSpeed(0.0);
    m_window->playUntil(kCloseAt);
    QVERIFY(test::waitFor(
        [&] {
            return sim.latest()->time >= kCloseAt - 1e-9 && sim.latest()->state != gui::SimState::Playing;
        },
        30000));
    QCOMPARE(sim.latest()->time, kCloseAt);
    m_window->showObject({gui::Selection::Kind::Link, m_link}, false);
    QVERIFY(test::waitFor(
        [&] { return m_window->shownSnapshot() && m_window->shownSnapshot()->time == kCloseAt; }, 5000));
    gui::InspectorPanel* inspector = m_window->inspector();
    QVERIFY(inspector->closeLinkButton()->isVisible());
    QVERIFY(inspector->closeLinkButton()->isEnabled());
    QVERIFY(!inspector->reopenLinkButton()->isEnabled());
    QCOMPARE(inspector->value(QStringLiteral("closed")), QStringLiteral("no"));
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor([&] { return !view.cameraFlying() && !view.animating(); }, 3000));
    const int closedPixelsBefore = test::countColor(view.renderFrame(), render::closedColor());
    QCOMPARE(view.closedLinksDrawn(), std::size_t{0});
    QTest::mouseClick(inspector->closeLinkButton(), Qt::LeftButton);
    QVERIFY(!inspector->closeLinkButton()->isEnabled());  // one edit at a time
    QVERIFY(test::waitFor([&] { return sim.latest()->edits && sim.latest()->edits->size() == 1; }, 5000));
    const gui::LinkEdit edit = sim.latest()->edits->front();
    QCOMPARE(edit.time, kCloseAt);
    QVERIFY(edit.close);
    QCOMPARE(edit.links, std::vector<std::uint32_t>{m_link});
    QCOMPARE(edit.ref, std::to_string(m_link));
    QVERIFY(sim.latest()->linkClosed(m_link));
    QVERIFY(test::waitFor([&] { return inspector->reopenLinkButton()->isEnabled(); }, 5000));
    QVERIFY(!inspector->closeLinkButton()->isEnabled());
    QVERIFY(inspector->value(QStringLiteral("closed")).startsWith(QStringLiteral("YES")));
    // The map shows it closed: striped in the closure red, with a barrier.
    QImage closedFrame;
    QVERIFY(test::waitFor(
        [&] {
            closedFrame = view.renderFrame();
            return view.closedLinksDrawn() == 1;
        },
        3000));
    const int closedPixelsAfter = test::countColor(closedFrame, render::closedColor());
    qInfo("closure-red pixels %d -> %d", closedPixelsBefore, closedPixelsAfter);
    QVERIFY(closedPixelsAfter > closedPixelsBefore + 200);

    // Those on the link when it closed drive off it; nobody else enters it.
    std::set<std::uint32_t> onItThen;
    for (const gui::VehicleSnap& v : sim.latest()->vehicles) {
        if (linkOf(net, v) == m_link) {
            onItThen.insert(v.trip);
        }
    }
    std::set<std::uint32_t> intruders;
    std::size_t seen = 0;
    QVERIFY(stepThrough(sim, kWatchUntil, [&](const gui::SimSnapshot& s) {
        seen += s.vehicles.size();
        for (const gui::VehicleSnap& v : s.vehicles) {
            if (linkOf(net, v) == m_link && onItThen.count(v.trip) == 0) {
                intruders.insert(v.trip);
            }
        }
    }));
    QVERIFY(seen > 0);
    QVERIFY2(intruders.empty(),
             qPrintable(
                 QStringLiteral("%1 vehicles entered the closed link %2").arg(intruders.size()).arg(m_link)));
    QCOMPARE(m_window->linkEdits().size(), std::size_t{1});
}

void TestScenarioEdits::savedScenarioHoldsTheEvent() {
    // Another folder than the original: its relative file names must be rebased.
    const QString path = m_dir.filePath(QStringLiteral("sub/edited.json"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sub"))));
    QString error;
    QVERIFY2(m_window->saveScenarioAs(path, &error), qPrintable(error));

    DiagnosticReport report;
    const std::optional<scenarios::ScenarioSpec> spec = scenarios::readScenario(path.toStdString(), report);
    QVERIFY(spec.has_value());
    QVERIFY2(!report.hasErrors() && report.warningCount() == 0,
             report.items().empty() ? "?" : report.items().front().message.c_str());
    QCOMPARE(spec->events.size(), std::size_t{1});
    QCOMPARE(spec->events[0].time, kCloseAt);
    QVERIFY(spec->events[0].type == scenarios::ScenarioEvent::Type::CloseLink);
    QCOMPARE(spec->events[0].link, std::to_string(m_link));
    // Everything else kept, pointing at the same files.
    QCOMPARE(spec->name, std::string("GUI test town"));
    QCOMPARE(spec->seed, std::uint64_t{3});
    QCOMPARE(spec->duration, 600.0);
    QCOMPARE(spec->clockStart, std::string("08:00"));
    QCOMPARE(spec->citySources.size(), std::size_t{1});
    QVERIFY(std::filesystem::exists(spec->citySources[0]));
    QCOMPARE(spec->tripFiles.size(), std::size_t{1});
    QVERIFY(std::filesystem::exists(spec->tripFiles[0]));
    QFile original(kScenario);
    QVERIFY(original.open(QIODevice::ReadOnly));
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QJsonObject a = QJsonDocument::fromJson(original.readAll()).object();
    QJsonObject b = QJsonDocument::fromJson(saved.readAll()).object();
    QCOMPARE(b.value(QStringLiteral("outputs")), a.value(QStringLiteral("outputs")));
    QCOMPARE(b.value(QStringLiteral("description")), a.value(QStringLiteral("description")));

    // As `citytwin run` would: the event resolves to the link closed.
    const gui::SessionLoad load = gui::loadScenarioSession(path.toStdString(), CT_ASSETS_DIR);
    QVERIFY2(load.session != nullptr,
             load.report.items().empty() ? "?" : load.report.items().front().message.c_str());
    QCOMPARE(load.session->events.size(), std::size_t{1});
    QCOMPARE(load.session->events[0].time, kCloseAt);
    QVERIFY(load.session->events[0].close);
    QCOMPARE(load.session->events[0].links, std::vector<LinkId>{LinkId(m_link)});
}

void TestScenarioEdits::reopenIsRecordedToo() {
    gui::SimWorker& sim = *m_window->simulation();
    const double t = sim.latest()->time;
    QVERIFY(m_window->editLink(m_link, false));
    QVERIFY(test::waitFor([&] { return sim.latest()->edits && sim.latest()->edits->size() == 2; }, 5000));
    QVERIFY(!sim.latest()->linkClosed(m_link));
    gui::CityView& view = *m_window->view();
    QVERIFY(test::waitFor(
        [&] {
            view.renderFrame();
            return view.closedLinksDrawn() == 0;
        },
        3000));
    const gui::LinkEdit edit = sim.latest()->edits->back();
    QCOMPARE(edit.time, t);
    QVERIFY(!edit.close);
    const QString path = m_dir.filePath(QStringLiteral("reopened.json"));
    QVERIFY(m_window->saveScenarioAs(path));
    DiagnosticReport report;
    const auto spec = scenarios::readScenario(path.toStdString(), report);
    QVERIFY(spec && !report.hasErrors());
    QCOMPARE(spec->events.size(), std::size_t{2});
    QVERIFY(spec->events[1].type == scenarios::ScenarioEvent::Type::OpenLink);
    QCOMPARE(spec->events[1].time, t);
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestScenarioEdits test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_scenario_edits.moc"
