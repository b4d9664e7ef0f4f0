// GUI test of recordings: a run of tests/gui/fixtures/gui_town.json (the OSM town, 36 trips) to
// 120 s is saved with MainWindow::saveRecordingAs, opened in a fresh window without a simulation,
// scrubbed and played back; every recorded moment reads back bit for bit (vehicle positions,
// link speeds, the clock), and truncated, damaged or foreign files are refused with an error while
// the city shown stays. Runs under tools/with-display.sh.

#include <QtTest>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMenu>
#include <QSlider>
#include <QTemporaryDir>

#include <cstring>

#include "city_view.h"
#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "inspector_panel.h"
#include "main_window.h"
#include "recent_files.h"
#include "scenario_session.h"
#include "sim_history.h"
#include "sim_recording.h"
#include "sim_snapshot.h"
#include "sim_toolbar.h"
#include "sim_worker.h"
#include "surface_format.h"
#include "timeline_bar.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_GUI_FIXTURES_DIR "/gui_town.json");

/// The same bits (NaN included).
bool sameBits(float a, float b) {
    return std::memcmp(&a, &b, sizeof(float)) == 0;
}

/// True when `a` and `b` hold the same moment exactly; `why` says where they differ.
bool sameMoment(const gui::SimSnapshot& a, const gui::SimSnapshot& b, QString& why) {
    if (a.time != b.time || a.clock() != b.clock() || a.tick != b.tick || a.seq != b.seq) {
        why = QStringLiteral("time %1 / %2").arg(a.time).arg(b.time);
        return false;
    }
    if (a.vehicles.size() != b.vehicles.size()) {
        why = QStringLiteral("%1 / %2 vehicles").arg(a.vehicles.size()).arg(b.vehicles.size());
        return false;
    }
    for (std::size_t i = 0; i < a.vehicles.size(); ++i) {
        const gui::VehicleSnap& u = a.vehicles[i];
        const gui::VehicleSnap& v = b.vehicles[i];
        if (u.trip != v.trip || u.lane != v.lane || !sameBits(u.x, v.x) || !sameBits(u.y, v.y) ||
            !sameBits(u.z, v.z) || !sameBits(u.pos, v.pos) || !sameBits(u.heading, v.heading) ||
            !sameBits(u.speed, v.speed) || !sameBits(u.driven, v.driven) || !sameBits(u.delay, v.delay) ||
            u.vclass != v.vclass) {
            why = QStringLiteral("vehicle %1").arg(u.trip);
            return false;
        }
    }
    if (a.linkSpeed.size() != b.linkSpeed.size()) {
        why = QStringLiteral("link speeds");
        return false;
    }
    for (std::size_t i = 0; i < a.linkSpeed.size(); ++i) {
        if (!sameBits(a.linkSpeed[i], b.linkSpeed[i])) {
            why = QStringLiteral("speed of link %1").arg(i);
            return false;
        }
    }
    if (a.counters.inserted != b.counters.inserted || a.counters.arrived != b.counters.arrived ||
        a.counters.running != b.counters.running || a.kpis.size() != b.kpis.size() ||
        a.last.meanSpeed != b.last.meanSpeed || a.state != b.state) {
        why = QStringLiteral("counters or KPIs");
        return false;
    }
    for (std::size_t i = 0; i < a.kpis.size(); ++i) {
        if (a.kpis[i].meanSpeed != b.kpis[i].meanSpeed || a.kpis[i].arrivedTotal != b.kpis[i].arrivedTotal) {
            why = QStringLiteral("KPI %1").arg(i);
            return false;
        }
    }
    return true;
}

}  // namespace

class TestRecording : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void saveWritesTheTimeline();
    void openReplaysEveryMomentExactly();
    void scrubShowsTheRecordedMoment();
    void playAdvancesThroughTheRecording();
    void damagedFilesAreRefused();

private:
    std::unique_ptr<gui::MainWindow> m_live;
    std::unique_ptr<gui::MainWindow> m_replay;
    QTemporaryDir m_dir;
    QString m_file;
};

void TestRecording::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_file = m_dir.filePath(QStringLiteral("town.ctrec"));
    m_live = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    m_live->resize(1200, 800);
    m_live->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_live.get()));
    QSignalSpy finished(m_live.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_live->loadScenario(kScenario));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_live->diagnostics()->summary()));
    // Without a scenario there is nothing to save.
    {
        gui::MainWindow empty(QStringLiteral(CT_ASSETS_DIR));
        QString error;
        QVERIFY(!empty.saveRecordingAs(m_file, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFileInfo::exists(m_file));
    }
    // 120 s as fast as it goes.
    m_live->setSimulationSpeed(0.0);
    m_live->playUntil(120.0);
    QVERIFY(test::waitFor(
        [&] {
            const auto s = m_live->shownSnapshot();
            return s && s->time >= 120.0 - 1e-9 && s->state != gui::SimState::Playing &&
                   m_live->history().snapshotCount() >= 13;
        },
        30000));
}

