#include "citytwin/utility/utility_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "citytwin/sim/spatial_index.h"

namespace ct::utility {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kGravity = 9.80665;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// Reads numeric fields of one feature, reporting bad values against it.
class FieldReader {
public:
    FieldReader(const UtilityFeature& f, DiagnosticReport& report) : m_f(f), m_report(report) {}

    /// The number in a field; nullopt when the field is missing or empty. A value that is not a
    /// number is a warning and counts as missing.
    std::optional<double> number(std::string_view key) {
        const std::string_view text = m_f.attr(key);
        if (text.empty()) {
            return std::nullopt;
        }
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
            warn("utility.bad_number", std::string(key) + "='" + std::string(text) + "' is not a number",
                 "ignored the value");
            return std::nullopt;
        }
        return v;
    }
    /// A number that must be > 0 (or >= 0); reports and returns nullopt otherwise.
    std::optional<double> positive(std::string_view key, bool allowZero = false) {
        const auto v = number(key);
        if (v && (*v < 0.0 || (!allowZero && *v == 0.0))) {
            warn(
                "utility.bad_value",
                std::string(key) + "=" + m_f.attr(key).data() + (allowZero ? " is negative" : " must be > 0"),
                "ignored the value");
            return std::nullopt;
        }
        return v;
    }
    void warn(std::string code, std::string message, std::string action) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.code = std::move(code);
        d.file = m_f.file;
        d.layer = m_f.layer;
        d.feature = m_f.sourceFeature;
        d.message = std::move(message);
        d.action = std::move(action);
        m_report.add(std::move(d));
    }

private:
    const UtilityFeature& m_f;
    DiagnosticReport& m_report;
};

/// Nearest of `candidates` (indexes into `points`) to p, by growing search radii.
std::int32_t nearest(const PointIndex& index, const std::vector<Vec2>& points, Vec2 p) {
    for (double r = 50.0; r <= 12800.0; r *= 2.0) {
        const auto hits = index.within(p, r);
        if (!hits.empty()) {
            std::int32_t best = -1;
            double bestD = std::numeric_limits<double>::infinity();
            for (std::uint32_t h : hits) {
                const double d = distance(points[h], p);
                if (d < bestD) {  // ties: the lower index (hits are sorted)
                    bestD = d;
                    best = static_cast<std::int32_t>(h);
                }
            }
            return best;
        }
    }
    std::int32_t best = -1;
    double bestD = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double d = distance(points[i], p);
        if (d < bestD) {
            bestD = d;
            best = static_cast<std::int32_t>(i);
        }
    }
    return best;
}

double polylineLength(const std::vector<Vec2>& pts) {
    double len = 0.0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
        len += distance(pts[i - 1], pts[i]);
    }
    return len;
}

