#include "citytwin/water/water_network.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace ct::water {

const char* toString(NodeKind k) {
    switch (k) {
        case NodeKind::Junction:
            return "junction";
        case NodeKind::Reservoir:
            return "reservoir";
        case NodeKind::Tank:
            return "tank";
    }
    return "?";
}

const char* toString(LinkKind k) {
    switch (k) {
        case LinkKind::Pipe:
            return "pipe";
        case LinkKind::CheckValvePipe:
            return "cv_pipe";
        case LinkKind::Pump:
            return "pump";
        case LinkKind::Prv:
            return "PRV";
        case LinkKind::Psv:
            return "PSV";
        case LinkKind::Pbv:
            return "PBV";
        case LinkKind::Fcv:
            return "FCV";
        case LinkKind::Tcv:
            return "TCV";
        case LinkKind::Gpv:
            return "GPV";
    }
    return "?";
}

const char* toString(LinkStatus s) {
    switch (s) {
        case LinkStatus::Open:
            return "open";
        case LinkStatus::Closed:
            return "closed";
        case LinkStatus::Active:
            return "active";
    }
    return "?";
}

std::size_t WaterNetwork::junctionCount() const {
    return static_cast<std::size_t>(std::count(nodeKind.begin(), nodeKind.end(), NodeKind::Junction));
}

