// GUI test of the utilities in the desktop app: the hand-made utility town
// (tests/fixtures/scenarios/utility_town.json: cable C2 fails at 01:00, repaired at 02:00) loads
// with its water and power networks on the map; during the outage the hospital is capped as a
// building without water (its pump has no power; its own power comes from backup), the signal
// is dark, the dashboard shows the utilities' signs and the inspector the hospital's service;
// after the repair everything is back. Runs under tools/with-display.sh.

#include <QtTest>

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>

#include "city_view.h"
#include "citytwin/render/utility_layer.h"
#include "citytwin/sim/city_model.h"
#include "dashboard_panel.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "scenario_session.h"
#include "sim_snapshot.h"
#include "sim_worker.h"
#include "surface_format.h"

using namespace ct;

namespace {

/// Pixels within a few levels of an exact colour (the caps are drawn without lighting).
int countExact(const QImage& image, render::Rgb c) {
    int hits = 0;
    const int r = static_cast<int>(c.r * 255.0f + 0.5f), g = static_cast<int>(c.g * 255.0f + 0.5f),
              b = static_cast<int>(c.b * 255.0f + 0.5f);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = image.pixel(x, y);
            hits += std::abs(qRed(p) - r) <= 3 && std::abs(qGreen(p) - g) <= 3 && std::abs(qBlue(p) - b) <= 3
                        ? 1
                        : 0;
        }
    }
    return hits;
}

}  // namespace

class TestUtilityView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        m_window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy finished(m_window.get(), &gui::MainWindow::loadFinished);
        QVERIFY(m_window->loadScenario(QStringLiteral(CT_FIXTURES_DIR "/scenarios/utility_town.json")));
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_window->diagnostics()->summary()));
        QVERIFY(test::waitFor([&] { return snap() != nullptr; }, 2000));
    }
    void cleanupTestCase() { m_window.reset(); }

    void networksOnTheMap() {
        gui::CityView* v = m_window->view();
        QVERIFY(m_window->simulation()->session()->utilities != nullptr);
        // The fixture: three water links and four power branches, each one straight segment.
        // Both networks start hidden (they would cover the road colours); the layer switches show them.
        QCOMPARE(v->waterSegmentsDrawn(), std::size_t(0));
        QCOMPARE(v->powerSegmentsDrawn(), std::size_t(0));
        m_window->layers()->checkBox(gui::CityView::Layer::WaterNetwork)->setChecked(true);
        QCOMPARE(v->waterSegmentsDrawn(), std::size_t(3));
        m_window->layers()->checkBox(gui::CityView::Layer::PowerNetwork)->setChecked(true);
        QCOMPARE(v->powerSegmentsDrawn(), std::size_t(4));
        QCOMPARE(v->buildingsWithoutServiceShown(), std::size_t(0));
    }

    void outageShowsWhoLosesService() {
        runTo(3660.0);  // one utility step after C2 failed at 01:00
        const auto s = snap();
        QVERIFY(s->utility != nullptr);
        QCOMPARE(s->utility->darkSignals.size(), std::size_t(1));
        const CityModel& city = *m_window->simulation()->session()->city;
        std::uint32_t hospital = 0;
        while (hospital < city.buildings.count() && city.buildings.name[hospital] != "Klinikum") {
            ++hospital;
        }
        QCOMPARE(s->utility->buildingHasWater[hospital], std::uint8_t(0));
        QCOMPARE(s->utility->buildingHasPower[hospital], std::uint8_t(1));  // on its backup
        QCOMPARE(m_window->view()->buildingsWithoutServiceShown(), std::size_t(1));
        // The dashboard: one point per utility step (61 steps of 60 s), power at 0 % of residents
        // (the blocks keep theirs), one dark signal.
        QCOMPARE(m_window->dashboard()->pointCount(gui::DashboardPanel::Sign::WithoutPower), 61);
        QCOMPARE(m_window->dashboard()->latestValue(gui::DashboardPanel::Sign::DarkSignals), 1.0);
        QCOMPARE(m_window->dashboard()->latestValue(gui::DashboardPanel::Sign::WithoutPower), 0.0);
        // The inspector of the hospital says who serves it and what it has.
        m_window->view()->select({gui::Selection::Kind::Building, hospital});
        QVERIFY(test::waitFor(
            [&] { return m_window->inspector()->value(QStringLiteral("has water")).startsWith("NO"); },
            3000));
        QCOMPARE(m_window->inspector()->value(QStringLiteral("has power")), QStringLiteral("yes"));
        QVERIFY(m_window->inspector()->value(QStringLiteral("water node")).startsWith("J3"));
        QVERIFY(m_window->inspector()->value(QStringLiteral("power bus")).startsWith("F2"));
        // On screen, from above: the hospital's roof is cyan (without water).
        m_window->view()->select({});
        m_window->view()->topDownView();
        const QImage frame = m_window->view()->renderFrame();
        QVERIFY2(countExact(frame, render::noWaterCapColor()) > 20,
                 qPrintable(QString::number(countExact(frame, render::noWaterCapColor()))));
        QCOMPARE(countExact(frame, render::noPowerCapColor()), 0);
    }

    void repairRestoresService() {
        runTo(7260.0);
        QVERIFY(snap()->utility->darkSignals.empty());
        QCOMPARE(m_window->view()->buildingsWithoutServiceShown(), std::size_t(0));
        const QImage frame = m_window->view()->renderFrame();
        QCOMPARE(countExact(frame, render::noWaterCapColor()), 0);
    }

private:
    std::shared_ptr<const gui::SimSnapshot> snap() const { return m_window->shownSnapshot(); }
    void runTo(double t) {
        m_window->setSimulationSpeed(0.0);
        m_window->playUntil(t);
        QVERIFY2(
            test::waitFor(
                [&] { return snap() && snap()->time >= t - 1e-9 && snap()->state != gui::SimState::Playing; },
                30000),
            qPrintable(QStringLiteral("stuck at %1 s").arg(snap() ? snap()->time : -1.0)));
    }
    std::unique_ptr<gui::MainWindow> m_window;
};

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestUtilityView t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_utility_view.moc"
