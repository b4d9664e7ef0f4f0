// citytwin-gui: the desktop app. Usage:
//   citytwin-gui [vector-source...] [--dem FILE] [--mapping FILE] [--screenshot FILE.png] [--size WxH]
// Without sources it opens the bundled sample city.

#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QImage>
#include <QTimer>

#include "city_view.h"
#include "diagnostics_panel.h"
#include "main_window.h"
#include "surface_format.h"

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

}  // namespace

int main(int argc, char* argv[]) {
    // The GL format must be the default before QApplication exists (see surface_format.h).
    ct::gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CityTwin"));
    QApplication::setApplicationVersion(QStringLiteral("0.1"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("CityTwin: a digital-twin city simulator."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("vector-source"),
                                 QStringLiteral("GIS file or folder to load (default: the sample city)."),
                                 QStringLiteral("[vector-source...]"));
    const QCommandLineOption demOption(QStringLiteral("dem"), QStringLiteral("Terrain raster (GeoTIFF)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption mappingOption(QStringLiteral("mapping"),
                                           QStringLiteral("Tag mapping JSON file."), QStringLiteral("FILE"));
    const QCommandLineOption shotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Render one frame of the loaded city to FILE.png and exit."), QStringLiteral("FILE"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"), QStringLiteral("Size of the 3D view for --screenshot (default 1280x800)."),
        QStringLiteral("WxH"), QStringLiteral("1280x800"));
    parser.addOptions({demOption, mappingOption, shotOption, sizeOption});
    parser.process(app);

    QSize shotSize;
    if (!parseSize(parser.value(sizeOption), &shotSize)) {
        std::fprintf(stderr, "citytwin-gui: --size wants WxH, e.g. 1280x800\n");
        return 2;
    }

    ct::gui::MainWindow window(QStringLiteral(CITYTWIN_ASSETS_DIR));
    const QString shotPath = parser.value(shotOption);
    if (!shotPath.isEmpty()) {
        // Screenshot mode: a view of exactly the requested size, no docks; exit when done.
        window.diagnosticsDock()->hide();
        window.view()->setFixedSize(shotSize);
        QObject::connect(&window, &ct::gui::MainWindow::loadFinished, &app, [&](bool ok) {
            if (!ok) {
                std::fprintf(stderr, "citytwin-gui: load failed: %s\n",
                             qPrintable(window.diagnostics()->summary()));
                QApplication::exit(1);
                return;
            }
            // Give the window a moment to settle at its final size before grabbing.
            QTimer::singleShot(100, &window, [&] {
                const QImage frame = window.view()->renderFrame();
                const bool saved = !frame.isNull() && frame.save(shotPath);
                if (!saved) {
                    std::fprintf(stderr, "citytwin-gui: could not save %s\n", qPrintable(shotPath));
                }
                QApplication::exit(saved ? 0 : 1);
            });
        });
    }
    window.show();

    const QStringList sources = parser.positionalArguments();
    if (sources.isEmpty()) {
        window.loadSampleCity();
    } else {
        ct::gis::LoadOptions options;
        for (const QString& s : sources) {
            options.vectorSources.push_back(s.toStdString());
        }
        options.demPath = parser.value(demOption).toStdString();
        options.mappingPath = parser.value(mappingOption).toStdString();
        window.loadCity(options);
    }
    return QApplication::exec();
}
