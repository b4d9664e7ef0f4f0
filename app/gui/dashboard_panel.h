#pragma once
/// The Dashboard dock: the city's vital signs over simulated time, as Qt Charts.
///
/// One small chart per sign (vehicles running, mean speed, delay index, trips completed, CO2
/// rate), each point a dashboard interval of the simulation (SimWorkerOptions::kpiInterval),
/// with the latest value in the chart's title. Later issues (utilities, emergencies) add their
/// own charts with addChart().

#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QDateTimeAxis;
class QGridLayout;
class QLineSeries;
class QValueAxis;

namespace ct::gui {

struct SimSnapshot;

/// GUI thread only.
class DashboardPanel : public QWidget {
    Q_OBJECT
public:
    explicit DashboardPanel(QWidget* parent = nullptr);
    ~DashboardPanel() override;

    /// Redraws the charts from the snapshot's KPI intervals (cheap when nothing new closed).
    void showSnapshot(const SimSnapshot& snapshot);
    /// Empties every chart (a new scenario).
    void clear();

    /// The signs shown, in order.
    enum class Sign {
        Running,
        MeanSpeed,
        DelayIndex,
        TripsCompleted,
        Co2Rate,
        WithoutWater,  ///< % of residents, utility steps (scenarios with utilities)
        WithoutPower,  ///< % of residents
        DarkSignals,   ///< signalised junctions without power
        Count
    };
    /// Points in a sign's curve.
    [[nodiscard]] int pointCount(Sign sign) const;
    /// The latest value of a sign (NaN before the first interval).
    [[nodiscard]] double latestValue(Sign sign) const;

private:
    struct Chart {
        QString title;
        QString unit;
        QChart* chart = nullptr;
        QLineSeries* series = nullptr;
        QDateTimeAxis* x = nullptr;
        QValueAxis* y = nullptr;
    };
    void addChart(const QString& title, const QString& unit, const QColor& color);
    void showUtilities(const SimSnapshot& snapshot);

    QGridLayout* m_layout = nullptr;
    std::vector<Chart> m_charts;
    std::size_t m_shownIntervals = 0;
    std::size_t m_shownUtilitySteps = 0;
    std::vector<QWidget*> m_utilityViews;  ///< the utility charts, shown only when a run has them
    double m_shownClockStart = -1.0;
};

}  // namespace ct::gui
