#include "main_window.h"

#include <exception>
#include <utility>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>
#include <QTimer>

#include "city_view.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "dashboard_panel.h"
#include "diagnostics_panel.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "open_city_dialog.h"
#include "scenario_session.h"
#include "sim_snapshot.h"
#include "sim_toolbar.h"
#include "sim_worker.h"

namespace ct::gui {

/// What a worker thread hands back to the GUI thread: the report, and on success the city
/// with its scene already built (scene building needs no GL context), and for a scenario its
/// session.
struct LoadOutcome {
    DiagnosticReport report;
    double seconds = 0.0;
    std::shared_ptr<const CityModel> city;
    std::shared_ptr<render::SceneBuild> scene;
    std::shared_ptr<const ScenarioSession> session;  ///< set for a scenario
    QString title;
};

namespace {

/// Loads a city on the worker thread. Never throws: anything unexpected becomes an error.
std::shared_ptr<LoadOutcome> runCityLoad(const gis::LoadOptions& options, const QString& title) {
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

/// Loads a scenario on the worker thread: the session, then the scene of its city.
std::shared_ptr<LoadOutcome> runScenarioLoad(const QString& path, const QString& assetsDir) {
    auto out = std::make_shared<LoadOutcome>();
    out->title = QFileInfo(path).fileName();
    SessionLoad load = loadScenarioSession(path.toStdString(), assetsDir.toStdString());
    out->report = std::move(load.report);
    out->seconds = load.seconds;
    if (load.session) {
        try {
            out->scene = std::make_shared<render::SceneBuild>(render::buildCityScene(*load.session->city));
            out->city = load.session->city;
            out->title = QString::fromStdString(load.session->title);
            out->session = std::move(load.session);
        } catch (const std::exception& e) {
            out->report.error("internal.exception", path.toStdString(),
                              std::string("unexpected failure while building the scene: ") + e.what());
        }
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

    m_simBar = new SimToolbar(this);
    addToolBar(Qt::TopToolBarArea, m_simBar);
    connect(m_simBar, &SimToolbar::playRequested, this, &MainWindow::play);
    connect(m_simBar, &SimToolbar::pauseRequested, this, &MainWindow::pause);
    connect(m_simBar, &SimToolbar::stepRequested, this, &MainWindow::stepOnce);
    connect(m_simBar, &SimToolbar::speedChanged, this, &MainWindow::setSimulationSpeed);

    createDocks();

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
    connect(m_view, &CityView::selectionChanged, this, [this](Selection s) {
        refreshInspector();
        if (!s.empty()) {
            m_inspectorDock->show();
            m_inspectorDock->raise();
        }
    });

    // The simulation publishes snapshots on its own thread; the window looks for a new one about
    // 30 times a second and keeps the view animating between them.
    m_poll = new QTimer(this);
    m_poll->setInterval(33);
    connect(m_poll, &QTimer::timeout, this, &MainWindow::poll);
    m_poll->start();

    createMenus();
    resize(1440, 900);
}

MainWindow::~MainWindow() {
    stopSimulation();
    // The loader posts its result to this window; wait for it, the posted result then dies
    // with the window unseen.
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

void MainWindow::createDocks() {
    m_layers = new LayersPanel(this);
    m_layersDock = new QDockWidget(tr("Layers"), this);
    m_layersDock->setObjectName(QStringLiteral("layersDock"));
    m_layersDock->setWidget(m_layers);
    addDockWidget(Qt::RightDockWidgetArea, m_layersDock);
    connect(m_layers, &LayersPanel::layerToggled, m_view, &CityView::setLayerVisible);
    connect(m_layers, &LayersPanel::roadColoringChanged, m_view, &CityView::setRoadColoring);

    m_inspector = new InspectorPanel(this);
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);

    m_dashboard = new DashboardPanel(this);
    m_dashboardDock = new QDockWidget(tr("Dashboard"), this);
    m_dashboardDock->setObjectName(QStringLiteral("dashboardDock"));
    m_dashboardDock->setWidget(m_dashboard);
    addDockWidget(Qt::BottomDockWidgetArea, m_dashboardDock);

    m_diagnostics = new DiagnosticsPanel(this);
    m_diagnosticsDock = new QDockWidget(tr("Load diagnostics"), this);
    m_diagnosticsDock->setObjectName(QStringLiteral("diagnosticsDock"));
    m_diagnosticsDock->setWidget(m_diagnostics);
    addDockWidget(Qt::BottomDockWidgetArea, m_diagnosticsDock);
    tabifyDockWidget(m_dashboardDock, m_diagnosticsDock);
    m_dashboardDock->raise();
    // Out of the way until a load has something to say (View > Load diagnostics shows it).
    m_diagnosticsDock->hide();
    resizeDocks({m_dashboardDock}, {190}, Qt::Vertical);
    resizeDocks({m_layersDock}, {300}, Qt::Horizontal);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_scenarioAction = file->addAction(tr("Open s&cenario..."), this, &MainWindow::openScenario);
    m_scenarioAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_openAction = file->addAction(tr("&Open city..."), this, &MainWindow::openCity);
    m_openAction->setShortcut(QKeySequence::Open);
    m_sampleAction = file->addAction(tr("Open &sample city"), this, &MainWindow::loadSampleCity);
    m_sampleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();
    QAction* shot = file->addAction(tr("Save screens&hot..."), this, &MainWindow::saveScreenshotAs);
    shot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* sim = menuBar()->addMenu(tr("&Simulation"));
    sim->addAction(m_simBar->playAction());
    sim->addAction(m_simBar->stepAction());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* home = view->addAction(tr("&Reset camera"), m_view, &CityView::resetCamera);
    home->setShortcut(QKeySequence(Qt::Key_H));
    QAction* top = view->addAction(tr("&Top-down"), m_view, &CityView::topDownView);
    top->setShortcut(QKeySequence(Qt::Key_T));
    view->addSeparator();
    view->addAction(m_layersDock->toggleViewAction());
    view->addAction(m_inspectorDock->toggleViewAction());
    view->addAction(m_dashboardDock->toggleViewAction());
    view->addAction(m_diagnosticsDock->toggleViewAction());
    view->addAction(m_simBar->toggleViewAction());

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
    startLoad([options, title] { return runCityLoad(options, title); }, title);
    return true;
}

bool MainWindow::loadScenario(const QString& path) {
    if (m_loading) {
        statusBar()->showMessage(tr("Still loading; try again when it is done."), 4000);
        return false;
    }
    const QString assets = m_assetsDir;
    startLoad([path, assets] { return runScenarioLoad(path, assets); }, QFileInfo(path).fileName());
    return true;
}

void MainWindow::startLoad(std::function<std::shared_ptr<LoadOutcome>()> job, const QString& title) {
    if (m_worker.joinable()) {
        m_worker.join();  // the previous loader has already posted its result
    }
    setLoading(true, title);
    // The loader reports back through a queued call, run on the GUI thread.
    m_worker = std::thread([this, job = std::move(job)] {
        std::shared_ptr<LoadOutcome> outcome = job();
        QMetaObject::invokeMethod(
            this, [this, outcome] { finishLoad(outcome); }, Qt::QueuedConnection);
    });
}

void MainWindow::finishLoad(const std::shared_ptr<LoadOutcome>& outcome) {
    setLoading(false, outcome->title);
    m_diagnostics->setReport(outcome->report, outcome->title, outcome->seconds);
    const bool ok = outcome->city != nullptr;
    if (ok) {
        // The old simulation goes with the old city.
        stopSimulation();
        m_sim.reset();
        m_session.reset();
        m_shown.reset();
        m_view->showSnapshot(nullptr);
        m_dashboard->clear();
        m_view->setCity(outcome->city, outcome->scene);
        if (outcome->session) {
            m_session = outcome->session;
            m_view->setSignals(m_session->network, m_session->lanes);
            m_sim = std::make_unique<SimWorker>(m_session);
            m_sim->setSpeed(m_simBar->speed());
        }
        m_simBar->setScenarioLoaded(m_sim != nullptr);
        const std::string& name = outcome->city->meta.name;
        setWindowTitle(tr("CityTwin - %1")
                           .arg(outcome->session ? outcome->title
                                : name.empty()   ? outcome->title
                                                 : QString::fromStdString(name)));
        statusBar()->showMessage(
            tr("Loaded %1 in %2 s, %3 warning(s)%4")
                .arg(outcome->title)
                .arg(outcome->seconds, 0, 'f', 2)
                .arg(outcome->report.warningCount())
                .arg(m_session ? tr(", %1 trips ready: press Play").arg(m_session->trips.size()) : QString()),
            8000);
        if (!outcome->report.items().empty()) {
            m_diagnosticsDock->show();
        }
        refreshInspector();
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
    m_scenarioAction->setEnabled(!loading);
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

void MainWindow::play() {
    if (m_sim) {
        m_sim->play();
        statusBar()->clearMessage();
    }
}

void MainWindow::playUntil(double time) {
    if (m_sim) {
        m_sim->playUntil(time);
        statusBar()->clearMessage();
    }
}

void MainWindow::pause() {
    if (m_sim) {
        m_sim->pause();
    }
}

void MainWindow::stepOnce() {
    if (m_sim) {
        m_sim->step(1);
    }
}

void MainWindow::setSimulationSpeed(double speed) {
    if (m_sim) {
        m_sim->setSpeed(speed);
    }
    if (std::abs(m_simBar->speed() - speed) > 1e-9) {
        m_simBar->setSpeed(speed);
    }
}

void MainWindow::stopSimulation() {
    if (m_sim) {
        m_sim->stop();
    }
}

void MainWindow::poll() {
    if (m_sim) {
        std::shared_ptr<const SimSnapshot> snap = m_sim->latest();
        if (snap && (!m_shown || snap->seq != m_shown->seq)) {
            m_shown = std::move(snap);
            m_view->showSnapshot(m_shown);
            m_simBar->showSnapshot(*m_shown);
            if (!m_shown->error.empty()) {
                statusBar()->showMessage(QString::fromStdString(m_shown->error));
            }
            // Charts and the inspector a few times a second: enough for the eye, cheap.
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (m_panelsUpdatedMs < 0 || now - m_panelsUpdatedMs > 250 ||
                m_shown->state != SimState::Playing) {
                m_panelsUpdatedMs = now;
                m_dashboard->showSnapshot(*m_shown);
                refreshInspector();
            }
            emit snapshotShown();
        }
    }
    if (m_view->animating()) {
        m_view->update();
    }
}

void MainWindow::refreshInspector() {
    const std::shared_ptr<const CityModel> city = m_view->city();
    m_inspector->inspect(m_view->selection(), city.get(), m_session.get(), m_shown.get());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // The simulation thread ends with the window, not with the process.
    stopSimulation();
    QMainWindow::closeEvent(event);
}

bool MainWindow::saveScreenshot(const QString& path, bool wholeWindow) {
    QImage image;
    if (wholeWindow) {
        image = grab().toImage();
    } else {
        image = m_view->renderFrame();
    }
    return !image.isNull() && image.save(path, "PNG");
}

void MainWindow::saveScreenshotAs() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save screenshot"), QStringLiteral("citytwin.png"), tr("PNG images (*.png)"));
    if (path.isEmpty()) {
        return;
    }
    if (saveScreenshot(path)) {
        statusBar()->showMessage(tr("Saved %1").arg(path), 6000);
    } else {
        QMessageBox::warning(this, tr("Save screenshot"), tr("Could not write %1.").arg(path));
    }
}

void MainWindow::openCity() {
    OpenCityDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const gis::LoadOptions options = dialog.options();
    loadCity(options);
}

void MainWindow::openScenario() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(),
                                                      tr("Scenario files (*.json);;All files (*)"));
    if (!path.isEmpty()) {
        loadScenario(path);
    }
}

void MainWindow::showControls() {
    QMessageBox::information(this, tr("Controls"),
                             tr("<table>"
                                "<tr><td><b>Left drag</b></td><td>orbit</td></tr>"
                                "<tr><td><b>Middle drag</b></td><td>pan</td></tr>"
                                "<tr><td><b>Right drag / wheel</b></td><td>zoom</td></tr>"
                                "<tr><td><b>Click</b></td><td>select and inspect</td></tr>"
                                "<tr><td><b>Space / H</b></td><td>back to the overview</td></tr>"
                                "<tr><td><b>T</b></td><td>top-down view</td></tr>"
                                "<tr><td><b>P</b></td><td>play / pause</td></tr>"
                                "<tr><td><b>.</b></td><td>one step</td></tr>"
                                "</table>"));
}

}  // namespace ct::gui