void buildWater(const CityModel& city, const ServiceOptions& opt, double clockStart, UtilityModel& m,
                DiagnosticReport& report) {
    const UtilityLayers& u = city.utilities;
    water::WaterNetwork& net = m.water;
    net.title = "water network of " + city.meta.name;
    net.sourceFile = u.waterNodes.front().file;
    net.inputUnits = water::UnitSystem{water::FlowUnits::Lps, water::PressureUnits::Meters, 1.0};
    net.options.headLoss = water::HeadLossFormula::HazenWilliams;
    net.options.demandModel = water::DemandModel::PressureDriven;
    net.options.minimumPressure = opt.pdaMinPressureM;
    net.options.requiredPressure = std::max(opt.pdaRequiredPressureM, opt.pdaMinPressureM + 0.1);
    net.times.patternStep = 3600;
    net.times.patternStart = static_cast<std::int64_t>(std::llround(clockStart));
    net.times.startClock = static_cast<std::int64_t>(std::llround(clockStart)) % 86400;
    net.times.hydraulicStep = 3600;
    net.times.reportStep = 3600;
    net.times.duration = 7 * 86400;

    std::map<std::string, std::uint32_t> nodeOf;
    std::vector<Vec2> junctionPos;
    std::vector<std::uint32_t> junctionNode;
    for (const UtilityFeature& f : u.waterNodes) {
        FieldReader fr(f, report);
        const std::string id(f.attr("id"));
        if (id.empty()) {
            fr.warn("water.node_no_id", "a water node has no id", "skipped");
            continue;
        }
        const std::string kind = lower(f.attr("kind").empty() ? "junction" : f.attr("kind"));
        std::optional<double> elev = fr.number("elevation");
        if (!elev && kind != "reservoir" && !f.points.empty()) {
            const double z = city.terrain.sample(f.points.front());
            if (std::isfinite(z)) {
                elev = z;
            }
        }
        if (!elev) {
            fr.warn("water.node_no_elevation",
                    "water node '" + id + "' has no elevation and no terrain under it", "skipped");
            continue;
        }
        std::optional<std::uint32_t> node;
        if (kind == "junction") {
            const double base = fr.positive("base_demand", true).value_or(0.0) / 1000.0;
            node = net.addJunction(id, *elev, base);
        } else if (kind == "reservoir") {
            node = net.addReservoir(id, *elev);
        } else if (kind == "tank") {
            water::Tank t;
            t.minLevel = fr.positive("min_level", true).value_or(0.0);
            t.maxLevel = fr.positive("max_level").value_or(0.0);
            t.initLevel = fr.positive("init_level", true).value_or(t.maxLevel * 0.5);
            t.diameter = fr.positive("diameter").value_or(0.0);
            if (t.maxLevel <= t.minLevel || t.diameter <= 0.0) {
                fr.warn("water.tank_bad_size",
                        "tank '" + id + "' needs diameter > 0 and max_level > min_level", "skipped");
                continue;
            }
            t.initLevel = std::clamp(t.initLevel, t.minLevel, t.maxLevel);
            t.minVolume = kPi * t.diameter * t.diameter / 4.0 * t.minLevel;
            node = net.addTank(id, *elev, t);
        } else {
            fr.warn("water.node_bad_kind", "kind='" + kind + "' is not junction, reservoir or tank",
                    "skipped");
            continue;
        }
        if (!node) {
            fr.warn("water.node_duplicate_id", "water node id '" + id + "' is used twice", "skipped");
            continue;
        }
        nodeOf[id] = *node;
        if (!f.points.empty()) {
            net.nodeX[*node] = f.points.front().x;
            net.nodeY[*node] = f.points.front().y;
            if (kind == "junction") {
                junctionPos.push_back(f.points.front());
                junctionNode.push_back(*node);
            }
        }
    }

    for (const UtilityFeature& f : u.waterLinks) {
        FieldReader fr(f, report);
        const std::string id(f.attr("id"));
        const std::string kind = lower(f.attr("kind").empty() ? "pipe" : f.attr("kind"));
        const std::string fromId(f.attr("from_node")), toId(f.attr("to_node"));
        const auto from = nodeOf.find(fromId), to = nodeOf.find(toId);
        if (id.empty() || from == nodeOf.end() || to == nodeOf.end()) {
            const std::string why = id.empty()             ? "a water link has no id"
                                    : from == nodeOf.end() ? "from_node '" + fromId + "' is not a water node"
                                                           : "to_node '" + toId + "' is not a water node";
            fr.warn("water.link_bad_ends", id.empty() ? why : "water link '" + id + "': " + why, "skipped");
            continue;
        }
        const std::string status = lower(f.attr("status"));
        const double diameter = fr.positive("diameter").value_or(0.0) / 1000.0;
        const double minor = fr.positive("minor_loss", true).value_or(0.0);
        std::optional<std::uint32_t> link;
        if (kind == "pipe") {
            const double length = fr.positive("length").value_or(polylineLength(f.points));
            const double c = fr.positive("roughness").value_or(0.0);
            if (diameter <= 0.0 || length <= 0.0 || c <= 0.0) {
                fr.warn("water.pipe_bad_size", "pipe '" + id + "' needs diameter, length and roughness > 0",
                        "skipped");
                continue;
            }
            link = net.addPipe(id, from->second, to->second, length, diameter, c, minor,
                               status == "closed" ? water::LinkStatus::Closed : water::LinkStatus::Open,
                               status == "cv");
        } else if (kind == "pump") {
            const auto head = fr.positive("pump_head"), flow = fr.positive("pump_flow");
            if (!head || !flow) {
                fr.warn("water.pump_no_curve",
                        "pump '" + id + "' needs pump_head (m) and pump_flow (l/s) > 0", "skipped");
                continue;
            }
            const std::uint32_t curve = net.addCurve(id + ":curve", {*flow / 1000.0}, {*head});
            water::Pump p;
            p.headCurve = static_cast<std::int32_t>(curve);
            const std::string why = water::fitPumpCurve(p, net.curves[curve]);
            if (!why.empty()) {
                fr.warn("water.pump_bad_curve", "pump '" + id + "': " + why, "skipped");
                continue;
            }
            link = net.addPump(id, from->second, to->second, p);
            if (link) {
                net.linkStatus[*link] =
                    status == "closed" ? water::LinkStatus::Closed : water::LinkStatus::Open;
                PumpFeed feed;
                feed.link = *link;
                feed.designPowerMW = 1000.0 * kGravity * (*flow / 1000.0) * *head / opt.pumpEfficiency / 1e6;
                feed.onBelowM = fr.number("on_below").value_or(0.0);
                feed.offAboveM = fr.number("off_above").value_or(0.0);
                m.pumps.push_back(feed);  // bus and control tank are resolved once both networks exist
            }
        } else {
            static const std::map<std::string, water::LinkKind> kValves{{"prv", water::LinkKind::Prv},
                                                                        {"psv", water::LinkKind::Psv},
                                                                        {"pbv", water::LinkKind::Pbv},
                                                                        {"fcv", water::LinkKind::Fcv},
                                                                        {"tcv", water::LinkKind::Tcv}};
            const auto v = kValves.find(kind);
            if (v == kValves.end()) {
                fr.warn("water.link_bad_kind",
                        "kind='" + kind + "' is not pipe, pump, prv, psv, pbv, fcv or tcv", "skipped");
                continue;
            }
            const auto setting = fr.number("setting");
            if (diameter <= 0.0 || !setting) {
                fr.warn("water.valve_bad", "valve '" + id + "' needs diameter > 0 and a setting", "skipped");
                continue;
            }
            link = net.addValve(id, from->second, to->second, v->second, diameter,
                                v->second == water::LinkKind::Fcv ? *setting / 1000.0 : *setting, minor);
            if (link && status == "closed") {
                net.linkStatus[*link] = water::LinkStatus::Closed;
            }
        }
        if (!link) {
            fr.warn("water.link_duplicate_id", "water link id '" + id + "' is used twice", "skipped");
            continue;
        }
        // The shape between the end nodes (as EPANET [VERTICES]); addLink opened an empty entry.
        for (std::size_t i = 1; i + 1 < f.points.size(); ++i) {
            net.vertexX.push_back(f.points[i].x);
            net.vertexY.push_back(f.points[i].y);
        }
        net.vertexOffset.back() = static_cast<std::uint32_t>(net.vertexX.size());
    }

    // Building demands: each building on its junction, one demand entry per junction.
    std::vector<double> factors = opt.waterPattern;
    double mean = 0.0;
    for (double f : factors) {
        mean += f;
    }
    mean = factors.empty() ? 1.0 : mean / static_cast<double>(factors.size());
    for (double& f : factors) {
        f /= mean;  // the documented demand is the daily average
    }
    m.waterPattern = static_cast<std::int32_t>(net.addPattern("buildings", factors));
    const std::size_t nb = city.buildings.count();
    m.buildingWaterNode.assign(nb, -1);
    m.buildingWaterDemand.assign(nb, 0.0);
    std::vector<double> junctionDemand(net.nodeCount(), 0.0);
    if (!junctionPos.empty()) {
        const PointIndex index(junctionPos, 100.0);
        std::size_t unknown = 0;
        for (std::size_t b = 0; b < nb; ++b) {
            std::int32_t node = -1;
            const std::string& named =
                city.buildings.waterNode.empty() ? std::string() : city.buildings.waterNode[b];
            if (!named.empty()) {
                const auto it = nodeOf.find(named);
                if (it != nodeOf.end() && net.nodeKind[it->second] == water::NodeKind::Junction) {
                    node = static_cast<std::int32_t>(it->second);
                } else {
                    ++unknown;
                }
            }
            if (node < 0) {
                node = static_cast<std::int32_t>(junctionNode[static_cast<std::size_t>(
                    nearest(index, junctionPos, city.buildings.centroid[b]))]);
            }
            m.buildingWaterNode[b] = node;
            const double q = (city.buildings.residents[b] * opt.waterPerResidentLpd +
                              city.buildings.jobs[b] * opt.waterPerJobLpd) /
                             1000.0 / 86400.0;
            m.buildingWaterDemand[b] = q;
            junctionDemand[static_cast<std::size_t>(node)] += q;
        }
        if (unknown > 0) {
            Diagnostic d;
            d.code = "water.building_unknown_node";
            d.file = u.waterNodes.front().file;
            d.layer = "buildings";
            d.message = std::to_string(unknown) + " buildings name a water_node that is not a junction";
            d.action = "connected to the nearest junction";
            report.add(std::move(d));
        }
    }
    for (std::uint32_t n = 0; n < net.nodeCount(); ++n) {
        if (junctionDemand[n] > 0.0) {
            net.demands.push_back({n, junctionDemand[n], m.waterPattern, "buildings"});
        }
    }
    m.hasWater = net.finish(report);
}

