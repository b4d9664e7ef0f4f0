// SUMO route and trip files (.rou.xml, .trips.xml): read into raw records, then resolved against
// the imported network (edge ids, route references, vehicle types) into Trips.
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "citytwin/traffic/sumo_import.h"
#include "sumo_xml.h"

namespace ct::traffic {

using namespace sumo_detail;

std::optional<VehicleClass> vehicleClassFromSumo(std::string_view c) {
    if (c == "passenger" || c == "private" || c == "taxi" || c == "evehicle" || c == "hov" ||
        c == "motorcycle" || c == "moped" || c == "custom1" || c == "custom2" || c == "vip") {
        return VehicleClass::Car;
    }
    if (c == "bus" || c == "coach") {
        return VehicleClass::Bus;
    }
    if (c == "truck" || c == "trailer" || c == "delivery") {
        return VehicleClass::Truck;
    }
    if (c == "emergency" || c == "authority" || c == "army") {
        return VehicleClass::Emergency;
    }
    return std::nullopt;
}

namespace {

constexpr std::size_t kMaxFlowVehicles = 50'000'000;
constexpr double kDefaultFlowEnd = 86400.0;  // s, SUMO's default end of a flow without one

/// A <vehicle>, <trip> or <flow> as in the file.
struct RawVehicle {
    enum class Kind { Trip, Vehicle, Flow } kind = Kind::Trip;
    std::string id, type, routeRef, from, to;
    std::vector<std::string> edges;  // inner <route>
    bool hasEdges = false;
    std::unordered_map<std::string, std::string> attrs;  // depart, departPos, departSpeed, flow timing
    int line = 0;
    [[nodiscard]] const std::string* attr(const std::string& k) const {
        const auto it = attrs.find(k);
        return it == attrs.end() ? nullptr : &it->second;
    }
};

struct RawRoute {
    std::vector<std::string> edges;
    int line = 0;
};

std::vector<std::string> edgeList(std::string_view s) {
    std::vector<std::string> out;
    for (std::string_view t : splitBlanks(s)) {
        out.emplace_back(t);
    }
    return out;
}

class RouteHandler : public XmlHandler {
public:
    RouteHandler(const std::string& file, DiagnosticReport& report) : m_diag(file, report) {}

    std::vector<RawVehicle> vehicles;
    std::unordered_map<std::string, RawRoute> routes;
    std::unordered_map<std::string, std::string>
        routeDistFirst;  // routeDistribution id -> its first route id
    std::vector<SumoVehicleType> types;
    std::unordered_map<std::string, std::size_t> typeIndex;
    std::unordered_map<std::string, std::size_t> typeDistFirst;  // vTypeDistribution id -> its first type
    bool rootOk = false;
    std::size_t skippedPersons = 0;

    void start(std::string_view name, const XmlAttrs& a, int line) override {
        if (m_depth++ == 0) {
            rootOk = name == "routes" || name == "additional";
            if (!rootOk) {
                diag(Severity::Error, "sumo.not_routes", line,
                     "the root element is <" + std::string(name) + ">, not <routes>: not a SUMO route file",
                     "load stopped");
            }
            return;
        }
        if (!rootOk) {
            return;
        }
        if (name == "vType") {
            readType(a, line);
        } else if (name.substr(0, 13) == "carFollowing-" && m_inType) {
            types.back().carFollowModel = std::string(name.substr(13));
            applyTypeAttrs(types.back(), a, line);
        } else if (name == "vTypeDistribution") {
            m_typeDist = a.str("id");
        } else if (name == "routeDistribution" && !m_cur) {
            m_routeDist = a.str("id");
        } else if (name == "route") {
            readRoute(a, line);
        } else if (name == "vehicle" || name == "trip" || name == "flow") {
            readVehicle(name, a, line);
        } else if (name == "person" || name == "container" || name == "personFlow" ||
                   name == "containerFlow") {
            ++skippedPersons;
        } else if (name == "routeDistribution" && m_cur) {
            warn("sumo.unsupported", line, "vehicle '" + m_cur->id + "' has a route distribution");
            m_cur->id.clear();  // marks it skipped
        }
    }

