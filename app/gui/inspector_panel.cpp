#include "inspector_panel.h"

#include <algorithm>
#include <cmath>

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QTimeZone>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include "citytwin/sim/city_model.h"
#include "scenario_session.h"
#include "sim_history.h"
#include "sim_snapshot.h"

namespace ct::gui {

namespace {

using Rows = std::vector<std::pair<QString, QString>>;

/// A time of day (s) on a chart's x axis: ms on a fixed day in UTC (as the dashboard does).
qreal axisMs(double secondsOfDay) {
    static const qint64 day = QDateTime(QDate(2000, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    return static_cast<qreal>(day) + secondsOfDay * 1000.0;
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

QString num(double v, int decimals = 0) {
    return QString::number(v, 'f', decimals);
}

QString kmh(double mps) {
    return QStringLiteral("%1 km/h").arg(mps * 3.6, 0, 'f', 0);
}

QString linkName(const CityModel& city, LinkId l) {
    const RoadNetwork& r = city.roads;
    if (!l.valid() || l.index() >= r.linkCount()) {
        return QStringLiteral("-");
    }
    const std::uint32_t n = r.linkName[l.index()];
    const QString name = n < r.names.size() ? QString::fromStdString(r.names[n]) : QString();
    return name.isEmpty() ? QStringLiteral("link %1").arg(l.index())
                          : QStringLiteral("%1 (link %2)").arg(name).arg(l.index());
}

Rows buildingRows(const CityModel& city, std::uint32_t b) {
    const Buildings& bs = city.buildings;
    if (b >= bs.count()) {
        return {};
    }
    static const char* kHeightSource[] = {"from data", "from levels", "default"};
    const auto hs = static_cast<std::size_t>(bs.heightSource[b]);
    Rows rows{
        {QObject::tr("id"), QString::number(b)},
        {QObject::tr("name"), bs.name[b].empty() ? QStringLiteral("-") : QString::fromStdString(bs.name[b])},
        {QObject::tr("use"), QString::fromLatin1(toString(bs.use[b]))},
        {QObject::tr("height"),
         QStringLiteral("%1 m (%2)").arg(bs.height[b], 0, 'f', 1).arg(hs < 3 ? kHeightSource[hs] : "?")},
        {QObject::tr("levels"), QString::number(bs.levels[b])},
        {QObject::tr("residents"), QString::number(bs.residents[b])},
        {QObject::tr("jobs"), QString::number(bs.jobs[b])},
        {QObject::tr("footprint"), QStringLiteral("%1 m²").arg(bs.area[b], 0, 'f', 0)},
        {QObject::tr("access link"), linkName(city, bs.accessLink[b])},
        {QObject::tr("source feature"), QString::number(bs.sourceFeature[b])},
    };
    return rows;
}

/// Who serves a building with water and power, and its service now (scenarios with utilities).
void serviceRows(Rows& rows, std::uint32_t b, const ScenarioSession* session, const SimSnapshot* snap) {
    if (session == nullptr || !session->utilities) {
        return;
    }
    const utility::UtilityModel& m = *session->utilities;
    if (b < m.buildingWaterNode.size() && m.buildingWaterNode[b] >= 0) {
        rows.push_back(
            {QObject::tr("water node"),
             QString::fromStdString(m.water.nodeName[static_cast<std::size_t>(m.buildingWaterNode[b])]) +
                 QStringLiteral(" (%1 l/s on average)").arg(m.buildingWaterDemand[b] * 1000.0, 0, 'f', 3)});
    }
    if (b < m.buildingPowerBus.size() && m.buildingPowerBus[b] >= 0) {
        rows.push_back(
            {QObject::tr("power bus"),
             QString::fromStdString(m.busId[static_cast<std::size_t>(m.buildingPowerBus[b])]) +
                 QStringLiteral(" (%1 kW at peak)").arg(m.buildingPeakLoadMW[b] * 1000.0, 0, 'f', 1)});
    }
    const UtilitySnap* u = snap != nullptr ? snap->utility.get() : nullptr;
    if (u == nullptr || b >= u->buildingHasWater.size()) {
        return;
    }
    auto state = [](bool has, double minutes) {
        return (has ? QObject::tr("yes") : QObject::tr("NO")) +
               (minutes > 0 ? QObject::tr(" (%1 min without so far)").arg(minutes, 0, 'f', 0) : QString());
    };
    rows.push_back({QObject::tr("has water"), state(u->buildingHasWater[b] != 0, u->minutesWithoutWater[b])});
    rows.push_back({QObject::tr("has power"), state(u->buildingHasPower[b] != 0, u->minutesWithoutPower[b])});
}

Rows linkRows(const CityModel& city, std::uint32_t l, const ScenarioSession* session,
              const SimSnapshot* snap) {
    const RoadNetwork& r = city.roads;
    if (l >= r.linkCount()) {
        return {};
    }
    const LinkId link(l);
    const std::uint32_t nameIndex = r.linkName[l];
    Rows rows{
        {QObject::tr("id"), QString::number(l)},
        {QObject::tr("name"), nameIndex < r.names.size() && !r.names[nameIndex].empty()
                                  ? QString::fromStdString(r.names[nameIndex])
                                  : QStringLiteral("-")},
        {QObject::tr("class"), QString::fromUtf8(toString(r.linkClass[l]).data(),
                                                 static_cast<qsizetype>(toString(r.linkClass[l]).size()))},
        {QObject::tr("lanes"), QString::number(r.linkLanes[l])},
        {QObject::tr("speed limit"), kmh(r.linkSpeed[l])},
        {QObject::tr("length"), QStringLiteral("%1 m").arg(r.linkLength[l], 0, 'f', 0)},
        {QObject::tr("direction"),
         r.linkReverse[l].valid() ? QObject::tr("one of two (two-way road)") : QObject::tr("one-way")},
        {QObject::tr("nodes"),
         QStringLiteral("%1 -> %2").arg(r.linkFrom[l].index()).arg(r.linkTo[l].index())},
        {QObject::tr("source feature"), QString::number(r.linkSourceFeature[l])},
    };
    if (session != nullptr && session->sumo()) {
        // The name is the SUMO edge id; its street name (an edge netconvert made from OSM) beside it.
        const std::string street = l < session->edgeNames.size() ? session->edgeNames[l] : std::string{};
        rows.insert(
            rows.begin() + 2,
            {QObject::tr("street"), street.empty() ? QStringLiteral("-") : QString::fromStdString(street)});
    }
    if (snap != nullptr && session != nullptr) {
        const double v = l < snap->linkSpeed.size() ? snap->linkSpeed[l] : NAN;
        rows.emplace_back(QObject::tr("live mean speed"),
                          std::isfinite(v)
                              ? QStringLiteral("%1 (%2 % of the limit)")
                                    .arg(kmh(v))
                                    .arg(r.linkSpeed[l] > 0 ? 100.0 * v / r.linkSpeed[l] : 0.0, 0, 'f', 0)
                              : QObject::tr("no vehicle in the last minute"));
        int onLink = 0;
        const traffic::TrafficNetwork& net = *session->network;
        for (const VehicleSnap& vs : snap->vehicles) {
            if (vs.lane < net.normalLaneCount && net.laneLink[vs.lane] == link) {
                ++onLink;
            }
        }
        rows.emplace_back(QObject::tr("vehicles now"), QString::number(onLink));
        // Near the top, beside the buttons that change it.
        rows.insert(rows.begin() + 2,
                    {QObject::tr("closed"),
                     snap->linkClosed(l) ? QObject::tr("YES: nobody enters it") : QObject::tr("no")});
    }
    return rows;
}

Rows vehicleRows(const CityModel& city, std::uint32_t trip, const ScenarioSession* session,
                 const SimSnapshot* snap) {
    Rows rows;
    if (session == nullptr || trip >= session->trips.size()) {
        return rows;
    }
    const traffic::Trip& t = session->trips[trip];
    const std::string_view cls = traffic::toString(t.vclass);
    rows.emplace_back(QObject::tr("trip id"), QString::fromStdString(t.id));
    rows.emplace_back(QObject::tr("class"),
                      QString::fromUtf8(cls.data(), static_cast<qsizetype>(cls.size())));
    rows.emplace_back(QObject::tr("planned departure"),
                      QString::fromStdString(clockText(session->clockStart + t.depart)));
    rows.emplace_back(QObject::tr("from"), linkName(city, t.from));
    rows.emplace_back(QObject::tr("to"), linkName(city, t.to));
    const VehicleSnap* v = snap != nullptr ? snap->find(trip) : nullptr;
    if (v == nullptr) {
        rows.emplace_back(QObject::tr("state"), QObject::tr("not on the road (waiting or arrived)"));
        return rows;
    }
    const traffic::TrafficNetwork& net = *session->network;
    rows.emplace_back(QObject::tr("state"), QObject::tr("driving"));
    rows.emplace_back(QObject::tr("speed"), kmh(v->speed));
    if (v->lane < net.normalLaneCount) {
        rows.emplace_back(QObject::tr("on"), QStringLiteral("%1, lane %2")
                                                 .arg(linkName(city, net.laneLink[v->lane]))
                                                 .arg(net.laneIndex[v->lane] + 1));
    } else {
        rows.emplace_back(QObject::tr("on"), QObject::tr("crossing a junction"));
    }
    rows.emplace_back(QObject::tr("driven"), QStringLiteral("%1 m").arg(v->driven, 0, 'f', 0));
    const RouteSnap* route = snap->route && snap->route->trip == trip ? snap->route.get() : nullptr;
    if (route != nullptr && !route->links.empty()) {
        // The route as the engine holds it: its length along the links' centrelines and what is
        // left of it from where the vehicle is.
        const RoadNetwork& roads = city.roads;
        double total = 0.0;
        double remaining = 0.0;
        for (std::size_t k = 0; k < route->links.size(); ++k) {
            const std::uint32_t l = route->links[k];
            const double len = l < roads.linkCount() ? roads.linkLength[l] : 0.0;
            total += len;
            if (k > route->current) {
                remaining += len;
            } else if (k == route->current && v->lane < net.normalLaneCount &&
                       net.laneLink[v->lane].index() == l) {
                const double laneLen = net.laneLength[v->lane];
                remaining += laneLen > 0.0 ? len * std::clamp(1.0 - v->pos / laneLen, 0.0, 1.0) : 0.0;
            }
        }
        QString routeText =
            QObject::tr("%1 links, %2 km").arg(route->links.size()).arg(total / 1000.0, 0, 'f', 2);
        if (route->reroutes > 0) {
            routeText += QObject::tr(", rerouted %1x").arg(route->reroutes);
        }
        rows.emplace_back(QObject::tr("route"), routeText);
        rows.emplace_back(QObject::tr("to go"), QStringLiteral("%1 m").arg(remaining, 0, 'f', 0));
        rows.emplace_back(
            QObject::tr("route progress"),
            QStringLiteral("%1 %").arg(total > 0 ? 100.0 * (total - remaining) / total : 0.0, 0, 'f', 0));
        // The streets still ahead, in order (a street named once however many links it has).
        QStringList ahead;
        std::uint32_t lastName = 0xffffffffu;
        for (std::size_t k = route->current; k < route->links.size() && ahead.size() < 6; ++k) {
            const std::uint32_t l = route->links[k];
            if (l >= roads.linkCount()) {
                continue;
            }
            const std::uint32_t n = roads.linkName[l];
            if (n == lastName) {
                continue;
            }
            lastName = n;
            const QString name = n != 0 && n < roads.names.size() ? QString::fromStdString(roads.names[n])
                                                                  : QObject::tr("(unnamed)");
            if (ahead.isEmpty() || ahead.back() != name) {
                ahead.push_back(name);
            }
        }
        rows.emplace_back(QObject::tr("streets ahead"), ahead.join(QStringLiteral(" > ")));
    } else {
        // No route published (a replayed recording): what remains as the crow flies to the end
        // of the destination link.
        double remaining = 0.0;
        if (t.to.valid() && t.to.index() < city.roads.linkCount()) {
            const Vec2 end = city.roads.nodePos[city.roads.linkTo[t.to.index()].index()];
            remaining = std::hypot(end.x - v->x, end.y - v->y);
        }
        rows.emplace_back(QObject::tr("to go (straight line)"),
                          QStringLiteral("%1 m").arg(remaining, 0, 'f', 0));
        rows.emplace_back(
            QObject::tr("route progress (est.)"),
            QStringLiteral("%1 %").arg(
                v->driven + remaining > 0 ? 100.0 * v->driven / (v->driven + remaining) : 0.0, 0, 'f', 0));
    }
    return rows;
}

Rows facilityRows(const CityModel& city, std::uint32_t f) {
    const Facilities& fs = city.facilities;
    if (f >= fs.count()) {
        return {};
    }
    return {
        {QObject::tr("id"), QString::number(f)},
        {QObject::tr("kind"), QString::fromLatin1(toString(fs.kind[f]))},
        {QObject::tr("name"), fs.name[f].empty() ? QStringLiteral("-") : QString::fromStdString(fs.name[f])},
        {QObject::tr("building"),
         fs.building[f].valid() ? QString::number(fs.building[f].index()) : QStringLiteral("-")},
        {QObject::tr("access link"), linkName(city, fs.accessLink[f])},
        {QObject::tr("position"),
         QStringLiteral("%1, %2 m").arg(num(fs.position[f].x)).arg(num(fs.position[f].y))},
        {QObject::tr("source feature"), QString::number(fs.sourceFeature[f])},
    };
}

Rows junctionRows(const CityModel& city, std::uint32_t n, const ScenarioSession* session) {
    const RoadNetwork& r = city.roads;
    if (n >= r.nodeCount()) {
        return {};
    }
    Rows rows{
        {QObject::tr("id"), QString::number(n)},
    };
    if (session != nullptr && n < session->junctionIds.size()) {
        rows.emplace_back(QObject::tr("SUMO junction"), QString::fromStdString(session->junctionIds[n]));
    }
    rows.insert(
        rows.end(),
        {
            {QObject::tr("roads meeting"), QString::number(r.nodeDegree(NodeId(n)))},
            {QObject::tr("signals"),
             (r.nodeFlags[n] & node_flags::kSignalised) != 0 ? QObject::tr("yes") : QObject::tr("no")},
            {QObject::tr("position"),
             QStringLiteral("%1, %2 m").arg(num(r.nodePos[n].x)).arg(num(r.nodePos[n].y))},
        });
    if (session != nullptr && n < session->network->nodeCount()) {
        static const char* kControl[] = {"none", "priority", "signal", "all-way stop"};
        const auto c = static_cast<std::size_t>(session->network->nodeControl[n]);
        rows.emplace_back(QObject::tr("control"), QString::fromLatin1(c < 4 ? kControl[c] : "?"));
        rows.emplace_back(QObject::tr("connections"),
                          QString::number(session->network->connectionsOfNode(NodeId(n)).size()));
    }
    return rows;
}

}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("inspectorHeading"));
    QFont font = m_heading->font();
    font.setBold(true);
    m_heading->setFont(font);
    layout->addWidget(m_heading);
    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Attribute"), tr("Value")});
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->setMinimumHeight(150);  // about eight rows, also when the chart below takes its room
    layout->addWidget(m_tree, 1);

    auto* buttons = new QHBoxLayout;
    m_flyTo = new QPushButton(tr("Fly to"), this);
    m_flyTo->setToolTip(tr("Fly the camera to this object (or double-click it in the view)"));
    m_follow = new QPushButton(tr("Follow"), this);
    m_follow->setCheckable(true);
    m_follow->setToolTip(tr("Keep the camera on this vehicle until it arrives or you pan (F)"));
    m_closeLink = new QPushButton(tr("Close link now"), this);
    m_closeLink->setObjectName(QStringLiteral("closeLinkButton"));
    m_closeLink->setToolTip(
        tr("Close this road link in the running simulation: nobody enters it, routes through it are "
           "replaced. Recorded as a close_link event (File > Save scenario as...)"));
    m_reopenLink = new QPushButton(tr("Reopen link"), this);
    m_reopenLink->setObjectName(QStringLiteral("reopenLinkButton"));
    m_reopenLink->setToolTip(tr("Open this road link again. Recorded as an open_link event"));
    buttons->addWidget(m_flyTo);
    buttons->addWidget(m_follow);
    buttons->addWidget(m_closeLink);
    buttons->addWidget(m_reopenLink);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_closeLink, &QPushButton::clicked, this, [this] { Q_EMIT linkEditRequested(m_editLink, true); });
    connect(m_reopenLink, &QPushButton::clicked, this,
            [this] { Q_EMIT linkEditRequested(m_editLink, false); });
    connect(m_flyTo, &QPushButton::clicked, this, &InspectorPanel::flyToRequested);
    connect(m_follow, &QPushButton::toggled, this, &InspectorPanel::followToggled);

