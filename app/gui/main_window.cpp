#include "main_window.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QProgressDialog>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>

#include <osg/Group>

#include "bookmarks_panel.h"
#include "city_view.h"
#include "citytwin/render/junction_areas.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "dashboard_panel.h"
#include "diagnostics_panel.h"
#include "inspector_panel.h"
#include "layers_panel.h"
#include "open_city_dialog.h"
#include "recent_files.h"
#include "scenario_edits.h"
#include "scenario_session.h"
#include "search_box.h"
#include "sim_history.h"
#include "sim_recording.h"
#include "sim_snapshot.h"
#include "sim_toolbar.h"
#include "sim_worker.h"
#include "timeline_bar.h"
#include "video_export_dialog.h"
#include "view_bookmarks.h"

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
    RecentEntry recent;   ///< what File > Open Recent opens again; no sources: not listed
    QString projectFile;  ///< the file the views sidecar goes with (scenario, or first source)
    std::shared_ptr<const Recording> recording;  ///< set for a recording
};

namespace {

/// Loads a city on the worker thread. Never throws: anything unexpected becomes an error.
std::shared_ptr<LoadOutcome> runCityLoad(const gis::LoadOptions& options, const QString& title) {
    auto out = std::make_shared<LoadOutcome>();
    out->title = title;
    out->recent.kind = RecentEntry::Kind::City;
    for (const std::string& source : options.vectorSources) {
        out->recent.sources << QFileInfo(QString::fromStdString(source)).absoluteFilePath();
    }
    if (!options.demPath.empty()) {
        out->recent.dem = QFileInfo(QString::fromStdString(options.demPath)).absoluteFilePath();
    }
    if (!options.mappingPath.empty()) {
        out->recent.mapping = QFileInfo(QString::fromStdString(options.mappingPath)).absoluteFilePath();
    }
    out->projectFile = out->recent.sources.value(0);
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
    out->recent.kind = RecentEntry::Kind::Scenario;
    out->recent.sources << QFileInfo(path).absoluteFilePath();
    out->projectFile = out->recent.sources.front();
    SessionLoad load = loadScenarioSession(path.toStdString(), assetsDir.toStdString());
    out->report = std::move(load.report);
    out->seconds = load.seconds;
    if (load.session) {
        try {
            out->scene = std::make_shared<render::SceneBuild>(render::buildCityScene(*load.session->city));
            const ScenarioSession& s = *load.session;
            if (s.sumo() && out->scene->root && out->scene->root->asGroup() != nullptr) {
                // A SUMO network's junctions are paved to their outlines, where the internal lanes run.
                if (osg::ref_ptr<osg::Node> areas =
                        render::buildJunctionAreas(*s.city, s.junctionShapeOffset, s.junctionShapePoints)) {
                    out->scene->root->asGroup()->addChild(areas.get());
                }
            }
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

/// Opens a recording on the worker thread: the file, then its scenario (as runScenarioLoad), then
/// checks that the snapshots fit the network and trips loaded.
std::shared_ptr<LoadOutcome> runRecordingLoad(const QString& path, const QString& assetsDir) {
    auto rec = std::make_shared<Recording>();
    QString error;
    if (!loadRecording(path, *rec, &error)) {
        auto out = std::make_shared<LoadOutcome>();
        out->title = QFileInfo(path).fileName();
        out->report.error("recording.invalid", path.toStdString(), error.toStdString());
        return out;
    }
    QString scenario = QString::fromStdString(rec->scenario);
    if (!QFileInfo::exists(scenario)) {
        // Moved together with the recording: look next to it.
        const QString beside = QFileInfo(path).dir().filePath(QFileInfo(scenario).fileName());
        if (QFileInfo::exists(beside)) {
            scenario = beside;
        } else {
            auto out = std::make_shared<LoadOutcome>();
            out->title = QFileInfo(path).fileName();
            out->report.error("recording.scenario_missing", path.toStdString(),
                              "the scenario of this recording, " + rec->scenario +
                                  ", is not there (nor next to the recording)");
            return out;
        }
    }
    std::shared_ptr<LoadOutcome> out = runScenarioLoad(scenario, assetsDir);
    // Listed in Open recent as the recording, not its scenario.
    out->recent = {};
    out->recent.kind = RecentEntry::Kind::Recording;
    out->recent.sources = {QFileInfo(path).absoluteFilePath()};
    if (!out->session) {
        return out;
    }
    const ScenarioSession& session = *out->session;
    const traffic::TrafficNetwork& net = *session.network;
    std::string mismatch;
    for (const auto& snap : rec->snapshots) {
        if (!snap->linkSpeed.empty() && snap->linkSpeed.size() != net.linkCount()) {
            mismatch = "it has " + std::to_string(snap->linkSpeed.size()) + " road links, the city " +
                       std::to_string(net.linkCount());
        }
        for (const VehicleSnap& v : snap->vehicles) {
            if (v.trip >= session.trips.size() || v.lane >= net.laneCount()) {
                mismatch = "vehicle " + std::to_string(v.trip) + " is not one of the scenario's " +
                           std::to_string(session.trips.size()) + " trips on its lanes";
                break;
            }
        }
        if (snap->closedLinks && snap->closedLinks->size() > net.linkCount()) {
            mismatch = "its closed links are not the city's";
        }
        if (!mismatch.empty()) {
            break;
        }
    }
    if (!mismatch.empty()) {
        out->report.error("recording.mismatch", path.toStdString(),
                          "the recording does not fit its scenario as loaded now (" + mismatch + ")");
        out->city.reset();
        out->scene.reset();
        out->session.reset();
        return out;
    }
    out->title = QObject::tr("%1 (recording %2)").arg(out->title, QFileInfo(path).fileName());
    out->recording = std::move(rec);
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
    : QMainWindow(parent),
      m_assetsDir(std::move(assetsDir)),
      m_views(std::make_unique<ViewBookmarks>()),
      m_recent(std::make_unique<RecentFiles>()),
      m_history(std::make_unique<SimHistory>()) {
    setWindowTitle(tr("CityTwin"));
    m_view = new CityView(this);
    setCentralWidget(m_view);

    m_simBar = new SimToolbar(this);
    addToolBar(Qt::TopToolBarArea, m_simBar);
    connect(m_simBar, &SimToolbar::playRequested, this, &MainWindow::play);
    connect(m_simBar, &SimToolbar::pauseRequested, this, &MainWindow::pause);
    connect(m_simBar, &SimToolbar::stepRequested, this, &MainWindow::stepOnce);
    connect(m_simBar, &SimToolbar::speedChanged, this, &MainWindow::setSimulationSpeed);

    // Search: type, pick, fly.
    m_searchBar = new QToolBar(tr("Search"), this);
    m_searchBar->setObjectName(QStringLiteral("searchBar"));
    m_search = new SearchBox(this);
    m_search->setSnapshotSource([this] { return displayed(); });
    m_searchBar->addWidget(m_search);
    addToolBar(Qt::TopToolBarArea, m_searchBar);
    connect(m_search, &SearchBox::objectChosen, this, &MainWindow::chooseSearchHit);

    // The timeline of recorded moments.
    m_timeline = new TimelineBar(this);
    addToolBar(Qt::BottomToolBarArea, m_timeline);
    connect(m_timeline, &TimelineBar::scrubbed, this, [this](int index) { scrubTo(index); });
    connect(m_timeline, &TimelineBar::liveRequested, this, &MainWindow::backToLive);

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
        if (m_sim) {
            // The snapshots carry the selected vehicle's route (drawn and listed).
            m_sim->watchTrip(s.kind == Selection::Kind::Vehicle ? s.id : SimWorker::kNoTrip);
        }
        refreshInspector();
        if (!s.empty()) {
            m_inspectorDock->show();
            m_inspectorDock->raise();
        }
    });
    connect(m_view, &CityView::followingChanged, this, [this](bool following) {
        const Selection s = m_view->selection();
        m_inspector->setFollowing(following && s.kind == Selection::Kind::Vehicle &&
                                  m_view->followedVehicle() == s.id);
        if (following) {
            statusBar()->showMessage(tr("Following the vehicle; pan or press F to stop."), 4000);
        }
    });
    connect(m_inspector, &InspectorPanel::flyToRequested, this,
            [this] { m_view->flyToObject(m_view->selection()); });
    connect(m_inspector, &InspectorPanel::followToggled, this, &MainWindow::followSelection);
    connect(m_inspector, &InspectorPanel::linkEditRequested, this,
            [this](std::uint32_t link, bool close) { editLink(link, close); });

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
    // Scrolls when the dock is short, so the inspector below can have the height.
    auto* layersScroll = new QScrollArea(this);
    layersScroll->setWidget(m_layers);
    layersScroll->setWidgetResizable(true);
    layersScroll->setFrameShape(QFrame::NoFrame);
    m_layersDock->setWidget(layersScroll);
    addDockWidget(Qt::RightDockWidgetArea, m_layersDock);
    connect(m_layers, &LayersPanel::layerToggled, m_view, &CityView::setLayerVisible);
    connect(m_layers, &LayersPanel::roadColoringChanged, m_view, &CityView::setRoadColoring);
    connect(m_layers, &LayersPanel::buildingColoringChanged, m_view, &CityView::setBuildingColoring);
    connect(m_view, &CityView::buildingColorsChanged, this,
            [this] { m_layers->setBuildingScale(m_view->buildingScale()); });

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

    m_bookmarks = new BookmarksPanel(this);
    m_bookmarksDock = new QDockWidget(tr("Views"), this);
    m_bookmarksDock->setObjectName(QStringLiteral("viewsDock"));
    m_bookmarksDock->setWidget(m_bookmarks);
    addDockWidget(Qt::RightDockWidgetArea, m_bookmarksDock);
    tabifyDockWidget(m_layersDock, m_bookmarksDock);
    m_layersDock->raise();
    connect(m_bookmarks, &BookmarksPanel::saveRequested, this, &MainWindow::saveViewAs);
    connect(m_bookmarks, &BookmarksPanel::goToRequested, this, [this](int i) { goToView(i); });
    connect(m_bookmarks, &BookmarksPanel::deleteRequested, this, [this](int i) { deleteView(i); });
    connect(m_bookmarks, &BookmarksPanel::renameRequested, this,
            [this](int i, const QString& name) { renameView(i, name); });

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
    // The inspector (rows and a chart) needs the height more than the layers.
    resizeDocks({m_layersDock, m_inspectorDock}, {320, 480}, Qt::Vertical);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    m_scenarioAction = file->addAction(tr("Open s&cenario..."), this, &MainWindow::openScenario);
    m_scenarioAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_openAction = file->addAction(tr("&Open city..."), this, &MainWindow::openCity);
    m_openAction->setShortcut(QKeySequence::Open);
    m_sampleAction = file->addAction(tr("Open &sample city"), this, &MainWindow::loadSampleCity);
    m_sampleAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recordingAction = file->addAction(tr("Open reco&rding..."), this, &MainWindow::openRecordingDialog);
    m_recordingAction->setStatusTip(tr("Play back a run saved with Save recording..., without simulating"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("Save scenario &as..."), this, &MainWindow::saveScenarioDialog)
        ->setStatusTip(tr("The scenario with the link closures made while it ran, as events"));
    file->addAction(tr("Save recordin&g..."), this, &MainWindow::saveRecordingDialog)
        ->setStatusTip(tr("The moments the timeline has recorded, to play back exactly later"));
    file->addSeparator();
    QAction* shot = file->addAction(tr("Save screens&hot..."), this, &MainWindow::saveScreenshotAs);
    shot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QAction* video = file->addAction(tr("Export &video..."), this, &MainWindow::exportVideoDialog);
    video->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* sim = menuBar()->addMenu(tr("&Simulation"));
    sim->addAction(m_simBar->playAction());
    sim->addAction(m_simBar->stepAction());
    sim->addSeparator();
    m_newScenarioAction =
        sim->addAction(tr("&New scenario on this city..."), this, &MainWindow::newScenarioDialog);
    m_newScenarioAction->setStatusTip(
        tr("Simulate the city shown: a morning peak of commuters from its homes to its jobs"));
    m_newScenarioAction->setEnabled(false);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* find = view->addAction(tr("&Find..."), this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    view->addSeparator();
    QAction* home = view->addAction(tr("&Reset camera"), this, [this] { m_view->resetCamera(true); });
    home->setShortcut(QKeySequence(Qt::Key_H));
    QAction* top = view->addAction(tr("&Top-down"), this, [this] { m_view->topDownView(true); });
    top->setShortcut(QKeySequence(Qt::Key_T));
    QAction* down = view->addAction(tr("Look straight &down here"), m_view, &CityView::lookStraightDown);
    down->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_T));
    QAction* oblique = view->addAction(tr("&Oblique view here"), m_view, &CityView::lookOblique);
    oblique->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_O));
    QAction* flyTo =
        view->addAction(tr("Fly to &selection"), this, [this] { m_view->flyToObject(m_view->selection()); });
    flyTo->setShortcut(QKeySequence(Qt::Key_G));
    QAction* follow = view->addAction(tr("&Follow selected vehicle"), this,
                                      [this] { followSelection(!m_view->followedVehicle().has_value()); });
    follow->setShortcut(QKeySequence(Qt::Key_F));
    view->addSeparator();
    view->addAction(m_layersDock->toggleViewAction());
    view->addAction(m_bookmarksDock->toggleViewAction());
    view->addAction(m_inspectorDock->toggleViewAction());
    view->addAction(m_dashboardDock->toggleViewAction());
    view->addAction(m_diagnosticsDock->toggleViewAction());
    view->addAction(m_simBar->toggleViewAction());
    view->addAction(m_searchBar->toggleViewAction());
    view->addAction(m_timeline->toggleViewAction());

    m_viewsMenu = menuBar()->addMenu(tr("&Bookmarks"));
    rebuildViewsMenu();

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

bool MainWindow::openRecording(const QString& path) {
    if (m_loading) {
        statusBar()->showMessage(tr("Still loading; try again when it is done."), 4000);
        return false;
    }
    const QString assets = m_assetsDir;
    startLoad([path, assets] { return runRecordingLoad(path, assets); }, QFileInfo(path).fileName());
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
        // The old simulation goes with the old city (and a video of it stops).
        if (m_export != nullptr) {
            m_export->cancel();
        }
        m_editsRequested = 0;
        m_recordingMode = false;
        m_replayPlaying = false;
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
            m_view->setUtilities(m_session->utilities);
            if (!outcome->recording) {
                m_sim = std::make_unique<SimWorker>(m_session);
                m_sim->setSpeed(m_simBar->speed());
            }
        }
        m_simBar->setScenarioLoaded(m_sim != nullptr || outcome->recording != nullptr);
        m_layers->setUtilitiesAvailable(outcome->session && outcome->session->utilities);
        m_cityFiles = !outcome->session && outcome->recent.kind == RecentEntry::Kind::City ? outcome->recent
                                                                                           : RecentEntry{};
        m_newScenarioAction->setEnabled(cityWithoutScenario());
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
        loadFinishedFor(*outcome);
        if (outcome->recording) {
            // The recorded moments fill the timeline; the first one is shown, paused.
            m_recordingMode = true;
            for (const std::shared_ptr<const SimSnapshot>& snap : outcome->recording->snapshots) {
                m_history->offer(snap, *m_session->network, true);
            }
            m_replayStopAt = -1.0;
            scrubTo(0);
            const std::size_t n = m_history->snapshotCount();
            if (n > 0) {
                statusBar()->showMessage(
                    tr("Opened the recording of %1: %2 moments, %3 to %4; press Play to play it back")
                        .arg(QString::fromStdString(m_session->title))
                        .arg(n)
                        .arg(QString::fromStdString(clockText(m_history->snapshot(0)->clock())))
                        .arg(QString::fromStdString(clockText(m_history->snapshot(n - 1)->clock()))),
                    8000);
            }
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
    Q_EMIT loadFinished(ok);
}

void MainWindow::setLoading(bool loading, const QString& title) {
    m_loading = loading;
    m_busy->setVisible(loading);
    m_openAction->setEnabled(!loading);
    m_scenarioAction->setEnabled(!loading);
    m_sampleAction->setEnabled(!loading);
    m_recordingAction->setEnabled(!loading);
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
    if (m_recordingMode && m_history->snapshotCount() > 0) {
        if (!m_replay || m_replay == m_history->snapshot(m_history->snapshotCount() - 1)) {
            scrubTo(0);  // from the start again
        }
        m_replayPlaying = true;
        m_replayClock = m_replay->time;
        m_replayWallMs = QDateTime::currentMSecsSinceEpoch();
        showRecordedState();
        return;
    }
    if (m_sim) {
        m_sim->play();
        statusBar()->clearMessage();
    }
}

void MainWindow::playUntil(double time) {
    if (m_recordingMode) {
        play();
        m_replayStopAt = time;
        return;
    }
    if (m_sim) {
        m_sim->playUntil(time);
        statusBar()->clearMessage();
    }
}

void MainWindow::pause() {
    if (m_recordingMode) {
        m_replayPlaying = false;
        m_replayStopAt = -1.0;
        showRecordedState();
        return;
    }
    if (m_sim) {
        m_sim->pause();
    }
}

void MainWindow::stepOnce() {
    if (m_recordingMode) {
        // The next recorded moment.
        m_replayPlaying = false;
        const int count = static_cast<int>(m_history->snapshotCount());
        int index = 0;
        for (int i = 0; i < count; ++i) {
            if (m_history->snapshot(static_cast<std::size_t>(i)) == m_replay) {
                index = i;
            }
        }
        scrubTo(std::min(index + 1, count - 1));
        return;
    }
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
        // The moments recorded since the last look, none missed whatever the speed.
        bool recorded = false;
        for (const std::shared_ptr<const SimSnapshot>& r : m_sim->takeRecorded()) {
            recorded = m_history->offer(r, *m_session->network) || recorded;
        }
        if (recorded) {
            updateTimeline();
        }
        if (snap && (!m_shown || snap->seq != m_shown->seq)) {
            m_shown = std::move(snap);
            // While the timeline shows a recorded moment, the view and clock stay there.
            if (exporting()) {
                m_simBar->showSnapshot(*m_shown);  // the exporter draws the view
            } else if (!m_replay) {
                m_view->showSnapshot(m_shown);
                m_simBar->showSnapshot(*m_shown);
            } else {
                m_simBar->showSnapshot(*m_replay, m_shown.get());
            }
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
            Q_EMIT snapshotShown();
        }
    }
    if (m_recordingMode && m_replayPlaying) {
        advanceRecording();
    }
    if (m_view->animating() && !exporting()) {
        m_view->update();
    }
}

void MainWindow::advanceRecording() {
    const int count = static_cast<int>(m_history->snapshotCount());
    if (count == 0 || !m_replay) {
        m_replayPlaying = false;
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const double wall = m_replayWallMs < 0 ? 0.0 : static_cast<double>(now - m_replayWallMs) / 1000.0;
    m_replayWallMs = now;
    const double speed = m_simBar->speed();
    int current = 0;
    for (int i = 0; i < count; ++i) {
        if (m_history->snapshot(static_cast<std::size_t>(i)) == m_replay) {
            current = i;
        }
    }
    int next = current;
    double clock = m_replayClock;
    if (speed <= 0.0) {
        next = std::min(current + 1, count - 1);  // as fast as it goes: a moment per frame
        clock = m_history->snapshot(static_cast<std::size_t>(next))->time;
    } else {
        clock += speed * wall;
        while (next + 1 < count &&
               m_history->snapshot(static_cast<std::size_t>(next + 1))->time <= clock + 1e-9) {
            ++next;
        }
    }
    if (m_replayStopAt >= 0.0) {
        while (next > current &&
               m_history->snapshot(static_cast<std::size_t>(next))->time > m_replayStopAt + 1e-9) {
            --next;
        }
    }
    const bool atEnd = next + 1 >= count;
    const bool atStop =
        m_replayStopAt >= 0.0 &&
        (atEnd || m_history->snapshot(static_cast<std::size_t>(next + 1))->time > m_replayStopAt + 1e-9) &&
        clock >= m_replayStopAt - 1e-9;
    if (atEnd || atStop) {
        m_replayPlaying = false;
        m_replayStopAt = -1.0;
    }
    if (next != current) {
        scrubTo(next);
        m_replayClock = clock;  // scrubTo put it on the moment; keep the part beyond it
    } else if (!m_replayPlaying) {
        showRecordedState();
    }
    m_replayClock = clock;
}

void MainWindow::showRecordedState() {
    if (!m_replay) {
        return;
    }
    m_replayState.state = m_replayPlaying ? SimState::Playing : SimState::Paused;
    m_simBar->showSnapshot(*m_replay, &m_replayState);
}

void MainWindow::refreshInspector() {
    const std::shared_ptr<const CityModel> city = m_view->city();
    m_inspector->inspect(m_view->selection(), city.get(), m_session.get(), displayed().get(),
                         m_history.get());
    const Selection s = m_view->selection();
    m_inspector->setFollowing(s.kind == Selection::Kind::Vehicle && m_view->followedVehicle() == s.id);
    // Edits act on the live run, one at a time: not while the timeline shows the past, an
    // edit is on its way or a video is being made.
    const std::size_t applied = m_shown && m_shown->edits ? m_shown->edits->size() : 0;
    m_inspector->setEditsEnabled(m_sim != nullptr && !m_replay && !exporting() &&
                                 applied >= m_editsRequested);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // The simulation thread ends with the window, not with the process.
    stopSimulation();
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::loadFinishedFor(const LoadOutcome& outcome) {
    // A new city: nothing recorded, live, searchable, its views, and remembered.
    m_history->clear();
    m_replay.reset();
    updateTimeline();
    m_search->clear();
    m_search->index().setCity(outcome.city.get());
    if (m_session && m_session->sumo()) {
        m_search->index().addStreetNames(m_session->edgeNames);  // links are named by edge id
    }
    m_search->index().setTrips(m_session ? &m_session->trips : nullptr);

    m_views->clear();
    m_viewsFile = ViewBookmarks::sidecarPath(outcome.projectFile);
    QString error;
    if (!m_viewsFile.isEmpty() && !m_views->load(m_viewsFile, &error)) {
        statusBar()->showMessage(tr("Camera views not read: %1").arg(error), 8000);
    }
    m_bookmarks->showViews(m_views.get(), m_viewsFile);
    rebuildViewsMenu();

    if (!outcome.recent.sources.isEmpty()) {
        m_recent->add(outcome.recent);
        rebuildRecentMenu();
        m_lastFolder = QFileInfo(outcome.recent.file()).absolutePath();
        if (m_settings) {
            QSettings settings;
            m_recent->save(settings);
            settings.setValue(QStringLiteral("files/lastFolder"), m_lastFolder);
        }
    }
}

// --- settings and recent files ---

void MainWindow::useSettings() {
    m_settings = true;
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), 1);
    m_lastFolder = settings.value(QStringLiteral("files/lastFolder")).toString();
    m_recent->load(settings);
    rebuildRecentMenu();
    using Layer = CityView::Layer;
    const std::pair<Layer, const char*> layers[] = {
        {Layer::Buildings, "layers/buildings"},    {Layer::Vehicles, "layers/vehicles"},
        {Layer::Facilities, "layers/facilities"},  {Layer::Signals, "layers/signals"},
        {Layer::WaterNetwork, "layers/water"},     {Layer::PowerNetwork, "layers/power"},
        {Layer::BuildingService, "layers/service"}};
    for (const auto& [layer, key] : layers) {
        const QVariant v = settings.value(QLatin1String(key));
        if (v.isValid()) {
            m_layers->checkBox(layer)->setChecked(v.toBool());
        }
    }
    const QString roads = settings.value(QStringLiteral("layers/roads")).toString();
    if (const auto coloring = CityView::roadColoringFromKey(roads)) {
        m_layers->setRoadColoring(*coloring);
    }
    if (const auto coloring = CityView::buildingColoringFromKey(
            settings.value(QStringLiteral("layers/buildings_by")).toString())) {
        m_layers->setBuildingColoring(*coloring);
    }
    bool ok = false;
    const double speed = settings.value(QStringLiteral("simulation/speed")).toDouble(&ok);
    if (ok && speed >= 0.0) {
        setSimulationSpeed(speed);
    }
}

void MainWindow::saveSettings() const {
    if (!m_settings) {
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(1));
    settings.setValue(QStringLiteral("files/lastFolder"), m_lastFolder);
    using Layer = CityView::Layer;
    settings.setValue(QStringLiteral("layers/buildings"), m_view->layerVisible(Layer::Buildings));
    settings.setValue(QStringLiteral("layers/vehicles"), m_view->layerVisible(Layer::Vehicles));
    settings.setValue(QStringLiteral("layers/facilities"), m_view->layerVisible(Layer::Facilities));
    settings.setValue(QStringLiteral("layers/signals"), m_view->layerVisible(Layer::Signals));
    settings.setValue(QStringLiteral("layers/water"), m_view->layerVisible(Layer::WaterNetwork));
    settings.setValue(QStringLiteral("layers/power"), m_view->layerVisible(Layer::PowerNetwork));
    settings.setValue(QStringLiteral("layers/service"), m_view->layerVisible(Layer::BuildingService));
    settings.setValue(QStringLiteral("layers/roads"), CityView::roadColoringKey(m_view->roadColoring()));
    settings.setValue(QStringLiteral("layers/buildings_by"),
                      CityView::buildingColoringKey(m_view->buildingColoring()));
    settings.setValue(QStringLiteral("simulation/speed"), m_simBar->speed());
    m_recent->save(settings);
    settings.sync();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const std::vector<RecentEntry>& entries = m_recent->entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RecentEntry& e = entries[i];
        QAction* a =
            m_recentMenu->addAction(QStringLiteral("&%1 %2%3")
                                        .arg((i + 1) % 10)
                                        .arg(e.label())
                                        .arg(e.kind == RecentEntry::Kind::Scenario    ? tr(" (scenario)")
                                             : e.kind == RecentEntry::Kind::Recording ? tr(" (recording)")
                                                                                      : QString()),
                                    this, [this, i] { openRecent(static_cast<int>(i)); });
        a->setToolTip(e.sources.join(QStringLiteral("; ")));
        a->setStatusTip(e.sources.join(QStringLiteral("; ")));
    }
    if (entries.empty()) {
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear list"), this, [this] {
            m_recent->clear();
            rebuildRecentMenu();
            if (m_settings) {
                QSettings settings;
                m_recent->save(settings);
            }
        });
    }
}

