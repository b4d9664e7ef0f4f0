// GUI test of the video export (File > Export video..., --video): frames rendered offscreen from
// the city view while the simulation advances a fixed simulated time per frame; PNG frames
// without ffmpeg, an H.264 MP4 with it; a cancelled export leaves nothing. On
// tests/gui/fixtures/gui_town.json (the OSM town, 36 trips). Runs under tools/with-display.sh.

#include <QtTest>

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QTemporaryDir>

#include "diagnostics_panel.h"
#include "gui_test_util.h"
#include "main_window.h"
#include "sim_snapshot.h"
#include "sim_worker.h"
#include "surface_format.h"
#include "video_export.h"
#include "video_export_dialog.h"

using namespace ct;

namespace {

const QString kScenario = QStringLiteral(CT_GUI_FIXTURES_DIR "/gui_town.json");

/// Everything in `dir`, hidden files too.
QStringList entries(const QString& dir) {
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

}  // namespace

class TestVideoExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void planFollowsTheSettings();
    void pngFramesWithoutFfmpeg();
    void cancelLeavesNothing();
    void mp4WithFfmpeg();
    void dialogAndProgress();

private:
    std::unique_ptr<gui::MainWindow> m_window;
};

void TestVideoExport::initTestCase() {
    m_window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    m_window->resize(1000, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy finished(m_window.get(), &gui::MainWindow::loadFinished);
    QVERIFY(m_window->loadScenario(kScenario));
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(m_window->diagnostics()->summary()));
    QVERIFY(test::waitFor([&] { return m_window->shownSnapshot() != nullptr; }, 2000));
}

void TestVideoExport::cleanupTestCase() {
    m_window.reset();
}

void TestVideoExport::planFollowsTheSettings() {
    gui::VideoSettings s;
    s.path = QStringLiteral("/tmp/x/run.mp4");
    s.seconds = 2.0;
    s.fps = 5;
    s.size = QSize(321, 241);
    s.ffmpeg = QStringLiteral("/nonexistent/ffmpeg");
    gui::VideoPlan plan = gui::planVideo(s);
    QVERIFY(plan.error.isEmpty());
    QCOMPARE(plan.frames, 10);
    QCOMPARE(plan.size, QSize(320, 240));  // even, for yuv420p
    QVERIFY(!plan.mp4);
    QCOMPARE(plan.target, QStringLiteral("/tmp/x/run_frames"));
    QVERIFY2(plan.note.contains(QStringLiteral("ffmpeg not found")), qPrintable(plan.note));
    s.format = gui::VideoFormat::Mp4;
    QVERIFY(!gui::planVideo(s).error.isEmpty());  // an MP4 needs ffmpeg
    s.format = gui::VideoFormat::Auto;
    s.fps = 0;
    QVERIFY(!gui::planVideo(s).error.isEmpty());
}

void TestVideoExport::pngFramesWithoutFfmpeg() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    gui::VideoSettings s;
    s.path = dir.filePath(QStringLiteral("run.mp4"));
    s.seconds = 2.0;
    s.fps = 5;
    s.speed = 10.0;  // 2 simulated seconds per frame
    s.size = QSize(320, 240);
    s.ffmpeg = dir.filePath(QStringLiteral("no-ffmpeg-here"));  // as if none were installed
    const double t0 = m_window->simulation()->latest()->time;
    QSignalSpy done(m_window.get(), &gui::MainWindow::videoExportFinished);
    QString error;
    QVERIFY2(m_window->exportVideo(s, &error), qPrintable(error));
    QVERIFY(m_window->exporting());
    QVERIFY(done.wait(120000));
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));

    const QString folder = dir.filePath(QStringLiteral("run_frames"));
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("run_frames")});  // no partial output left
    const QStringList frames = entries(folder);
    QCOMPARE(frames.size(), 10);
    QCOMPARE(frames.front(), QStringLiteral("frame_00000.png"));
    QCOMPARE(frames.back(), QStringLiteral("frame_00009.png"));
    for (const QString& f : frames) {
        const QImage image(QDir(folder).filePath(f));
        QCOMPARE(image.size(), QSize(320, 240));
    }
    const QImage first(QDir(folder).filePath(frames.front()));
    const QImage last(QDir(folder).filePath(frames.back()));
    QVERIFY2(first.convertToFormat(QImage::Format_RGB32) != last.convertToFormat(QImage::Format_RGB32),
             "the vehicles should have moved between the first and the last frame");
    // Exactly (frames - 1) * speed / fps simulated seconds apart, whatever the machine.
    const gui::VideoExporter* e = m_window->videoExport();
    QCOMPARE(e->firstTime(), t0);
    QCOMPARE(e->lastTime(), t0 + 18.0);
    const auto snap = m_window->simulation()->latest();
    QCOMPARE(snap->time, t0 + 18.0);
    QVERIFY(snap->state != gui::SimState::Playing);  // left paused at the last frame
    QVERIFY(!snap->vehicles.empty());
}