Diagnostic featureDiag(const UtilityFeature& f, Severity s, std::string code, std::string message,
                       std::string action) {
    Diagnostic d;
    d.severity = s;
    d.code = std::move(code);
    d.file = f.file;
    d.layer = f.layer;
    d.feature = f.sourceFeature;
    d.message = std::move(message);
    d.action = std::move(action);
    return d;
}

void buildPower(const CityModel& city, const ServiceOptions& opt, UtilityModel& m, DiagnosticReport& report) {
    const UtilityLayers& u = city.utilities;
    power::PowerNetwork& net = m.power;
    net.name = "power network of " + city.meta.name;
    net.baseMVA = 100.0;
    std::map<std::string, int> busOf;
    for (const UtilityFeature& f : u.powerBuses) {
        FieldReader fr(f, report);
        const std::string id(f.attr("id"));
        const std::string kind = lower(f.attr("kind").empty() ? "feeder" : f.attr("kind"));
        const auto kv = fr.positive("voltage_kv");
        if (id.empty() || !kv || busOf.count(id) != 0) {
            fr.warn("power.bus_bad",
                    id.empty()             ? "a power bus has no id"
                    : busOf.count(id) != 0 ? "power bus id '" + id + "' is used twice"
                                           : "power bus '" + id + "' needs voltage_kv > 0",
                    "skipped");
            continue;
        }
        if (kind != "grid" && kind != "substation" && kind != "feeder") {
            fr.warn("power.bus_bad_kind", "kind='" + kind + "' is not grid, substation or feeder",
                    "taken as a feeder bus");
        }
        power::PowerBus b;
        b.number = static_cast<int>(net.buses.size()) + 1;
        b.baseKV = *kv;
        b.type = kind == "grid" ? power::BusType::Ref : power::BusType::Pq;
        const int index = static_cast<int>(net.buses.size());
        net.buses.push_back(b);
        busOf[id] = index;
        m.busId.push_back(id);
        m.busName.push_back(std::string(f.attr("name")));
        m.busKind.push_back(kind == "grid" || kind == "substation" ? kind : "feeder");
        m.busPos.push_back(f.points.empty() ? Vec2{} : f.points.front());
        if (kind == "grid") {
            power::PowerGen g;
            g.bus = index;
            g.pmaxMW = fr.positive("gen_mw").value_or(1000.0);
            g.vgPu = 1.0;
            net.gens.push_back(g);
        }
    }
    for (const UtilityFeature& f : u.powerLines) {
        FieldReader fr(f, report);
        const std::string id(f.attr("id"));
        const std::string kind = lower(f.attr("kind").empty() ? "line" : f.attr("kind"));
        const std::string fromId(f.attr("from_bus")), toId(f.attr("to_bus"));
        const auto from = busOf.find(fromId), to = busOf.find(toId);
        if (id.empty() || from == busOf.end() || to == busOf.end() || from->second == to->second) {
            const std::string why = id.empty()            ? "a power line has no id"
                                    : from == busOf.end() ? "from_bus '" + fromId + "' is not a power bus"
                                    : to == busOf.end()   ? "to_bus '" + toId + "' is not a power bus"
                                                          : "from_bus and to_bus are the same bus";
            fr.warn("power.line_bad_ends", id.empty() ? why : "power line '" + id + "': " + why, "skipped");
            continue;
        }
        power::PowerBranch br;
        br.from = from->second;
        br.to = to->second;
        br.rateAMVA = fr.positive("rating_mva").value_or(0.0);
        br.inService = lower(f.attr("status")) != "open";
        if (kind == "transformer") {
            const double rating = br.rateAMVA > 0.0 ? br.rateAMVA : 100.0;
            const double r = fr.positive("r_pct", true).value_or(0.0);
            const double x = fr.positive("x_pct").value_or(0.0);
            if (x <= 0.0) {
                fr.warn("power.transformer_no_impedance", "transformer '" + id + "' needs x_pct > 0",
                        "skipped");
                continue;
            }
            br.rPu = r / 100.0 * net.baseMVA / rating;
            br.xPu = x / 100.0 * net.baseMVA / rating;
            const double tap = fr.positive("tap").value_or(1.0);
            br.ratio = tap == 1.0 ? 0.0 : tap;
        } else {
            const double zBase = net.buses[static_cast<std::size_t>(br.from)].baseKV *
                                 net.buses[static_cast<std::size_t>(br.from)].baseKV / net.baseMVA;
            const double r = fr.positive("r_ohm", true).value_or(0.0);
            const double x = fr.positive("x_ohm", true).value_or(0.0);
            if (r <= 0.0 && x <= 0.0) {
                fr.warn("power.line_no_impedance", "line '" + id + "' needs r_ohm or x_ohm > 0", "skipped");
                continue;
            }
            br.rPu = r / zBase;
            br.xPu = x / zBase;
            br.bPu = fr.positive("b_us", true).value_or(0.0) * 1e-6 * zBase;
        }
        net.branches.push_back(br);
        m.branchId.push_back(id);
        m.branchShape.push_back(f.points);
    }

    // Loads: each building on its bus (named, else the nearest feeder bus).
    std::vector<Vec2> feederPos;
    std::vector<int> feederBus;
    for (std::size_t b = 0; b < net.buses.size(); ++b) {
        if (m.busKind[b] == "feeder") {
            feederPos.push_back(m.busPos[b]);
            feederBus.push_back(static_cast<int>(b));
        }
    }
    const std::size_t nb = city.buildings.count();
    m.buildingPowerBus.assign(nb, -1);
    m.buildingPeakLoadMW.assign(nb, 0.0);
    m.busPeakLoadMW.assign(net.buses.size(), 0.0);
    if (feederPos.empty()) {
        report.add({Severity::Warning, "power.no_feeder_bus", u.powerBuses.front().file, "power_buses", -1,
                    -1, "no bus of kind feeder: buildings without a power_bus field have no supply",
                    "they count as without power"});
    }
    const PointIndex index(feederPos, 200.0);
    std::size_t unknown = 0;
    for (std::size_t b = 0; b < nb; ++b) {
        int bus = -1;
        const std::string& named =
            city.buildings.powerBus.empty() ? std::string() : city.buildings.powerBus[b];
        if (!named.empty()) {
            const auto it = busOf.find(named);
            if (it != busOf.end()) {
                bus = it->second;
            } else {
                ++unknown;
            }
        }
        if (bus < 0 && !feederPos.empty()) {
            bus = feederBus[static_cast<std::size_t>(nearest(index, feederPos, city.buildings.centroid[b]))];
        }
        m.buildingPowerBus[b] = bus;
        const double kwPerJob =
            city.buildings.use[b] == BuildingUse::Industrial ? opt.peakKwPerIndustrialJob : opt.peakKwPerJob;
        const double mw =
            (city.buildings.residents[b] * opt.peakKwPerResident + city.buildings.jobs[b] * kwPerJob) /
            1000.0;
        m.buildingPeakLoadMW[b] = mw;
        if (bus >= 0) {
            m.busPeakLoadMW[static_cast<std::size_t>(bus)] += mw;
        }
    }
    if (unknown > 0) {
        report.add({Severity::Warning, "power.building_unknown_bus", u.powerBuses.front().file, "buildings",
                    -1, -1, std::to_string(unknown) + " buildings name a power_bus that does not exist",
                    "connected to the nearest feeder bus"});
    }

    // Signals: the bus their signal point names, else the nearest feeder bus.
    const RoadNetwork& roads = city.roads;
    for (std::uint32_t n = 0; n < roads.nodeCount(); ++n) {
        if ((roads.nodeFlags[n] & node_flags::kSignalised) == 0) {
            continue;
        }
        SignalFeed s;
        s.node = NodeId{n};
        double best = 30.0;
        for (const UtilityFeature& f : u.signalPoints) {
            const double d = f.points.empty() ? 1e9 : distance(f.points.front(), roads.nodePos[n]);
            const auto it = busOf.find(std::string(f.attr("power_bus")));
            if (d <= best && it != busOf.end()) {
                best = d;
                s.bus = it->second;
            }
        }
        if (s.bus < 0 && !feederPos.empty()) {
            s.bus = feederBus[static_cast<std::size_t>(nearest(index, feederPos, roads.nodePos[n]))];
        }
        m.signalFeeds.push_back(s);
        if (s.bus >= 0) {
            m.busPeakLoadMW[static_cast<std::size_t>(s.bus)] += opt.signalKw / 1000.0;
        }
    }
}

}  // namespace

