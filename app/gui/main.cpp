// citytwin-gui: the desktop app. Usage:
//   citytwin-gui [vector-source...] [--dem FILE] [--mapping FILE]
//   citytwin-gui --scenario FILE.json [--play] [--speed X]
//   ... [--roads class|speed] [--zoom F] [--select KIND:ID]
//   ... [--search TEXT] [--follow] [--view NAME] [--scrub SECONDS] [--no-settings]
//   ... [--screenshot FILE.png] [--size WxH] [--screenshot-after SECONDS] [--window] [--click X,Y]
//   ... [--video FILE.mp4|FOLDER] [--video-duration S] [--fps N] [--video-speed X] [--video-start S]
// Without sources or a scenario it opens the bundled sample city with the morning-peak scenario
// ready to play.

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QImage>
#include <QTimer>

#include "city_view.h"
#include "diagnostics_panel.h"
#include "layers_panel.h"
#include "main_window.h"
#include "search_box.h"
#include "sim_history.h"
#include "sim_snapshot.h"
#include "surface_format.h"
#include "video_export.h"
#include "view_bookmarks.h"

namespace {

/// Parses "WxH"; returns false on anything else.
bool parseSize(const QString& text, QSize* size) {
    const QStringList parts = text.toLower().split(QLatin1Char('x'));
    if (parts.size() != 2) {
        return false;
    }
    bool okW = false;
    bool okH = false;
    const int w = parts[0].toInt(&okW);
    const int h = parts[1].toInt(&okH);
    if (!okW || !okH || w < 64 || h < 64 || w > 8192 || h > 8192) {
        return false;
    }
    *size = QSize(w, h);
    return true;
}

/// Screenshot mode: after the load (and, with `after` > 0, after simulating that many seconds
/// as fast as possible), optionally clicks a point of the view, saves the view or the window and
/// quits.
void armScreenshot(ct::gui::MainWindow& window, const QString& path, double after, bool wholeWindow,
                   std::optional<QPointF> click, std::function<void()> prepare) {
    auto save = [&window, path, wholeWindow, click, prepare] {
        // After the other handlers of the load (zoom) have run.
        QTimer::singleShot(0, &window, prepare);
        // Give the window a moment to settle (sizes, the last snapshot, charts, a camera flight)
        // before grabbing.
        QTimer::singleShot(1200, &window, [&window, path, wholeWindow, click] {
            if (click) {
                window.view()->select(window.view()->pickAt(*click));
                QApplication::processEvents();
            }
            const bool saved = window.saveScreenshot(path, wholeWindow);
            if (!saved) {
                std::fprintf(stderr, "citytwin-gui: could not save %s\n", qPrintable(path));
            }
            QApplication::exit(saved ? 0 : 1);
        });
    };
    QObject::connect(&window, &ct::gui::MainWindow::loadFinished, &window, [&window, save, after](bool ok) {
        if (!ok) {
            std::fprintf(stderr, "citytwin-gui: load failed: %s\n",
                         qPrintable(window.diagnostics()->summary()));
            QApplication::exit(1);
            return;
        }
        if (after <= 0.0 || window.simulation() == nullptr) {
            save();
            return;
        }
        window.setSimulationSpeed(0.0);
        window.playUntil(after);
        auto done = std::make_shared<bool>(false);
        QObject::connect(&window, &ct::gui::MainWindow::snapshotShown, &window, [&window, save, after, done] {
            const auto snap = window.shownSnapshot();
            if (*done || !snap || snap->state == ct::gui::SimState::Playing ||
                (snap->time < after - 1e-9 && snap->state != ct::gui::SimState::Finished)) {
                return;
            }
            *done = true;
            save();
        });
    });
}

/// Runs `then` once the load is done and (with `after` > 0) the simulation has reached `after`
/// as fast as possible; exits 1 when the load fails.
void whenReady(ct::gui::MainWindow& window, double after, std::function<void()> then) {
    QObject::connect(&window, &ct::gui::MainWindow::loadFinished, &window, [&window, then, after](bool ok) {
        if (!ok) {
            std::fprintf(stderr, "citytwin-gui: load failed: %s\n",
                         qPrintable(window.diagnostics()->summary()));
            QApplication::exit(1);
            return;
        }
        if (after <= 0.0 || window.simulation() == nullptr) {
            then();
            return;
        }
        window.setSimulationSpeed(0.0);
        window.playUntil(after);
        auto done = std::make_shared<bool>(false);
        QObject::connect(&window, &ct::gui::MainWindow::snapshotShown, &window, [&window, then, after, done] {
            const auto snap = window.shownSnapshot();
            if (*done || !snap || snap->state == ct::gui::SimState::Playing ||
                (snap->time < after - 1e-9 && snap->state != ct::gui::SimState::Finished)) {
                return;
            }
            *done = true;
            then();
        });
    });
}

/// Video mode: once ready, exports the video (progress on stderr) and quits (0 when written).
void armVideo(ct::gui::MainWindow& window, const ct::gui::VideoSettings& settings, double start,
              std::function<void()> prepare) {
    whenReady(window, start, [&window, settings, prepare] {
        // After the other handlers of the load (zoom, selection).
        QTimer::singleShot(0, &window, [&window, settings, prepare] {
            prepare();
            QString error;
            if (!window.exportVideo(settings, &error)) {
                std::fprintf(stderr, "citytwin-gui: no video: %s\n", qPrintable(error));
                QApplication::exit(1);
                return;
            }
            const ct::gui::VideoPlan& plan = window.videoExport()->plan();
            std::fprintf(stderr, "citytwin-gui: video: %d frames of %dx%d %s %s\n", plan.frames,
                         plan.size.width(), plan.size.height(),
                         plan.mp4 ? "into the MP4" : "as PNG frames into", qPrintable(plan.target));
            if (!plan.note.isEmpty()) {
                std::fprintf(stderr, "citytwin-gui: %s\n", qPrintable(plan.note));
            }
            auto shown = std::make_shared<int>(-1);
            QObject::connect(window.videoExport(), &ct::gui::VideoExporter::progress, &window,
                             [shown](int done, int total) {
                                 const int percent = 100 * done / std::max(total, 1);
                                 if (percent != *shown) {
                                     *shown = percent;
                                     std::fprintf(stderr, "citytwin-gui: video %3d%% (%d/%d frames)\n",
                                                  percent, done, total);
                                 }
                             });
            QObject::connect(&window, &ct::gui::MainWindow::videoExportFinished, &window,
                             [](bool ok, const QString& message) {
                                 std::fprintf(stderr, "citytwin-gui: %s\n", qPrintable(message));
                                 QApplication::exit(ok ? 0 : 1);
                             });
        });
    });
}

}  // namespace