    void end(std::string_view name) override {
        --m_depth;
        if (name == "vType") {
            m_inType = false;
        } else if (name == "vTypeDistribution") {
            m_typeDist.clear();
        } else if (name == "routeDistribution" && !m_cur) {
            m_routeDist.clear();
        } else if ((name == "vehicle" || name == "trip" || name == "flow") && m_cur) {
            if (!m_cur->id.empty()) {
                vehicles.push_back(std::move(*m_cur));
            }
            m_cur.reset();
        }
    }

    void diag(Severity s, std::string code, int line, std::string message, std::string action) {
        m_diag.add(s, std::move(code), line, std::move(message), std::move(action));
    }
    void warn(std::string code, int line, std::string message, std::string action = "skipped") {
        m_diag.warn(std::move(code), line, std::move(message), std::move(action));
    }

private:
    DiagSink m_diag;
    int m_depth = 0;
    bool m_inType = false;
    std::string m_typeDist, m_routeDist;
    std::optional<RawVehicle> m_cur;

    void applyTypeAttrs(SumoVehicleType& t, const XmlAttrs& a, int line) {
        VehicleType& v = t.type;
        auto num = [&](std::string_view key, double& out, double min) {
            const auto s = a.get(key);
            if (!s) {
                return;
            }
            const auto x = parseNumber(*s);
            if (!x || *x < min) {
                warn("sumo.bad_number", line,
                     "vType '" + t.id + "' " + std::string(key) + "=\"" + std::string(*s) +
                         "\" is not a valid number",
                     "default kept");
                return;
            }
            out = *x;
        };
        num("accel", v.maxAccel, 1e-3);
        num("decel", v.comfortDecel, 1e-3);
        num("emergencyDecel", v.emergencyDecel, 1e-3);
        num("length", v.length, 0.1);
        num("minGap", v.minGap, 0.0);
        num("tau", v.headway, 0.0);
        num("maxSpeed", v.maxSpeed, 0.1);
        num("delta", v.delta, 0.1);
        if (const auto sf = a.get("speedFactor")) {
            // A number, or a distribution "norm(mean,dev)" / "normc(mean,dev,min,max)".
            std::string_view s = *sf;
            const std::size_t open = s.find('(');
            bool ok = false;
            if (open == std::string_view::npos) {
                const auto x = parseNumber(s);
                ok = x && *x > 0.0;
                if (ok) {
                    v.speedFactorMean = *x;
                }
            } else if ((s.substr(0, open) == "norm" || s.substr(0, open) == "normc") && s.back() == ')') {
                const std::string_view args = s.substr(open + 1, s.size() - open - 2);
                const std::size_t comma = args.find(',');
                const auto mean = parseNumber(args.substr(0, comma));
                const std::size_t comma2 =
                    comma == std::string_view::npos ? comma : args.find(',', comma + 1);
                const auto dev = comma == std::string_view::npos
                                     ? std::optional<double>()
                                     : parseNumber(args.substr(comma + 1, comma2 == std::string_view::npos
                                                                              ? std::string_view::npos
                                                                              : comma2 - comma - 1));
                ok = mean && dev && *mean > 0.0 && *dev >= 0.0;
                if (ok) {
                    v.speedFactorMean = *mean;
                    v.speedFactorDev = *dev;
                }
            }
            if (!ok) {
                warn("sumo.bad_number", line,
                     "vType '" + t.id + "' speedFactor=\"" + std::string(s) + "\" not understood",
                     "default kept");
            }
        }
        num("speedDev", v.speedFactorDev, 0.0);
    }

