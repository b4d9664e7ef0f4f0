#include "run_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include <unistd.h>

#include "citytwin/gis/city_loader.h"
#include "citytwin/gis/geo_output.h"
#include "citytwin/scenarios/link_refs.h"
#include "citytwin/scenarios/scenario.h"
#include "citytwin/scenarios/signal_overrides.h"
#include "citytwin/sim/atomic_file.h"
#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/outputs.h"
#include "citytwin/traffic/simulation.h"
#include "citytwin/traffic/sumo_import.h"
#include "citytwin/utility/traffic_coupling.h"
#include "citytwin/utility/utility_model.h"
#include "citytwin/utility/utility_outputs.h"
#include "citytwin/utility/utility_simulation.h"
#include "info_command.h"
#include "service_plots.h"

namespace ct::cli {

namespace {

std::string clockText(double t) {
    const auto s = static_cast<long>(std::floor(t));
    std::ostringstream os;
    os << std::setfill('0') << std::setw(2) << (s / 3600) << ':' << std::setw(2) << (s / 60 % 60) << ':'
       << std::setw(2) << (s % 60);
    return os.str();
}

std::string fixed(double v, int d) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(d) << v;
    return os.str();
}

constexpr const char* kRunHelp = R"(Usage: citytwin run SCENARIO.json [--threads N] [--out DIR] [--quiet]

Runs a scenario headless: loads its city, builds the traffic network, generates or reads the
demand, simulates with the scenario's events, and writes to the output folder:
  tripinfo.csv     one row per trip (SUMO tripinfo fields)
  link_stats.csv   per link and interval: flow, density, speed, travel time
  links.gpkg       the same as GeoPackage layers (open in QGIS)
  kpi.csv          network KPIs over time (mean speed, delay index, vehicle-hours of delay,
                   throughput, vehicles running, CO2)
  detectors.csv    virtual loop detectors (count, occupancy, speed)
  teleports.csv    every teleport (a vehicle stuck 300 s moved ahead): where, which junction
  summary.json     the run's summary
)";

}  // namespace

std::string signalProgramsJson(const traffic::TrafficNetwork& net,
                               const std::vector<std::string>& linkNames) {
    nlohmann::json out = nlohmann::json::array();
    static constexpr const char* kDir[] = {"straight", "right", "left", "uturn"};
    for (std::uint32_t n = 0; n < net.nodeCount(); ++n) {
        const auto conns = net.connectionsOfNode(NodeId{n});
        if (conns.empty() || net.nodeControl[n] == traffic::JunctionControl::None) {
            continue;
        }
        nlohmann::json node;
        node["node"] = n;
        node["x_m"] = net.nodePos[n].x;
        node["y_m"] = net.nodePos[n].y;
        nlohmann::json cs = nlohmann::json::array();
        for (std::size_t k = 0; k < conns.size(); ++k) {
            const std::uint32_t c = conns[k];
            const std::uint32_t from = net.laneLink[net.connFrom[c].index()].index();
            const std::uint32_t to = net.laneLink[net.connTo[c].index()].index();
            cs.push_back({{"index", k},
                          {"from_link", from < linkNames.size() ? linkNames[from] : std::to_string(from)},
                          {"from_lane", net.laneIndex[net.connFrom[c].index()]},
                          {"to_link", to < linkNames.size() ? linkNames[to] : std::to_string(to)},
                          {"dir", kDir[static_cast<int>(net.connDir[c])]},
                          {"priority", std::string(1, traffic::toChar(net.connBaseState[c]))}});
        }
        node["connections"] = cs;
        // A joined signal cluster (docs/traffic.md): all its nodes, this one included; their
        // programs run as one (same phase durations and offset).
        if (n < net.nodeSignalCluster.size() && net.nodeSignalCluster[n] != UINT32_MAX) {
            nlohmann::json members = nlohmann::json::array();
            for (std::uint32_t m = 0; m < net.nodeSignalCluster.size(); ++m) {
                if (net.nodeSignalCluster[m] == net.nodeSignalCluster[n]) {
                    members.push_back(m);
                }
            }
            node["cluster"] = members;
        }
        if (net.nodeProgram[n] != UINT32_MAX) {
            const traffic::SignalProgram& p = net.programs[net.nodeProgram[n]];
            node["offset_s"] = p.offset;
            nlohmann::json phases = nlohmann::json::array();
            for (const auto& ph : p.phases) {
                phases.push_back({{"duration_s", ph.duration}, {"state", ph.states}});
            }
            node["phases"] = phases;
        }
        out.push_back(node);
    }
    return out.dump(2);
}