bool MainWindow::openRecent(int index) {
    const std::vector<RecentEntry>& entries = m_recent->entries();
    if (index < 0 || index >= static_cast<int>(entries.size()) || m_loading) {
        return false;
    }
    const RecentEntry e = entries[static_cast<std::size_t>(index)];
    if (!QFileInfo::exists(e.file())) {
        QMessageBox::warning(this, tr("Open recent"),
                             tr("%1 is no longer there; it is taken off the list.").arg(e.file()));
        m_recent->remove(index);
        rebuildRecentMenu();
        return false;
    }
    if (e.kind == RecentEntry::Kind::Scenario) {
        return loadScenario(e.file());
    }
    if (e.kind == RecentEntry::Kind::Recording) {
        return openRecording(e.file());
    }
    gis::LoadOptions options;
    for (const QString& source : e.sources) {
        options.vectorSources.push_back(source.toStdString());
    }
    options.demPath = e.dem.toStdString();
    options.mappingPath = e.mapping.toStdString();
    return loadCity(options);
}

// --- finding and following ---

void MainWindow::showObject(Selection selection, bool fly) {
    m_view->select(selection);
    if (fly) {
        m_view->flyToObject(selection);
    }
}

void MainWindow::chooseSearchHit(const SearchHit& hit) {
    m_view->select(hit.target);
    std::optional<CameraPose> pose = m_view->poseFor(hit.target);
    if (pose && hit.radius > 0.0) {
        // A whole street: frame all of it.
        pose->cx = hit.x;
        pose->cy = hit.y;
        pose->distance = std::clamp(3.5 * hit.radius, 150.0, 20000.0);
    }
    if (pose) {
        m_view->flyTo(*pose);
    }
    m_view->setFocus(Qt::OtherFocusReason);
    statusBar()->showMessage(tr("%1: %2").arg(hit.label, hit.detail), 5000);
}