    void readType(const XmlAttrs& a, int line) {
        const std::string id = a.str("id");
        if (id.empty()) {
            warn("sumo.missing_attribute", line, "<vType> has no id");
            return;
        }
        SumoVehicleType t;
        t.id = id;
        t.vClass = a.str("vClass", "passenger");
        t.carFollowModel = a.str("carFollowModel");
        const auto c = vehicleClassFromSumo(t.vClass);
        if (!c) {
            warn("sumo.unsupported", line,
                 "vType '" + id + "' has vClass '" + t.vClass + "', which we do not simulate",
                 "driven as a car");
        }
        t.type = defaultVehicleType(c.value_or(VehicleClass::Car));
        applyTypeAttrs(t, a, line);
        if (!t.carFollowModel.empty() && t.carFollowModel != "IDM") {
            diag(Severity::Info, "sumo.car_following", line,
                 "vType '" + id + "' asks for car-following model " + t.carFollowModel, "driven with IDM");
        }
        if (typeIndex.count(id) != 0) {
            warn("sumo.duplicate_id", line, "vType '" + id + "' is defined twice", "the second is ignored");
            return;
        }
        typeIndex.emplace(id, types.size());
        if (!m_typeDist.empty() && typeDistFirst.count(m_typeDist) == 0) {
            typeDistFirst.emplace(m_typeDist, types.size());
        }
        types.push_back(std::move(t));
        m_inType = true;
    }

    void readRoute(const XmlAttrs& a, int line) {
        const auto edges = a.get("edges");
        if (m_cur) {
            if (!edges) {
                warn("sumo.missing_attribute", line, "the route of '" + m_cur->id + "' has no edges");
                m_cur->id.clear();
                return;
            }
            m_cur->edges = edgeList(*edges);
            m_cur->hasEdges = true;
            return;
        }
        const std::string id = a.str("id");
        if (id.empty() || !edges) {
            warn("sumo.missing_attribute", line, "a <route> outside a vehicle needs an id and edges");
            return;
        }
        if (!routes.emplace(id, RawRoute{edgeList(*edges), line}).second) {
            warn("sumo.duplicate_id", line, "route '" + id + "' is defined twice", "the second is ignored");
            return;
        }
        if (!m_routeDist.empty() && routeDistFirst.count(m_routeDist) == 0) {
            routeDistFirst.emplace(m_routeDist, id);
        }
    }

    void readVehicle(std::string_view name, const XmlAttrs& a, int line) {
        RawVehicle v;
        v.kind = name == "trip"   ? RawVehicle::Kind::Trip
                 : name == "flow" ? RawVehicle::Kind::Flow
                                  : RawVehicle::Kind::Vehicle;
        v.id = a.str("id");
        v.line = line;
        if (v.id.empty()) {
            warn("sumo.missing_attribute", line, "<" + std::string(name) + "> has no id");
            m_cur = RawVehicle{};  // swallow its children
            return;
        }
        v.type = a.str("type");
        v.routeRef = a.str("route");
        v.from = a.str("from");
        v.to = a.str("to");
        for (const char* k :
             {"depart", "departPos", "departSpeed", "begin", "end", "period", "number", "vehsPerHour",
              "probability", "via", "fromJunction", "toJunction", "fromTaz", "toTaz"}) {
            if (const auto s = a.get(k)) {
                v.attrs.emplace(k, std::string(*s));
            }
        }
        m_cur = std::move(v);
    }
};

/// Turns raw vehicles into trips against the network.
class DemandBuilder {
public:
    DemandBuilder(RouteHandler& h, const SumoNetwork& net) : m_h(h), m_net(net) {}

    SumoDemand build() {
        m_demand.types = m_h.types;
        if (m_h.skippedPersons > 0) {
            m_h.diag(
                Severity::Info, "sumo.unsupported", -1,
                std::to_string(m_h.skippedPersons) + " persons or containers: only vehicles are simulated",
                "skipped");
        }
        for (const RawVehicle& v : m_h.vehicles) {
            addVehicle(v);
        }
        return std::move(m_demand);
    }

private:
    RouteHandler& m_h;
    const SumoNetwork& m_net;
    SumoDemand m_demand;
    bool m_warnedDepartSpeed = false;