    // The history of the object over the run.
    m_chart = new QChart;
    m_chart->legend()->setVisible(true);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    m_chart->setBackgroundRoundness(0);
    QFont titleFont = m_chart->titleFont();
    titleFont.setPointSizeF(std::max(7.0, titleFont.pointSizeF() * 0.9));
    titleFont.setBold(true);
    m_chart->setTitleFont(titleFont);
    m_x = new QDateTimeAxis;
    m_x->setFormat(QStringLiteral("HH:mm"));
    m_x->setTickCount(4);
    QFont axisFont = m_x->labelsFont();
    axisFont.setPointSizeF(std::max(6.5, axisFont.pointSizeF() * 0.8));
    m_x->setLabelsFont(axisFont);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    const QColor colours[2] = {QColor(30, 110, 200), QColor(220, 110, 20)};
    for (int i = 0; i < 2; ++i) {
        m_series[i] = new QLineSeries;
        QPen pen(colours[i]);
        pen.setWidthF(2.0);
        m_series[i]->setPen(pen);
        m_chart->addSeries(m_series[i]);
        m_y[i] = new QValueAxis;
        m_y[i]->setLabelFormat(QStringLiteral("%g"));
        m_y[i]->setTickCount(3);
        m_y[i]->setLabelsFont(axisFont);
        m_y[i]->setLabelsColor(colours[i]);
        m_chart->addAxis(m_y[i], i == 0 ? Qt::AlignLeft : Qt::AlignRight);
        m_series[i]->attachAxis(m_x);
        m_series[i]->attachAxis(m_y[i]);
    }
    QFont legendFont = m_chart->legend()->font();
    legendFont.setPointSizeF(std::max(6.5, legendFont.pointSizeF() * 0.8));
    m_chart->legend()->setFont(legendFont);
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setObjectName(QStringLiteral("inspectorChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(170);
    layout->addWidget(m_chartView);
    clear();
}

void InspectorPanel::setFollowing(bool following) {
    const QSignalBlocker block(m_follow);
    m_follow->setChecked(following);
}

QString InspectorPanel::chartTitle() const {
    return m_chartView->isHidden() ? QString() : m_chart->title();
}

QList<QPointF> InspectorPanel::chartPoints(int series) const {
    return series == 0 || series == 1 ? m_points[series] : QList<QPointF>{};
}

void InspectorPanel::updateChart(Selection selection, const SimHistory* history) {
    using Kind = Selection::Kind;
    const bool charted =
        history != nullptr && history->size() > 0 &&
        (selection.kind == Kind::Link || selection.kind == Kind::Vehicle || selection.kind == Kind::Junction);
    if (!charted) {
        m_chartView->hide();
        m_chart->setTitle(QString());
        m_points[0].clear();
        m_points[1].clear();
        m_charted = {};
        return;
    }
    // Redraw only when something new was recorded or another object is shown.
    if (selection == m_charted && history->size() == m_chartedRecords &&
        history->times().back() == m_chartedTime) {
        return;
    }
    m_charted = selection;
    m_chartedRecords = history->size();
    m_chartedTime = history->times().back();

    QList<QPointF> points[2];
    QString names[2];
    QString title;
    const std::vector<double>& times = history->times();
    switch (selection.kind) {
        case Kind::Link: {
            const std::vector<float> v = history->linkSpeeds(selection.id);
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (std::isfinite(v[i])) {
                    points[0].append({times[i], 3.6 * v[i]});
                }
            }
            title = tr("Mean speed over the run");
            names[0] = tr("km/h");
            break;
        }
        case Kind::Junction: {
            const std::vector<float> q = history->junctionQueue(selection.id);
            for (std::size_t i = 0; i < q.size(); ++i) {
                points[0].append({times[i], q[i]});
            }
            title = tr("Queue over the run");
            names[0] = tr("vehicles standing");
            break;
        }
        case Kind::Vehicle: {
            if (const auto* trace = history->vehicle(selection.id)) {
                for (const SimHistory::VehiclePoint& p : *trace) {
                    points[0].append({p.time, 3.6 * p.speed});
                    points[1].append({p.time, p.delay});
                }
            }
            title = tr("Speed and delay over the trip");
            names[0] = tr("speed, km/h");
            names[1] = tr("delay, s");
            break;
        }
        default:
            break;
    }
    // The chart draws clock times; the points keep simulated seconds (for tests and tooltips).
    double xMin = points[0].isEmpty() ? times.front() : points[0].front().x();
    double xMax = points[0].isEmpty() ? times.back() : points[0].back().x();
    if (xMax - xMin < 60.0) {
        xMax = xMin + 60.0;
    }
    for (int i = 0; i < 2; ++i) {
        m_points[i] = points[i];
        QList<QPointF> drawn;
        drawn.reserve(points[i].size());
        double yMax = 0.0;
        for (const QPointF& p : points[i]) {
            drawn.append({axisMs(history->clockStart() + p.x()), p.y()});
            yMax = std::max(yMax, p.y());
        }
        m_series[i]->replace(drawn);
        m_series[i]->setName(names[i]);
        m_series[i]->setVisible(!names[i].isEmpty());
        m_y[i]->setVisible(!names[i].isEmpty());
        m_y[i]->setRange(0.0, niceMax(yMax));
    }
    m_x->setFormat(xMax - xMin < 900.0 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(axisMs(history->clockStart() + xMin)),
                                                 QTimeZone::utc()),
                  QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(axisMs(history->clockStart() + xMax)),
                                                 QTimeZone::utc()));
    m_chart->setTitle(points[0].isEmpty() ? tr("%1: nothing recorded yet").arg(title) : title);
    m_chartView->show();
}

