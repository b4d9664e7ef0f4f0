#pragma once
/// The simulation toolbar: play/pause, step, speed, and the simulated clock.

#include <QToolBar>

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;

namespace ct::gui {

struct SimSnapshot;

/// GUI thread only. Emits the user's commands; shows what the latest snapshot says.
class SimToolbar : public QToolBar {
    Q_OBJECT
public:
    explicit SimToolbar(QWidget* parent = nullptr);

    /// Enables the controls when a scenario is loaded; without one they are disabled and the
    /// clock reads "--:--:--".
    void setScenarioLoaded(bool loaded);
    /// Shows the clock, the progress through the scenario and the play state of `snapshot`.
    /// With `live`, `snapshot` is a recorded moment shown instead of the live one: its clock and
    /// counts, and the play state of `live`.
    void showSnapshot(const SimSnapshot& snapshot, const SimSnapshot* live = nullptr);

    /// Simulated seconds per wall-clock second chosen (0 = as fast as it goes).
    [[nodiscard]] double speed() const;
    void setSpeed(double speed);

    [[nodiscard]] QAction* playAction() const { return m_play; }
    [[nodiscard]] QAction* stepAction() const { return m_step; }
    [[nodiscard]] QString clockText() const;

Q_SIGNALS:
    void playRequested();
    void pauseRequested();
    void stepRequested();
    void speedChanged(double speed);

private:
    void setPlaying(bool playing);

    QAction* m_play = nullptr;
    QAction* m_step = nullptr;
    QComboBox* m_speed = nullptr;
    QLabel* m_clock = nullptr;
    QLabel* m_state = nullptr;
    QProgressBar* m_progress = nullptr;
    bool m_playing = false;
};

}  // namespace ct::gui