    /// The index of a vType in the demand, adding SUMO's default type when it is used.
    std::size_t typeOf(const RawVehicle& v) {
        std::string id = v.type;
        if (!id.empty()) {
            if (const auto it = m_h.typeIndex.find(id); it != m_h.typeIndex.end()) {
                return it->second;
            }
            if (const auto it = m_h.typeDistFirst.find(id); it != m_h.typeDistFirst.end()) {
                m_h.warn(
                    "sumo.unsupported", v.line,
                    "'" + v.id + "' uses vType distribution '" + id + "'; distributions are not drawn from",
                    "its first vType '" + m_demand.types[it->second].id + "' is used");
                return it->second;
            }
            if (id != "DEFAULT_VEHTYPE") {
                m_h.warn("sumo.unknown_type", v.line,
                         "'" + v.id + "' names vType '" + id + "', which does not exist",
                         "SUMO's default car type is used");
            }
        }
        id = "DEFAULT_VEHTYPE";
        for (std::size_t i = 0; i < m_demand.types.size(); ++i) {
            if (m_demand.types[i].id == id) {
                return i;
            }
        }
        SumoVehicleType t;
        t.id = id;
        t.vClass = "passenger";
        t.type = defaultVehicleType(VehicleClass::Car);
        m_demand.types.push_back(t);
        return m_demand.types.size() - 1;
    }

    /// The edges a vehicle drives: its inner route, its route reference, or from/to.
    bool edgesOf(const RawVehicle& v, std::vector<std::string>& route, std::string& from, std::string& to) {
        for (const char* k : {"fromJunction", "toJunction", "fromTaz", "toTaz"}) {
            if (v.attr(k) != nullptr) {
                m_h.warn("sumo.unsupported", v.line,
                         "'" + v.id + "' has " + k + "; only trips between edges are read");
                return false;
            }
        }
        if (v.attr("via") != nullptr) {
            m_h.warn("sumo.unsupported", v.line, "'" + v.id + "' has via edges",
                     "via ignored, routed from origin to destination");
        }
        if (v.hasEdges) {
            route = v.edges;
        } else if (!v.routeRef.empty()) {
            auto it = m_h.routes.find(v.routeRef);
            if (it == m_h.routes.end()) {
                if (const auto d = m_h.routeDistFirst.find(v.routeRef); d != m_h.routeDistFirst.end()) {
                    m_h.warn("sumo.unsupported", v.line,
                             "'" + v.id + "' uses route distribution '" + v.routeRef +
                                 "'; distributions are not drawn from",
                             "its first route '" + d->second + "' is used");
                    it = m_h.routes.find(d->second);
                }
            }
            if (it == m_h.routes.end()) {
                m_h.warn("sumo.unknown_route", v.line,
                         "'" + v.id + "' names route '" + v.routeRef + "', which does not exist");
                return false;
            }
            route = it->second.edges;
        }
        if (!route.empty()) {
            from = route.front();
            to = route.back();
            return true;
        }
        from = v.from;
        to = v.to;
        if (from.empty() || to.empty()) {
            m_h.warn("sumo.missing_attribute", v.line,
                     "'" + v.id + "' has neither a route nor from and to edges");
            return false;
        }
        return true;
    }

    double departSpeedOf(const RawVehicle& v, LinkId origin) {
        const std::string* s = v.attr("departSpeed");
        if (s == nullptr) {
            return 0.0;
        }
        if (const auto x = parseNumber(*s)) {
            return std::max(0.0, *x);
        }
        const double limit = m_net.net.linkSpeed[origin.index()];
        if (*s == "speedLimit") {
            return limit;
        }
        if (*s == "max" || *s == "desired") {
            return 2.0 * limit;  // the engine caps it at the vehicle's desired speed
        }
        if (!m_warnedDepartSpeed) {
            m_warnedDepartSpeed = true;
            m_h.diag(Severity::Info, "sumo.unsupported", v.line,
                     "departSpeed=\"" + *s + "\" is not supported",
                     "departing at 0 m/s (this and any further such vehicles)");
        }
        return 0.0;
    }

    double departPosOf(const RawVehicle& v, LinkId origin) {
        const std::string* s = v.attr("departPos");
        if (s == nullptr) {
            return -1.0;
        }
        if (const auto x = parseNumber(*s)) {
            // A negative position counts back from the end of the edge (SUMO).
            const double p = *x < 0.0 ? m_net.net.linkLength[origin.index()] + *x : *x;
            return p >= 0.0 ? p : -1.0;
        }
        return -1.0;  // "base", "free", "random", "last"...: from the start, as SUMO's base
    }

