#include "sim_toolbar.h"

#include <cmath>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QStyle>

#include "scenario_session.h"
#include "sim_snapshot.h"

namespace ct::gui {

namespace {

struct SpeedChoice {
    const char* label;
    double speed;  ///< 0 = as fast as it goes
};
constexpr SpeedChoice kSpeeds[] = {{"1x", 1.0},   {"2x", 2.0},   {"5x", 5.0}, {"10x", 10.0},
                                   {"30x", 30.0}, {"60x", 60.0}, {"max", 0.0}};

}  // namespace

SimToolbar::SimToolbar(QWidget* parent) : QToolBar(tr("Simulation"), parent) {
    setObjectName(QStringLiteral("simulationToolbar"));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    m_play = addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play"));
    m_play->setShortcut(QKeySequence(Qt::Key_P));
    m_play->setToolTip(tr("Play or pause the simulation (P)"));
    connect(m_play, &QAction::triggered, this, [this] {
        if (m_playing) {
            Q_EMIT pauseRequested();
        } else {
            Q_EMIT playRequested();
        }
        setPlaying(!m_playing);  // at once; the next snapshot confirms it
    });
    m_step = addAction(style()->standardIcon(QStyle::SP_MediaSkipForward), tr("Step"));
    m_step->setShortcut(QKeySequence(Qt::Key_Period));
    m_step->setToolTip(tr("Advance one simulation step (.)"));
    connect(m_step, &QAction::triggered, this, [this] {
        setPlaying(false);
        Q_EMIT stepRequested();
    });

    addSeparator();
    addWidget(new QLabel(tr(" Speed "), this));
    m_speed = new QComboBox(this);
    m_speed->setObjectName(QStringLiteral("speedCombo"));
    m_speed->setToolTip(tr("Simulated time per real second (1x = real time)"));
    for (const SpeedChoice& c : kSpeeds) {
        m_speed->addItem(QString::fromLatin1(c.label), c.speed);
    }
    addWidget(m_speed);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int) { Q_EMIT speedChanged(m_speed->currentData().toDouble()); });

    addSeparator();
    m_clock = new QLabel(QStringLiteral("--:--:--"), this);
    m_clock->setObjectName(QStringLiteral("simClock"));
    QFont font = m_clock->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    font.setStyleHint(QFont::Monospace);
    m_clock->setFont(font);
    m_clock->setToolTip(tr("Simulated time of day"));
    m_clock->setContentsMargins(8, 0, 8, 0);
    addWidget(m_clock);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(140);
    m_progress->setMaximumHeight(10);
    m_progress->setToolTip(tr("Progress through the scenario"));
    addWidget(m_progress);
    m_state = new QLabel(this);
    m_state->setContentsMargins(8, 0, 8, 0);
    addWidget(m_state);
    setScenarioLoaded(false);
}

void SimToolbar::setScenarioLoaded(bool loaded) {
    m_play->setEnabled(loaded);
    m_step->setEnabled(loaded);
    m_speed->setEnabled(loaded);
    if (!loaded) {
        m_clock->setText(QStringLiteral("--:--:--"));
        m_state->setText(tr("no scenario (Simulation > New scenario on this city...)"));
        m_progress->setValue(0);
        setPlaying(false);
    }
}

void SimToolbar::showSnapshot(const SimSnapshot& s, const SimSnapshot* live) {
    if (live != nullptr) {
        // A recorded moment: its clock and counts; the buttons stay with the live run.
        showSnapshot(*live);
        m_clock->setText(QString::fromStdString(gui::clockText(s.clock())));
        m_progress->setValue(s.duration > 0.0 ? static_cast<int>(std::lround(1000.0 * s.time / s.duration))
                                              : 0);
        m_state->setText(tr("recorded | t = %1 s | %2 running, %3 arrived")
                             .arg(s.time, 0, 'f', 0)
                             .arg(s.counters.running)
                             .arg(s.counters.arrived));
        return;
    }
    m_clock->setText(QString::fromStdString(gui::clockText(s.clock())));
    m_progress->setValue(s.duration > 0.0 ? static_cast<int>(std::lround(1000.0 * s.time / s.duration)) : 0);
    QString state;
    switch (s.state) {
        case SimState::Playing:
            state = tr("playing");
            break;
        case SimState::Paused:
            state = tr("paused");
            break;
        case SimState::Finished:
            state = tr("finished");
            break;
    }
    m_state->setText(tr("%1 | t = %2 s | %3 running, %4 arrived")
                         .arg(state)
                         .arg(s.time, 0, 'f', 0)
                         .arg(s.counters.running)
                         .arg(s.counters.arrived));
    if (s.state == SimState::Finished) {
        m_play->setEnabled(false);
        m_step->setEnabled(false);
    }
    setPlaying(s.state == SimState::Playing);
}

double SimToolbar::speed() const {
    return m_speed->currentData().toDouble();
}

void SimToolbar::setSpeed(double speed) {
    int best = 0;
    for (int i = 0; i < m_speed->count(); ++i) {
        if (std::abs(m_speed->itemData(i).toDouble() - speed) <
            std::abs(m_speed->itemData(best).toDouble() - speed)) {
            best = i;
        }
    }
    m_speed->setCurrentIndex(best);
}

QString SimToolbar::clockText() const {
    return m_clock->text();
}

void SimToolbar::setPlaying(bool playing) {
    m_playing = playing;
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

}  // namespace ct::gui
