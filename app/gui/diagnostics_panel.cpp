#include "diagnostics_panel.h"

#include <algorithm>
#include <vector>

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "citytwin/sim/diagnostics.h"

namespace ct::gui {

namespace {

enum Column { kSeverity, kCode, kWhere, kMessage, kAction, kColumnCount };

QString where(const Diagnostic& d) {
    QStringList parts;
    if (!d.file.empty()) {
        parts << QFileInfo(QString::fromStdString(d.file)).fileName();
    }
    if (!d.layer.empty()) {
        parts << QStringLiteral("layer %1").arg(QString::fromStdString(d.layer));
    }
    if (d.feature >= 0) {
        parts << QStringLiteral("feature %1").arg(d.feature);
    }
    if (d.line > 0) {
        parts << QStringLiteral("line %1").arg(d.line);
    }
    return parts.join(QStringLiteral(", "));
}

int rank(Severity s) {
    switch (s) {
        case Severity::Error:
            return 0;
        case Severity::Warning:
            return 1;
        case Severity::Info:
            break;
    }
    return 2;
}

}  // namespace

DiagnosticsPanel::DiagnosticsPanel(QWidget* parent) : QWidget(parent) {
    m_summary = new QLabel(tr("No city loaded yet."), this);
    m_summary->setWordWrap(true);
    m_list = new QTreeWidget(this);
    m_list->setColumnCount(kColumnCount);
    m_list->setHeaderLabels({tr("Severity"), tr("Code"), tr("Where"), tr("Message"), tr("Action")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setUniformRowHeights(true);
    m_list->setWordWrap(false);
    // The message gets the room; the other columns fit their contents.
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(kMessage, QHeaderView::Stretch);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
}

void DiagnosticsPanel::setReport(const DiagnosticReport& report, const QString& title, double seconds) {
    m_errors = static_cast<int>(report.errorCount());
    m_warnings = static_cast<int>(report.warningCount());
    const int infos = static_cast<int>(report.count(Severity::Info));
    m_summary->setText(tr("<b>%1</b>: %2 error(s), %3 warning(s), %4 note(s), in %5 s")
                           .arg(title.toHtmlEscaped())
                           .arg(m_errors)
                           .arg(m_warnings)
                           .arg(infos)
                           .arg(seconds, 0, 'f', 2));

    // Errors first, then warnings, then notes; stable within a severity (file order).
    const std::vector<Diagnostic>& items = report.items();
    std::vector<std::size_t> order(items.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return rank(items[a].severity) < rank(items[b].severity);
    });

    m_list->setUpdatesEnabled(false);
    m_list->clear();
    const QIcon icons[] = {style()->standardIcon(QStyle::SP_MessageBoxCritical),
                           style()->standardIcon(QStyle::SP_MessageBoxWarning),
                           style()->standardIcon(QStyle::SP_MessageBoxInformation)};
    QList<QTreeWidgetItem*> rows;
    const std::size_t shown = std::min<std::size_t>(order.size(), kMaxRows);
    rows.reserve(static_cast<qsizetype>(shown) + 1);
    for (std::size_t k = 0; k < shown; ++k) {
        const Diagnostic& d = items[order[k]];
        auto* row = new QTreeWidgetItem;
        row->setIcon(kSeverity, icons[rank(d.severity)]);
        row->setText(kSeverity, QString::fromUtf8(toString(d.severity)));
        row->setText(kCode, QString::fromStdString(d.code));
        row->setText(kWhere, where(d));
        row->setText(kMessage, QString::fromStdString(d.message));
        row->setText(kAction, QString::fromStdString(d.action));
        row->setToolTip(kMessage, QString::fromStdString(format(d)));
        rows << row;
    }
    if (order.size() > shown) {
        auto* more = new QTreeWidgetItem;
        more->setText(kMessage, tr("... and %1 more").arg(order.size() - shown));
        rows << more;
    }
    m_list->addTopLevelItems(rows);
    for (int c = 0; c < kColumnCount; ++c) {
        if (c != kMessage) {
            m_list->resizeColumnToContents(c);
        }
    }
    m_list->setUpdatesEnabled(true);
}

int DiagnosticsPanel::rowCount() const {
    return m_list->topLevelItemCount();
}

QString DiagnosticsPanel::summary() const {
    return m_summary->text();
}

}  // namespace ct::gui