void MainWindow::followSelection(bool follow) {
    const Selection s = m_view->selection();
    if (!follow) {
        m_view->stopFollowing();
    } else if (s.kind != Selection::Kind::Vehicle || !m_view->followVehicle(s.id)) {
        statusBar()->showMessage(tr("Select a vehicle on the road to follow it."), 4000);
    }
    refreshInspector();
}

// --- camera bookmarks ---

bool MainWindow::saveView(const QString& name) {
    if (!m_view->city() || name.trimmed().isEmpty()) {
        return false;
    }
    const int index = m_views->add({name.trimmed(), m_view->cameraPose()});
    QString error;
    const bool saved = !m_viewsFile.isEmpty() && m_views->save(m_viewsFile, &error);
    if (!saved) {
        statusBar()->showMessage(m_viewsFile.isEmpty() ? tr("This city came from no file: the view is kept "
                                                            "until another city is opened.")
                                                       : tr("Could not save the view: %1").arg(error),
                                 8000);
    } else {
        statusBar()->showMessage(tr("Saved view \"%1\" in %2").arg(name.trimmed(), m_viewsFile), 5000);
    }
    m_bookmarks->showViews(m_views.get(), m_viewsFile);
    m_bookmarks->setCurrentIndex(index);
    rebuildViewsMenu();
    return saved;
}

