// GUI test of the 3D city view: the OpenGL context OSG needs, a frame that shows the city in
// its colours, and the main window's loading (off the GUI thread, failures keep the city).
// Runs under tools/with-display.sh (Xvfb + Mesa llvmpipe when there is no display).

#include <QtTest>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QOpenGLContext>

#include "city_view.h"
#include "citytwin/gis/city_loader.h"
#include "citytwin/render/palette.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "main_window.h"
#include "surface_format.h"
#include "synthetic_city.h"

using namespace ct;

namespace {

const QString kAssetsDir = QStringLiteral(CT_ASSETS_DIR);

bool haveSampleCity() {
    return QFileInfo::exists(kAssetsDir + QStringLiteral("/sample_city/city.gpkg"));
}

/// Fraction of the pixels of `image` that satisfy `pred(QRgb)`.
template <class Pred>
double fraction(const QImage& image, Pred pred) {
    qint64 hits = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            hits += pred(line[x]) ? 1 : 0;
        }
    }
    return static_cast<double>(hits) / (static_cast<double>(image.width()) * image.height());
}

/// True when `px` has the hue and saturation of `c` at any brightness (lighting scales colours,
/// chromaticity r/(r+g+b), g/(r+g+b) survives it).
bool sameChromaticity(QRgb px, render::Rgb c, double tolerance) {
    const double s = qRed(px) + qGreen(px) + qBlue(px);
    if (s < 90.0) {
        return false;  // too dark to tell
    }
    const double cs = c.r + c.g + c.b;
    return std::abs(qRed(px) / s - c.r / cs) < tolerance && std::abs(qGreen(px) / s - c.g / cs) < tolerance;
}

}  // namespace

class TestCityView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void contextIsCompatibilityProfile();
    void frameIsNotJustSky();
    void buildingColoursAppear();
    void mouseAndKeysMoveTheCamera();
    void sampleCityLoadsInTheBackground();
    void failedLoadKeepsPreviousCity();

private:
    std::shared_ptr<const CityModel> m_city;
    std::unique_ptr<gui::CityView> m_view;
    QImage m_frame;
};

void TestCityView::initTestCase() {
    // The bundled sample city when it exists; else a hand-built one, so the view is still tested.
    if (haveSampleCity()) {
        gis::LoadResult result = gis::loadCity(gis::sampleCityOptions(kAssetsDir.toStdString()));
        QVERIFY2(result.city.has_value(), result.report.summary().c_str());
        m_city = std::make_shared<const CityModel>(std::move(*result.city));
    } else {
        qWarning("assets/sample_city/city.gpkg not found: testing with a synthetic city");
        m_city = std::make_shared<const CityModel>(test::makeSyntheticCity({.buildings = 600}));
    }
    QVERIFY(m_city->buildings.count() > 0);

    m_view = std::make_unique<gui::CityView>();
    m_view->resize(960, 600);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->setCity(m_city);
    QElapsedTimer timer;
    timer.start();
    m_frame = m_view->renderFrame();
    const render::SceneStats stats = m_view->sceneStats();
    qInfo("%zu buildings: %zu draw calls, %zu geometries, %zu labels, %zu k triangles; first frame %lld ms",
          m_city->buildings.count(), stats.drawCalls, stats.geometries, stats.labels, stats.triangles / 1000,
          static_cast<long long>(timer.elapsed()));
    QVERIFY(!m_frame.isNull());
    QCOMPARE(m_frame.size(), QSize(960, 600) * m_view->devicePixelRatio());
    // Kept for people reading a failure.
    m_frame.save(QStringLiteral(CT_BINARY_DIR "/tst_city_view.png"));
}

void TestCityView::cleanupTestCase() {
    m_view.reset();
}

void TestCityView::contextIsCompatibilityProfile() {
    QOpenGLContext* context = m_view->context();
    QVERIFY(context != nullptr);
    const QSurfaceFormat format = context->format();
    const QString got = QStringLiteral("GL %1.%2, profile %3, deprecated functions %4")
                            .arg(format.majorVersion())
                            .arg(format.minorVersion())
                            .arg(static_cast<int>(format.profile()))
                            .arg(format.testOption(QSurfaceFormat::DeprecatedFunctions));
    qInfo("%s", qPrintable(got));
    QVERIFY2(format.profile() != QSurfaceFormat::CoreProfile, qPrintable(got));
    QVERIFY2(gui::isCompatibilityContext(format), qPrintable(got));
}

