#pragma once
/// The CityTwin main window: the 3D view, the simulation toolbar, docks for layers, the
/// inspector, the dashboard and load diagnostics, menus and a status bar.

#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <QMainWindow>

#include "citytwin/gis/city_loader.h"
#include "recent_files.h"
#include "selection.h"
#include "sim_snapshot.h"
#include "video_export.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTimer;
class QToolBar;

namespace ct::gui {

class BookmarksPanel;
class CityView;
class DashboardPanel;
class DiagnosticsPanel;
class InspectorPanel;
class LayersPanel;
class RecentFiles;
class SearchBox;
class SimHistory;
class SimToolbar;
class SimWorker;
class TimelineBar;
class ViewBookmarks;
struct LoadOutcome;
struct ScenarioSession;
struct SearchHit;
struct SimSnapshot;

/// Loads cities and scenarios off the GUI thread and shows them; runs a loaded scenario's
/// simulation on its own thread (SimWorker) and shows its published snapshots, polled about 30
/// times a second. A load that fails shows its diagnostics and keeps the city (and simulation)
/// shown before. GUI thread only; one load at a time.
///
/// Navigation: the toolbar's search box finds objects by name or id, selects the one picked and
/// flies the camera there; the inspector's Fly to and Follow move the camera to (or with) the
/// selection; camera bookmarks (the Views dock and menu) are kept next to the city or scenario
/// file (ViewBookmarks). History: every 10 s of simulated time the window records the snapshot
/// shown (SimHistory) for the inspector's charts and the timeline, which shows a recorded moment
/// instead of the live one until "Back to live". Settings (window layout, last folder, layers,
/// speed, recent files) persist between runs only after useSettings().
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

    /// Starts exporting a video of the running scenario from the time reached now (VideoExporter:
    /// the simulation is paused and stepped frame by frame; the timeline goes back to live).
    /// False (and `error`) when it cannot start: no scenario, an export running, bad settings.
    /// videoExportFinished() tells the end.
    bool exportVideo(const VideoSettings& settings, QString* error = nullptr);
    /// exportVideo() with the progress dialog (frame, simulated clock, Cancel) that File > Export
    /// video... shows once its dialog is accepted.
    bool exportVideoWithProgress(const VideoSettings& settings, QString* error = nullptr);
    /// The export running or last run (null before the first).
    [[nodiscard]] VideoExporter* videoExport() const { return m_export; }
    [[nodiscard]] bool exporting() const { return m_export != nullptr && m_export->running(); }

    /// Closes (`close`) or reopens a road link of the running simulation; the worker applies it
    /// before its next step and records it as a close_link / open_link edit at the simulated
    /// time it applied (linkEdits()). False without a scenario or for an unknown link.
    bool editLink(std::uint32_t link, bool close);
    /// The edits the simulation has applied so far, oldest first.
    [[nodiscard]] std::vector<LinkEdit> linkEdits() const;
    /// Writes the loaded scenario file with linkEdits() appended to its "events" (everything else
    /// kept, relative paths rebased) to `path`, atomically. False (and `error`) on failure.
    bool saveScenarioAs(const QString& path, QString* error = nullptr);
    /// Writes a new scenario for the city shown (opened as a city, not a scenario) to `path`,
    /// atomically: the city's files (relative to the scenario's folder), the morning peak of
    /// scenarios/morning_peak.json (generated commuter demand, 06:30-09:30, `tripsPerResident`
    /// car trips per resident), outputs next to it; then loads it. False (and `error`) when no
    /// city is shown or the file cannot be written.
    bool newScenarioForCity(const QString& path, double tripsPerResident = 0.15, QString* error = nullptr);
    /// True when a city (not a scenario or a recording) is shown, so newScenarioForCity() works.
    [[nodiscard]] bool cityWithoutScenario() const { return !m_cityFiles.sources.isEmpty(); }

    /// Restores the settings of the last run from QSettings (window geometry and docks, last
    /// folder, layers, playback speed, recent files) and saves them from now on (on close, and
    /// the recent files at once). Without this call the window neither reads nor writes them.
    void useSettings();
    /// Writes the settings now (no-op before useSettings()).
    void saveSettings() const;
    [[nodiscard]] const RecentFiles& recentFiles() const { return *m_recent; }
    [[nodiscard]] QMenu* recentMenu() const { return m_recentMenu; }
    /// Opens the `index`-th recent file again; false when there is none or a load is running.
    bool openRecent(int index);
    /// The folder the file dialogs start in.
    [[nodiscard]] QString lastFolder() const { return m_lastFolder; }

    /// Selects `selection` and, with `fly`, flies the camera to it.
    void showObject(Selection selection, bool fly = true);
    /// Acts on a search result as picking it from the list does: select it and fly there.
    void chooseSearchHit(const SearchHit& hit);
    [[nodiscard]] SearchBox* searchBox() const { return m_search; }
    /// Follows (true) the selected vehicle, or stops following.
    void followSelection(bool follow);

    /// Camera bookmarks of the city shown, and the sidecar file they are kept in (empty when
    /// the city came from no file).
    [[nodiscard]] const ViewBookmarks& views() const { return *m_views; }
    [[nodiscard]] QString viewsFile() const { return m_viewsFile; }
    /// Saves the current camera view under `name` (replacing one of that name) and writes the
    /// sidecar; false when there is no city or the file could not be written.
    bool saveView(const QString& name);
    /// Flies to the `index`-th bookmark.
    bool goToView(int index);
    bool deleteView(int index);
    bool renameView(int index, const QString& name);
    [[nodiscard]] BookmarksPanel* bookmarks() const { return m_bookmarks; }
    [[nodiscard]] QDockWidget* bookmarksDock() const { return m_bookmarksDock; }