void MainWindow::saveViewAs() {
    if (!m_view->city()) {
        return;
    }
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Save view"), tr("Name of this view:"), QLineEdit::Normal,
                              tr("View %1").arg(m_views->size() + 1), &ok);
    if (ok && !name.trimmed().isEmpty()) {
        saveView(name);
    }
}

bool MainWindow::goToView(int index) {
    if (index < 0 || index >= m_views->size() || !m_view->city()) {
        return false;
    }
    m_view->flyTo(m_views->at(index).pose);
    statusBar()->showMessage(tr("View \"%1\"").arg(m_views->at(index).name), 3000);
    return true;
}

bool MainWindow::deleteView(int index) {
    if (!m_views->remove(index)) {
        return false;
    }
    QString error;
    if (!m_viewsFile.isEmpty() && !m_views->save(m_viewsFile, &error)) {
        statusBar()->showMessage(tr("Could not save the views: %1").arg(error), 8000);
    }
    m_bookmarks->showViews(m_views.get(), m_viewsFile);
    rebuildViewsMenu();
    return true;
}

bool MainWindow::renameView(int index, const QString& name) {
    const bool renamed = m_views->rename(index, name);
    if (renamed && !m_viewsFile.isEmpty()) {
        QString error;
        if (!m_views->save(m_viewsFile, &error)) {
            statusBar()->showMessage(tr("Could not save the views: %1").arg(error), 8000);
        }
    }
    // Refused (empty or taken): the list shows the old name again.
    QTimer::singleShot(0, this, [this] {
        m_bookmarks->showViews(m_views.get(), m_viewsFile);
        rebuildViewsMenu();
    });
    return renamed;
}