void TestRecording::cleanupTestCase() {
    m_replay.reset();
    m_live.reset();
}

void TestRecording::saveWritesTheTimeline() {
    QString error;
    QVERIFY2(m_live->saveRecordingAs(m_file, &error), qPrintable(error));
    QVERIFY(QFileInfo(m_file).size() > 0);
    gui::Recording rec;
    QVERIFY2(gui::loadRecording(m_file, rec, &error), qPrintable(error));
    const gui::SimHistory& history = m_live->history();
    QCOMPARE(rec.snapshots.size(), history.snapshotCount());
    QCOMPARE(QString::fromStdString(rec.scenario), QFileInfo(kScenario).absoluteFilePath());
    QVERIFY(!rec.sources.empty());
    for (std::size_t i = 0; i < rec.snapshots.size(); ++i) {
        QString why;
        QVERIFY2(sameMoment(*history.snapshot(i), *rec.snapshots[i], why), qPrintable(why));
    }
    // What is read back writes the same bytes again: every field survives.
    QFile file(m_file);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    const std::string again = gui::encodeRecording(rec);
    QCOMPARE(QByteArray::fromStdString(again), bytes);
    qInfo("%zu moments, %lld bytes", rec.snapshots.size(), static_cast<long long>(bytes.size()));
}

void TestRecording::openReplaysEveryMomentExactly() {
    m_replay = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    m_replay->resize(1200, 800);
    m_replay->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_replay.get()));
    QSignalSpy finished(m_replay.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_replay->openRecording(m_file));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_replay->diagnostics()->summary()));
    QVERIFY(m_replay->recordingOpen());
    QVERIFY(m_replay->simulation() == nullptr);  // no simulation thread
    QVERIFY(m_replay->view()->city() != nullptr);
    const gui::SimHistory& live = m_live->history();
    const gui::SimHistory& replayed = m_replay->history();
    QCOMPARE(replayed.snapshotCount(), live.snapshotCount());
    QCOMPARE(replayed.times(),
             std::vector<double>(live.times().end() - static_cast<std::ptrdiff_t>(replayed.size()),
                                 live.times().end()));
    for (std::size_t i = 0; i < replayed.snapshotCount(); ++i) {
        QString why;
        QVERIFY2(sameMoment(*live.snapshot(i), *replayed.snapshot(i), why), qPrintable(why));
    }
    // The first moment is shown, paused.
    QCOMPARE(m_replay->replayed(), replayed.snapshot(0));
    QVERIFY(!m_replay->recordingPlaying());
    // File > Open recent lists the recording itself (not its scenario), first.
    const auto& recent = m_replay->recentFiles().entries();
    QVERIFY(!recent.empty());
    QVERIFY(recent.front().kind == gui::RecentEntry::Kind::Recording);
    QCOMPARE(recent.front().file(), QFileInfo(m_file).absoluteFilePath());
    QVERIFY(m_replay->recentMenu()->actions().front()->text().contains(QStringLiteral("(recording)")));
}

void TestRecording::scrubShowsTheRecordedMoment() {
    const gui::SimHistory& live = m_live->history();
    const gui::SimHistory& replayed = m_replay->history();
    // A recorded moment with vehicles on the road, picked on the slider.
    int k = -1;
    for (int i = static_cast<int>(live.snapshotCount()) - 1; i >= 0; --i) {
        if (live.snapshot(static_cast<std::size_t>(i))->vehicles.size() >= 3) {
            k = i;
            break;
        }
    }
    QVERIFY(k > 0);
    gui::TimelineBar& timeline = *m_replay->timeline();
    QCOMPARE(timeline.slider()->maximum(), static_cast<int>(replayed.snapshotCount()));
    timeline.slider()->setValue(k);
    const std::shared_ptr<const gui::SimSnapshot> shown = m_replay->replayed();
    QCOMPARE(shown, replayed.snapshot(static_cast<std::size_t>(k)));
    const gui::SimSnapshot& original = *live.snapshot(static_cast<std::size_t>(k));
    QString why;
    QVERIFY2(sameMoment(original, *shown, why), qPrintable(why));
    QCOMPARE(shown->clock(), original.clock());
    QCOMPARE(m_replay->simToolbar()->clockText(), QString::fromStdString(gui::clockText(original.clock())));

    // Drawn exactly where the live run had them.
    gui::CityView& view = *m_replay->view();
    QCOMPARE(view.snapshotShown(), shown);
    QVERIFY(!view.animating());
    view.renderFrame();
    QCOMPARE(view.vehiclesDrawn(), original.vehicles.size());
    for (const gui::VehicleSnap& v : original.vehicles) {
        const std::optional<QVector3D> at = view.vehicleShown(v.trip);
        QVERIFY(at.has_value());
        QCOMPARE(at->x(), v.x);
        QCOMPARE(at->y(), v.y);
        QCOMPARE(at->z(), v.z);
    }
    // The inspector reads the recorded state as it read the live one.
    const gui::VehicleSnap& first = original.vehicles.front();
    view.select({gui::Selection::Kind::Vehicle, first.trip});
    QCOMPARE(m_replay->inspector()->value(QStringLiteral("speed")),
             QStringLiteral("%1 km/h").arg(first.speed * 3.6, 0, 'f', 0));
    QVERIFY(!m_replay->inspector()->chartTitle().isEmpty());
    view.select({});
    // Live means the end of the recording here.
    m_replay->backToLive();
    QCOMPARE(m_replay->replayed(), replayed.snapshot(replayed.snapshotCount() - 1));
}

