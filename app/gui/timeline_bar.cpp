#include "timeline_bar.h"

#include <QLabel>
#include <QSlider>
#include <QToolButton>

namespace ct::gui {

TimelineBar::TimelineBar(QWidget* parent) : QToolBar(tr("Timeline"), parent) {
    setObjectName(QStringLiteral("timelineBar"));
    addWidget(new QLabel(tr(" History "), this));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("timelineSlider"));
    m_slider->setMinimumWidth(320);
    m_slider->setToolTip(tr("Drag back to see the city as it was; right end: live"));
    m_slider->setPageStep(6);
    addWidget(m_slider);
    m_label = new QLabel(this);
    m_label->setMinimumWidth(150);
    addWidget(m_label);
    m_live = new QToolButton(this);
    m_live->setText(tr("Back to live"));
    m_live->setToolTip(tr("Show the running simulation again (End)"));
    m_live->setShortcut(QKeySequence(Qt::Key_End));
    addWidget(m_live);
    connect(m_live, &QToolButton::clicked, this, &TimelineBar::liveRequested);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        if (m_updating) {
            return;
        }
        if (value >= m_count) {
            Q_EMIT liveRequested();
        } else {
            Q_EMIT scrubbed(value);
        }
    });
    setState(0, -1, QString());
}

void TimelineBar::setState(int count, int replayIndex, const QString& clock) {
    m_updating = true;
    m_count = count;
    m_replay = replayIndex;
    // One position per recorded moment, and the last one is live.
    m_slider->setRange(0, count);
    m_slider->setValue(replayIndex < 0 ? count : replayIndex);
    m_slider->setEnabled(count > 0);
    m_live->setEnabled(replayIndex >= 0);
    m_label->setText(replayIndex < 0
                         ? tr("live")
                         : tr("recorded %1 (%2 of %3)").arg(clock).arg(replayIndex + 1).arg(count));
    m_updating = false;
}

}  // namespace ct::gui