void MainWindow::rebuildViewsMenu() {
    m_viewsMenu->clear();
    QAction* save = m_viewsMenu->addAction(tr("&Save view..."), this, &MainWindow::saveViewAs);
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    save->setEnabled(m_view->city() != nullptr);
    m_viewsMenu->addAction(tr("&Manage views"), this, [this] {
        m_bookmarksDock->show();
        m_bookmarksDock->raise();
    });
    if (m_views->size() > 0) {
        m_viewsMenu->addSeparator();
    }
    for (int i = 0; i < m_views->size(); ++i) {
        QAction* a = m_viewsMenu->addAction(m_views->at(i).name, this, [this, i] { goToView(i); });
        if (i < 9) {
            a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        }
    }
}

// --- timeline ---

void MainWindow::updateTimeline() {
    const int count = static_cast<int>(m_history->snapshotCount());
    int index = -1;
    if (m_replay) {
        for (int i = 0; i < count; ++i) {
            if (m_history->snapshot(static_cast<std::size_t>(i)) == m_replay) {
                index = i;
                break;
            }
        }
        index = std::max(index, 0);  // gone from the ring: still shown, the slider at its start
    }
    m_timeline->setState(count, m_replay ? index : -1,
                         m_replay ? QString::fromStdString(clockText(m_replay->clock())) : QString());
}

