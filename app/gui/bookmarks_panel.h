#pragma once
/// The Views dock: the camera bookmarks of the city shown. Save the current view under a name,
/// go to one (double click, Enter or the button), rename one (edit it in place), delete one.

#include <QWidget>

class QListWidget;
class QListWidgetItem;
class QPushButton;
class QLabel;

namespace ct::gui {

class ViewBookmarks;

/// GUI thread only. Shows a list of names; the main window owns the bookmarks and acts on the
/// requests.
class BookmarksPanel : public QWidget {
    Q_OBJECT
public:
    explicit BookmarksPanel(QWidget* parent = nullptr);

    /// Shows `views` (null: none, and the buttons are off) and where they are kept.
    void showViews(const ViewBookmarks* views, const QString& file);
    [[nodiscard]] int currentIndex() const;
    void setCurrentIndex(int index);
    [[nodiscard]] QListWidget* list() const { return m_list; }
    [[nodiscard]] QStringList names() const;

Q_SIGNALS:
    void saveRequested();
    void goToRequested(int index);
    void deleteRequested(int index);
    void renameRequested(int index, const QString& name);

private:
    void updateButtons();

    QListWidget* m_list = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_go = nullptr;
    QPushButton* m_delete = nullptr;
    QLabel* m_file = nullptr;
    bool m_filling = false;
    bool m_enabled = false;
};

}  // namespace ct::gui
