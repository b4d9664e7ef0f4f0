#include "dashboard_panel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QLineSeries>
#include <QTimeZone>
#include <QValueAxis>

#include "sim_snapshot.h"

namespace ct::gui {

namespace {

/// A time of day (s) on the x axis: milliseconds on a fixed day, in UTC (no daylight saving).
double axisTime(double secondsOfDay) {
    static const qint64 day = QDateTime(QDate(2000, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    return static_cast<double>(day) + secondsOfDay * 1000.0;
}

QDateTime axisDateTime(double secondsOfDay) {
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(axisTime(secondsOfDay)), QTimeZone::utc());
}

/// A round upper bound for an axis holding values up to `v`.
double niceMax(double v) {
    if (!(v > 0.0)) {
        return 1.0;
    }
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (const double m : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
        if (v <= m * p) {
            return m * p;
        }
    }
    return 10.0 * p;
}

}  // namespace

DashboardPanel::DashboardPanel(QWidget* parent) : QWidget(parent) {
    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(2, 2, 2, 2);
    m_layout->setSpacing(2);
    addChart(tr("Vehicles running"), QString(), QColor(40, 90, 220));
    addChart(tr("Mean speed"), tr("km/h"), QColor(30, 150, 60));
    addChart(tr("Delay index"), QString(), QColor(220, 110, 20));
    addChart(tr("Trips completed"), QString(), QColor(120, 60, 170));
    addChart(tr("CO2 rate"), tr("kg/h"), QColor(110, 110, 110));
    addChart(tr("Residents without water"), tr("%"), QColor(25, 110, 230));
    addChart(tr("Residents without power"), tr("%"), QColor(230, 120, 20));
    addChart(tr("Dark signals"), QString(), QColor(60, 60, 60));
    for (std::size_t i = static_cast<std::size_t>(Sign::WithoutWater); i < m_charts.size(); ++i) {
        m_utilityViews.push_back(m_layout->itemAtPosition(1, static_cast<int>(i) - 5)->widget());
        m_utilityViews.back()->setVisible(false);
    }
}

DashboardPanel::~DashboardPanel() = default;

void DashboardPanel::addChart(const QString& title, const QString& unit, const QColor& color) {
    Chart c;
    c.title = title;
    c.unit = unit;
    c.chart = new QChart;
    c.chart->legend()->hide();
    c.chart->setMargins(QMargins(2, 2, 2, 2));
    c.chart->setBackgroundRoundness(0);
    QFont titleFont = c.chart->titleFont();
    titleFont.setPointSizeF(std::max(7.0, titleFont.pointSizeF() * 0.9));
    titleFont.setBold(true);
    c.chart->setTitleFont(titleFont);
    c.chart->setTitle(unit.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, unit));
    c.series = new QLineSeries;
    QPen pen(color);
    pen.setWidthF(2.0);
    c.series->setPen(pen);
    c.chart->addSeries(c.series);
    c.x = new QDateTimeAxis;
    c.x->setFormat(QStringLiteral("HH:mm"));
    c.x->setTickCount(4);
    c.y = new QValueAxis;
    c.y->setLabelFormat(QStringLiteral("%g"));
    c.y->setTickCount(3);
    QFont axisFont = c.x->labelsFont();
    axisFont.setPointSizeF(std::max(6.5, axisFont.pointSizeF() * 0.8));
    c.x->setLabelsFont(axisFont);
    c.y->setLabelsFont(axisFont);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    c.series->attachAxis(c.x);
    c.series->attachAxis(c.y);
    auto* view = new QChartView(c.chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(180, 130);
    const int index = static_cast<int>(m_charts.size());
    m_layout->addWidget(view, index / 5, index % 5);  // traffic on the first row, utilities below
    m_charts.push_back(c);
}

void DashboardPanel::clear() {
    for (Chart& c : m_charts) {
        c.series->clear();
        c.chart->setTitle(c.unit.isEmpty() ? c.title : QStringLiteral("%1 (%2)").arg(c.title, c.unit));
    }
    m_shownIntervals = 0;
    m_shownUtilitySteps = 0;
    m_shownClockStart = -1.0;
    for (QWidget* w : m_utilityViews) {
        w->setVisible(false);
    }
}

void DashboardPanel::showSnapshot(const SimSnapshot& s) {
    const std::size_t utilitySteps = s.utility ? s.utility->kpis.size() : 0;
    if (s.kpis.size() == m_shownIntervals && utilitySteps == m_shownUtilitySteps &&
        s.clockStart == m_shownClockStart) {
        return;  // nothing new closed
    }
    if (s.kpis.size() < m_shownIntervals || utilitySteps < m_shownUtilitySteps) {
        clear();  // another run, or a recorded moment from earlier
    }
    m_shownIntervals = s.kpis.size();
    m_shownUtilitySteps = utilitySteps;
    m_shownClockStart = s.clockStart;
    showUtilities(s);

    const std::size_t signs = static_cast<std::size_t>(Sign::WithoutWater);
    std::vector<QList<QPointF>> points(signs);
    std::vector<double> top(signs, 0.0);
    for (const traffic::KpiSample& k : s.kpis) {
        const double x = axisTime(s.clockStart + k.end);
        const double len = std::max(k.end - k.begin, 1e-9);
        const double values[] = {k.running, k.meanSpeed * 3.6, k.delayIndex,
                                 static_cast<double>(k.arrivedTotal), k.co2 / len * 3600.0};
        for (std::size_t i = 0; i < signs; ++i) {
            points[i].append(QPointF(x, values[i]));
            top[i] = std::max(top[i], values[i]);
        }
    }
    // The x range: the scenario's whole duration, so curves grow from left to right.
    const QDateTime begin = axisDateTime(s.clockStart);
    const QDateTime end = axisDateTime(s.clockStart + std::max(s.duration, 60.0));
    for (std::size_t i = 0; i < signs && i < m_charts.size(); ++i) {
        Chart& c = m_charts[i];
        c.series->replace(points[i]);
        c.x->setRange(begin, end);
        const bool delay = static_cast<Sign>(i) == Sign::DelayIndex;
        c.y->setRange(delay ? 1.0 : 0.0,
                      delay ? std::max(1.5, niceMax(top[i] - 1.0) + 1.0) : niceMax(top[i]));
        const QString base = c.unit.isEmpty() ? c.title : QStringLiteral("%1 (%2)").arg(c.title, c.unit);
        if (!points[i].isEmpty()) {
            const double v = points[i].back().y();
            const int decimals = delay ? 2 : (v < 10.0 ? 1 : 0);
            c.chart->setTitle(QStringLiteral("%1: %2").arg(base).arg(v, 0, 'f', decimals));
        }
    }
}

void DashboardPanel::showUtilities(const SimSnapshot& s) {
    for (QWidget* w : m_utilityViews) {
        w->setVisible(s.utility != nullptr);
    }
    if (!s.utility) {
        return;
    }
    const std::size_t first = static_cast<std::size_t>(Sign::WithoutWater);
    std::vector<QList<QPointF>> points(3);
    std::vector<double> top(3, 0.0);
    for (const utility::UtilityKpi& k : s.utility->kpis) {
        const double x = axisTime(s.clockStart + k.time);
        const double values[] = {100.0 * k.shareWithoutWater, 100.0 * k.shareWithoutPower,
                                 static_cast<double>(k.darkSignals)};
        for (std::size_t i = 0; i < 3; ++i) {
            points[i].append(QPointF(x, values[i]));
            top[i] = std::max(top[i], values[i]);
        }
    }
    const QDateTime begin = axisDateTime(s.clockStart);
    const QDateTime end = axisDateTime(s.clockStart + std::max(s.duration, 60.0));
    for (std::size_t i = 0; i < 3 && first + i < m_charts.size(); ++i) {
        Chart& c = m_charts[first + i];
        c.series->replace(points[i]);
        c.x->setRange(begin, end);
        c.y->setRange(0.0, niceMax(std::max(top[i], 1.0)));
        const QString base = c.unit.isEmpty() ? c.title : QStringLiteral("%1 (%2)").arg(c.title, c.unit);
        if (!points[i].isEmpty()) {
            const double v = points[i].back().y();
            c.chart->setTitle(QStringLiteral("%1: %2").arg(base).arg(v, 0, 'f', i == 2 ? 0 : 1));
        }
    }
}

int DashboardPanel::pointCount(Sign sign) const {
    const auto i = static_cast<std::size_t>(sign);
    return i < m_charts.size() ? static_cast<int>(m_charts[i].series->count()) : 0;
}

double DashboardPanel::latestValue(Sign sign) const {
    const auto i = static_cast<std::size_t>(sign);
    if (i >= m_charts.size() || m_charts[i].series->count() == 0) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return m_charts[i].series->at(m_charts[i].series->count() - 1).y();
}

}  // namespace ct::gui
