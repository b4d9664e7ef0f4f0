#pragma once
/// A readable list of the diagnostics of the last load: one row per problem, errors first.

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace ct {
class DiagnosticReport;
}

namespace ct::gui {

/// Shows a DiagnosticReport as a table (severity, code, where, message, action) under a
/// one-line summary. GUI thread only.
class DiagnosticsPanel : public QWidget {
    Q_OBJECT
public:
    explicit DiagnosticsPanel(QWidget* parent = nullptr);

    /// Replaces the list with `report`; `title` names what was loaded, `seconds` how long it took.
    void setReport(const DiagnosticReport& report, const QString& title, double seconds);

    /// Rows shown (long reports are cut after kMaxRows, with a final row saying how many more).
    [[nodiscard]] int rowCount() const;
    [[nodiscard]] int errorCount() const { return m_errors; }
    [[nodiscard]] int warningCount() const { return m_warnings; }
    [[nodiscard]] QString summary() const;

    static constexpr int kMaxRows = 5000;

private:
    QLabel* m_summary = nullptr;
    QTreeWidget* m_list = nullptr;
    int m_errors = 0;
    int m_warnings = 0;
};

}  // namespace ct::gui
