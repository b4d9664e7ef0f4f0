#pragma once
/// Video export: frames rendered offscreen from the city view while the simulation advances a
/// fixed simulated time per frame, so a video shows the run the same way on every machine
/// whatever the rendering speed (frame i shows simulated time t0 + i * speed / fps).
///
/// With `ffmpeg` on PATH the frames are piped (raw RGB) into it for an H.264 MP4 (yuv420p);
/// without it, or when asked, they become a numbered PNG sequence in a folder. Outputs are
/// written under a temporary name next to the target and renamed at the end: a cancelled or
/// failed export leaves nothing behind.

#include <QObject>
#include <QSize>
#include <QString>

#include <cstdint>
#include <memory>

class QProcess;
class QTimer;

namespace ct::gui {

class CityView;
class SimWorker;

enum class VideoFormat {
    Auto,       ///< an MP4 when the path ends in .mp4 and ffmpeg is found, else PNG frames
    Mp4,        ///< an MP4 (needs ffmpeg)
    PngFrames,  ///< frame_00000.png, frame_00001.png, ... in a folder
};

struct VideoSettings {
    QString path;           ///< the .mp4 file, or the folder of PNG frames
    double seconds = 10.0;  ///< length of the video
    int fps = 25;           ///< frames per second of video
    double speed = 10.0;    ///< simulated seconds per second of video
    QSize size{1280, 720};  ///< frame size in pixels; odd numbers are rounded down to even
    VideoFormat format = VideoFormat::Auto;
    /// The ffmpeg program; empty: `ffmpeg` found on PATH; a path that is no executable: none.
    QString ffmpeg;
};

/// What an export will write, decided from the settings before it starts.
struct VideoPlan {
    bool mp4 = false;  ///< through ffmpeg, else PNG frames
    QString target;    ///< the final file (MP4) or folder (PNG frames)
    QString ffmpeg;    ///< the program used (MP4 only)
    QSize size;        ///< even width and height
    int frames = 0;    ///< round(seconds * fps), at least 1
    QString note;      ///< why it is not what was asked for (e.g. no ffmpeg), empty when it is
    QString error;     ///< why it cannot be done; empty when it can
};
VideoPlan planVideo(const VideoSettings& settings);

/// The ffmpeg found on PATH (empty when there is none).
QString findFfmpeg();

/// Drives one export from the GUI thread's event loop: pauses the simulation, then for each
/// frame steps it to the frame's time (SimWorker::step), shows that snapshot in the view exactly
/// (no interpolation), renders the view offscreen (CityView::renderFrame(QSize)) and writes the
/// frame. The simulation stays paused at the last frame's time. When the run ends before the
/// video does, the last moment fills the remaining frames. The owner must not show other
/// snapshots in the view while running() (MainWindow does not).
class VideoExporter : public QObject {
    Q_OBJECT
public:
    VideoExporter(CityView* view, SimWorker* sim, VideoSettings settings, QObject* parent = nullptr);
    /// Cancels an export still running (its partial output goes).
    ~VideoExporter() override;

    /// Opens the output and starts; false (and error()) when it cannot (nothing is written).
    bool start();
    /// Stops, removing the partial output; emits finished(false, ...). No-op when not running.
    void cancel();
    [[nodiscard]] bool running() const { return m_running; }
    [[nodiscard]] const VideoPlan& plan() const { return m_plan; }
    [[nodiscard]] int framesDone() const { return m_frame; }
    [[nodiscard]] int framesTotal() const { return m_plan.frames; }
    [[nodiscard]] QString error() const { return m_error; }
    /// s of simulated time of the first and (so far) last frame.
    [[nodiscard]] double firstTime() const { return m_firstTime; }
    [[nodiscard]] double lastTime() const { return m_lastTime; }

Q_SIGNALS:
    /// After each frame written.
    void progress(int done, int total);
    /// The export ended: `ok` when the output is in place; `message` says where or why not.
    void finished(bool ok, const QString& message);

private:
    void advance();
    bool writeFrame(const QImage& image);
    void fail(const QString& message);
    void finish();
    void removePartial();

    CityView* m_view;
    SimWorker* m_sim;
    VideoSettings m_settings;
    VideoPlan m_plan;
    QString m_partial;  ///< the temporary file or folder
    QProcess* m_ffmpeg = nullptr;
    QTimer* m_timer = nullptr;
    bool m_running = false;
    bool m_inAdvance = false;
    bool m_paused = false;  ///< the simulation has published its paused state
    std::int64_t m_baseTick = 0;
    std::int64_t m_requestedTick = 0;
    double m_step = 1.0;
    int m_frame = 0;
    qint64 m_waitStartMs = 0;
    double m_firstTime = 0.0;
    double m_lastTime = 0.0;
    QString m_error;
};

}  // namespace ct::gui
