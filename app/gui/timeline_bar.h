#pragma once
/// The timeline toolbar: a slider over the moments recorded so far (SimHistory's snapshots, one
/// every 10 s of simulated time) to look back at the state of the city then, and "Live" to come
/// back to the running simulation.

#include <QToolBar>

class QLabel;
class QSlider;
class QToolButton;

namespace ct::gui {

/// GUI thread only. The slider's rightmost position is live.
class TimelineBar : public QToolBar {
    Q_OBJECT
public:
    explicit TimelineBar(QWidget* parent = nullptr);

    /// `count` moments are recorded; `replayIndex` is the one shown (-1: live). `clock` names
    /// the moment shown ("07:42:10").
    void setState(int count, int replayIndex, const QString& clock);
    [[nodiscard]] QSlider* slider() const { return m_slider; }
    [[nodiscard]] QToolButton* liveButton() const { return m_live; }
    [[nodiscard]] bool live() const { return m_replay < 0; }

Q_SIGNALS:
    /// The user moved the slider to a recorded moment.
    void scrubbed(int index);
    /// The user asked to see the running simulation again.
    void liveRequested();

private:
    QSlider* m_slider = nullptr;
    QLabel* m_label = nullptr;
    QToolButton* m_live = nullptr;
    int m_count = 0;
    int m_replay = -1;
    bool m_updating = false;
};

}  // namespace ct::gui
