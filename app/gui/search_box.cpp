#include "search_box.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QStandardItemModel>
#include <QTimer>

#include "sim_snapshot.h"

namespace ct::gui {

namespace {
constexpr int kRowRole = Qt::UserRole + 1;
}

SearchBox::SearchBox(QWidget* parent) : QLineEdit(parent) {
    setObjectName(QStringLiteral("searchBox"));
    setPlaceholderText(tr("Search buildings, streets, vehicles... (Ctrl+F)"));
    setClearButtonEnabled(true);
    setMinimumWidth(260);
    setMaximumWidth(380);
    m_model = new QStandardItemModel(this);
    m_completer = new QCompleter(m_model, this);
    // The list shows our matches as they are; the completer does not filter them again.
    m_completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_completer->setWidget(this);
    connect(m_completer, QOverload<const QModelIndex&>::of(&QCompleter::activated), this,
            [this](const QModelIndex& index) { activated(index.data(kRowRole).toInt()); });
    connect(this, &QLineEdit::textEdited, this, &SearchBox::refresh);
    // Enter without picking from the list takes the best match.
    connect(this, &QLineEdit::returnPressed, this, [this] {
        if (!m_justChosen && !m_completer->popup()->isVisible() && !m_hits.empty()) {
            activated(0);
        }
    });
}

void SearchBox::setSnapshotSource(std::function<std::shared_ptr<const SimSnapshot>()> source) {
    m_source = std::move(source);
}

void SearchBox::search(const QString& text) {
    setText(text);
    refresh(text);
}

void SearchBox::refresh(const QString& text) {
    const std::shared_ptr<const SimSnapshot> running = m_source ? m_source() : nullptr;
    m_hits = m_index.find(text, running.get());
    m_model->clear();
    for (std::size_t i = 0; i < m_hits.size(); ++i) {
        auto* item =
            new QStandardItem(QStringLiteral("%1  \u00b7  %2").arg(m_hits[i].label, m_hits[i].detail));
        item->setData(static_cast<int>(i), kRowRole);
        item->setToolTip(m_hits[i].detail);
        m_model->appendRow(item);
    }
    if (m_hits.empty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(QString());
    m_completer->complete();
}

QStringList SearchBox::suggestions() const {
    QStringList out;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        out << m_model->item(r)->text();
    }
    return out;
}

bool SearchBox::choose(int row) {
    if (row < 0 || row >= static_cast<int>(m_hits.size())) {
        return false;
    }
    m_completer->popup()->hide();
    activated(row);
    return true;
}

QAbstractItemView* SearchBox::popup() const {
    return m_completer->popup();
}

void SearchBox::activated(int row) {
    if (row < 0 || row >= static_cast<int>(m_hits.size())) {
        return;
    }
    const SearchHit hit = m_hits[static_cast<std::size_t>(row)];
    // The completer may pass the Enter that picked the row on to the box: not a second pick.
    m_justChosen = true;
    QTimer::singleShot(0, this, [this] { m_justChosen = false; });
    // The completer writes the whole line into the box after this; show just the name.
    QTimer::singleShot(0, this, [this, label = hit.label] { setText(label); });
    Q_EMIT objectChosen(hit);
}

}  // namespace ct::gui
