#pragma once
// Helpers the GUI tests share: waiting for the event loop, and finding colours in a frame.

#include <QtTest>

#include <QElapsedTimer>
#include <QImage>
#include <QPoint>
#include <QSignalSpy>

#include <memory>

#include <algorithm>
#include <cmath>

#include "citytwin/render/palette.h"
#include "diagnostics_panel.h"
#include "main_window.h"

namespace ct::test {

/// Processes events until `pred` holds (true) or `ms` pass (false).
template <class Pred>
bool waitFor(Pred pred, int ms) {
    QElapsedTimer t;
    t.start();
    while (!pred()) {
        if (t.elapsed() > ms) {
            return false;
        }
        QTest::qWait(10);
    }
    return true;
}

/// True when `px` has the hue of `c` at any brightness: lighting scales a colour, its
/// chromaticity r/(r+g+b), g/(r+g+b), b/(r+g+b) survives. Pixels darker than `minSum` (of
/// 765) are too dark to tell.
inline bool sameChromaticity(QRgb px, render::Rgb c, double tolerance = 0.04, double minSum = 60.0) {
    const double s = qRed(px) + qGreen(px) + qBlue(px);
    if (s < minSum) {
        return false;
    }
    const double cs = c.r + c.g + c.b;
    return std::abs(qRed(px) / s - c.r / cs) < tolerance && std::abs(qGreen(px) / s - c.g / cs) < tolerance &&
           std::abs(qBlue(px) / s - c.b / cs) < tolerance;
}

/// Pixels of `image` with the hue of `c` within `radius` of `centre` (the whole image when
/// radius < 0).
inline int countColor(const QImage& image, render::Rgb c, QPoint centre = {}, int radius = -1) {
    const int x0 = radius < 0 ? 0 : std::max(0, centre.x() - radius);
    const int x1 = radius < 0 ? image.width() - 1 : std::min(image.width() - 1, centre.x() + radius);
    const int y0 = radius < 0 ? 0 : std::max(0, centre.y() - radius);
    const int y1 = radius < 0 ? image.height() - 1 : std::min(image.height() - 1, centre.y() + radius);
    int hits = 0;
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            hits += sameChromaticity(image.pixel(x, y), c) ? 1 : 0;
        }
    }
    return hits;
}

/// A main window of `size`, shown, with `scenario` loaded and its first snapshot shown; null
/// when it did not load (`why` says why).
inline std::unique_ptr<gui::MainWindow> openScenario(const QString& scenario, QString* why,
                                                     QSize size = {1200, 800}, int loadMs = 60000) {
    auto window = std::make_unique<gui::MainWindow>(QStringLiteral(CT_ASSETS_DIR));
    window->resize(size);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get())) {
        *why = QStringLiteral("the window was not exposed");
        return nullptr;
    }
    QSignalSpy finished(window.get(), &gui::MainWindow::loadFinished);
    if (!window->loadScenario(scenario) || !finished.wait(loadMs)) {
        *why = QStringLiteral("%1 did not load in time").arg(scenario);
        return nullptr;
    }
    if (!finished.at(0).at(0).toBool()) {
        *why = window->diagnostics()->summary();
        return nullptr;
    }
    if (!waitFor([&] { return window->shownSnapshot() != nullptr; }, 2000)) {
        *why = QStringLiteral("no snapshot shown");
        return nullptr;
    }
    return window;
}

}  // namespace ct::test