int main(int argc, char* argv[]) {
    // The GL format must be the default before QApplication exists (see surface_format.h).
    ct::gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CityTwin"));
    QApplication::setOrganizationName(QStringLiteral("CityTwin"));
    QApplication::setApplicationVersion(QStringLiteral("0.1"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("CityTwin: a digital-twin city simulator."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("vector-source"),
        QStringLiteral("GIS file or folder to load (default: the sample city with the "
                       "morning-peak scenario)."),
        QStringLiteral("[vector-source...]"));
    const QCommandLineOption demOption(QStringLiteral("dem"), QStringLiteral("Terrain raster (GeoTIFF)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption mappingOption(QStringLiteral("mapping"),
                                           QStringLiteral("Tag mapping JSON file."), QStringLiteral("FILE"));
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"),
                                            QStringLiteral("Scenario to load (its city, demand and events)."),
                                            QStringLiteral("FILE.json"));
    const QCommandLineOption recordingOption(
        QStringLiteral("recording"),
        QStringLiteral("Open a recording (.ctrec, File > Save recording) and replay it; --play starts it."),
        QStringLiteral("FILE.ctrec"));
    const QCommandLineOption playOption(QStringLiteral("play"),
                                        QStringLiteral("Start the simulation at once."));
    const QCommandLineOption speedOption(
        QStringLiteral("speed"),
        QStringLiteral("Simulated seconds per real second (default 1 or the last run's; 0 = max)."),
        QStringLiteral("X"), QStringLiteral("1"));
    const QCommandLineOption colorOption(
        QStringLiteral("roads"),
        QStringLiteral("Colour roads by 'class' (default, or the last run's choice), live 'speed', "
                       "'delay' (delay index) or 'density' (vehicles per km and lane)."),
        QStringLiteral("MODE"), QStringLiteral("class"));
    const QCommandLineOption buildingsOption(
        QStringLiteral("buildings"),
        QStringLiteral("Colour buildings by 'use' (default), 'height', 'levels', 'residents', 'jobs', "
                       "'footprint', 'no_power_min' or 'no_water_min'."),
        QStringLiteral("ATTRIBUTE"));
    const QCommandLineOption searchOption(
        QStringLiteral("search"),
        QStringLiteral("Once loaded, search for TEXT (a name or id) and pick the best match: select it "
                       "and fly there."),
        QStringLiteral("TEXT"));
    const QCommandLineOption followOption(
        QStringLiteral("follow"), QStringLiteral("Follow the selected vehicle (--select vehicle:TRIP)."));
    const QCommandLineOption viewOption(QStringLiteral("view"),
                                        QStringLiteral("Once loaded, go to the saved camera view NAME."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption scrubOption(
        QStringLiteral("scrub"),
        QStringLiteral("With --screenshot-after: show the moment recorded nearest SECONDS on the timeline."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption noSettingsOption(
        QStringLiteral("no-settings"),
        QStringLiteral("Neither read nor write the settings kept between runs (screenshots never do)."));
    const QCommandLineOption zoomOption(
        QStringLiteral("zoom"), QStringLiteral("Bring the camera this many times closer than the overview."),
        QStringLiteral("F"), QStringLiteral("1"));
    const QCommandLineOption selectOption(
        QStringLiteral("select"),
        QStringLiteral(
            "Select an object once loaded: building:ID, link:ID, junction:ID, facility:ID or vehicle:TRIP."),
        QStringLiteral("KIND:ID"));
    const QCommandLineOption clickOption(
        QStringLiteral("click"),
        QStringLiteral("With --screenshot: click the view at X,Y (pixels) before saving."),
        QStringLiteral("X,Y"));
    const QCommandLineOption shotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render one frame of the loaded city to FILE.png and exit."), QStringLiteral("FILE"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"),
        QStringLiteral(
            "Size of the 3D view (or with --window, the window) for --screenshot (default 1280x800)."),
        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    const QCommandLineOption afterOption(
        QStringLiteral("screenshot-after"),
        QStringLiteral("With --screenshot: first simulate this many seconds, as fast as possible."),
        QStringLiteral("SECONDS"), QStringLiteral("0"));
    const QCommandLineOption windowOption(
        QStringLiteral("window"), QStringLiteral("With --screenshot: save the whole window with its docks."));
    const QCommandLineOption videoOption(
        QStringLiteral("video"),
        QStringLiteral("Export a video of the scenario and exit: an H.264 MP4 (FILE.mp4, through ffmpeg) or, "
                       "without ffmpeg or for a name without .mp4, PNG frames into a folder."),
        QStringLiteral("FILE"));
    const QCommandLineOption videoDurationOption(QStringLiteral("video-duration"),
                                                 QStringLiteral("With --video: its length (default 10)."),
                                                 QStringLiteral("SECONDS"), QStringLiteral("10"));
    const QCommandLineOption fpsOption(QStringLiteral("fps"),
                                       QStringLiteral("With --video: frames per second (default 25)."),
                                       QStringLiteral("N"), QStringLiteral("25"));
    const QCommandLineOption videoSpeedOption(
        QStringLiteral("video-speed"),
        QStringLiteral("With --video: simulated seconds per second of video (default 10)."),
        QStringLiteral("X"), QStringLiteral("10"));
    const QCommandLineOption videoStartOption(
        QStringLiteral("video-start"),
        QStringLiteral("With --video: first simulate this many seconds, as fast as possible (default 0)."),
        QStringLiteral("SECONDS"), QStringLiteral("0"));
    parser.addOptions({videoOption, videoDurationOption, fpsOption, videoSpeedOption, videoStartOption});
    parser.addOption(recordingOption);
    parser.addOption(buildingsOption);
    parser.addOptions({demOption, mappingOption, scenarioOption, playOption, speedOption, colorOption,
                       zoomOption, selectOption, clickOption, shotOption, sizeOption, afterOption,
                       windowOption, searchOption, followOption, viewOption, scrubOption, noSettingsOption});
    parser.process(app);

    QSize shotSize;
    if (!parseSize(parser.value(sizeOption), &shotSize)) {
        std::fprintf(stderr, "citytwin-gui: --size wants WxH, e.g. 1280x800\n");
        return 2;
    }
    bool okSpeed = false;
    const double speed = parser.value(speedOption).toDouble(&okSpeed);
    bool okAfter = false;
    const double after = parser.value(afterOption).toDouble(&okAfter);
    ct::gui::Selection selection;
    if (parser.isSet(selectOption)) {
        const QStringList parts = parser.value(selectOption).split(QLatin1Char(':'));
        bool okId = false;
        const uint id = parts.size() == 2 ? parts[1].toUInt(&okId) : 0;
        using Kind = ct::gui::Selection::Kind;
        for (const Kind k : {Kind::Building, Kind::Link, Kind::Junction, Kind::Facility, Kind::Vehicle}) {
            if (okId && parts[0] == QLatin1String(ct::gui::toString(k))) {
                selection = {k, id};
            }
        }
        if (selection.empty()) {
            std::fprintf(stderr, "citytwin-gui: --select wants KIND:ID, e.g. building:12\n");
            return 2;
        }
    }
    bool okZoom = false;
    const double zoom = parser.value(zoomOption).toDouble(&okZoom);
    if (!okSpeed || speed < 0.0 || !okAfter || after < 0.0 || !okZoom || zoom <= 0.0) {
        std::fprintf(stderr,
                     "citytwin-gui: --speed, --screenshot-after and --zoom want non-negative numbers\n");
        return 2;
    }

    const QString videoPath = parser.value(videoOption);
    ct::gui::VideoSettings video;
    double videoStart = 0.0;
    if (!videoPath.isEmpty()) {
        bool okDuration = false;
        bool okFps = false;
        bool okVideoSpeed = false;
        bool okStart = false;
        video.path = videoPath;
        video.seconds = parser.value(videoDurationOption).toDouble(&okDuration);
        video.fps = parser.value(fpsOption).toInt(&okFps);
        video.speed = parser.value(videoSpeedOption).toDouble(&okVideoSpeed);
        videoStart = parser.value(videoStartOption).toDouble(&okStart);
        video.size = parser.isSet(sizeOption) ? shotSize : QSize(1280, 720);
        if (!okDuration || !okFps || !okVideoSpeed || !okStart || videoStart < 0.0) {
            std::fprintf(stderr,
                         "citytwin-gui: --video-duration, --fps, --video-speed and --video-start want "
                         "numbers\n");
            return 2;
        }
        const ct::gui::VideoPlan plan = ct::gui::planVideo(video);
        if (!plan.error.isEmpty()) {
            std::fprintf(stderr, "citytwin-gui: --video: %s\n", qPrintable(plan.error));
            return 2;
        }
        if (!parser.value(shotOption).isEmpty()) {
            std::fprintf(stderr, "citytwin-gui: --video and --screenshot do not go together\n");
            return 2;
        }
    }

    ct::gui::MainWindow window(QStringLiteral(CITYTWIN_ASSETS_DIR));
    // What the command line asks for once the city is there (in screenshot mode, once the
    // simulation has reached --screenshot-after): selection, saved view, search, follow, scrub.
    std::function<void()> prepare;
    const QString shotPath = parser.value(shotOption);
    const bool wholeWindow = parser.isSet(windowOption);
    if (!shotPath.isEmpty()) {
        if (wholeWindow) {
            window.resize(shotSize);
        } else {
            // A view of exactly the requested size, no docks.
            for (QDockWidget* dock : window.findChildren<QDockWidget*>()) {
                dock->hide();
            }
            window.view()->setFixedSize(shotSize);
        }
        std::optional<QPointF> click;
        if (parser.isSet(clickOption)) {
            const QStringList xy = parser.value(clickOption).split(QLatin1Char(','));
            bool okX = false;
            bool okY = false;
            if (xy.size() == 2) {
                click = QPointF(xy[0].toDouble(&okX), xy[1].toDouble(&okY));
            }
            if (!okX || !okY) {
                std::fprintf(stderr, "citytwin-gui: --click wants X,Y, e.g. 400,300\n");
                return 2;
            }
        }
        armScreenshot(window, shotPath, after, wholeWindow, click, [&] { prepare(); });
    }
    if (!videoPath.isEmpty()) {
        armVideo(window, video, videoStart, [&] { prepare(); });
    }
    // Settings of the last run first; the command line overrides them. Screenshots are made
    // from the defaults, so they come out the same on every machine.
    if (shotPath.isEmpty() && videoPath.isEmpty() && !parser.isSet(noSettingsOption)) {
        window.useSettings();
    }
    if (parser.isSet(speedOption) || !shotPath.isEmpty() || parser.isSet(noSettingsOption)) {
        window.setSimulationSpeed(speed);
    }
    if (parser.isSet(buildingsOption)) {
        const auto coloring = ct::gui::CityView::buildingColoringFromKey(parser.value(buildingsOption));
        if (!coloring) {
            std::fprintf(stderr,
                         "citytwin-gui: --buildings takes use, height, levels, residents, jobs, "
                         "footprint, no_power_min or no_water_min, not '%s'\n",
                         qPrintable(parser.value(buildingsOption)));
            return 2;
        }
        window.layers()->setBuildingColoring(*coloring);
    }
    if (parser.isSet(colorOption)) {
        const auto coloring = ct::gui::CityView::roadColoringFromKey(parser.value(colorOption));
        if (!coloring) {
            std::fprintf(stderr, "citytwin-gui: --roads takes class, speed, delay or density, not '%s'\n",
                         qPrintable(parser.value(colorOption)));
            return 2;
        }
        window.layers()->setRoadColoring(*coloring);
    }
    bool okScrub = true;
    const double scrub = parser.isSet(scrubOption) ? parser.value(scrubOption).toDouble(&okScrub) : -1.0;
    if (!okScrub) {
        std::fprintf(stderr, "citytwin-gui: --scrub wants seconds\n");
        return 2;
    }
    prepare = [&] {
        if (!selection.empty()) {
            window.view()->select(selection);
        }
        if (parser.isSet(viewOption)) {
            const int index = window.views().indexOf(parser.value(viewOption));
            if (index < 0) {
                std::fprintf(stderr, "citytwin-gui: no saved view named %s\n",
                             qPrintable(parser.value(viewOption)));
            } else {
                window.view()->setCameraPose(window.views().at(index).pose);
            }
        }
        if (parser.isSet(searchOption)) {
            window.searchBox()->search(parser.value(searchOption));
            if (!window.searchBox()->choose(0)) {
                std::fprintf(stderr, "citytwin-gui: nothing found for %s\n",
                             qPrintable(parser.value(searchOption)));
            }
        }
        if (parser.isSet(followOption)) {
            window.followSelection(true);
        }
        if (scrub >= 0.0 && window.history().snapshotCount() > 0) {
            window.scrubTo(static_cast<int>(window.history().snapshotNear(scrub)));
        }
    };
    QObject::connect(&window, &ct::gui::MainWindow::loadFinished, &window, [&](bool ok) {
        if (ok && zoom != 1.0) {
            window.view()->zoomBy(1.0 / zoom);
        }
        // Screenshots prepare when they are about to be taken.
        if (ok && shotPath.isEmpty() && videoPath.isEmpty()) {
            prepare();
        }
        if (ok && parser.isSet(playOption) && videoPath.isEmpty()) {
            window.play();
        }
    });
    window.show();

    const QStringList sources = parser.positionalArguments();
    const QString defaultScenario = QStringLiteral(CT_SCENARIOS_DIR "/morning_peak.json");
    if (parser.isSet(recordingOption)) {
        window.openRecording(parser.value(recordingOption));
    } else if (parser.isSet(scenarioOption)) {
        window.loadScenario(parser.value(scenarioOption));
    } else if (!sources.isEmpty()) {
        ct::gis::LoadOptions options;
        for (const QString& s : sources) {
            options.vectorSources.push_back(s.toStdString());
        }
        options.demPath = parser.value(demOption).toStdString();
        options.mappingPath = parser.value(mappingOption).toStdString();
        window.loadCity(options);
    } else if (QFileInfo::exists(defaultScenario)) {
        window.loadScenario(defaultScenario);
    } else {
        window.loadSampleCity();
    }
    return QApplication::exec();
}
