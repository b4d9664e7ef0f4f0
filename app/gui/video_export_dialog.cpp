#include "video_export_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "scenario_session.h"

namespace ct::gui {

VideoExportDialog::VideoExportDialog(const VideoSettings& initial, double startTime, double clockStart,
                                     QWidget* parent)
    : QDialog(parent), m_initial(initial), m_startTime(startTime), m_clockStart(clockStart) {
    setWindowTitle(tr("Export video"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);

    auto* pathRow = new QHBoxLayout;
    m_path = new QLineEdit(initial.path, this);
    m_path->setMinimumWidth(360);
    auto* browseButton = new QPushButton(tr("Browse..."), this);
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);
    form->addRow(tr("Save to:"), pathRow);
    connect(browseButton, &QPushButton::clicked, this, &VideoExportDialog::browse);

    m_seconds = new QDoubleSpinBox(this);
    m_seconds->setRange(0.2, 3600.0);
    m_seconds->setDecimals(1);
    m_seconds->setSuffix(tr(" s"));
    m_seconds->setValue(initial.seconds);
    form->addRow(tr("Length of the video:"), m_seconds);

    m_fps = new QSpinBox(this);
    m_fps->setRange(1, 120);
    m_fps->setValue(initial.fps);
    form->addRow(tr("Frames per second:"), m_fps);

    m_speed = new QDoubleSpinBox(this);
    m_speed->setRange(0.1, 3600.0);
    m_speed->setDecimals(1);
    m_speed->setSuffix(tr(" x"));
    m_speed->setValue(initial.speed);
    m_speed->setToolTip(tr("Simulated seconds per second of video"));
    form->addRow(tr("Speed (simulated s per video s):"), m_speed);

    auto* sizeRow = new QHBoxLayout;
    m_width = new QSpinBox(this);
    m_width->setRange(16, 8192);
    m_width->setSingleStep(2);
    m_width->setValue(initial.size.width());
    m_height = new QSpinBox(this);
    m_height->setRange(16, 8192);
    m_height->setSingleStep(2);
    m_height->setValue(initial.size.height());
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("x"), this));
    sizeRow->addWidget(m_height);
    sizeRow->addWidget(new QLabel(tr("pixels"), this));
    sizeRow->addStretch(1);
    form->addRow(tr("Frame size:"), sizeRow);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("videoSummary"));
    m_summary->setWordWrap(true);
    m_summary->setMinimumHeight(60);
    layout->addWidget(m_summary);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Export"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_path, &QLineEdit::textChanged, this, &VideoExportDialog::updateSummary);
    connect(m_seconds, &QDoubleSpinBox::valueChanged, this, &VideoExportDialog::updateSummary);
    connect(m_fps, &QSpinBox::valueChanged, this, &VideoExportDialog::updateSummary);
    connect(m_speed, &QDoubleSpinBox::valueChanged, this, &VideoExportDialog::updateSummary);
    connect(m_width, &QSpinBox::valueChanged, this, &VideoExportDialog::updateSummary);
    connect(m_height, &QSpinBox::valueChanged, this, &VideoExportDialog::updateSummary);
    updateSummary();
}

VideoSettings VideoExportDialog::settings() const {
    VideoSettings s = m_initial;
    s.path = m_path->text().trimmed();
    s.seconds = m_seconds->value();
    s.fps = m_fps->value();
    s.speed = m_speed->value();
    s.size = QSize(m_width->value(), m_height->value());
    return s;
}

QString VideoExportDialog::summary() const {
    return m_summary->text();
}

void VideoExportDialog::browse() {
    QString selected;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export video"), m_path->text(),
                                     tr("MP4 video (*.mp4);;PNG frames (a folder) (*)"), &selected);
    if (!path.isEmpty()) {
        m_path->setText(path);
    }
}

void VideoExportDialog::updateSummary() {
    const VideoSettings s = settings();
    const VideoPlan plan = planVideo(s);
    if (!plan.error.isEmpty()) {
        m_summary->setText(tr("<b>Cannot export:</b> %1").arg(plan.error.toHtmlEscaped()));
        m_ok->setEnabled(false);
        return;
    }
    m_ok->setEnabled(true);
    const double simulated = plan.frames * s.speed / s.fps;
    QString text =
        plan.mp4
            ? tr("<b>H.264 MP4</b> via %1").arg(plan.ffmpeg.toHtmlEscaped())
            : tr("<b>%1 PNG frames</b> into the folder %2").arg(plan.frames).arg(plan.target.toHtmlEscaped());
    text += tr("<br>%1 frames covering %2 s of simulation, %3 to %4; the simulation stays paused at the end.")
                .arg(plan.frames)
                .arg(simulated, 0, 'f', 0)
                .arg(QString::fromStdString(clockText(m_clockStart + m_startTime)))
                .arg(QString::fromStdString(clockText(m_clockStart + m_startTime + simulated)));
    if (!plan.note.isEmpty()) {
        text += QStringLiteral("<br><i>%1</i>").arg(plan.note.toHtmlEscaped());
    }
    m_summary->setText(text);
}

}  // namespace ct::gui
