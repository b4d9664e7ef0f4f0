#include "video_export.h"

#include <algorithm>
#include <cmath>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include "city_view.h"
#include "sim_snapshot.h"
#include "sim_worker.h"

namespace ct::gui {

namespace {

bool endsWithMp4(const QString& path) {
    return path.endsWith(QStringLiteral(".mp4"), Qt::CaseInsensitive);
}

/// A PNG frames folder for `path`: "run.mp4" -> "run_frames", a folder name as it is.
QString framesFolderFor(const QString& path) {
    QString p = QDir::cleanPath(path);
    if (endsWithMp4(p)) {
        p.chop(4);
        p += QStringLiteral("_frames");
    }
    return p;
}

QString frameName(int i) {
    return QStringLiteral("frame_%1.png").arg(i, 5, 10, QLatin1Char('0'));
}

/// True when `folder` holds nothing but frames an earlier export wrote (safe to replace).
bool onlyFrames(const QString& folder) {
    const QDir dir(folder);
    const QStringList all = dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    return std::all_of(all.begin(), all.end(), [](const QString& name) {
        return name.startsWith(QStringLiteral("frame_")) && name.endsWith(QStringLiteral(".png"));
    });
}

}  // namespace

QString findFfmpeg() {
    return QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
}

VideoPlan planVideo(const VideoSettings& s) {
    VideoPlan plan;
    plan.size = QSize(s.size.width() & ~1, s.size.height() & ~1);
    plan.frames = std::max(1, static_cast<int>(std::lround(s.seconds * s.fps)));
    if (s.path.isEmpty()) {
        plan.error = QObject::tr("no output file given");
        return plan;
    }
    if (plan.size.width() < 16 || plan.size.height() < 16 || plan.size.width() > 8192 ||
        plan.size.height() > 8192) {
        plan.error = QObject::tr("the frame size must be between 16 and 8192 pixels");
        return plan;
    }
    if (s.fps < 1 || s.fps > 120 || !(s.seconds > 0.0) || s.seconds > 3600.0 || !(s.speed > 0.0)) {
        plan.error = QObject::tr("fps must be 1-120, the length 0-3600 s and the speed above 0");
        return plan;
    }
    if (plan.size != s.size) {
        plan.note = QObject::tr("frame size rounded down to %1x%2 (even numbers)")
                        .arg(plan.size.width())
                        .arg(plan.size.height());
    }
    QString ffmpeg = s.ffmpeg.isEmpty() ? findFfmpeg() : s.ffmpeg;
    if (!ffmpeg.isEmpty() && !QFileInfo(ffmpeg).isExecutable()) {
        ffmpeg.clear();
    }
    const bool wantMp4 =
        s.format == VideoFormat::Mp4 || (s.format == VideoFormat::Auto && endsWithMp4(s.path));
    if (wantMp4 && !ffmpeg.isEmpty()) {
        plan.mp4 = true;
        plan.ffmpeg = ffmpeg;
        plan.target = QDir::cleanPath(s.path);
        return plan;
    }
    if (s.format == VideoFormat::Mp4) {
        plan.error = QObject::tr("an MP4 needs ffmpeg, and it is not on PATH");
        return plan;
    }
    plan.target = framesFolderFor(s.path);
    if (wantMp4) {
        const QString why = QObject::tr("ffmpeg not found: writing PNG frames into %1").arg(plan.target);
        plan.note = plan.note.isEmpty() ? why : why + QStringLiteral("; ") + plan.note;
    }
    return plan;
}

VideoExporter::VideoExporter(CityView* view, SimWorker* sim, VideoSettings settings, QObject* parent)
    : QObject(parent), m_view(view), m_sim(sim), m_settings(std::move(settings)) {
    m_plan = planVideo(m_settings);
}

VideoExporter::~VideoExporter() {
    if (m_running) {
        m_running = false;
        removePartial();
    }
}

bool VideoExporter::start() {
    if (m_running) {
        return false;
    }
    if (!m_plan.error.isEmpty()) {
        m_error = m_plan.error;
        return false;
    }
    if (m_view == nullptr || m_sim == nullptr) {
        m_error = tr("a video needs a scenario");
        return false;
    }
    const QFileInfo target(m_plan.target);
    const QDir parent = target.absoluteDir();
    if (!parent.exists()) {
        m_error = tr("the folder %1 does not exist").arg(parent.path());
        return false;
    }
    if (!m_plan.mp4 && target.exists() && (!target.isDir() || !onlyFrames(target.absoluteFilePath()))) {
        m_error = tr("%1 exists and holds other files than frames").arg(m_plan.target);
        return false;
    }
    if (m_plan.mp4 && target.isDir()) {
        m_error = tr("%1 is a folder").arg(m_plan.target);
        return false;
    }
    // The partial output: a hidden sibling of the target, renamed at the end.
    m_partial = parent.filePath(
        QStringLiteral(".%1.part-%2").arg(target.fileName()).arg(QDateTime::currentMSecsSinceEpoch()));
    if (m_plan.mp4) {
        m_ffmpeg = new QProcess(this);
        m_ffmpeg->setProcessChannelMode(QProcess::MergedChannels);
        const QStringList args{
            QStringLiteral("-hide_banner"),
            QStringLiteral("-loglevel"),
            QStringLiteral("error"),
            QStringLiteral("-y"),
            QStringLiteral("-f"),
            QStringLiteral("rawvideo"),
            QStringLiteral("-pix_fmt"),
            QStringLiteral("rgb24"),
            QStringLiteral("-s"),
            QStringLiteral("%1x%2").arg(m_plan.size.width()).arg(m_plan.size.height()),
            QStringLiteral("-framerate"),
            QString::number(m_settings.fps),
            QStringLiteral("-i"),
            QStringLiteral("-"),
            QStringLiteral("-c:v"),
            QStringLiteral("libx264"),
            QStringLiteral("-pix_fmt"),
            QStringLiteral("yuv420p"),
            QStringLiteral("-movflags"),
            QStringLiteral("+faststart"),
            QStringLiteral("-f"),
            QStringLiteral("mp4"),
            m_partial,
        };
        m_ffmpeg->start(m_plan.ffmpeg, args);
        if (!m_ffmpeg->waitForStarted(10000)) {
            m_error = tr("could not start %1: %2").arg(m_plan.ffmpeg, m_ffmpeg->errorString());
            delete m_ffmpeg;
            m_ffmpeg = nullptr;
            return false;
        }
    } else if (!QDir().mkpath(m_partial)) {
        m_error = tr("could not create %1").arg(m_partial);
        return false;
    }
    m_running = true;
    m_paused = false;
    m_frame = 0;
    m_step = std::max(m_sim->latest()->step, 1e-3);
    m_sim->pause();
    m_waitStartMs = QDateTime::currentMSecsSinceEpoch();
    m_timer = new QTimer(this);
    m_timer->setInterval(0);
    connect(m_timer, &QTimer::timeout, this, &VideoExporter::advance);
    m_timer->start();
    return true;
}

void VideoExporter::cancel() {
    if (!m_running) {
        return;
    }
    m_running = false;
    m_timer->stop();
    removePartial();
    m_error = tr("cancelled");
    Q_EMIT finished(false, tr("Video export cancelled; nothing written."));
}

void VideoExporter::fail(const QString& message) {
    m_running = false;
    if (m_timer != nullptr) {
        m_timer->stop();
    }
    removePartial();
    m_error = message;
    Q_EMIT finished(false, tr("Video export failed: %1").arg(message));
}

void VideoExporter::removePartial() {
    if (m_ffmpeg != nullptr) {
        m_ffmpeg->kill();
        m_ffmpeg->waitForFinished(5000);
        delete m_ffmpeg;
        m_ffmpeg = nullptr;
    }
    if (m_partial.isEmpty()) {
        return;
    }
    if (QFileInfo(m_partial).isDir()) {
        QDir(m_partial).removeRecursively();
    } else {
        QFile::remove(m_partial);
    }
}

void VideoExporter::advance() {
    // A modal progress dialog runs the event loop inside progress(): no frame inside a frame.
    if (!m_running || m_inAdvance) {
        return;
    }
    struct Guard {
        bool& flag;
        explicit Guard(bool& f) : flag(f) { flag = true; }
        ~Guard() { flag = false; }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
    } guard(m_inAdvance);
    const std::shared_ptr<const SimSnapshot> snap = m_sim->latest();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_waitStartMs > 120000) {
        fail(tr("the simulation did not advance for two minutes"));
        return;
    }
    if (!m_paused) {
        // The worker publishes its paused state once the step under way is done.
        if (snap->state == SimState::Playing) {
            m_timer->setInterval(2);
            return;
        }
        m_paused = true;
        m_baseTick = snap->tick;
        m_requestedTick = snap->tick;
        m_firstTime = snap->time;
    }
    const double simSeconds = m_frame * m_settings.speed / m_settings.fps;
    const std::int64_t target = m_baseTick + std::llround(simSeconds / m_step);
    if (snap->tick < target && snap->state != SimState::Finished) {
        if (m_requestedTick < target) {
            m_sim->step(static_cast<int>(target - m_requestedTick));
            m_requestedTick = target;
        }
        m_timer->setInterval(1);
        return;  // look again soon
    }
    m_timer->setInterval(0);
    m_waitStartMs = now;
    m_view->showSnapshot(snap, false);
    const QImage image = m_view->renderFrame(m_plan.size);
    if (image.isNull() || image.size() != m_plan.size) {
        fail(
            tr("the view could not render a %1x%2 frame").arg(m_plan.size.width()).arg(m_plan.size.height()));
        return;
    }
    if (!writeFrame(image)) {
        return;  // failed
    }
    m_lastTime = snap->time;
    ++m_frame;
    Q_EMIT progress(m_frame, m_plan.frames);
    if (m_frame >= m_plan.frames) {
        finish();
    }
}