    void addVehicle(const RawVehicle& v) {
        std::vector<std::string> names;
        std::string fromName, toName;
        if (!edgesOf(v, names, fromName, toName)) {
            return;
        }
        Trip t;
        t.from = m_net.findEdge(fromName);
        t.to = m_net.findEdge(toName);
        for (const std::string& n : names) {
            const LinkId l = m_net.findEdge(n);
            if (!l.valid()) {
                t.from = LinkId{};
                fromName = n;
                break;
            }
            t.route.push_back(l);
        }
        if (!t.from.valid() || !t.to.valid()) {
            m_h.warn("sumo.unknown_edge", v.line,
                     "'" + v.id + "' names edge '" + (t.from.valid() ? toName : fromName) +
                         "', which the network does not have (or that cars may not use)");
            return;
        }
        if (!connected(t.route)) {
            m_h.warn("sumo.route_disconnected", v.line,
                     "the route of '" + v.id + "' has consecutive edges that do not connect",
                     "route dropped, routed from its first to its last edge");
            t.route.clear();
        }
        const std::size_t type = typeOf(v);
        t.vclass = m_demand.types[type].type.vclass;
        t.departPos = departPosOf(v, t.from);
        t.departSpeed = departSpeedOf(v, t.from);
        if (v.kind != RawVehicle::Kind::Flow) {
            const std::string* d = v.attr("depart");
            const auto depart = d == nullptr ? std::optional<double>() : parseTime(*d);
            if (!depart || *depart < 0.0) {
                m_h.warn("sumo.depart", v.line,
                         "'" + v.id + "' has " + (d == nullptr ? "no depart" : "depart=\"" + *d + "\"") +
                             "; only departure times in s are supported");
                return;
            }
            t.id = v.id;
            t.depart = *depart;
            m_demand.trips.push_back(std::move(t));
            m_demand.tripTypes.push_back(m_demand.types[type].id);
            return;
        }
        expandFlow(v, t, m_demand.types[type].id);
    }

    bool connected(const std::vector<LinkId>& route) const {
        const TrafficNetwork& net = m_net.net;
        for (std::size_t i = 0; i + 1 < route.size(); ++i) {
            const std::uint32_t a = route[i].index();
            const auto b = net.turnTo.begin() + net.turnOffset[a],
                       e = net.turnTo.begin() + net.turnOffset[a + 1];
            if (std::find(b, e, route[i + 1]) == e) {
                return false;
            }
        }
        return true;
    }

