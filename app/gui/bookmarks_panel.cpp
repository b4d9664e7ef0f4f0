#include "bookmarks_panel.h"

#include <algorithm>

#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "view_bookmarks.h"

namespace ct::gui {

BookmarksPanel::BookmarksPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("viewsList"));
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    layout->addWidget(m_list, 1);
    auto* buttons = new QHBoxLayout;
    m_save = new QPushButton(tr("Save view..."), this);
    m_save->setToolTip(tr("Save the current camera view under a name (Ctrl+D)"));
    m_go = new QPushButton(tr("Go to"), this);
    m_delete = new QPushButton(tr("Delete"), this);
    buttons->addWidget(m_save);
    buttons->addWidget(m_go);
    buttons->addWidget(m_delete);
    layout->addLayout(buttons);
    m_file = new QLabel(this);
    m_file->setWordWrap(true);
    QFont small = m_file->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_file->setFont(small);
    layout->addWidget(m_file);

    connect(m_save, &QPushButton::clicked, this, &BookmarksPanel::saveRequested);
    connect(m_go, &QPushButton::clicked, this, [this] {
        if (currentIndex() >= 0) {
            Q_EMIT goToRequested(currentIndex());
        }
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (currentIndex() >= 0) {
            Q_EMIT deleteRequested(currentIndex());
        }
    });
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { Q_EMIT goToRequested(m_list->row(item)); });
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (!m_filling) {
            Q_EMIT renameRequested(m_list->row(item), item->text().trimmed());
        }
    });
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { updateButtons(); });
    showViews(nullptr, QString());
}

void BookmarksPanel::showViews(const ViewBookmarks* views, const QString& file) {
    m_filling = true;
    const int current = m_list->currentRow();
    m_list->clear();
    m_enabled = views != nullptr;
    if (views != nullptr) {
        for (const ViewBookmark& v : views->views()) {
            auto* item = new QListWidgetItem(v.name, m_list);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
            item->setToolTip(tr("heading %1°, tilt %2°, %3 m away")
                                 .arg(v.pose.heading, 0, 'f', 0)
                                 .arg(v.pose.tilt, 0, 'f', 0)
                                 .arg(v.pose.distance, 0, 'f', 0));
        }
        if (m_list->count() > 0) {
            m_list->setCurrentRow(std::clamp(current, 0, m_list->count() - 1));
        }
    }
    m_file->setText(file.isEmpty() ? tr("Views are kept with a city or scenario file.")
                                   : tr("Kept in %1").arg(QFileInfo(file).fileName()));
    m_file->setToolTip(file);
    m_filling = false;
    updateButtons();
}

int BookmarksPanel::currentIndex() const {
    return m_list->currentRow();
}

void BookmarksPanel::setCurrentIndex(int index) {
    m_list->setCurrentRow(index);
}

QStringList BookmarksPanel::names() const {
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i) {
        out << m_list->item(i)->text();
    }
    return out;
}

void BookmarksPanel::updateButtons() {
    m_save->setEnabled(m_enabled);
    m_go->setEnabled(m_enabled && currentIndex() >= 0);
    m_delete->setEnabled(m_enabled && currentIndex() >= 0);
}

}  // namespace ct::gui
