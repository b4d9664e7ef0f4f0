#pragma once
/// The CityTwin main window: the 3D view, menus, a status bar and the load diagnostics.

#include <memory>
#include <thread>

#include <QMainWindow>

#include "citytwin/gis/city_loader.h"

class QAction;
class QDockWidget;
class QLabel;
class QProgressBar;

namespace ct::gui {

class CityView;
class DiagnosticsPanel;
struct LoadOutcome;

/// Loads cities off the GUI thread and shows them. A load that fails shows its diagnostics and
/// keeps the city shown before. GUI thread only; one load at a time.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `assetsDir` holds the bundled sample city (assets/sample_city).
    explicit MainWindow(QString assetsDir, QWidget* parent = nullptr);
    /// Waits for a load in progress to finish.
    ~MainWindow() override;

    /// Starts loading a city on a worker thread; `title` names it in messages (empty: the first
    /// source's file name). Returns false (and does nothing) while another load runs.
    bool loadCity(const gis::LoadOptions& options, QString title = {});
    /// Starts loading the bundled sample city.
    bool loadSampleCity();
    [[nodiscard]] bool isLoading() const { return m_loading; }

    [[nodiscard]] CityView* view() const { return m_view; }
    [[nodiscard]] DiagnosticsPanel* diagnostics() const { return m_diagnostics; }
    [[nodiscard]] QDockWidget* diagnosticsDock() const { return m_diagnosticsDock; }

signals:
    /// A load ended: `ok` when the new city is now shown, false when it failed (the previous
    /// city, if any, is still shown and the diagnostics say why).
    void loadFinished(bool ok);

private:
    void createMenus();
    void openCity();
    void showControls();
    void finishLoad(const std::shared_ptr<LoadOutcome>& outcome);
    void setLoading(bool loading, const QString& title);
    void updateCounts();

    QString m_assetsDir;
    CityView* m_view = nullptr;
    DiagnosticsPanel* m_diagnostics = nullptr;
    QDockWidget* m_diagnosticsDock = nullptr;
    QLabel* m_countsLabel = nullptr;
    QLabel* m_frameLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_sampleAction = nullptr;
    bool m_loading = false;
    std::thread m_worker;
};

}  // namespace ct::gui