bool loadScenarioNetwork(const scenarios::ScenarioSpec& spec, ScenarioNetwork& out,
                         DiagnosticReport& report) {
    if (!spec.sumoNet.empty()) {
        out.sumo = traffic::readSumoNetwork(spec.sumoNet, report);
        if (!out.sumo) {
            return false;
        }
        out.net = out.sumo->net;
        return true;
    }
    gis::LoadOptions load;
    if (spec.sampleCity) {
        const char* env = std::getenv("CITYTWIN_ASSETS_DIR");
        load = gis::sampleCityOptions(env != nullptr ? env : CT_DEFAULT_ASSETS_DIR);
    }
    if (!spec.citySources.empty()) {
        load.vectorSources = spec.citySources;
    }
    if (!spec.dem.empty()) {
        load.demPath = spec.dem;
    }
    load.mappingPath = spec.mapping;
    out.loaded = gis::loadCity(load);
    if (!out.loaded->city) {
        report.append(out.loaded->report);
        return false;
    }
    out.net = traffic::buildTrafficNetwork(out.loaded->city->roads);
    return true;
}

int runSignalsCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
        err << "Usage: citytwin signals SCENARIO.json\n"
               "Prints the junctions of the scenario's network (node index, position, connections with\n"
               "their index, links, direction and priority) and their signal programs as JSON, with the\n"
               "scenario's own \"signals\" applied. Copy a node into the scenario's \"signals\" array to\n"
               "edit its program (docs/scenarios.md).\n";
        return args.size() == 1 && (args[0] == "-h" || args[0] == "--help") ? kExitOk : kExitUsage;
    }
    DiagnosticReport report;
    const auto spec = scenarios::readScenario(args[0], report);
    ScenarioNetwork sn;
    if (!spec || !loadScenarioNetwork(*spec, sn, report)) {
        err << report.summary();
        return kExitLoadError;
    }
    scenarios::applySignalOverrides(*spec, sn.net, report);
    if (report.hasErrors()) {
        err << report.summary();
        return kExitLoadError;
    }
    std::vector<std::string> names(sn.net.linkCount());
    for (std::uint32_t l = 0; l < sn.net.linkCount(); ++l) {
        names[l] = sn.sumo ? sn.sumo->edgeIdString(LinkId{l}) : std::to_string(l);
    }
    out << signalProgramsJson(sn.net, names) << '\n';
    return kExitOk;
}

int runScenarioCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string scenarioPath, outDir;
    int threads = -1;
    bool quiet = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out << kRunHelp;
            return kExitOk;
        }
        if (a == "--threads" && i + 1 < args.size()) {
            threads = std::atoi(args[++i].c_str());
        } else if (a == "--out" && i + 1 < args.size()) {
            outDir = args[++i];
        } else if (a == "--quiet") {
            quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            err << "citytwin: unknown option '" << a << "' for run\n" << kRunHelp;
            return kExitUsage;
        } else if (scenarioPath.empty()) {
            scenarioPath = a;
        } else {
            err << "citytwin: run takes one scenario file\n";
            return kExitUsage;
        }
    }
    if (scenarioPath.empty()) {
        err << "citytwin: run needs a scenario file\n" << kRunHelp;
        return kExitUsage;
    }
    const auto wall0 = std::chrono::steady_clock::now();
    DiagnosticReport report;
    auto spec = scenarios::readScenario(scenarioPath, report);
    auto failWith = [&](const DiagnosticReport& r) {
        err << r.summary() << "The scenario was not run.\n";
        return kExitLoadError;
    };
    if (!spec) {
        return failWith(report);
    }
    if (threads >= 0) {
        spec->threads = threads;
    }
    if (!outDir.empty()) {
        spec->outputFolder = outDir;
    }

    // The network: a GIS city (with its city model), or a SUMO network as SUMO drives it.
    if (!quiet) {
        err << "Loading the " << (spec->sumoNet.empty() ? "city" : "SUMO network") << "...\n";
    }
    ScenarioNetwork sn;
    if (!loadScenarioNetwork(*spec, sn, report)) {
        return failWith(report);
    }
    std::optional<gis::LoadResult>& loaded = sn.loaded;
    std::optional<traffic::SumoNetwork>& sumo = sn.sumo;
    traffic::TrafficNetwork& net = sn.net;
    std::unique_ptr<scenarios::LinkResolver> resolver;
    std::vector<traffic::Trip> trips;
    traffic::SimOptions so;
    const double clock0 = scenarios::parseClock(spec->clockStart).value_or(0.0);
    if (sumo) {
        traffic::SumoDemand all;
        for (const std::string& f : spec->sumoRoutes) {
            auto d = traffic::readSumoRoutes(f, *sumo, report);
            if (!d) {
                return failWith(report);
            }
            for (std::size_t i = 0; i < d->trips.size(); ++i) {
                all.trips.push_back(std::move(d->trips[i]));
                all.tripTypes.push_back(d->tripTypes[i]);
            }
            all.types.insert(all.types.end(), d->types.begin(), d->types.end());
        }
        so.types = traffic::simulationTypes(all, report);
        trips = std::move(all.trips);
    } else {
        so.types = spec->vehicleTypes;
        resolver = std::make_unique<scenarios::LinkResolver>(*loaded->city);
        if (spec->generatedDemand) {
            trips = traffic::generateCommuterTrips(*loaded->city, spec->commuters, spec->seed);
        }
        for (const std::string& f : spec->tripFiles) {
            for (const scenarios::CsvTrip& t : scenarios::readTripsCsv(f, *resolver, clock0, report)) {
                traffic::Trip tr;
                tr.id = t.id;
                tr.depart = t.depart;
                tr.from = t.from;
                tr.to = t.to;
                tr.vclass = traffic::vehicleClassFromString(t.type).value_or(traffic::VehicleClass::Car);
                trips.push_back(std::move(tr));
            }
        }
    }
    // Link references: SUMO edge ids ("edge:ID" or the bare id) on a SUMO network.
    auto resolve = [&](const std::string& ref) -> std::vector<LinkId> {
        if (sumo) {
            const LinkId l = sumo->findEdge(ref.rfind("edge:", 0) == 0 ? ref.substr(5) : ref);
            return l.valid() ? std::vector<LinkId>{l} : std::vector<LinkId>{};
        }
        return resolver->resolve(ref);
    };
    // Events: every link reference must name something.
    struct Pending {
        double time;
        bool close;
        std::vector<LinkId> links;
        std::string ref;
    };
    std::vector<Pending> events;
    for (const scenarios::ScenarioEvent& e : spec->events) {
        const auto links = resolve(e.link);
        if (links.empty()) {
            Diagnostic d;
            d.severity = Severity::Error;
            d.code = "scenario.unknown_link";
            d.file = spec->file;
            d.layer = "/events/" + std::to_string(e.line) + "/link";
            d.message = "'" + e.link + "' names no link of the " + (sumo ? "SUMO network" : "city");
            d.action = "load stopped";
            report.add(std::move(d));
        }
        events.push_back({e.time, e.type == scenarios::ScenarioEvent::Type::CloseLink, links, e.link});
    }
    scenarios::applySignalOverrides(*spec, net, report);

    // Utilities: the city's water and power networks run beside the traffic.
    std::optional<utility::UtilityModel> umodel;
    std::unique_ptr<utility::UtilitySimulation> usim;
    const bool cityHasUtilities =
        loaded && (loaded->city->utilities.hasWater() || loaded->city->utilities.hasPower());
    if (cityHasUtilities && spec->utilities.enabled) {
        utility::ServiceOptions svc;
        svc.servicePressureM = spec->utilities.servicePressureM;
        svc.hospitalBackupHours = spec->utilities.hospitalBackupHours;
        DiagnosticReport ur;
        umodel = utility::buildUtilityModel(*loaded->city, svc, clock0, ur);
        utility::UtilitySimOptions uo;
        uo.step = spec->utilities.step;
        uo.clockStart = clock0;
        uo.tripDelay = spec->utilities.tripDelay;
        usim = std::make_unique<utility::UtilitySimulation>(*umodel, *loaded->city, uo);
        usim->addEvents(spec->utilityEvents, ur);
        for (Diagnostic d : ur.items()) {
            if (d.file.empty()) {
                d.file = spec->file;  // events: the JSON pointer is in `layer`
            }
            if (d.severity == Severity::Error && d.action == "load stopped") {
                d.action = "run stopped (\"utilities\": {\"enabled\": false} runs the traffic alone)";
            }
            report.add(std::move(d));
        }
    } else if (!spec->utilityEvents.empty()) {
        Diagnostic d;
        d.severity = Severity::Error;
        d.code = "scenario.no_utilities";
        d.file = spec->file;
        d.layer = spec->utilityEvents.front().origin;
        d.message = cityHasUtilities ? "utility events, but \"utilities\" are disabled"
                                     : "utility events need a city with water_nodes / power_buses layers "
                                       "(docs/data-schema.md)";
        d.action = "load stopped";
        report.add(std::move(d));
    }
    if (report.hasErrors()) {
        return failWith(report);
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Pending& a, const Pending& b) { return a.time < b.time; });

    so.step = spec->step;
    so.seed = spec->seed;
    so.threads = spec->threads;
    so.teleportAfter = spec->teleportAfter;
    so.rerouteInterval = spec->rerouteInterval;
    so.statsInterval = spec->statsInterval;
    traffic::Simulation sim(net, so);
    const std::size_t tripCount = trips.size();
    sim.addTrips(std::move(trips));
    if (spec->signalDetectors) {
        sim.addSignalApproachDetectors();
    }
    if (!quiet) {
        err << "Simulating " << spec->name << ": " << tripCount << " trips on " << net.linkCount()
            << " links (" << net.laneCount() << " lanes), " << clockText(clock0) << " to "
            << clockText(clock0 + spec->duration) << "\n";
    }

    // The run, with a progress bar (rewritten in place on a terminal, every 10 % otherwise).
    traffic::KpiRecorder kpi(spec->kpiInterval);
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    std::size_t nextEvent = 0;
    int lastShown = -1;
    const auto simStart = std::chrono::steady_clock::now();
    std::unique_ptr<utility::TrafficCoupling> coupling;
    if (usim) {
        coupling = std::make_unique<utility::TrafficCoupling>(*usim, sim, spec->utilities.step,
                                                              spec->utilities.darkSignalsStop);
    }
    while (sim.time() < spec->duration - 1e-9) {
        if (coupling) {
            const utility::CouplingUpdate u = coupling->beforeTrafficStep();
            if (!quiet) {
                for (const utility::UtilityLogEntry& e : u.newLog) {
                    err << (tty ? "\r" : "") << clockText(clock0 + e.time) << " " << e.what
                        << (tty ? "\033[K" : "") << "\n";
                }
                if (u.darkChanged) {
                    err << (tty ? "\r" : "") << clockText(clock0 + sim.time()) << " " << u.darkSignals
                        << " signalised junctions without power (all-way stops)" << (tty ? "\033[K" : "")
                        << "\n";
                }
            }
        }
        while (nextEvent < events.size() && events[nextEvent].time <= sim.time() + 1e-9) {
            const Pending& e = events[nextEvent++];
            for (LinkId l : e.links) {
                if (e.close) {
                    sim.closeLink(l);
                } else {
                    sim.openLink(l);
                }
            }
            if (!quiet) {
                err << (tty ? "\r" : "") << clockText(clock0 + sim.time()) << " "
                    << (e.close ? "closed " : "opened ") << e.ref << " (" << e.links.size() << " links)"
                    << (tty ? "\033[K" : "") << "\n";
            }
        }
        sim.step();
        kpi.record(sim, spec->step);
        const int pct = static_cast<int>(100.0 * sim.time() / spec->duration);
        if (!quiet && pct != lastShown && (tty || pct % 10 == 0)) {
            lastShown = pct;
            const int bar = pct / 4;
            err << (tty ? "\r" : "") << "[" << std::string(static_cast<std::size_t>(bar), '#')
                << std::string(static_cast<std::size_t>(25 - bar), '.') << "] " << std::setw(3) << pct
                << "%  " << clockText(clock0 + sim.time()) << "  running " << sim.lastStep().running
                << "  arrived " << sim.counters().arrived << "  speed "
                << fixed(sim.lastStep().meanSpeed * 3.6, 0) << " km/h" << (tty ? "\033[K" : "\n");
        }
    }
    kpi.finish(sim);
    const double simSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - simStart).count();
    if (!quiet && tty) {
        err << "\n";
    }

    // Outputs.
    std::filesystem::create_directories(spec->outputFolder);
    const std::string dir = spec->outputFolder + "/";
    traffic::LinkNames names(net.linkCount());
    for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
        names[l] = sumo ? sumo->edgeIdString(LinkId{l}) : std::to_string(l);
    }
    std::string werr;
    bool ok = writeFileAtomically(dir + "tripinfo.csv", traffic::tripinfoCsv(sim.trips()), &werr) &&
              writeFileAtomically(dir + "link_stats.csv",
                                  traffic::linkStatsCsv(net, sim.linkIntervals(), names), &werr) &&
              writeFileAtomically(dir + "kpi.csv", traffic::kpiCsv(kpi.samples()), &werr) &&
              writeFileAtomically(dir + "detectors.csv", traffic::detectorsCsv(sim, net, names), &werr);
    // Where vehicles got stuck: every teleport, and the junctions with the most of them.
    auto junctionLabel = [&](NodeId n) -> std::string {
        if (!n.valid()) {
            return "";
        }
        if (sumo) {
            return n.index() < sumo->junctionIds.size() ? sumo->junctionIds[n.index()] : "";
        }
        if (!loaded || n.index() >= loaded->city->roads.nodeCount()) {
            return "";
        }
        const RoadNetwork& roads = loaded->city->roads;
        std::vector<std::string> streets;
        auto addName = [&](LinkId l) {
            const std::uint32_t k = roads.linkName[l.index()];
            if (k != 0 && k < roads.names.size() &&
                std::find(streets.begin(), streets.end(), roads.names[k]) == streets.end()) {
                streets.push_back(roads.names[k]);
            }
        };
        for (const LinkId l : roads.incoming(n)) {
            addName(l);
        }
        for (const LinkId l : roads.outgoing(n)) {
            addName(l);
        }
        std::string label;
        for (const std::string& st : streets) {
            label += (label.empty() ? "" : " / ") + st;
        }
        return label;
    };
    auto csvField = [](const std::string& v) {
        if (v.find_first_of(",\"\n") == std::string::npos) {
            return v;
        }
        std::string q = "\"";
        for (const char ch : v) {
            q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        }
        return q + "\"";
    };
    std::map<std::uint32_t, std::uint32_t> teleportsAt;  // by junction
    {
        std::ostringstream tp;
        tp << "time_s,clock,trip,stood_on_link,lane,junction,junction_streets,wanted_link,moved_to_link\n";
        const std::vector<traffic::TripResult>& results = sim.trips();
        for (const traffic::TeleportEvent& e : sim.teleports()) {
            const bool internal = net.isInternal(e.lane);
            tp << fixed(e.time, 1) << ',' << clockText(clock0 + e.time) << ','
               << csvField(e.trip < results.size() ? results[e.trip].id : std::to_string(e.trip)) << ','
               << (internal ? std::string("junction") : names[net.laneLink[e.lane.index()].index()]) << ','
               << (internal ? std::string() : std::to_string(net.laneIndex[e.lane.index()])) << ','
               << (e.node.valid() ? std::to_string(e.node.index()) : std::string()) << ','
               << csvField(junctionLabel(e.node)) << ',' << (e.wanted.valid() ? names[e.wanted.index()] : "")
               << ',' << (e.to.valid() ? names[e.to.index()] : std::string("removed")) << '\n';
            if (e.node.valid()) {
                ++teleportsAt[e.node.index()];
            }
        }
        ok = ok && writeFileAtomically(dir + "teleports.csv", tp.str(), &werr);
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> hotspots(teleportsAt.begin(), teleportsAt.end());
    std::stable_sort(hotspots.begin(), hotspots.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (hotspots.size() > 5) {
        hotspots.resize(5);
    }

    if (ok && spec->geopackage && loaded) {
        gis::LinkLayer total{
            "links_total", {"flow_vph", "density_vpkm", "speed_kmh", "travel_time_s", "delay_index"}, {}};
        gis::LinkLayer perInterval{
            "link_intervals",
            {"begin_s", "end_s", "flow_vph", "density_vpkm", "speed_kmh", "travel_time_s"},
            {}};
        std::vector<double> entered(net.linkCount(), 0), vehS(net.linkCount(), 0), spd(net.linkCount(), 0);
        double span = 0;
        for (const traffic::LinkInterval& in : sim.linkIntervals()) {
            span += in.end - in.begin;
            for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
                entered[l] += in.entered[l];
                vehS[l] += in.vehicleSeconds[l];
                spd[l] += in.speedSum[l];
                if (in.entered[l] > 0 || in.vehicleSeconds[l] > 0) {
                    const traffic::LinkFigures f = traffic::linkFigures(net, in, l);
                    perInterval.rows.push_back(
                        {l, {in.begin, in.end, f.flow, f.density, f.speed * 3.6, f.travelTime}});
                }
            }
        }
        for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
            const double km = net.linkLength[l] / 1000.0;
            const double v = vehS[l] > 0 ? spd[l] / vehS[l] : 0.0;
            const double tt = v > 0.1 ? net.linkLength[l] / v : net.linkLength[l] / net.linkSpeed[l];
            const double freeTt = net.linkLength[l] / net.linkSpeed[l];
            total.rows.push_back({l,
                                  {span > 0 ? entered[l] * 3600 / span : 0.0,
                                   span > 0 ? vehS[l] / span / km : 0.0, v * 3.6, tt, tt / freeTt}});
        }
        ok = gis::writeLinkGeoPackage(dir + "links.gpkg", *loaded->city, {total, perInterval}, &werr);
    }

    // Utility outputs: service over time, per building, changes, log, and a map layer.
    nlohmann::json ujs;
    if (ok && usim) {
        const auto& uk = usim->kpis();
        ok = writeFileAtomically(dir + "utilities_kpi.csv", utility::utilityKpiCsv(uk, clock0), &werr) &&
             writeFileAtomically(dir + "building_service.csv",
                                 utility::buildingServiceCsv(*loaded->city, *umodel, *usim), &werr) &&
             writeFileAtomically(dir + "service_changes.csv",
                                 utility::serviceChangesCsv(usim->changes(), clock0), &werr) &&
             writeFileAtomically(dir + "utility_log.csv", utility::utilityLogCsv(usim->log(), clock0),
                                 &werr) &&
             writeFileAtomically(
                 dir + "service_timeline.svg",
                 serviceTimelineSvg(uk, usim->log(), clock0, spec->name + ": service over time"), &werr) &&
             writeFileAtomically(dir + "service_map.svg",
                                 serviceMapSvg(*loaded->city, usim->buildingMinutesWithoutPower(),
                                               usim->buildingMinutesWithoutWater(),
                                               spec->name + ": buildings without service"),
                                 &werr);
        const std::size_t nb = loaded->city->buildings.count();
        std::vector<double> waterLost(nb, -1), powerLost(nb, -1), waterBack(nb, -1), powerBack(nb, -1);
        for (const utility::ServiceChange& ch : usim->changes()) {
            auto& lost = ch.water ? waterLost : powerLost;
            auto& back = ch.water ? waterBack : powerBack;
            if (!ch.available && lost[ch.building] < 0) {
                lost[ch.building] = ch.time;
            } else if (ch.available) {
                back[ch.building] = ch.time;
            }
        }
        if (ok && spec->geopackage) {
            gis::BuildingLayer layer{"building_service",
                                     {"minutes_without_water", "minutes_without_power", "water_lost_s",
                                      "water_back_s", "power_lost_s", "power_back_s"},
                                     {}};
            for (std::uint32_t b = 0; b < nb; ++b) {
                layer.rows.push_back(
                    {b,
                     {usim->buildingMinutesWithoutWater()[b], usim->buildingMinutesWithoutPower()[b],
                      waterLost[b], waterBack[b], powerLost[b], powerBack[b]}});
            }
            ok = gis::writeBuildingGeoPackage(dir + "service.gpkg", *loaded->city, {layer}, &werr);
        }
        utility::UtilityKpi peak;
        for (const utility::UtilityKpi& k : uk) {
            peak.buildingsWithoutWater = std::max(peak.buildingsWithoutWater, k.buildingsWithoutWater);
            peak.buildingsWithoutPower = std::max(peak.buildingsWithoutPower, k.buildingsWithoutPower);
            peak.residentsWithoutWater = std::max(peak.residentsWithoutWater, k.residentsWithoutWater);
            peak.residentsWithoutPower = std::max(peak.residentsWithoutPower, k.residentsWithoutPower);
            peak.shareWithoutWater = std::max(peak.shareWithoutWater, k.shareWithoutWater);
            peak.shareWithoutPower = std::max(peak.shareWithoutPower, k.shareWithoutPower);
            peak.darkSignals = std::max(peak.darkSignals, k.darkSignals);
            peak.pumpsWithoutPower = std::max(peak.pumpsWithoutPower, k.pumpsWithoutPower);
            peak.hospitalsOnBackup = std::max(peak.hospitalsOnBackup, k.hospitalsOnBackup);
            peak.hospitalsWithoutPower = std::max(peak.hospitalsWithoutPower, k.hospitalsWithoutPower);
        }
        const utility::UtilityKpi last = uk.empty() ? utility::UtilityKpi{} : uk.back();
        std::size_t everWater = 0, everPower = 0;
        for (std::size_t b = 0; b < nb; ++b) {
            everWater += waterLost[b] >= 0 ? 1 : 0;
            everPower += powerLost[b] >= 0 ? 1 : 0;
        }
        ujs = {{"water_network", umodel->hasWater},
               {"power_network", umodel->hasPower},
               {"buildings_lost_water", everWater},
               {"buildings_lost_power", everPower},
               {"peak_residents_without_water", peak.residentsWithoutWater},
               {"peak_residents_without_power", peak.residentsWithoutPower},
               {"peak_share_without_water", peak.shareWithoutWater},
               {"peak_share_without_power", peak.shareWithoutPower},
               {"customer_minutes_water", last.customerMinutesWater},
               {"customer_minutes_power", last.customerMinutesPower},
               {"saidi_water_min", last.saidiWaterMin},
               {"saidi_power_min", last.saidiPowerMin},
               {"requested_m3", last.requestedM3},
               {"delivered_m3", last.deliveredM3},
               {"unmet_m3", last.unmetM3},
               {"leak_m3", last.leakM3},
               {"peak_dark_signals", peak.darkSignals},
               {"peak_pumps_without_power", peak.pumpsWithoutPower},
               {"peak_hospitals_on_backup", peak.hospitalsOnBackup},
               {"peak_hospitals_without_power", peak.hospitalsWithoutPower},
               {"events", spec->utilityEvents.size()},
               {"log_entries", usim->log().size()}};
    }

    // Summary.
    const traffic::Counters& c = sim.counters();
    double ttSum = 0, lossSum = 0, waitSum = 0, done = 0;
    for (const traffic::TripResult& r : sim.trips()) {
        if (r.outcome == traffic::TripOutcome::Arrived) {
            ttSum += r.duration;
            lossSum += r.timeLoss;
            waitSum += r.waitingTime;
            ++done;
        }
    }
    const traffic::KpiSample tot = kpi.total();
    nlohmann::json js;
    js["scenario"] = spec->name;
    js["file"] = spec->file;
    js["seed"] = spec->seed;
    js["duration_s"] = spec->duration;
    js["trips"] = {{"total", tripCount},         {"inserted", c.inserted},
                   {"arrived", c.arrived},       {"running", c.running},
                   {"pending", c.pending},       {"no_route", c.noRoute},
                   {"removed", c.removed},       {"teleports", c.teleports},
                   {"reroutes", c.reroutes},     {"emergency_brakes", c.emergencyBrakes},
                   {"hard_brakes", c.hardBrakes}};
    js["teleport_hotspots"] = nlohmann::json::array();
    for (const auto& [node, count] : hotspots) {
        js["teleport_hotspots"].push_back(
            {{"junction", node}, {"streets", junctionLabel(NodeId{node})}, {"teleports", count}});
    }
    js["mean_travel_time_s"] = done > 0 ? ttSum / done : 0.0;
    js["mean_time_loss_s"] = done > 0 ? lossSum / done : 0.0;
    js["mean_waiting_time_s"] = done > 0 ? waitSum / done : 0.0;
    js["mean_speed_kmh"] = tot.meanSpeed * 3.6;
    js["delay_index"] = tot.delayIndex;
    js["vehicle_hours_delay"] = tot.vehicleHoursDelay;
    js["co2_kg"] = tot.co2;
    js["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    js["vehicle_updates_per_second"] =
        simSeconds > 0 ? static_cast<double>(c.vehicleUpdates) / simSeconds : 0.0;
    js["state_hash"] = std::to_string(sim.stateHash());
    if (usim) {
        js["utilities"] = ujs;
    }
    if (ok) {
        ok = writeFileAtomically(dir + "summary.json", js.dump(2) + "\n", &werr);
    }
    if (!ok) {
        err << "citytwin: writing the outputs failed: " << werr << "\n";
        return kExitLoadError;
    }

    out << "Scenario " << spec->name << " (" << clockText(clock0) << " - "
        << clockText(clock0 + spec->duration) << ", seed " << spec->seed << ")\n";
    out << "  trips          " << tripCount << " planned, " << c.inserted << " departed, " << c.arrived
        << " arrived, " << c.running << " still driving, " << c.pending << " waiting to depart\n";
    out << "  problems       " << c.noRoute << " without route, " << c.teleports << " teleports (gridlock), "
        << c.removed << " removed\n";
    if (!hotspots.empty()) {
        out << "  stuck most at  ";
        for (std::size_t k = 0; k < hotspots.size(); ++k) {
            const std::string label = junctionLabel(NodeId{hotspots[k].first});
            out << (k > 0 ? "; " : "") << "junction " << hotspots[k].first
                << (label.empty() ? "" : " (" + label + ")") << " " << hotspots[k].second << "x";
        }
        out << " (teleports.csv)\n";
    }
    out << "  travel time    " << fixed(done > 0 ? ttSum / done / 60 : 0.0, 1) << " min mean, time loss "
        << fixed(done > 0 ? lossSum / done / 60 : 0.0, 1) << " min mean\n";
    out << "  network        mean speed " << fixed(tot.meanSpeed * 3.6, 1) << " km/h, delay index "
        << fixed(tot.delayIndex, 2) << ", " << fixed(tot.vehicleHoursDelay, 0)
        << " vehicle-hours of delay, CO2 " << fixed(tot.co2 / 1000, 2) << " t\n";
    out << "  performance    " << fixed(simSeconds, 1) << " s simulating, "
        << fixed(simSeconds > 0 ? static_cast<double>(c.vehicleUpdates) / simSeconds / 1e6 : 0.0, 2)
        << " M vehicle-updates/s\n";
    if (usim) {
        out << "  water          " << ujs["buildings_lost_water"].get<std::size_t>()
            << " buildings lost water (peak "
            << fixed(100.0 * ujs["peak_share_without_water"].get<double>(), 1) << " % of residents), SAIDI "
            << fixed(ujs["saidi_water_min"].get<double>(), 1) << " min, unmet "
            << fixed(ujs["unmet_m3"].get<double>(), 0) << " m3, burst outflow "
            << fixed(ujs["leak_m3"].get<double>(), 0) << " m3\n";
        out << "  power          " << ujs["buildings_lost_power"].get<std::size_t>()
            << " buildings lost power (peak "
            << fixed(100.0 * ujs["peak_share_without_power"].get<double>(), 1) << " % of residents), SAIDI "
            << fixed(ujs["saidi_power_min"].get<double>(), 1) << " min, "
            << fixed(ujs["customer_minutes_power"].get<double>(), 0) << " customer-minutes\n";
        out << "  knock-on       up to " << ujs["peak_dark_signals"].get<std::uint32_t>()
            << " dark signals (all-way stops), " << ujs["peak_pumps_without_power"].get<std::uint32_t>()
            << " pumps without power, " << ujs["peak_hospitals_on_backup"].get<std::uint32_t>()
            << " hospitals on backup, " << ujs["peak_hospitals_without_power"].get<std::uint32_t>()
            << " without power\n";
    }
    out << "  outputs        " << spec->outputFolder << "\n";
    if (!report.items().empty()) {
        out << report.summary();
    }
    return kExitOk;
}

}  // namespace ct::cli
