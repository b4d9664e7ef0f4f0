#pragma once
/// The toolbar's search box: type part of a name or an id, pick a match from the list that drops
/// down (arrows and Enter, or the mouse), and the main window selects it and flies there.

#include <functional>
#include <memory>
#include <vector>

#include <QLineEdit>

#include "search_index.h"

class QCompleter;
class QStandardItemModel;
class QAbstractItemView;

namespace ct::gui {

struct SimSnapshot;

/// GUI thread only.
class SearchBox : public QLineEdit {
    Q_OBJECT
public:
    explicit SearchBox(QWidget* parent = nullptr);

    /// The names and ids searched.
    [[nodiscard]] SearchIndex& index() { return m_index; }
    /// Where the vehicles on the road come from (the snapshot shown); unset: no vehicles.
    void setSnapshotSource(std::function<std::shared_ptr<const SimSnapshot>()> source);

    /// Runs the query now, as typing does, and shows the list.
    void search(const QString& text);
    /// The matches of the last query, best first.
    [[nodiscard]] const std::vector<SearchHit>& hits() const { return m_hits; }
    /// The lines of the list ("Rathaus Auenfurt  ·  building 12, public").
    [[nodiscard]] QStringList suggestions() const;
    /// Picks the `row`-th match as a click on it would; false when there is no such row.
    bool choose(int row);
    [[nodiscard]] QAbstractItemView* popup() const;

Q_SIGNALS:
    /// The user picked a match.
    void objectChosen(const ct::gui::SearchHit& hit);

private:
    void refresh(const QString& text);
    void activated(int row);

    SearchIndex m_index;
    std::function<std::shared_ptr<const SimSnapshot>()> m_source;
    std::vector<SearchHit> m_hits;
    QCompleter* m_completer = nullptr;
    QStandardItemModel* m_model = nullptr;
    bool m_justChosen = false;
};

}  // namespace ct::gui