void TestRecording::playAdvancesThroughTheRecording() {
    const gui::SimHistory& replayed = m_replay->history();
    m_replay->scrubTo(0);
    // One step: the next moment.
    m_replay->stepOnce();
    QCOMPARE(m_replay->replayed(), replayed.snapshot(1));
    // At 60x, 10 s apart: a moment every 1/6 s, in order, until the end.
    m_replay->setSimulationSpeed(60.0);
    m_replay->play();
    QVERIFY(m_replay->recordingPlaying());
    double last = m_replay->replayed()->time;
    bool ordered = true;
    QVERIFY(test::waitFor(
        [&] {
            const double t = m_replay->replayed()->time;
            ordered = ordered && t >= last;
            last = t;
            return !m_replay->recordingPlaying();
        },
        20000));
    QVERIFY(ordered);
    QCOMPARE(m_replay->replayed(), replayed.snapshot(replayed.snapshotCount() - 1));
    // Pause stops it; play from the end starts over.
    m_replay->setSimulationSpeed(1.0);
    m_replay->play();
    QCOMPARE(m_replay->replayed(), replayed.snapshot(0));
    m_replay->pause();
    QVERIFY(!m_replay->recordingPlaying());
    QTest::qWait(100);
    QCOMPARE(m_replay->replayed(), replayed.snapshot(0));
}

void TestRecording::damagedFilesAreRefused() {
    QFile file(m_file);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    file.close();
    // Cut short anywhere, one byte changed, or nothing like it: an error, never a crash.
    for (const qsizetype cut : {qsizetype{0}, qsizetype{5}, qsizetype{12}, bytes.size() / 3, bytes.size() / 2,
                                bytes.size() - 9, bytes.size() - 1}) {
        gui::Recording rec;
        std::string why;
        QVERIFY(!gui::decodeRecording(std::string_view(bytes.constData(), static_cast<std::size_t>(cut)), rec,
                                      &why));
        QVERIFY(!why.empty());
    }
    QByteArray flipped = bytes;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x40);
    gui::Recording rec;
    std::string why;
    QVERIFY(!gui::decodeRecording(
        std::string_view(flipped.constData(), static_cast<std::size_t>(flipped.size())), rec, &why));
    QVERIFY2(why.find("damaged") != std::string::npos, why.c_str());

    // In the window: a truncated recording fails the load; the recording shown stays.
    const QString truncated = m_dir.filePath(QStringLiteral("truncated.ctrec"));
    QFile out(truncated);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes.left(bytes.size() / 2));
    out.close();
    const std::shared_ptr<const CityModel> city = m_replay->view()->city();
    const std::size_t moments = m_replay->history().snapshotCount();
    QSignalSpy finished(m_replay.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_replay->openRecording(truncated));
    QVERIFY(finished.wait(60000));
    QVERIFY(!finished.at(0).at(0).toBool());
    QCOMPARE(m_replay->diagnostics()->errorCount(), 1);
    QVERIFY(m_replay->diagnosticsDock()->isVisible());
    QCOMPARE(m_replay->view()->city(), city);
    QVERIFY(m_replay->recordingOpen());
    QCOMPARE(m_replay->history().snapshotCount(), moments);

    // A foreign file (the scenario itself) likewise.
    finished.clear();
    QVERIFY(m_replay->openRecording(kScenario));
    QVERIFY(finished.wait(60000));
    QVERIFY(!finished.at(0).at(0).toBool());
    QCOMPARE(m_replay->view()->city(), city);
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestRecording test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_recording.moc"