bool VideoExporter::writeFrame(const QImage& image) {
    if (!m_plan.mp4) {
        if (!image.save(QDir(m_partial).filePath(frameName(m_frame)), "PNG")) {
            fail(tr("could not write %1").arg(QDir(m_partial).filePath(frameName(m_frame))));
            return false;
        }
        return true;
    }
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const qsizetype row = static_cast<qsizetype>(rgb.width()) * 3;
    QByteArray bytes;
    bytes.reserve(row * rgb.height());
    for (int y = 0; y < rgb.height(); ++y) {
        bytes.append(reinterpret_cast<const char*>(rgb.constScanLine(y)), row);
    }
    m_ffmpeg->write(bytes);
    // Keep at most a few frames queued in memory.
    while (m_ffmpeg->bytesToWrite() > 4 * bytes.size()) {
        if (m_ffmpeg->state() != QProcess::Running) {
            break;
        }
        m_ffmpeg->waitForBytesWritten(1000);
    }
    if (m_ffmpeg->state() != QProcess::Running) {
        fail(tr("ffmpeg stopped: %1").arg(QString::fromLocal8Bit(m_ffmpeg->readAll()).trimmed()));
        return false;
    }
    return true;
}

void VideoExporter::finish() {
    m_timer->stop();
    if (m_ffmpeg != nullptr) {
        m_ffmpeg->closeWriteChannel();
        if (!m_ffmpeg->waitForFinished(300000) || m_ffmpeg->exitStatus() != QProcess::NormalExit ||
            m_ffmpeg->exitCode() != 0) {
            fail(tr("ffmpeg failed: %1").arg(QString::fromLocal8Bit(m_ffmpeg->readAll()).trimmed()));
            return;
        }
        delete m_ffmpeg;
        m_ffmpeg = nullptr;
    }
    // Replace an earlier output only now, when the new one is complete.
    const QFileInfo target(m_plan.target);
    if (target.exists()) {
        const bool removed =
            target.isDir() ? QDir(m_plan.target).removeRecursively() : QFile::remove(m_plan.target);
        if (!removed) {
            fail(tr("could not replace %1").arg(m_plan.target));
            return;
        }
    }
    if (!QDir().rename(m_partial, m_plan.target)) {
        fail(tr("could not rename %1 to %2").arg(m_partial, m_plan.target));
        return;
    }
    m_partial.clear();
    m_running = false;
    const QString what = m_plan.mp4 ? tr("MP4") : tr("PNG frames");
    Q_EMIT finished(true, tr("Saved %1 frames (%2, %3x%4, %5 s to %6 s simulated) to %7")
                              .arg(m_frame)
                              .arg(what)
                              .arg(m_plan.size.width())
                              .arg(m_plan.size.height())
                              .arg(m_firstTime, 0, 'f', 0)
                              .arg(m_lastTime, 0, 'f', 0)
                              .arg(m_plan.target));
}

}  // namespace ct::gui