void TestCityView::frameIsNotJustSky() {
    const QColor sky = gui::CityView::clearColor();
    const double differs = fraction(m_frame, [&](QRgb px) {
        return std::abs(qRed(px) - sky.red()) + std::abs(qGreen(px) - sky.green()) +
                   std::abs(qBlue(px) - sky.blue()) >
               12;
    });
    QVERIFY2(differs > 0.20, qPrintable(QStringLiteral("only %1 of the frame is not sky").arg(differs)));
}

void TestCityView::buildingColoursAppear() {
    // Residential buildings are the most common kind in any town, the sample city included.
    const double residential = fraction(m_frame, [](QRgb px) {
        return sameChromaticity(px, render::buildingColor(BuildingUse::Residential), 0.02);
    });
    QVERIFY2(residential > 0.001,
             qPrintable(QStringLiteral("residential colour on %1 of the frame").arg(residential)));
    // And the river: water is drawn on the terrain (both the sample and the synthetic city have one).
    const auto& kinds = m_city->landUse.kind;
    if (std::find(kinds.begin(), kinds.end(), LandUseKind::Water) != kinds.end()) {
        const double water = fraction(m_frame, [](QRgb px) {
            return sameChromaticity(px, render::landUseColor(LandUseKind::Water), 0.02);
        });
        QVERIFY2(water > 0.002, qPrintable(QStringLiteral("water colour on %1 of the frame").arg(water)));
    }
}

void TestCityView::mouseAndKeysMoveTheCamera() {
    gui::CityView& view = *m_view;
    view.resetCamera();
    view.renderFrame();
    const QVector3D home = view.cameraPosition();
    const QPointF mid(view.width() / 2.0, view.height() / 2.0);

    // Wheel up zooms in: the camera comes closer to the ground.
    QWheelEvent wheel(mid, view.mapToGlobal(mid), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(&view, &wheel);
    view.renderFrame();
    const QVector3D zoomed = view.cameraPosition();
    QVERIFY2(zoomed.z() < home.z() - 1.0f,
             qPrintable(QStringLiteral("%1 -> %2").arg(home.z()).arg(zoomed.z())));

    // A left drag orbits: the camera moves.
    auto send = [&](QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons) {
        QMouseEvent event(type, pos, view.mapToGlobal(pos), button, buttons, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &event);
        view.renderFrame();
    };
    send(QEvent::MouseButtonPress, mid, Qt::LeftButton, Qt::LeftButton);
    send(QEvent::MouseMove, mid + QPointF(60, 0), Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseMove, mid + QPointF(120, 0), Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, mid + QPointF(120, 0), Qt::LeftButton, Qt::NoButton);
    const QVector3D orbited = view.cameraPosition();
    QVERIFY2((orbited - zoomed).length() > 1.0f, "a drag did not move the camera");

    // Space goes home again.
    QTest::keyClick(&view, Qt::Key_Space);
    view.renderFrame();
    QVERIFY2((view.cameraPosition() - home).length() < 1.0f, "Space did not go home");
}

void TestCityView::sampleCityLoadsInTheBackground() {
    if (!haveSampleCity()) {
        QSKIP("assets/sample_city is not there yet");
    }
    gui::MainWindow window(kAssetsDir);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy finished(&window, &gui::MainWindow::loadFinished);
    QVERIFY(window.loadSampleCity());
    QVERIFY(window.isLoading());
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(window.view()->city() != nullptr);
    QCOMPARE(window.view()->city()->buildings.count(), m_city->buildings.count());
    QVERIFY(window.view()->sceneStats().drawCalls > 0);
}

void TestCityView::failedLoadKeepsPreviousCity() {
    gui::MainWindow window(kAssetsDir);
    window.view()->setCity(m_city);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSignalSpy finished(&window, &gui::MainWindow::loadFinished);
    gis::LoadOptions options;
    options.vectorSources = {"/nonexistent/citytwin/no_such_city.gpkg"};
    QVERIFY(window.loadCity(options));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    // The city shown before is still shown, and the reasons are listed and visible.
    QCOMPARE(window.view()->city(), m_city);
    QVERIFY(window.diagnostics()->errorCount() > 0);
    QVERIFY(window.diagnostics()->rowCount() > 0);
    QVERIFY(window.diagnosticsDock()->isVisible());
    QVERIFY(!window.isLoading());
}

int main(int argc, char** argv) {
    // The default format must be set before QApplication, as in the app.
    gui::installDefaultSurfaceFormat();
    QApplication app(argc, argv);
    TestCityView test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_city_view.moc"
