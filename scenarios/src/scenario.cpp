#include "citytwin/scenarios/scenario.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ct::scenarios {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<double> parseClock(const std::string& text) {
    int h = 0, m = 0, s = 0;
    char extra = 0;
    const int n = std::sscanf(text.c_str(), "%d:%d:%d%c", &h, &m, &s, &extra);
    if (n < 2 || n > 3 || h < 0 || h > 47 || m < 0 || m > 59 || s < 0 || s > 59) {
        return std::nullopt;
    }
    return h * 3600.0 + m * 60.0 + s;
}

namespace {

/// Reads one scenario, reporting problems with the JSON pointer of the value concerned.
class Reader {
public:
    Reader(std::string file, DiagnosticReport& report) : m_file(std::move(file)), m_report(report) {}

    void error(const std::string& where, const std::string& what) {
        add(Severity::Error, where, what, "load stopped");
    }
    void warn(const std::string& where, const std::string& what) {
        add(Severity::Warning, where, what, "ignored");
    }

    /// Warns about keys not in `known`.
    void checkKeys(const json& obj, const std::string& where, const std::set<std::string>& known) {
        for (const auto& [k, v] : obj.items()) {
            if (!known.count(k)) {
                warn(where + "/" + k, "unknown key '" + k + "'");
            }
        }
    }
    std::optional<double> number(const json& obj, const std::string& key, const std::string& where, double lo,
                                 double hi) {
        if (!obj.contains(key)) {
            return std::nullopt;
        }
        const json& v = obj[key];
        if (!v.is_number()) {
            error(where + "/" + key, "must be a number");
            return std::nullopt;
        }
        const double d = v.get<double>();
        if (d < lo || d > hi) {
            std::ostringstream msg;
            msg << "must lie between " << lo << " and " << hi << ", not " << d;
            error(where + "/" + key, msg.str());
            return std::nullopt;
        }
        return d;
    }
    std::optional<std::string> string(const json& obj, const std::string& key, const std::string& where) {
        if (!obj.contains(key)) {
            return std::nullopt;
        }
        if (!obj[key].is_string()) {
            error(where + "/" + key, "must be a string");
            return std::nullopt;
        }
        return obj[key].get<std::string>();
    }
    /// A time: a number of seconds, or "HH:MM[:SS]" as a clock time (minus the start clock) or
    /// a duration (relative = false keeps it as is).
    std::optional<double> time(const json& obj, const std::string& key, const std::string& where,
                               double clockStart, bool clock) {
        if (!obj.contains(key)) {
            return std::nullopt;
        }
        const json& v = obj[key];
        if (v.is_number()) {
            return v.get<double>();
        }
        if (v.is_string()) {
            if (const auto t = parseClock(v.get<std::string>())) {
                return clock ? *t - clockStart : *t;
            }
        }
        error(where + "/" + key, "must be seconds or a time \"HH:MM[:SS]\"");
        return std::nullopt;
    }
    std::string path(const std::string& p) const {
        if (p.empty() || fs::path(p).is_absolute()) {
            return p;
        }
        return (fs::path(m_file).parent_path() / p).lexically_normal().string();
    }

private:
    void add(Severity s, const std::string& where, const std::string& what, const char* action) {
        Diagnostic d;
        d.severity = s;
        d.code = s == Severity::Error ? "scenario.invalid" : "scenario.unknown_key";
        d.file = m_file;
        d.layer = where;  // the JSON pointer
        d.message = what;
        d.action = action;
        m_report.add(std::move(d));
    }
    std::string m_file;
    DiagnosticReport& m_report;
};

}  // namespace