bool MainWindow::scrubTo(int index) {
    if (index < 0 || index >= static_cast<int>(m_history->snapshotCount())) {
        return false;
    }
    m_replay = m_history->snapshot(static_cast<std::size_t>(index));
    m_view->showSnapshot(m_replay, false);
    if (m_recordingMode) {
        // No live run: the dashboard and the clock show the recorded moment.
        m_replayClock = m_replay->time;
        m_replayWallMs = QDateTime::currentMSecsSinceEpoch();
        showRecordedState();
        m_dashboard->showSnapshot(*m_replay);
        Q_EMIT snapshotShown();
    } else {
        m_simBar->showSnapshot(*m_replay, m_shown ? m_shown.get() : m_replay.get());
    }
    updateTimeline();
    refreshInspector();
    return true;
}

void MainWindow::backToLive() {
    if (m_recordingMode) {
        // No live run: the end of the recording.
        m_replayPlaying = false;
        scrubTo(static_cast<int>(m_history->snapshotCount()) - 1);
        return;
    }
    if (!m_replay) {
        return;
    }
    m_replay.reset();
    if (m_shown) {
        m_view->showSnapshot(m_shown, false);
        m_simBar->showSnapshot(*m_shown);
    }
    updateTimeline();
    refreshInspector();
}

// --- link edits and saving the scenario ---

bool MainWindow::editLink(std::uint32_t link, bool close) {
    if (!m_sim || !m_session || link >= m_session->city->roads.linkCount()) {
        return false;
    }
    m_sim->editLinks({LinkId(link)}, close, m_session->linkReference(LinkId(link)));
    ++m_editsRequested;
    statusBar()->showMessage(close ? tr("Closing link %1: nobody enters it from now on; saved with File > "
                                        "Save scenario as...")
                                         .arg(link)
                                   : tr("Reopening link %1").arg(link),
                             6000);
    refreshInspector();
    return true;
}

std::vector<LinkEdit> MainWindow::linkEdits() const {
    if (!m_sim) {
        return {};
    }
    const std::shared_ptr<const SimSnapshot> snap = m_sim->latest();
    return snap->edits ? *snap->edits : std::vector<LinkEdit>{};
}

bool MainWindow::saveScenarioAs(const QString& path, QString* error) {
    auto failWith = [error](const QString& why) {
        if (error != nullptr) {
            *error = why;
        }
        return false;
    };
    if (!m_session) {
        return failWith(tr("no scenario is loaded"));
    }
    std::string why;
    const std::string text = scenarioWithEdits(
        m_session->spec.file, QFileInfo(path).absoluteFilePath().toStdString(), linkEdits(), &why);
    if (text.empty()) {
        return failWith(QString::fromStdString(why));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) ||
        !file.commit()) {
        return failWith(tr("could not write %1: %2").arg(path, file.errorString()));
    }
    return true;
}