void TestVideoExport::cancelLeavesNothing() {
    QTemporaryDir dir;
    gui::VideoSettings s;
    s.path = dir.filePath(QStringLiteral("cancelled"));
    s.seconds = 20.0;
    s.fps = 5;
    s.size = QSize(200, 150);
    QString error;
    QVERIFY2(m_window->exportVideo(s, &error), qPrintable(error));
    QVERIFY(test::waitFor([&] { return m_window->videoExport()->framesDone() >= 2; }, 60000));
    QVERIFY(!entries(dir.path()).isEmpty());  // the partial folder
    QSignalSpy done(m_window.get(), &gui::MainWindow::videoExportFinished);
    m_window->videoExport()->cancel();
    QCOMPARE(done.size(), 1);
    QVERIFY(!done.at(0).at(0).toBool());
    QVERIFY(!m_window->exporting());
    QCOMPARE(entries(dir.path()), QStringList{});
}

void TestVideoExport::mp4WithFfmpeg() {
    const QString ffmpeg = gui::findFfmpeg();
    const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
    if (ffmpeg.isEmpty() || ffprobe.isEmpty()) {
        QSKIP("ffmpeg and ffprobe are not installed");
    }
    QTemporaryDir dir;
    gui::VideoSettings s;
    s.path = dir.filePath(QStringLiteral("run.mp4"));
    s.seconds = 2.0;
    s.fps = 5;
    s.speed = 10.0;
    s.size = QSize(320, 240);
    s.format = gui::VideoFormat::Mp4;
    QSignalSpy done(m_window.get(), &gui::MainWindow::videoExportFinished);
    QString error;
    QVERIFY2(m_window->exportVideo(s, &error), qPrintable(error));
    QVERIFY(m_window->videoExport()->plan().mp4);
    QVERIFY(done.wait(120000));
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
    QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("run.mp4")});
    QVERIFY(QFileInfo(s.path).size() > 0);

    QProcess probe;
    probe.start(ffprobe,
                {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                 QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                 QStringLiteral("stream=codec_name,width,height,pix_fmt,nb_read_frames"),
                 QStringLiteral("-of"), QStringLiteral("default=noprint_wrappers=1"), s.path});
    QVERIFY(probe.waitForFinished(60000));
    const QString out = QString::fromLocal8Bit(probe.readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("nb_read_frames=10")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("codec_name=h264")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("pix_fmt=yuv420p")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("width=320")) && out.contains(QStringLiteral("height=240")),
             qPrintable(out));
}

void TestVideoExport::dialogAndProgress() {
    // The dialog says what will be written; saved for a look (tst_video_export_dialog.png).
    QTemporaryDir dir;
    gui::VideoSettings s;
    s.path = dir.filePath(QStringLiteral("peak.mp4"));
    s.size = QSize(640, 360);
    s.seconds = 4.0;
    s.fps = 10;
    s.ffmpeg = dir.filePath(QStringLiteral("no-ffmpeg-here"));
    gui::VideoExportDialog dialog(s, 120.0, 8 * 3600.0, m_window.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY2(dialog.summary().contains(QStringLiteral("40 PNG frames")), qPrintable(dialog.summary()));
    QVERIFY2(dialog.summary().contains(QStringLiteral("08:02:00 to 08:02:40")), qPrintable(dialog.summary()));
    QVERIFY2(dialog.summary().contains(QStringLiteral("ffmpeg not found")), qPrintable(dialog.summary()));
    dialog.grab().save(QStringLiteral("tst_video_export_dialog.png"));
    QCOMPARE(dialog.settings().path, s.path);
    dialog.reject();

    // The progress dialog counts the frames and cancels.
    s.seconds = 30.0;
    QString error;
    QVERIFY2(m_window->exportVideoWithProgress(s, &error), qPrintable(error));
    auto* progress = m_window->findChild<QProgressDialog*>(QStringLiteral("videoProgress"));
    QVERIFY(progress != nullptr);
    QCOMPARE(progress->maximum(), 300);
    QVERIFY(test::waitFor([&] { return m_window->videoExport()->framesDone() >= 3; }, 60000));
    QVERIFY(test::waitFor([&] { return progress->value() >= 3 && progress->isVisible(); }, 5000));
    QVERIFY2(progress->labelText().startsWith(QStringLiteral("Frame ")), qPrintable(progress->labelText()));
    progress->grab().save(QStringLiteral("tst_video_export_progress.png"));
    QSignalSpy done(m_window.get(), &gui::MainWindow::videoExportFinished);
    auto* cancel = progress->findChild<QPushButton*>();
    QVERIFY(cancel != nullptr);
    QTest::mouseClick(cancel, Qt::LeftButton);  // as the user does
    QVERIFY(done.size() == 1 || done.wait(5000));
    QVERIFY(!done.at(0).at(0).toBool());
    QCOMPARE(entries(dir.path()), QStringList{});
}

int main(int argc, char** argv) {
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestVideoExport test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_video_export.moc"