std::optional<ScenarioSpec> readScenario(const std::string& file, DiagnosticReport& report) {
    std::ifstream in(file);
    if (!in) {
        report.error("scenario.unreadable", file, "the scenario file cannot be opened");
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    json j;
    try {
        j = json::parse(text.str());
    } catch (const json::parse_error& e) {
        report.error("scenario.syntax", file, std::string("invalid JSON: ") + e.what());
        return std::nullopt;
    }
    const std::size_t errorsBefore = report.errorCount();
    Reader r(file, report);
    ScenarioSpec s;
    s.file = file;
    if (!j.is_object()) {
        r.error("", "a scenario is a JSON object");
        return std::nullopt;
    }
    r.checkKeys(j, "",
                {"name", "description", "city", "clock_start", "duration", "step_s", "seed", "threads",
                 "teleport_after_s", "reroute_interval_s", "demand", "outputs", "events", "signals",
                 "utilities", "vehicle_types"});
    s.name = r.string(j, "name", "").value_or(fs::path(file).stem().string());
    s.description = r.string(j, "description", "").value_or("");
    s.clockStart = r.string(j, "clock_start", "").value_or("00:00");
    const auto clock0 = parseClock(s.clockStart);
    if (!clock0) {
        r.error("/clock_start", "must be a time \"HH:MM[:SS]\"");
    }
    const double c0 = clock0.value_or(0.0);

    if (!j.contains("city") || !j["city"].is_object()) {
        r.error("/city", "a scenario needs a \"city\" object: {\"sample\": true} or {\"sources\": [...]}");
    } else {
        const json& c = j["city"];
        r.checkKeys(c, "/city", {"sample", "sources", "dem", "mapping", "sumo_net"});
        s.sampleCity = c.value("sample", false);
        if (c.contains("sources")) {
            if (!c["sources"].is_array()) {
                r.error("/city/sources", "must be an array of file names");
            } else {
                for (const json& src : c["sources"]) {
                    if (src.is_string()) {
                        s.citySources.push_back(r.path(src.get<std::string>()));
                    } else {
                        r.error("/city/sources", "must be an array of file names");
                    }
                }
            }
        }
        s.dem = r.path(r.string(c, "dem", "/city").value_or(""));
        s.mapping = r.path(r.string(c, "mapping", "/city").value_or(""));
        s.sumoNet = r.path(r.string(c, "sumo_net", "/city").value_or(""));
        if (!s.sampleCity && s.citySources.empty() && s.sumoNet.empty()) {
            r.error("/city", "give \"sources\", \"sumo_net\" or \"sample\": true");
        }
    }
    s.duration = r.time(j, "duration", "", c0, false).value_or(s.duration);
    if (s.duration <= 0 || s.duration > 7 * 86400) {
        r.error("/duration", "must be between 1 s and 7 days");
    }
    s.step = r.number(j, "step_s", "", 0.1, 1.0).value_or(s.step);
    s.seed = static_cast<std::uint64_t>(r.number(j, "seed", "", 0, 9.0e15).value_or(1));
    s.threads = static_cast<int>(r.number(j, "threads", "", 0, 1024).value_or(0));
    s.teleportAfter = r.number(j, "teleport_after_s", "", 0, 86400).value_or(s.teleportAfter);
    s.rerouteInterval = r.number(j, "reroute_interval_s", "", 0, 86400).value_or(s.rerouteInterval);

    if (j.contains("demand")) {
        const json& d = j["demand"];
        r.checkKeys(d, "/demand", {"generated", "trips", "sumo_routes"});
        if (d.contains("sumo_routes")) {
            if (!d["sumo_routes"].is_array()) {
                r.error("/demand/sumo_routes", "must be an array of SUMO route or trip files");
            } else {
                for (const json& f : d["sumo_routes"]) {
                    if (f.is_string()) {
                        s.sumoRoutes.push_back(r.path(f.get<std::string>()));
                    }
                }
            }
        }
        if (d.contains("generated")) {
            const json& g = d["generated"];
            const std::string w = "/demand/generated";
            r.checkKeys(g, w,
                        {"car_trips_per_resident", "scale", "begin", "end", "peak", "peak_width_s",
                         "distance_decay_m", "zone_size_m", "truck_share"});
            s.generatedDemand = true;
            traffic::CommuterDemand& cd = s.commuters;
            cd.begin = 0.0;
            cd.end = s.duration;
            cd.peak = s.duration / 2;
            cd.carTripsPerResident =
                r.number(g, "car_trips_per_resident", w, 0, 10).value_or(cd.carTripsPerResident);
            cd.scale = r.number(g, "scale", w, 0, 100).value_or(cd.scale);
            cd.begin = r.time(g, "begin", w, c0, true).value_or(cd.begin);
            cd.end = r.time(g, "end", w, c0, true).value_or(cd.end);
            cd.peak = r.time(g, "peak", w, c0, true).value_or(cd.peak);
            cd.peakWidth = r.number(g, "peak_width_s", w, 60, 86400).value_or(cd.peakWidth);
            cd.distanceDecay = r.number(g, "distance_decay_m", w, 100, 1e6).value_or(cd.distanceDecay);
            cd.zoneSize = r.number(g, "zone_size_m", w, 50, 1e5).value_or(cd.zoneSize);
            cd.truckShare = r.number(g, "truck_share", w, 0, 1).value_or(cd.truckShare);
            if (cd.end <= cd.begin) {
                r.error(w, "the departure window is empty: end must come after begin");
            }
        }
        if (d.contains("trips")) {
            if (!d["trips"].is_array()) {
                r.error("/demand/trips", "must be an array of trips CSV files");
            } else {
                for (const json& f : d["trips"]) {
                    if (f.is_string()) {
                        s.tripFiles.push_back(r.path(f.get<std::string>()));
                    }
                }
            }
        }
    }
    if (j.contains("outputs")) {
        const json& o = j["outputs"];
        r.checkKeys(o, "/outputs",
                    {"folder", "stats_interval_s", "kpi_interval_s", "signal_detectors", "geopackage"});
        s.outputFolder = r.string(o, "folder", "/outputs").value_or(s.outputFolder);
        s.statsInterval = r.number(o, "stats_interval_s", "/outputs", 1, 86400).value_or(s.statsInterval);
        s.kpiInterval = r.number(o, "kpi_interval_s", "/outputs", 1, 86400).value_or(s.kpiInterval);
        s.signalDetectors = o.value("signal_detectors", s.signalDetectors);
        s.geopackage = o.value("geopackage", s.geopackage);
    }
    s.outputFolder = r.path(s.outputFolder);
    if (!s.sumoNet.empty() && (s.generatedDemand || !s.tripFiles.empty())) {
        r.error("/demand",
                "a SUMO network takes its demand from \"sumo_routes\" (generated demand and trips CSV need a "
                "GIS city)");
    }
    if (s.sumoNet.empty() && !s.sumoRoutes.empty()) {
        r.error("/demand/sumo_routes", "SUMO routes need a SUMO network (\"city\": {\"sumo_net\": ...})");
    }
    if (j.contains("events")) {
        if (!j["events"].is_array()) {
            r.error("/events", "must be an array of events");
        } else {
            for (std::size_t i = 0; i < j["events"].size(); ++i) {
                const json& e = j["events"][i];
                const std::string w = "/events/" + std::to_string(i);
                if (!e.is_object()) {
                    r.error(w, "an event is an object");
                    continue;
                }
                r.checkKeys(e, w, {"time", "type", "link", "target", "diameter_mm", "note"});
                ScenarioEvent ev;
                ev.line = static_cast<int>(i);
                const auto t = r.time(e, "time", w, c0, true);
                if (!t) {
                    r.error(w + "/time", "an event needs a time");
                    continue;
                }
                ev.time = *t;
                const std::string type = r.string(e, "type", w).value_or("");
                static const std::map<std::string, utility::EventKind> kUtilityEvents{
                    {"pipe_burst", utility::EventKind::PipeBurst},
                    {"pipe_close", utility::EventKind::PipeClose},
                    {"pump_outage", utility::EventKind::PumpOutage},
                    {"line_failure", utility::EventKind::LineFailure},
                    {"substation_failure", utility::EventKind::SubstationFailure},
                    {"repair", utility::EventKind::Repair}};
                if (const auto u = kUtilityEvents.find(type); u != kUtilityEvents.end()) {
                    utility::UtilityEvent ue;
                    ue.time = *t;
                    ue.kind = u->second;
                    ue.origin = w;
                    ue.target = r.string(e, "target", w).value_or("");
                    ue.burstDiameterM = r.number(e, "diameter_mm", w, 1.0, 5000.0).value_or(0.0) / 1000.0;
                    if (ue.target.empty()) {
                        r.error(w + "/target",
                                "a " + type +
                                    " event needs a \"target\": a water link id, a power line id, "
                                    "or a bus id or name");
                        continue;
                    }
                    s.utilityEvents.push_back(std::move(ue));
                    continue;
                }
                if (type == "close_link") {
                    ev.type = ScenarioEvent::Type::CloseLink;
                } else if (type == "open_link") {
                    ev.type = ScenarioEvent::Type::OpenLink;
                } else {
                    r.error(w + "/type",
                            "must be close_link, open_link, pipe_burst, pipe_close, pump_outage, "
                            "line_failure, substation_failure or repair, not '" +
                                type + "'");
                    continue;
                }
                ev.link = r.string(e, "link", w).value_or("");
                if (ev.link.empty()) {
                    r.error(w + "/link",
                            "the link to close or open: \"123\", \"way:4711\" or \"name:Main Street\"");
                    continue;
                }
                s.events.push_back(ev);
            }
        }
    }
    for (int c = 0; c < traffic::kVehicleClassCount; ++c) {
        s.vehicleTypes.push_back(traffic::defaultVehicleType(static_cast<traffic::VehicleClass>(c)));
    }
    if (j.contains("vehicle_types")) {
        const json& vt = j["vehicle_types"];
        if (!vt.is_object()) {
            r.error("/vehicle_types", "must be an object of classes: {\"car\": {...}, \"truck\": {...}}");
        } else {
            for (const auto& [cls, params] : vt.items()) {
                const std::string w = "/vehicle_types/" + cls;
                const auto c = traffic::vehicleClassFromString(cls);
                if (!c) {
                    r.error(w, "not a vehicle class (car, bus, truck, emergency)");
                    continue;
                }
                if (!params.is_object()) {
                    r.error(w, "must be an object of parameters");
                    continue;
                }
                r.checkKeys(params, w,
                            {"length_m", "max_accel", "comfort_decel", "emergency_decel", "min_gap_m",
                             "headway_s", "max_speed_kmh", "speed_factor_mean", "speed_factor_dev",
                             "politeness", "critical_gap_s"});
                traffic::VehicleType& t = s.vehicleTypes[static_cast<std::size_t>(*c)];
                t.length = r.number(params, "length_m", w, 1.0, 40.0).value_or(t.length);
                t.maxAccel = r.number(params, "max_accel", w, 0.1, 10.0).value_or(t.maxAccel);
                t.comfortDecel = r.number(params, "comfort_decel", w, 0.1, 10.0).value_or(t.comfortDecel);
                t.emergencyDecel =
                    r.number(params, "emergency_decel", w, 0.1, 15.0).value_or(t.emergencyDecel);
                t.minGap = r.number(params, "min_gap_m", w, 0.0, 20.0).value_or(t.minGap);
                t.headway = r.number(params, "headway_s", w, 0.1, 5.0).value_or(t.headway);
                t.maxSpeed =
                    r.number(params, "max_speed_kmh", w, 5.0, 300.0).value_or(t.maxSpeed * 3.6) / 3.6;
                t.speedFactorMean =
                    r.number(params, "speed_factor_mean", w, 0.5, 1.5).value_or(t.speedFactorMean);
                t.speedFactorDev =
                    r.number(params, "speed_factor_dev", w, 0.0, 0.5).value_or(t.speedFactorDev);
                t.politeness = r.number(params, "politeness", w, 0.0, 1.0).value_or(t.politeness);
                t.criticalGap = r.number(params, "critical_gap_s", w, 0.5, 20.0).value_or(t.criticalGap);
                if (t.emergencyDecel < t.comfortDecel) {
                    r.error(w + "/emergency_decel", "must not be below comfort_decel");
                }
            }
        }
    }
    if (j.contains("utilities")) {
        const json& u = j["utilities"];
        if (!u.is_object()) {
            r.error("/utilities", "must be an object");
        } else {
            r.checkKeys(u, "/utilities",
                        {"enabled", "step_s", "service_pressure_m", "hospital_backup_h", "trip_delay_s",
                         "dark_signals_stop"});
            UtilitySettings& us = s.utilities;
            us.enabled = u.value("enabled", true);
            us.step = r.number(u, "step_s", "/utilities", 1.0, 3600.0).value_or(us.step);
            us.servicePressureM =
                r.number(u, "service_pressure_m", "/utilities", 0.0, 200.0).value_or(us.servicePressureM);
            us.hospitalBackupHours = r.number(u, "hospital_backup_h", "/utilities", 0.0, 24.0 * 30)
                                         .value_or(us.hospitalBackupHours);
            us.tripDelay = r.number(u, "trip_delay_s", "/utilities", 0.0, 86400.0).value_or(us.tripDelay);
            us.darkSignalsStop = u.value("dark_signals_stop", true);
        }
    }
    if (j.contains("signals")) {
        if (!j["signals"].is_array()) {
            r.error("/signals", "must be an array of signal programs");
        } else {
            for (std::size_t i = 0; i < j["signals"].size(); ++i) {
                const json& g = j["signals"][i];
                const std::string w = "/signals/" + std::to_string(i);
                if (!g.is_object()) {
                    r.error(w, "a signal program is an object");
                    continue;
                }
                r.checkKeys(g, w, {"node", "offset_s", "phases", "note"});
                SignalOverride o;
                o.index = static_cast<int>(i);
                const auto node = r.number(g, "node", w, 0, 4.0e9);
                if (!node) {
                    r.error(w + "/node", "the node index (citytwin signals lists them)");
                    continue;
                }
                o.node = static_cast<std::uint32_t>(*node);
                o.offset = r.number(g, "offset_s", w, -86400, 86400).value_or(0.0);
                if (!g.contains("phases") || !g["phases"].is_array() || g["phases"].empty()) {
                    r.error(w + "/phases", "needs a non-empty array of {\"duration_s\", \"state\"}");
                    continue;
                }
                for (std::size_t k = 0; k < g["phases"].size(); ++k) {
                    const json& ph = g["phases"][k];
                    const std::string pw = w + "/phases/" + std::to_string(k);
                    const auto d = ph.is_object() ? r.number(ph, "duration_s", pw, 0.1, 3600) : std::nullopt;
                    const auto st = ph.is_object() ? r.string(ph, "state", pw) : std::nullopt;
                    if (!d || !st) {
                        r.error(pw, "a phase is {\"duration_s\": seconds, \"state\": \"GGrr...\"}");
                        continue;
                    }
                    if (st->find_first_not_of("GgyYrRusO") != std::string::npos) {
                        r.error(pw + "/state", "letters must be G g y r s O (SUMO's signal states)");
                        continue;
                    }
                    o.phases.push_back({*d, *st});
                }
                s.signalPrograms.push_back(std::move(o));
            }
        }
    }
    if (report.errorCount() > errorsBefore) {
        return std::nullopt;
    }
    return s;
}

}  // namespace ct::scenarios
