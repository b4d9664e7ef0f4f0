#pragma once
/// File > Export video...: where, how long, how fast and how big; shows what will be written
/// (an MP4 through ffmpeg, or PNG frames when there is no ffmpeg) before it starts.

#include <QDialog>

#include "video_export.h"

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ct::gui {

class VideoExportDialog : public QDialog {
    Q_OBJECT
public:
    /// `startTime` and `clockStart`: where the run stands now (s), for the summary line.
    VideoExportDialog(const VideoSettings& initial, double startTime, double clockStart,
                      QWidget* parent = nullptr);

    [[nodiscard]] VideoSettings settings() const;
    [[nodiscard]] QLineEdit* pathEdit() const { return m_path; }
    /// The line that says what will be written.
    [[nodiscard]] QString summary() const;

private:
    void browse();
    void updateSummary();

    QLineEdit* m_path = nullptr;
    QDoubleSpinBox* m_seconds = nullptr;
    QSpinBox* m_fps = nullptr;
    QDoubleSpinBox* m_speed = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_ok = nullptr;
    VideoSettings m_initial;
    double m_startTime = 0.0;
    double m_clockStart = 0.0;
};

}  // namespace ct::gui