void MainWindow::saveScenarioDialog() {
    if (!m_session) {
        QMessageBox::information(this, tr("Save scenario"),
                                 tr("Open a scenario first (File > Open scenario...)."));
        return;
    }
    const QFileInfo original(QString::fromStdString(m_session->spec.file));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save scenario as"),
        original.dir().filePath(original.completeBaseName() + tr("_edited.json")),
        tr("Scenario files (*.json)"));
    if (path.isEmpty()) {
        return;
    }
    if (QFileInfo(path).absoluteFilePath() == original.absoluteFilePath()) {
        // Its events would be applied twice when the run is loaded again and edited once more.
        QMessageBox::warning(
            this, tr("Save scenario"),
            tr("Save under another name: the scenario running was loaded from %1.").arg(path));
        return;
    }
    QString error;
    if (saveScenarioAs(path, &error)) {
        statusBar()->showMessage(
            tr("Saved the scenario with %1 edit(s) to %2").arg(linkEdits().size()).arg(path), 8000);
    } else {
        QMessageBox::warning(this, tr("Save scenario"), error);
    }
}

bool MainWindow::newScenarioForCity(const QString& path, double tripsPerResident, QString* error) {
    auto failWith = [error](const QString& why) {
        if (error != nullptr) {
            *error = why;
        }
        return false;
    };
    if (!cityWithoutScenario()) {
        return failWith(tr("no city is shown on its own (a scenario has its demand already)"));
    }
    if (!(tripsPerResident > 0.0 && tripsPerResident <= 5.0)) {
        return failWith(tr("car trips per resident must lie in (0, 5]"));
    }
    const QFileInfo target(path);
    const QDir folder = target.absoluteDir();
    const RecentEntry& c = m_cityFiles;
    nlohmann::ordered_json city;
    nlohmann::ordered_json sources = nlohmann::ordered_json::array();
    for (const QString& s : c.sources) {
        sources.push_back(folder.relativeFilePath(s).toStdString());
    }
    city["sources"] = sources;
    if (!c.dem.isEmpty()) {
        city["dem"] = folder.relativeFilePath(c.dem).toStdString();
    }
    if (!c.mapping.isEmpty()) {
        city["mapping"] = folder.relativeFilePath(c.mapping).toStdString();
    }
    const std::string cityName = m_view->city() && !m_view->city()->meta.name.empty()
                                     ? m_view->city()->meta.name
                                     : QFileInfo(c.file()).completeBaseName().toStdString();
    nlohmann::ordered_json j;
    j["name"] = cityName + " morning peak";
    j["description"] =
        "Made by citytwin-gui (Simulation > New scenario on this city): commuters drive from "
        "their homes to work, departures peaking at 07:45. Edit the demand, add events "
        "(docs/scenarios.md).";
    j["city"] = city;
    j["clock_start"] = "06:30";
    j["duration"] = "03:00:00";
    j["step_s"] = 1.0;
    j["seed"] = 42;
    j["reroute_interval_s"] = 300;
    j["teleport_after_s"] = 300;
    j["demand"]["generated"] = {{"car_trips_per_resident", tripsPerResident},
                                {"begin", "06:30"},
                                {"end", "09:15"},
                                {"peak", "07:45"},
                                {"peak_width_s", 2400},
                                {"distance_decay_m", 2500},
                                {"truck_share", 0.05}};
    j["outputs"] = {{"folder", "output/" + target.completeBaseName().toStdString()},
                    {"stats_interval_s", 300},
                    {"kpi_interval_s", 60}};
    const std::string text = j.dump(2) + "\n";
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) ||
        !file.commit()) {
        return failWith(tr("could not write %1: %2").arg(path, file.errorString()));
    }
    return loadScenario(path);
}

void MainWindow::newScenarioDialog() {
    if (!cityWithoutScenario()) {
        QMessageBox::information(
            this, tr("New scenario"),
            tr("Open a city first (File > Open city...); a scenario has its own demand."));
        return;
    }
    bool ok = false;
    const double perResident = QInputDialog::getDouble(
        this, tr("New scenario"),
        tr("A morning peak (06:30-09:30) of commuters from the city's homes to its jobs.\n"
           "Car trips per resident over the peak:"),
        0.15, 0.01, 5.0, 2, &ok);
    if (!ok) {
        return;
    }
    const QFileInfo city(m_cityFiles.file());
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save the new scenario as"),
        city.dir().filePath(city.completeBaseName() + QStringLiteral("_peak.json")),
        tr("Scenario files (*.json)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (!newScenarioForCity(path, perResident, &error)) {
        QMessageBox::warning(this, tr("New scenario"), error);
    }
}

// --- recordings ---

bool MainWindow::saveRecordingAs(const QString& path, QString* error) {
    auto failWith = [error](const QString& why) {
        if (error != nullptr) {
            *error = why;
        }
        return false;
    };
    if (!m_session) {
        return failWith(tr("no scenario is loaded"));
    }
    if (m_history->snapshotCount() == 0) {
        return failWith(tr("nothing is recorded yet: play the scenario first"));
    }
    Recording rec;
    rec.scenario = QFileInfo(QString::fromStdString(m_session->spec.file)).absoluteFilePath().toStdString();
    rec.title = m_session->title;
    rec.sources = m_session->city->meta.sources;
    rec.snapshots.reserve(m_history->snapshotCount());
    for (std::size_t i = 0; i < m_history->snapshotCount(); ++i) {
        rec.snapshots.push_back(m_history->snapshot(i));
    }
    return gui::saveRecording(path, rec, error);
}

void MainWindow::saveRecordingDialog() {
    if (!m_session || m_history->snapshotCount() == 0) {
        QMessageBox::information(this, tr("Save recording"),
                                 tr("Nothing is recorded yet: open a scenario and play it first."));
        return;
    }
    const QFileInfo scenario(QString::fromStdString(m_session->spec.file));
    const QString folder = m_lastFolder.isEmpty() ? scenario.absolutePath() : m_lastFolder;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save recording"),
        QDir(folder).filePath(scenario.completeBaseName() + QStringLiteral(".ctrec")),
        tr("CityTwin recordings (*.ctrec)"));
    if (path.isEmpty()) {
        return;
    }
    QString error;
    if (saveRecordingAs(path, &error)) {
        statusBar()->showMessage(
            tr("Saved %1 recorded moments to %2").arg(m_history->snapshotCount()).arg(path), 8000);
    } else {
        QMessageBox::warning(this, tr("Save recording"), error);
    }
}

