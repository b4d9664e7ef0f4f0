#pragma once
/// The Inspector dock: the attributes of the selected object, from the city model (GIS data) and
/// the latest simulation snapshot (live state).

#include <cstdint>

#include <QList>
#include <QPointF>
#include <QWidget>

#include "selection.h"

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QPushButton;
class QTreeWidget;
class QValueAxis;

namespace ct {
struct CityModel;
}

namespace ct::gui {

class SimHistory;
struct ScenarioSession;
struct SimSnapshot;

/// GUI thread only. inspect() may be called again with newer snapshots: rows are updated in place.
/// Below the rows: "Fly to" (any object) and "Follow" (a vehicle on the road), and with a
/// scenario a small chart of the object's history over the run (SimHistory): a link's mean
/// speed, a vehicle's speed and delay over its trip, a junction's queue. A road link of a running
/// scenario also gets "Close link now" / "Reopen link" (linkEditRequested).
class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    explicit InspectorPanel(QWidget* parent = nullptr);

    /// Shows `selection` of `city`. `session` and `snapshot` add live traffic figures and may be
    /// null (no scenario).
    /// `history` (may be null) gives the chart.
    void inspect(Selection selection, const CityModel* city, const ScenarioSession* session,
                 const SimSnapshot* snapshot, const SimHistory* history = nullptr);
    void clear();
    /// Shows whether the camera follows the vehicle inspected (the Follow button's state).
    void setFollowing(bool following);

    /// Whether the link edit buttons act now (false while the timeline shows a recorded moment or
    /// an edit is on its way to the simulation).
    void setEditsEnabled(bool enabled);

    [[nodiscard]] QPushButton* flyToButton() const { return m_flyTo; }
    /// "Close link now" and "Reopen link": shown for a road link of a running scenario, the one
    /// that applies enabled.
    [[nodiscard]] QPushButton* closeLinkButton() const { return m_closeLink; }
    [[nodiscard]] QPushButton* reopenLinkButton() const { return m_reopenLink; }
    [[nodiscard]] QPushButton* followButton() const { return m_follow; }
    /// The chart's title, empty when no chart is shown.
    [[nodiscard]] QString chartTitle() const;
    /// The points of the chart's first (0) or second (1) curve: x in s of simulated time,
    /// y in the unit shown (km/h, s, vehicles).
    [[nodiscard]] QList<QPointF> chartPoints(int series = 0) const;

    /// The value shown for an attribute ("" when the attribute is not listed).
    [[nodiscard]] QString value(const QString& attribute) const;
    /// The heading: what is shown ("Building 12").
    [[nodiscard]] QString heading() const;
    [[nodiscard]] int rowCount() const;

private:
    using Rows = std::vector<std::pair<QString, QString>>;
    void setRows(const QString& heading, const Rows& rows);
    void updateChart(Selection selection, const SimHistory* history);

    QLabel* m_heading = nullptr;
    QTreeWidget* m_tree = nullptr;
    QPushButton* m_flyTo = nullptr;
    QPushButton* m_follow = nullptr;
    QPushButton* m_closeLink = nullptr;
    QPushButton* m_reopenLink = nullptr;
    bool m_editsEnabled = true;
    bool m_linkClosed = false;
    std::uint32_t m_editLink = 0;  ///< the link the edit buttons act on
    QChartView* m_chartView = nullptr;
    QChart* m_chart = nullptr;
    QLineSeries* m_series[2] = {nullptr, nullptr};
    QDateTimeAxis* m_x = nullptr;
    QValueAxis* m_y[2] = {nullptr, nullptr};
    QList<QPointF> m_points[2];  ///< as charted, x in s of simulated time
    Selection m_charted;
    std::size_t m_chartedRecords = 0;
    double m_chartedTime = -1.0;

Q_SIGNALS:
    /// "Fly to" was pressed.
    void flyToRequested();
    /// "Follow" was toggled.
    void followToggled(bool follow);
    /// "Close link now" (`close` true) or "Reopen link" was pressed for the link inspected.
    void linkEditRequested(std::uint32_t link, bool close);
};

}  // namespace ct::gui
