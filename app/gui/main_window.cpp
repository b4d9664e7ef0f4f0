#include "main_window.h"

#include <exception>
#include <utility>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>

#include "city_view.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "diagnostics_panel.h"
#include "open_city_dialog.h"

namespace ct::gui {

/// What a worker thread hands back to the GUI thread: the report, and on success the city
/// with its scene already built (scene building needs no GL context).
struct LoadOutcome {
    DiagnosticReport report;
    double seconds = 0.0;
    std::shared_ptr<const CityModel> city;
    std::shared_ptr<render::SceneBuild> scene;
    QString title;
};

namespace {

/// Runs on the worker thread. Never throws: anything unexpected becomes an error diagnostic.
std::shared_ptr<LoadOutcome> runLoad(const gis::LoadOptions& options, const QString& title) {
    auto out = std::make_shared<LoadOutcome>();
    out->title = title;
    try {
        gis::LoadResult result = gis::loadCity(options);
        out->report = std::move(result.report);
        out->seconds = result.seconds;
        if (result.city && !out->report.hasErrors()) {
            out->city = std::make_shared<const CityModel>(std::move(*result.city));
            out->scene = std::make_shared<render::SceneBuild>(render::buildCityScene(*out->city));
        }
    } catch (const std::exception& e) {
        out->city.reset();
        out->scene.reset();
        out->report.error("internal.exception",
                          options.vectorSources.empty() ? "" : options.vectorSources.front(),
                          std::string("unexpected failure while loading: ") + e.what());
    }
    return out;
}

QString titleFor(const gis::LoadOptions& options) {
    if (options.vectorSources.empty()) {
        return QObject::tr("(nothing)");
    }
    QString title = QFileInfo(QString::fromStdString(options.vectorSources.front())).fileName();
    if (options.vectorSources.size() > 1) {
        title += QObject::tr(" and %1 more").arg(options.vectorSources.size() - 1);
    }
    return title;
}

}  // namespace

MainWindow::MainWindow(QString assetsDir, QWidget* parent)
    : QMainWindow(parent), m_assetsDir(std::move(assetsDir)) {
    setWindowTitle(tr("CityTwin"));
    m_view = new CityView(this);
    setCentralWidget(m_view);

    m_diagnostics = new DiagnosticsPanel(this);
    m_diagnosticsDock = new QDockWidget(tr("Load diagnostics"), this);
    m_diagnosticsDock->setObjectName(QStringLiteral("diagnosticsDock"));
    m_diagnosticsDock->setWidget(m_diagnostics);
    addDockWidget(Qt::BottomDockWidgetArea, m_diagnosticsDock);
    // Out of the way until a load has something to say (View > Load diagnostics shows it).
    m_diagnosticsDock->hide();

    m_countsLabel = new QLabel(tr("No city"), this);
    m_frameLabel = new QLabel(this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);  // indeterminate: a busy indicator
    m_busy->setMaximumWidth(160);
    m_busy->setVisible(false);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_frameLabel);
    connect(m_view, &CityView::frameRendered, this,
            [this](double ms) { m_frameLabel->setText(tr("frame %1 ms").arg(ms, 0, 'f', 1)); });

    createMenus();
    resize(1280, 860);
    resizeDocks({m_diagnosticsDock}, {180}, Qt::Vertical);
}