    /// A flow's vehicles, equally spaced: period, vehsPerHour, or number over [begin, end).
    void expandFlow(const RawVehicle& v, const Trip& proto, const std::string& type) {
        auto time = [&](const char* k, double fallback, bool& ok) {
            const std::string* s = v.attr(k);
            if (s == nullptr) {
                return fallback;
            }
            const auto x = parseTime(*s);
            ok = ok && x.has_value() && *x >= 0.0;
            return x.value_or(fallback);
        };
        bool ok = true;
        const double begin = time("begin", 0.0, ok);
        const bool hasEnd = v.attr("end") != nullptr;
        double end = time("end", kDefaultFlowEnd, ok);
        double number = -1.0;
        if (const std::string* n = v.attr("number")) {
            const auto x = parseNumber(*n);
            ok = ok && x && *x >= 0.0;
            number = x.value_or(0.0);
        }
        double period = 0.0;
        if (const std::string* p = v.attr("period")) {
            const auto x = parseTime(*p);
            ok = ok && x && *x > 0.0;
            period = x.value_or(0.0);
        } else if (const std::string* h = v.attr("vehsPerHour")) {
            const auto x = parseNumber(*h);
            ok = ok && x && *x > 0.0;
            period = x && *x > 0.0 ? 3600.0 / *x : 0.0;
        } else if (v.attr("probability") != nullptr) {
            m_h.warn("sumo.unsupported", v.line,
                     "flow '" + v.id + "' departs by probability; only regular flows are read");
            return;
        } else if (number >= 0.0 && hasEnd && ok) {
            period = number > 0.0 ? (end - begin) / number : 1.0;
        } else {
            ok = false;
        }
        if (!ok || period <= 0.0 || end < begin) {
            m_h.warn("sumo.bad_number", v.line,
                     "flow '" + v.id + "' has no valid begin, end, period, vehsPerHour or number");
            return;
        }
        if (number >= 0.0 && !hasEnd) {
            end = begin + period * number;
        }
        std::size_t count = 0;
        for (double t = begin; t < end - 1e-9 && (number < 0.0 || static_cast<double>(count) < number);
             t = begin + period * static_cast<double>(count)) {
            if (m_demand.trips.size() >= kMaxFlowVehicles) {
                m_h.warn("sumo.too_many", v.line, "more than 50 million vehicles", "flow cut short");
                return;
            }
            Trip t1 = proto;
            t1.id = v.id + "." + std::to_string(count);
            t1.depart = t;
            m_demand.trips.push_back(std::move(t1));
            m_demand.tripTypes.push_back(type);
            ++count;
        }
    }
};

std::optional<SumoDemand> finish(RouteHandler& h, bool parsed, const SumoNetwork& net) {
    if (!parsed || !h.rootOk) {
        return std::nullopt;
    }
    return DemandBuilder(h, net).build();
}

bool sameParameters(const VehicleType& a, const VehicleType& b) {
    return a.length == b.length && a.maxAccel == b.maxAccel && a.comfortDecel == b.comfortDecel &&
           a.emergencyDecel == b.emergencyDecel && a.minGap == b.minGap && a.headway == b.headway &&
           a.delta == b.delta && a.maxSpeed == b.maxSpeed && a.speedFactorMean == b.speedFactorMean &&
           a.speedFactorDev == b.speedFactorDev;
}

}  // namespace

std::optional<SumoDemand> parseSumoRoutes(std::string_view xml, const std::string& file,
                                          const SumoNetwork& net, DiagnosticReport& report) {
    RouteHandler h(file, report);
    const bool ok = parseXmlText(xml, file, h, report);
    return finish(h, ok, net);
}

std::optional<SumoDemand> readSumoRoutes(const std::string& path, const SumoNetwork& net,
                                         DiagnosticReport& report) {
    RouteHandler h(path, report);
    const bool ok = parseXmlFile(path, h, report);
    return finish(h, ok, net);
}

std::vector<VehicleType> simulationTypes(const SumoDemand& demand, DiagnosticReport& report,
                                         const std::string& file) {
    std::vector<VehicleType> out;
    for (int c = 0; c < kVehicleClassCount; ++c) {
        out.push_back(defaultVehicleType(static_cast<VehicleClass>(c)));
    }
    std::unordered_map<std::string, const SumoVehicleType*> byId;
    for (const SumoVehicleType& t : demand.types) {
        byId.emplace(t.id, &t);
    }
    std::vector<const SumoVehicleType*> chosen(static_cast<std::size_t>(kVehicleClassCount), nullptr);
    std::unordered_map<std::string, bool> reported;
    for (const std::string& id : demand.tripTypes) {
        const auto it = byId.find(id);
        if (it == byId.end()) {
            continue;
        }
        const SumoVehicleType* t = it->second;
        const auto c = static_cast<std::size_t>(t->type.vclass);
        if (chosen[c] == nullptr) {
            chosen[c] = t;
            out[c] = t->type;
        } else if (chosen[c] != t && !sameParameters(chosen[c]->type, t->type) && !reported[t->id]) {
            reported[t->id] = true;
            Diagnostic d;
            d.severity = Severity::Warning;
            d.code = "sumo.type_merged";
            d.file = file;
            d.message = "vTypes '" + chosen[c]->id + "' and '" + t->id + "' are both of class " +
                        std::string(toString(t->type.vclass)) +
                        " with different parameters; the engine keeps one type per class";
            d.action = "'" + t->id + "' vehicles drive as '" + chosen[c]->id + "'";
            report.add(std::move(d));
        }
    }
    return out;
}

}  // namespace ct::traffic