std::int32_t UtilityModel::findBus(std::string_view id) const {
    for (std::size_t i = 0; i < busId.size(); ++i) {
        if (busId[i] == id) {
            return static_cast<std::int32_t>(i);
        }
    }
    return -1;
}

double hourlyFactor(const std::vector<double>& profile, double clockSeconds) {
    if (profile.empty()) {
        return 1.0;
    }
    const double day = std::fmod(std::fmod(clockSeconds, 86400.0) + 86400.0, 86400.0);
    const auto hour = static_cast<std::size_t>(day / 3600.0) % profile.size();
    return profile[hour];
}

UtilityModel buildUtilityModel(const CityModel& city, const ServiceOptions& options, double clockStart,
                               DiagnosticReport& report) {
    UtilityModel m;
    m.options = options;
    const UtilityLayers& u = city.utilities;
    if (u.hasPower()) {
        buildPower(city, options, m, report);
        DiagnosticReport check;
        m.hasPower =
            !m.power.buses.empty() && power::validateNetwork(m.power, check, u.powerBuses.front().file);
        report.append(check);
        if (m.power.gens.empty() && !m.power.buses.empty()) {
            report.add({Severity::Warning, "power.no_grid", u.powerBuses.front().file, "power_buses", -1, -1,
                        "no bus of kind grid (the infeed): the whole network is dark", "simulated as dark"});
        }
    }
    if (u.hasWater()) {
        buildWater(city, options, clockStart, m, report);
    }
    // Pumps: their power bus and control tank.
    if (m.hasWater) {
        std::size_t k = 0;
        for (const UtilityFeature& f : u.waterLinks) {
            if (lower(f.attr("kind")) != "pump") {
                continue;
            }
            const auto link = m.water.findLink(f.attr("id"));
            if (!link) {
                continue;
            }
            while (k < m.pumps.size() && m.pumps[k].link != *link) {
                ++k;
            }
            if (k == m.pumps.size()) {
                break;
            }
            PumpFeed& p = m.pumps[k];
            const std::string_view bus = f.attr("power_bus");
            if (!bus.empty()) {
                p.bus = m.findBus(bus);
                if (p.bus < 0) {
                    report.add(featureDiag(f, Severity::Warning, "water.pump_unknown_bus",
                                           "pump power_bus '" + std::string(bus) + "' is not a power bus",
                                           "the pump is taken as always powered"));
                }
            }
            const std::string_view ctl = f.attr("control_node");
            if (!ctl.empty()) {
                const auto node = m.water.findNode(ctl);
                if (node && m.water.nodeKind[*node] == water::NodeKind::Tank && p.offAboveM > p.onBelowM) {
                    p.controlTank = static_cast<std::int32_t>(*node);
                    // The same switching as EPANET simple controls, for a run of the water network
                    // alone (citytwin water); the coupled simulation switches pumps itself.
                    const double bottom = m.water.nodeElevation[*node];
                    water::Control on;
                    on.link = p.link;
                    on.status = water::LinkStatus::Open;
                    on.condition = water::ControlCondition::NodeBelow;
                    on.node = *node;
                    on.threshold = bottom + p.onBelowM;
                    water::Control off = on;
                    off.status = water::LinkStatus::Closed;
                    off.condition = water::ControlCondition::NodeAbove;
                    off.threshold = bottom + p.offAboveM;
                    m.water.controls.push_back(on);
                    m.water.controls.push_back(off);
                } else {
                    report.add(featureDiag(f, Severity::Warning, "water.pump_bad_control",
                                           "control_node '" + std::string(ctl) +
                                               "' is not a tank, or off_above is not above on_below",
                                           "the pump runs whenever it has power"));
                }
            }
        }
    } else {
        m.pumps.clear();
    }
    // Hospitals and their backup power.
    for (std::size_t i = 0; i < city.facilities.count(); ++i) {
        if (city.facilities.kind[i] != FacilityKind::Hospital || !city.facilities.building[i].valid()) {
            continue;
        }
        const double h =
            i < city.facilities.backupHours.size() && std::isfinite(city.facilities.backupHours[i])
                ? city.facilities.backupHours[i]
                : options.hospitalBackupHours;
        m.backups.push_back({city.facilities.building[i], FacilityId{static_cast<std::uint32_t>(i)}, h});
    }
    return m;
}

}  // namespace ct::utility