MainWindow::~MainWindow() {
    // The worker posts its result to this window; wait for it, the posted result then dies
    // with the window unseen.
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_openAction = file->addAction(tr("&Open..."), this, &MainWindow::openCity);
    m_openAction->setShortcut(QKeySequence::Open);
    m_sampleAction = file->addAction(tr("Open &sample city"), this, &MainWindow::loadSampleCity);
    m_sampleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* home = view->addAction(tr("&Reset camera"), m_view, &CityView::resetCamera);
    home->setShortcut(QKeySequence(Qt::Key_H));
    view->addAction(m_diagnosticsDock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Controls"), this, &MainWindow::showControls);
}

bool MainWindow::loadSampleCity() {
    return loadCity(gis::sampleCityOptions(m_assetsDir.toStdString()), tr("sample city"));
}

bool MainWindow::loadCity(const gis::LoadOptions& options, QString title) {
    if (title.isEmpty()) {
        title = titleFor(options);
    }
    if (m_loading) {
        statusBar()->showMessage(tr("Still loading; try again when it is done."), 4000);
        return false;
    }
    if (m_worker.joinable()) {
        m_worker.join();  // the previous worker has already posted its result
    }
    setLoading(true, title);
    // The worker reports back through a queued call, run on the GUI thread.
    m_worker = std::thread([this, options, title] {
        std::shared_ptr<LoadOutcome> outcome = runLoad(options, title);
        QMetaObject::invokeMethod(
            this, [this, outcome] { finishLoad(outcome); }, Qt::QueuedConnection);
    });
    return true;
}

void MainWindow::finishLoad(const std::shared_ptr<LoadOutcome>& outcome) {
    setLoading(false, outcome->title);
    m_diagnostics->setReport(outcome->report, outcome->title, outcome->seconds);
    const bool ok = outcome->city != nullptr;
    if (ok) {
        m_view->setCity(outcome->city, outcome->scene);
        const std::string& name = outcome->city->meta.name;
        setWindowTitle(tr("CityTwin - %1").arg(name.empty() ? outcome->title : QString::fromStdString(name)));
        statusBar()->showMessage(tr("Loaded %1 in %2 s, %3 warning(s)")
                                     .arg(outcome->title)
                                     .arg(outcome->seconds, 0, 'f', 2)
                                     .arg(outcome->report.warningCount()),
                                 8000);
        if (!outcome->report.items().empty()) {
            m_diagnosticsDock->show();
        }
    } else {
        statusBar()->showMessage(tr("Could not load %1: %2 error(s). %3")
                                     .arg(outcome->title)
                                     .arg(outcome->report.errorCount())
                                     .arg(m_view->city() ? tr("Kept the previous city.") : QString()));
        // The user needs the reasons: bring the list up.
        m_diagnosticsDock->show();
        m_diagnosticsDock->raise();
    }
    updateCounts();
    emit loadFinished(ok);
}

void MainWindow::setLoading(bool loading, const QString& title) {
    m_loading = loading;
    m_busy->setVisible(loading);
    m_openAction->setEnabled(!loading);
    m_sampleAction->setEnabled(!loading);
    if (loading) {
        statusBar()->showMessage(tr("Loading %1...").arg(title));
        QApplication::setOverrideCursor(Qt::BusyCursor);
    } else {
        QApplication::restoreOverrideCursor();
    }
}

void MainWindow::updateCounts() {
    const std::shared_ptr<const CityModel> city = m_view->city();
    if (!city) {
        m_countsLabel->setText(tr("No city"));
        return;
    }
    const render::SceneStats stats = m_view->sceneStats();
    QString terrain = tr("no terrain");
    if (!city->terrain.empty()) {
        terrain = tr("DEM %1x%2 @ %3 m")
                      .arg(city->terrain.width)
                      .arg(city->terrain.height)
                      .arg(city->terrain.cellSize, 0, 'g', 3);
    }
    m_countsLabel->setText(
        tr("%1 buildings | %2 road links | %3 facilities | %4 | %5 draw calls, %6 k triangles")
            .arg(city->buildings.count())
            .arg(city->roads.linkCount())
            .arg(city->facilities.count())
            .arg(terrain)
            .arg(stats.drawCalls)
            .arg(static_cast<double>(stats.triangles) / 1000.0, 0, 'f', 0));
}

void MainWindow::openCity() {
    OpenCityDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const gis::LoadOptions options = dialog.options();
    loadCity(options);
}

void MainWindow::showControls() {
    QMessageBox::information(this, tr("Controls"),
                             tr("<table>"
                                "<tr><td><b>Left drag</b></td><td>orbit</td></tr>"
                                "<tr><td><b>Middle drag</b></td><td>pan</td></tr>"
                                "<tr><td><b>Right drag / wheel</b></td><td>zoom</td></tr>"
                                "<tr><td><b>Space / H</b></td><td>back to the overview</td></tr>"
                                "</table>"));
}

}  // namespace ct::gui