void MainWindow::openRecordingDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open recording"), m_lastFolder,
                                                      tr("CityTwin recordings (*.ctrec);;All files (*)"));
    if (!path.isEmpty()) {
        openRecording(path);
    }
}

// --- video ---

bool MainWindow::exportVideo(const VideoSettings& settings, QString* error) {
    auto failWith = [error](const QString& why) {
        if (error != nullptr) {
            *error = why;
        }
        return false;
    };
    if (exporting()) {
        return failWith(tr("a video export is already running"));
    }
    if (!m_sim) {
        return failWith(tr("a video shows a running scenario: open one first"));
    }
    backToLive();
    m_view->stopFollowing();
    if (m_export != nullptr) {
        m_export->deleteLater();
    }
    m_export = new VideoExporter(m_view, m_sim.get(), settings, this);
    connect(m_export, &VideoExporter::finished, this, [this](bool ok, const QString& message) {
        if (m_shown) {
            m_view->showSnapshot(m_shown, false);
        }
        statusBar()->showMessage(message, 15000);
        refreshInspector();
        Q_EMIT videoExportFinished(ok, message);
    });
    if (!m_export->start()) {
        const QString why = m_export->error();
        delete m_export;
        m_export = nullptr;
        return failWith(why);
    }
    m_lastVideo = settings;
    if (!m_export->plan().note.isEmpty()) {
        statusBar()->showMessage(m_export->plan().note, 15000);
    }
    refreshInspector();
    return true;
}

void MainWindow::exportVideoDialog() {
    if (!m_sim || !m_shown) {
        QMessageBox::information(
            this, tr("Export video"),
            tr("A video shows a running scenario: open one first (File > Open scenario...)."));
        return;
    }
    VideoSettings initial;
    if (m_lastVideo) {
        initial = *m_lastVideo;
    } else {
        const QString folder = m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder;
        initial.path = QDir(folder).filePath(QStringLiteral("citytwin.mp4"));
        const double dpr = m_view->devicePixelRatioF();
        initial.size = QSize(static_cast<int>(m_view->width() * dpr) & ~1,
                             static_cast<int>(m_view->height() * dpr) & ~1);
    }
    VideoExportDialog dialog(initial, m_shown->time, m_shown->clockStart, this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    QString error;
    if (!exportVideoWithProgress(dialog.settings(), &error)) {
        QMessageBox::warning(this, tr("Export video"), tr("Could not start the export: %1").arg(error));
    }
}

bool MainWindow::exportVideoWithProgress(const VideoSettings& settings, QString* error) {
    if (!exportVideo(settings, error)) {
        return false;
    }
    auto* progress = new QProgressDialog(this);
    progress->setObjectName(QStringLiteral("videoProgress"));
    progress->setWindowTitle(tr("Export video"));
    progress->setLabelText(tr("Rendering %1 frames...").arg(m_export->framesTotal()));
    progress->setRange(0, m_export->framesTotal());
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumWidth(380);
    progress->setMinimumDuration(0);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setValue(0);
    VideoExporter* exporter = m_export;
    connect(exporter, &VideoExporter::progress, progress, [this, progress](int done, int total) {
        const std::shared_ptr<const SimSnapshot> snap = m_view->snapshotShown();
        progress->setLabelText(tr("Frame %1 of %2, simulated %3")
                                   .arg(done)
                                   .arg(total)
                                   .arg(snap ? QString::fromStdString(clockText(snap->clock())) : QString()));
        progress->setValue(done);
    });
    connect(progress, &QProgressDialog::canceled, exporter, &VideoExporter::cancel);
    connect(exporter, &VideoExporter::finished, progress, [progress] {
        progress->hide();
        progress->deleteLater();
    });
    return true;
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
        this, tr("Save screenshot"), QDir(m_lastFolder).filePath(QStringLiteral("citytwin.png")),
        tr("PNG images (*.png)"));
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
    dialog.setFolder(m_lastFolder);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const gis::LoadOptions options = dialog.options();
    loadCity(options);
}

void MainWindow::openScenario() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), m_lastFolder,
                                                      tr("Scenario files (*.json);;All files (*)"));
    if (!path.isEmpty()) {
        loadScenario(path);
    }
}

void MainWindow::showControls() {
    QMessageBox::information(
        this, tr("Controls"),
        tr("<table>"
           "<tr><td><b>Left drag</b></td><td>orbit</td></tr>"
           "<tr><td><b>Middle drag</b></td><td>pan</td></tr>"
           "<tr><td><b>Right drag / wheel</b></td><td>zoom</td></tr>"
           "<tr><td><b>Click</b></td><td>select and inspect</td></tr>"
           "<tr><td><b>Double click</b></td><td>select and fly there</td></tr>"
           "<tr><td><b>Ctrl+F</b></td><td>search by name or id</td></tr>"
           "<tr><td><b>G</b></td><td>fly to the selection</td></tr>"
           "<tr><td><b>F</b></td><td>follow the selected vehicle</td></tr>"
           "<tr><td><b>Space / H</b></td><td>back to the overview</td></tr>"
           "<tr><td><b>T</b></td><td>top-down view of the town</td></tr>"
           "<tr><td><b>Shift+T / Shift+O</b></td><td>straight down / oblique here</td></tr>"
           "<tr><td><b>Ctrl+D</b></td><td>save the view</td></tr>"
           "<tr><td><b>Ctrl+1..9</b></td><td>go to a saved view</td></tr>"
           "<tr><td><b>P</b></td><td>play / pause</td></tr>"
           "<tr><td><b>.</b></td><td>one step</td></tr>"
           "<tr><td><b>End</b></td><td>timeline back to live</td></tr>"
           "</table>"));
}

}  // namespace ct::gui
