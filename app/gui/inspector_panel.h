#pragma once
/// The Inspector dock: the attributes of the selected object, from the city model (GIS data) and
/// the latest simulation snapshot (live state).

#include <QWidget>

#include "selection.h"

class QLabel;
class QTreeWidget;

namespace ct {
struct CityModel;
}

namespace ct::gui {

struct ScenarioSession;
struct SimSnapshot;

/// GUI thread only. inspect() may be called again with newer snapshots: rows are updated in place.
class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    explicit InspectorPanel(QWidget* parent = nullptr);

    /// Shows `selection` of `city`. `session` and `snapshot` add live traffic figures and may be
    /// null (no scenario).
    void inspect(Selection selection, const CityModel* city, const ScenarioSession* session,
                 const SimSnapshot* snapshot);
    void clear();

    /// The value shown for an attribute ("" when the attribute is not listed).
    [[nodiscard]] QString value(const QString& attribute) const;
    /// The heading: what is shown ("Building 12").
    [[nodiscard]] QString heading() const;
    [[nodiscard]] int rowCount() const;

private:
    using Rows = std::vector<std::pair<QString, QString>>;
    void setRows(const QString& heading, const Rows& rows);

    QLabel* m_heading = nullptr;
    QTreeWidget* m_tree = nullptr;
};

}  // namespace ct::gui