std::optional<std::uint32_t> WaterNetwork::findNode(std::string_view name) const {
    const auto it = m_nodeByName.find(std::string(name));
    if (it == m_nodeByName.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<std::uint32_t> WaterNetwork::findLink(std::string_view name) const {
    const auto it = m_linkByName.find(std::string(name));
    if (it == m_linkByName.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<std::uint32_t> WaterNetwork::findPattern(std::string_view name) const {
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (patterns[i].name == name) {
            return static_cast<std::uint32_t>(i);
        }
    }
    return std::nullopt;
}

std::optional<std::uint32_t> WaterNetwork::findCurve(std::string_view name) const {
    for (std::size_t i = 0; i < curves.size(); ++i) {
        if (curves[i].name == name) {
            return static_cast<std::uint32_t>(i);
        }
    }
    return std::nullopt;
}

namespace {

// Linear interpolation in a table with increasing x, extrapolating the end segments.
double interpolate(const std::vector<double>& x, const std::vector<double>& y, double v) {
    const std::size_t n = x.size();
    if (n == 0) {
        return 0.0;
    }
    if (n == 1) {
        return y[0];
    }
    std::size_t i = 1;
    while (i < n - 1 && v > x[i]) {
        ++i;
    }
    const double dx = x[i] - x[i - 1];
    if (dx <= 0.0) {
        return y[i];
    }
    return y[i - 1] + (v - x[i - 1]) * (y[i] - y[i - 1]) / dx;
}

}  // namespace

double WaterNetwork::tankVolume(const Tank& t, double level) const {
    if (t.volumeCurve >= 0) {
        const Curve& c = curves[static_cast<std::size_t>(t.volumeCurve)];
        return interpolate(c.x, c.y, level);
    }
    const double area = 0.25 * std::numbers::pi * t.diameter * t.diameter;
    return t.minVolume + area * (level - t.minLevel);
}

double WaterNetwork::tankLevel(const Tank& t, double volume) const {
    if (t.volumeCurve >= 0) {
        const Curve& c = curves[static_cast<std::size_t>(t.volumeCurve)];
        return interpolate(c.y, c.x, volume);
    }
    const double area = 0.25 * std::numbers::pi * t.diameter * t.diameter;
    if (area <= 0.0) {
        return t.minLevel;
    }
    return t.minLevel + (volume - t.minVolume) / area;
}

double WaterNetwork::patternFactor(std::int32_t pattern, std::int64_t time) const {
    if (pattern < 0 || static_cast<std::size_t>(pattern) >= patterns.size()) {
        return 1.0;
    }
    const auto& f = patterns[static_cast<std::size_t>(pattern)].factors;
    if (f.empty()) {
        return 1.0;
    }
    const std::int64_t step = std::max<std::int64_t>(times.patternStep, 1);
    const std::int64_t period = (time + times.patternStart) / step;
    const auto n = static_cast<std::int64_t>(f.size());
    return f[static_cast<std::size_t>(((period % n) + n) % n)];
}

std::optional<std::uint32_t> WaterNetwork::addNode(std::string name, NodeKind kind, double elevation) {
    if (m_nodeByName.count(name) != 0) {
        buildReport.error("water.duplicate_node", sourceFile, "node '" + name + "' is defined twice",
                          "second definition skipped");
        return std::nullopt;
    }
    const auto index = static_cast<std::uint32_t>(nodeName.size());
    m_nodeByName.emplace(name, index);
    nodeName.push_back(std::move(name));
    nodeKind.push_back(kind);
    nodeElevation.push_back(elevation);
    nodeEmitter.push_back(0.0);
    nodeTank.push_back(-1);
    nodeX.push_back(std::numeric_limits<double>::quiet_NaN());
    nodeY.push_back(std::numeric_limits<double>::quiet_NaN());
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addJunction(std::string name, double elevation, double baseDemand,
                                                       std::int32_t pattern) {
    const auto index = addNode(std::move(name), NodeKind::Junction, elevation);
    if (index && baseDemand != 0.0) {
        demands.push_back(DemandEntry{*index, baseDemand, pattern, {}});
    } else if (index && pattern >= 0) {
        demands.push_back(DemandEntry{*index, 0.0, pattern, {}});
    }
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addReservoir(std::string name, double head,
                                                        std::int32_t headPattern) {
    const auto index = addNode(std::move(name), NodeKind::Reservoir, head);
    if (index) {
        reservoirs.push_back(Reservoir{*index, headPattern});
    }
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addTank(std::string name, double elevation, const Tank& tank) {
    const auto index = addNode(std::move(name), NodeKind::Tank, elevation);
    if (index) {
        nodeTank[*index] = static_cast<std::int32_t>(tanks.size());
        tanks.push_back(tank);
        tanks.back().node = *index;
    }
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addLink(std::string name, LinkKind kind, std::uint32_t from,
                                                   std::uint32_t to) {
    if (m_linkByName.count(name) != 0) {
        buildReport.error("water.duplicate_link", sourceFile, "link '" + name + "' is defined twice",
                          "second definition skipped");
        return std::nullopt;
    }
    const auto index = static_cast<std::uint32_t>(linkName.size());
    m_linkByName.emplace(name, index);
    linkName.push_back(std::move(name));
    linkKind.push_back(kind);
    linkFrom.push_back(from);
    linkTo.push_back(to);
    linkLength.push_back(0.0);
    linkDiameter.push_back(0.0);
    linkRoughness.push_back(0.0);
    linkMinorLoss.push_back(0.0);
    linkStatus.push_back(LinkStatus::Open);
    linkSetting.push_back(std::numeric_limits<double>::quiet_NaN());
    linkCurve.push_back(-1);
    linkPump.push_back(-1);
    vertexOffset.push_back(vertexOffset.back());
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addPipe(std::string name, std::uint32_t from, std::uint32_t to,
                                                   double length, double diameter, double roughness,
                                                   double minorLoss, LinkStatus status, bool checkValve) {
    const auto index =
        addLink(std::move(name), checkValve ? LinkKind::CheckValvePipe : LinkKind::Pipe, from, to);
    if (index) {
        linkLength[*index] = length;
        linkDiameter[*index] = diameter;
        linkRoughness[*index] = roughness;
        linkMinorLoss[*index] = minorLoss;
        linkStatus[*index] = status;
    }
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addPump(std::string name, std::uint32_t from, std::uint32_t to,
                                                   const Pump& pump, double speed) {
    const auto index = addLink(std::move(name), LinkKind::Pump, from, to);
    if (index) {
        linkPump[*index] = static_cast<std::int32_t>(pumps.size());
        linkSetting[*index] = speed;
        linkStatus[*index] = speed > 0.0 ? LinkStatus::Open : LinkStatus::Closed;
        pumps.push_back(pump);
        pumps.back().link = *index;
    }
    return index;
}

std::optional<std::uint32_t> WaterNetwork::addValve(std::string name, std::uint32_t from, std::uint32_t to,
                                                    LinkKind kind, double diameter, double setting,
                                                    double minorLoss) {
    const auto index = addLink(std::move(name), kind, from, to);
    if (index) {
        linkDiameter[*index] = diameter;
        linkMinorLoss[*index] = minorLoss;
        linkSetting[*index] = setting;
        // Valves with a setting regulate unless told otherwise; a TCV or GPV is simply open.
        linkStatus[*index] =
            (kind == LinkKind::Tcv || kind == LinkKind::Gpv) ? LinkStatus::Open : LinkStatus::Active;
        if (kind == LinkKind::Gpv) {
            linkCurve[*index] = static_cast<std::int32_t>(setting);
            linkSetting[*index] = std::numeric_limits<double>::quiet_NaN();
        }
    }
    return index;
}

std::uint32_t WaterNetwork::addPattern(std::string name, std::vector<double> factors) {
    patterns.push_back(Pattern{std::move(name), std::move(factors)});
    return static_cast<std::uint32_t>(patterns.size() - 1);
}

std::uint32_t WaterNetwork::addCurve(std::string name, std::vector<double> x, std::vector<double> y) {
    curves.push_back(Curve{std::move(name), std::move(x), std::move(y)});
    return static_cast<std::uint32_t>(curves.size() - 1);
}

std::string fitPumpCurve(Pump& pump, const Curve& curve) {
    const auto& x = curve.x;
    const auto& y = curve.y;
    const std::size_t n = x.size();
    if (n == 0 || y.size() != n) {
        return "the head curve has no points";
    }
    double q0 = 0.0;
    double h0 = 0.0;
    double q1 = 0.0;
    double h1 = 0.0;
    double q2 = 0.0;
    double h2 = 0.0;
    if (n == 1) {
        // EPANET's rule: shutoff head 4/3 of the design head, zero head at twice the design flow.
        q1 = x[0];
        h1 = y[0];
        h0 = 1.33334 * h1;
        q2 = 2.0 * q1;
        h2 = 0.0;
    } else if (n == 3 && x[0] == 0.0) {
        q0 = x[0];
        h0 = y[0];
        q1 = x[1];
        h1 = y[1];
        q2 = x[2];
        h2 = y[2];
    } else {
        // Piecewise linear: flows increasing, heads not increasing.
        for (std::size_t i = 1; i < n; ++i) {
            if (x[i] <= x[i - 1] || y[i] > y[i - 1]) {
                return "the head curve must have increasing flows and decreasing heads";
            }
        }
        if (x[0] < 0.0) {
            return "the head curve has a negative flow";
        }
        pump.kind = PumpCurveKind::Custom;
        const double s0 = (y[1] - y[0]) / (x[1] - x[0]);
        pump.shutoffHead = y[0] - s0 * x[0];
        const double sn = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
        pump.maxFlow = sn < 0.0 ? x[n - 1] - y[n - 1] / sn : x[n - 1];
        pump.designFlow = x[n / 2];
        return {};
    }
    (void)q0;
    if (!(h0 > h1 && h1 > h2 && q2 > q1 && q1 > 0.0)) {
        return "the head curve cannot be fitted: heads must fall as flows rise";
    }
    const double c = std::log((h0 - h2) / (h0 - h1)) / std::log(q2 / q1);
    if (!(c > 0.0 && c <= 20.0)) {
        return "the head curve cannot be fitted (exponent out of range)";
    }
    pump.kind = PumpCurveKind::PowerFunction;
    pump.a = h0;
    pump.b = (h0 - h1) / std::pow(q1, c);
    pump.c = c;
    pump.shutoffHead = h0;
    pump.maxFlow = std::pow(h0 / pump.b, 1.0 / c);
    pump.designFlow = q1;
    return {};
}

bool WaterNetwork::finish(DiagnosticReport& report) {
    report.append(buildReport);
    buildReport = DiagnosticReport{};
    bool ok = true;
    auto fail = [&](const std::string& code, const std::string& message) {
        report.error(code, sourceFile, message, "load stopped");
        ok = false;
    };
    const std::size_t nn = nodeCount();
    const std::size_t nl = linkCount();

    if (reservoirs.empty() && tanks.empty()) {
        fail("water.no_source", "the network has no reservoir or tank");
    }
    for (const Tank& t : tanks) {
        const std::string& name = nodeName[t.node];
        if (t.minLevel > t.initLevel || t.initLevel > t.maxLevel) {
            fail("water.tank_levels", "tank '" + name + "' needs min level <= initial level <= max level");
        }
        if (t.volumeCurve < 0 && !(t.diameter > 0.0)) {
            fail("water.tank_diameter", "tank '" + name + "' needs a positive diameter or a volume curve");
        }
        if (t.volumeCurve >= 0) {
            const Curve& c = curves[static_cast<std::size_t>(t.volumeCurve)];
            bool increasing = c.x.size() >= 2;
            for (std::size_t i = 1; i < c.x.size(); ++i) {
                increasing = increasing && c.x[i] > c.x[i - 1] && c.y[i] >= c.y[i - 1];
            }
            if (!increasing) {
                fail("water.tank_curve", "volume curve '" + c.name + "' of tank '" + name +
                                             "' needs at least 2 points with rising level and volume");
            }
        }
    }
    for (std::size_t k = 0; k < nl; ++k) {
        const std::string& name = linkName[k];
        const LinkKind kind = linkKind[k];
        if (linkFrom[k] >= nn || linkTo[k] >= nn) {
            fail("water.link_node", "link '" + name + "' refers to a node that does not exist");
            continue;
        }
        if (linkFrom[k] == linkTo[k]) {
            fail("water.link_loop", "link '" + name + "' starts and ends at the same node");
        }
        if (kind == LinkKind::Pipe || kind == LinkKind::CheckValvePipe) {
            if (!(linkLength[k] > 0.0) || !(linkDiameter[k] > 0.0) || !(linkRoughness[k] > 0.0)) {
                fail("water.pipe_value", "pipe '" + name + "' needs positive length, diameter and roughness");
            }
        } else if (kind == LinkKind::Pump) {
            Pump& p = pumps[static_cast<std::size_t>(linkPump[k])];
            if (p.headCurve >= 0) {
                const std::string why = fitPumpCurve(p, curves[static_cast<std::size_t>(p.headCurve)]);
                if (!why.empty()) {
                    fail("water.pump_curve", "pump '" + name + "': " + why);
                }
            } else if (p.kind == PumpCurveKind::ConstantPower) {
                if (!(p.power > 0.0)) {
                    fail("water.pump_curve", "pump '" + name + "' needs a head curve or a positive power");
                }
                p.shutoffHead = std::numeric_limits<double>::infinity();
                p.designFlow = p.designFlow > 0.0 ? p.designFlow : 0.0283168;
            } else if (!(p.a > 0.0 && p.b > 0.0 && p.c > 0.0)) {
                fail("water.pump_curve", "pump '" + name + "' has no head curve");
            }
        } else {
            if (!(linkDiameter[k] > 0.0)) {
                fail("water.valve_value", "valve '" + name + "' needs a positive diameter");
            }
            const bool fixedEnd = isFixedGrade(linkFrom[k]) || isFixedGrade(linkTo[k]);
            if ((kind == LinkKind::Prv || kind == LinkKind::Psv || kind == LinkKind::Fcv) && fixedEnd) {
                fail("water.valve_tank", std::string(toString(kind)) + " '" + name +
                                             "' cannot be connected directly to a reservoir or tank");
            }
            if (kind == LinkKind::Gpv &&
                (linkCurve[k] < 0 || static_cast<std::size_t>(linkCurve[k]) >= curves.size())) {
                fail("water.valve_curve", "GPV '" + name + "' has no head-loss curve");
            }
        }
    }

    // Adjacency in CSR form, links in index order at each node.
    nodeLinkOffset.assign(nn + 1, 0);
    for (std::size_t k = 0; k < nl; ++k) {
        if (linkFrom[k] < nn && linkTo[k] < nn) {
            ++nodeLinkOffset[linkFrom[k] + 1];
            ++nodeLinkOffset[linkTo[k] + 1];
        }
    }
    std::partial_sum(nodeLinkOffset.begin(), nodeLinkOffset.end(), nodeLinkOffset.begin());
    nodeLinks.assign(nodeLinkOffset.back(), 0);
    std::vector<std::uint32_t> fill(nodeLinkOffset.begin(), nodeLinkOffset.end() - 1);
    for (std::size_t k = 0; k < nl; ++k) {
        if (linkFrom[k] < nn && linkTo[k] < nn) {
            nodeLinks[fill[linkFrom[k]]++] = static_cast<std::uint32_t>(k);
            nodeLinks[fill[linkTo[k]]++] = static_cast<std::uint32_t>(k);
        }
    }
    for (std::size_t i = 0; i < nn; ++i) {
        if (nodeLinkOffset[i] == nodeLinkOffset[i + 1]) {
            Diagnostic d;
            d.severity = Severity::Warning;
            d.code = "water.isolated_node";
            d.file = sourceFile;
            d.message = std::string(toString(nodeKind[i])) + " '" + nodeName[i] + "' has no links";
            d.action = "it gets no water";
            report.add(std::move(d));
        }
    }

    // Demands grouped by node (stable, so categories keep their file order).
    std::stable_sort(demands.begin(), demands.end(),
                     [](const DemandEntry& a, const DemandEntry& b) { return a.node < b.node; });
    demandOffset.assign(nn + 1, 0);
    for (const DemandEntry& d : demands) {
        if (d.node < nn) {
            ++demandOffset[d.node + 1];
        }
    }
    std::partial_sum(demandOffset.begin(), demandOffset.end(), demandOffset.begin());
    return ok;
}

}  // namespace ct::water