    /// What the window recorded of the run (charts, timeline).
    [[nodiscard]] const SimHistory& history() const { return *m_history; }
    [[nodiscard]] TimelineBar* timeline() const { return m_timeline; }
    /// Shows the `index`-th recorded snapshot of the timeline instead of the live one (the
    /// simulation goes on). False when there is no such snapshot.
    bool scrubTo(int index);
    /// Shows the live simulation again.
    void backToLive();
    /// Writes the moments the timeline has recorded (history().snapshot(i)), the scenario file
    /// and the city's sources to `path` (a .ctrec recording, atomically). False (and `error`)
    /// without a scenario or recorded moments, or when it cannot be written.
    bool saveRecordingAs(const QString& path, QString* error = nullptr);
    /// Starts opening a recording: its scenario's city loads as loadScenario() loads it, but no
    /// simulation starts; the timeline holds the recorded moments, the first one shown, and
    /// play() steps through them at the chosen speed. A damaged or foreign file, or one that does
    /// not fit its scenario, fails the load (loadFinished(false), the diagnostics say why) and
    /// the city shown before stays. False while another load runs.
    bool openRecording(const QString& path);
    /// True while a recording (not a live simulation) is shown.
    [[nodiscard]] bool recordingOpen() const { return m_recordingMode; }
    /// True while a recording plays.
    [[nodiscard]] bool recordingPlaying() const { return m_replayPlaying; }
    /// The recorded snapshot shown instead of the live one, null when live.
    [[nodiscard]] std::shared_ptr<const SimSnapshot> replayed() const { return m_replay; }

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

Q_SIGNALS:
    /// A load ended: `ok` when the new city (or scenario) is now shown, false when it failed
    /// (the previous city, if any, is still shown and the diagnostics say why).
    void loadFinished(bool ok);
    /// The window showed a new snapshot.
    void snapshotShown();
    /// A video export ended (VideoExporter::finished).
    void videoExportFinished(bool ok, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void openCity();
    void openScenario();
    void saveScreenshotAs();
    void exportVideoDialog();
    void saveScenarioDialog();
    void saveRecordingDialog();
    void newScenarioDialog();
    void openRecordingDialog();
    void advanceRecording();
    void showRecordedState();
    void showControls();
    void startLoad(std::function<std::shared_ptr<LoadOutcome>()> job, const QString& title);
    void finishLoad(const std::shared_ptr<LoadOutcome>& outcome);
    void setLoading(bool loading, const QString& title);
    void updateCounts();
    void poll();
    void refreshInspector();
    void loadFinishedFor(const LoadOutcome& outcome);
    void rebuildRecentMenu();
    void rebuildViewsMenu();
    void saveViewAs();
    void updateTimeline();
    [[nodiscard]] std::shared_ptr<const SimSnapshot> displayed() const {
        return m_replay ? m_replay : m_shown;
    }

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
    QToolBar* m_searchBar = nullptr;
    SearchBox* m_search = nullptr;
    BookmarksPanel* m_bookmarks = nullptr;
    QDockWidget* m_bookmarksDock = nullptr;
    QMenu* m_viewsMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    TimelineBar* m_timeline = nullptr;
    std::unique_ptr<ViewBookmarks> m_views;
    QString m_viewsFile;
    std::unique_ptr<RecentFiles> m_recent;
    RecentEntry m_cityFiles;  ///< the files of the city shown when it was opened as a city
    QAction* m_newScenarioAction = nullptr;
    std::unique_ptr<SimHistory> m_history;
    std::shared_ptr<const SimSnapshot> m_replay;
    bool m_recordingMode = false;  ///< a recording is shown: no simulation, the timeline only
    bool m_replayPlaying = false;  ///< the recording plays
    double m_replayClock = 0.0;    ///< s of simulated time the recording has played to
    double m_replayStopAt = -1.0;  ///< s at which it pauses by itself; < 0 = at the end
    qint64 m_replayWallMs = -1;    ///< wall clock of the last advance
    SimSnapshot m_replayState;     ///< the toolbar's play state while a recording is shown
    bool m_settings = false;       ///< useSettings() was called
    QString m_lastFolder;
    QLabel* m_countsLabel = nullptr;
    QLabel* m_frameLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_scenarioAction = nullptr;
    QAction* m_sampleAction = nullptr;
    QAction* m_recordingAction = nullptr;
    QTimer* m_poll = nullptr;
    bool m_loading = false;
    std::thread m_worker;

    std::shared_ptr<const ScenarioSession> m_session;
    std::unique_ptr<SimWorker> m_sim;
    std::shared_ptr<const SimSnapshot> m_shown;
    qint64 m_panelsUpdatedMs = -1;
    VideoExporter* m_export = nullptr;
    std::optional<VideoSettings> m_lastVideo;  ///< the export dialog's last settings
    std::size_t m_editsRequested =
        0;  ///< link edits sent to the simulation  ///< when the dashboard and inspector were last refreshed
};

}  // namespace ct::gui
