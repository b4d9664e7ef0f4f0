// GUI test of the 3D city view: the OpenGL context OSG needs, a frame that shows the city in
// its colours, and the main window's loading (off the GUI thread, failures keep the city).
// Runs under tools/with-display.sh (Xvfb + Mesa llvmpipe when there is no display).

#include <QtTest>

#include <QApplication>
#include <QDockWidget>
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
private slots:
    void initTestCase();
    void cleanupTestCase();
    void contextIsCompatibilityProfile();
    void frameIsNotJustSky();
    void buildingColoursAppear();
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
    m_frame = m_view->renderFrame();
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
    // And the ground is there too: terrain (or the plain ground) under the city.
    const double ground = fraction(m_frame, [&](QRgb px) {
        return sameChromaticity(
            px, m_city->terrain.empty() ? render::groundColor() : render::terrainColor(0.2f), 0.03);
    });
    QVERIFY2(ground > 0.02, qPrintable(QStringLiteral("ground colour on %1 of the frame").arg(ground)));
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
