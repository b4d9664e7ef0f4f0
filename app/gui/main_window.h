#pragma once
/// The CityTwin main window: the 3D view, the simulation toolbar, docks for layers, the
/// inspector, the dashboard and load diagnostics, menus and a status bar.

#include <functional>
#include <memory>
#include <thread>

#include <QMainWindow>

#include "citytwin/gis/city_loader.h"
#include "selection.h"

class QAction;
class QDockWidget;
class QLabel;
class QProgressBar;
class QTimer;

namespace ct::gui {

class CityView;
class DashboardPanel;
class DiagnosticsPanel;
class InspectorPanel;
class LayersPanel;
class SimToolbar;
class SimWorker;
struct LoadOutcome;
struct ScenarioSession;
struct SimSnapshot;

/// Loads cities and scenarios off the GUI thread and shows them; runs a loaded scenario's
/// simulation on its own thread (SimWorker) and shows its published snapshots, polled about 30
/// times a second. A load that fails shows its diagnostics and keeps the city (and simulation)
/// shown before. GUI thread only; one load at a time.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `assetsDir` holds the bundled sample city (assets/sample_city).
    explicit MainWindow(QString assetsDir, QWidget* parent = nullptr);
    /// Stops the simulation thread and waits for a load in progress to finish.
    ~MainWindow() override;

    /// Starts loading a city on a worker thread; `title` names it in messages (empty: the first
    /// source's file name). A city loaded this way has no traffic. Returns false (and does
    /// nothing) while another load runs.
    bool loadCity(const gis::LoadOptions& options, QString title = {});
    /// Starts loading the bundled sample city.
    bool loadSampleCity();
    /// Starts loading a scenario (its city, demand and events) on a worker thread; when it
    /// succeeds, the simulation stands ready at time 0, paused. Returns false while another
    /// load runs.
    bool loadScenario(const QString& path);
    [[nodiscard]] bool isLoading() const { return m_loading; }

    /// Simulation commands (the toolbar's actions call these). No-ops without a scenario.
    void play();
    /// Plays until the simulated time reaches `time` (s), then pauses.
    void playUntil(double time);
    void pause();
    void stepOnce();
    void setSimulationSpeed(double speed);
    /// Stops the simulation thread (done on close); the last snapshot stays on screen.
    void stopSimulation();

    /// Saves the 3D view (or, with `wholeWindow`, the window with its docks) as a PNG.
    bool saveScreenshot(const QString& path, bool wholeWindow = false);

    [[nodiscard]] CityView* view() const { return m_view; }
    [[nodiscard]] DiagnosticsPanel* diagnostics() const { return m_diagnostics; }
    [[nodiscard]] QDockWidget* diagnosticsDock() const { return m_diagnosticsDock; }
    [[nodiscard]] InspectorPanel* inspector() const { return m_inspector; }
    [[nodiscard]] QDockWidget* inspectorDock() const { return m_inspectorDock; }
    [[nodiscard]] DashboardPanel* dashboard() const { return m_dashboard; }
    [[nodiscard]] QDockWidget* dashboardDock() const { return m_dashboardDock; }
    [[nodiscard]] LayersPanel* layers() const { return m_layers; }
    [[nodiscard]] QDockWidget* layersDock() const { return m_layersDock; }
    [[nodiscard]] SimToolbar* simToolbar() const { return m_simBar; }
    /// The simulation thread of the loaded scenario, null without one.
    [[nodiscard]] SimWorker* simulation() const { return m_sim.get(); }
    /// The newest snapshot the window has shown (null without a scenario).
    [[nodiscard]] std::shared_ptr<const SimSnapshot> shownSnapshot() const { return m_shown; }

signals:
    /// A load ended: `ok` when the new city (or scenario) is now shown, false when it failed
    /// (the previous city, if any, is still shown and the diagnostics say why).
    void loadFinished(bool ok);
    /// The window showed a new snapshot.
    void snapshotShown();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void openCity();
    void openScenario();
    void saveScreenshotAs();
    void showControls();
    void startLoad(std::function<std::shared_ptr<LoadOutcome>()> job, const QString& title);
    void finishLoad(const std::shared_ptr<LoadOutcome>& outcome);
    void setLoading(bool loading, const QString& title);
    void updateCounts();
    void poll();
    void refreshInspector();

    QString m_assetsDir;
    CityView* m_view = nullptr;
    DiagnosticsPanel* m_diagnostics = nullptr;
    QDockWidget* m_diagnosticsDock = nullptr;
    InspectorPanel* m_inspector = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    DashboardPanel* m_dashboard = nullptr;
    QDockWidget* m_dashboardDock = nullptr;
    LayersPanel* m_layers = nullptr;
    QDockWidget* m_layersDock = nullptr;
    SimToolbar* m_simBar = nullptr;
    QLabel* m_countsLabel = nullptr;
    QLabel* m_frameLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_scenarioAction = nullptr;
    QAction* m_sampleAction = nullptr;
    QTimer* m_poll = nullptr;
    bool m_loading = false;
    std::thread m_worker;

    std::shared_ptr<const ScenarioSession> m_session;
    std::unique_ptr<SimWorker> m_sim;
    std::shared_ptr<const SimSnapshot> m_shown;
    qint64 m_panelsUpdatedMs = -1;  ///< when the dashboard and inspector were last refreshed
};

}  // namespace ct::gui