void InspectorPanel::clear() {
    setRows(tr("Nothing selected. Click a building, road, vehicle or facility, or search (Ctrl+F)."), {});
    m_flyTo->setEnabled(false);
    m_follow->setEnabled(false);
    setFollowing(false);
    m_closeLink->hide();
    m_reopenLink->hide();
    updateChart({}, nullptr);
}

void InspectorPanel::setEditsEnabled(bool enabled) {
    m_editsEnabled = enabled;
    m_closeLink->setEnabled(enabled && !m_linkClosed);
    m_reopenLink->setEnabled(enabled && m_linkClosed);
}

void InspectorPanel::inspect(Selection selection, const CityModel* city, const ScenarioSession* session,
                             const SimSnapshot* snapshot, const SimHistory* history) {
    if (city == nullptr || selection.empty()) {
        clear();
        return;
    }
    Rows rows;
    QString heading;
    switch (selection.kind) {
        case Selection::Kind::Building:
            heading = tr("Building %1").arg(selection.id);
            rows = buildingRows(*city, selection.id);
            serviceRows(rows, selection.id, session, snapshot);
            break;
        case Selection::Kind::Link:
            heading = tr("Road link %1").arg(selection.id);
            rows = linkRows(*city, selection.id, session, snapshot);
            break;
        case Selection::Kind::Junction:
            heading = tr("Junction %1").arg(selection.id);
            rows = junctionRows(*city, selection.id, session);
            break;
        case Selection::Kind::Vehicle:
            heading = tr("Vehicle of trip %1").arg(selection.id);
            rows = vehicleRows(*city, selection.id, session, snapshot);
            break;
        case Selection::Kind::Facility:
            heading = tr("Facility %1").arg(selection.id);
            rows = facilityRows(*city, selection.id);
            break;
        case Selection::Kind::None:
            break;
    }
    setRows(heading, rows);
    const bool onRoad = selection.kind == Selection::Kind::Vehicle && snapshot != nullptr &&
                        snapshot->find(selection.id) != nullptr;
    m_flyTo->setEnabled(!rows.empty() && (selection.kind != Selection::Kind::Vehicle || onRoad));
    m_follow->setEnabled(onRoad || m_follow->isChecked());
    m_follow->setVisible(selection.kind == Selection::Kind::Vehicle);
    const bool editable =
        selection.kind == Selection::Kind::Link && session != nullptr && snapshot != nullptr && !rows.empty();
    m_editLink = selection.id;
    m_linkClosed = editable && snapshot->linkClosed(selection.id);
    m_closeLink->setVisible(editable);
    m_reopenLink->setVisible(editable);
    setEditsEnabled(m_editsEnabled);
    updateChart(selection, session != nullptr ? history : nullptr);
}

void InspectorPanel::setRows(const QString& heading, const Rows& rows) {
    m_heading->setText(heading);
    // Update in place when the rows are the same attributes (live refresh): no flicker, and the
    // user's scroll position stays.
    bool same = m_tree->topLevelItemCount() == static_cast<int>(rows.size());
    for (int i = 0; same && i < m_tree->topLevelItemCount(); ++i) {
        same = m_tree->topLevelItem(i)->text(0) == rows[static_cast<std::size_t>(i)].first;
    }
    if (!same) {
        m_tree->clear();
        for (const auto& [key, value] : rows) {
            m_tree->addTopLevelItem(new QTreeWidgetItem(QStringList{key, value}));
        }
        return;
    }
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        m_tree->topLevelItem(i)->setText(1, rows[static_cast<std::size_t>(i)].second);
    }
}

QString InspectorPanel::value(const QString& attribute) const {
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        if (m_tree->topLevelItem(i)->text(0) == attribute) {
            return m_tree->topLevelItem(i)->text(1);
        }
    }
    return {};
}

QString InspectorPanel::heading() const {
    return m_heading->text();
}

int InspectorPanel::rowCount() const {
    return m_tree->topLevelItemCount();
}

}  // namespace ct::gui
