#include "export_command.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "citytwin/gis/city_loader.h"
#include "citytwin/scenarios/link_refs.h"
#include "citytwin/scenarios/scenario.h"
#include "citytwin/scenarios/signal_overrides.h"
#include "citytwin/sim/atomic_file.h"
#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/router.h"
#include "citytwin/traffic/sumo_export.h"
#include "info_command.h"
#include "run_command.h"

namespace ct::cli {

namespace {

constexpr const char* kExportHelp =
    R"(Usage: citytwin export-sumo (SCENARIO.json | --sample) --out DIR [--sumo-geometry] [--routes]

Writes the traffic network of a city as CityTwin builds it, and a scenario's demand, for
Eclipse SUMO (1.15):
  city.nod.xml     nodes N<node> (local frame; traffic_light / priority / allway_stop)
  city.edg.xml     edges L<link> (the link index): lanes, speed, shape, priority by road class
  city.con.xml     CityTwin's lane-to-lane connections (with its internal lane lengths/speeds)
  city.tll.xml     CityTwin's signal programs, every connection with its linkIndex
  city.netccfg     netconvert -c city.netccfg  makes city.net.xml from the four files
  trips.xml        the scenario's trips (SUMO routes them at departure) and vTypes with
                   CityTwin's IDM parameters (not with --sample: it has no demand)
  city.sumocfg     sumo -c city.sumocfg  runs them like the scenario (step, end, seed,
                   time-to-teleport, rerouting)

Options:
  --sample          the bundled sample city, network only
  --out DIR         the folder to write to (created)
  --sumo-geometry   leave lane lengths and turning speeds to netconvert's junction
                    geometry instead of CityTwin's
  --routes          write every trip with the route CityTwin gives it at free flow (as
                    a <vehicle> with a <route>), so that SUMO drives the same routes;
                    without it SUMO routes the trips itself (its router also counts
                    turns and minor links, CityTwin's does not)
)";

int usageError(std::ostream& err, const std::string& msg) {
    err << "citytwin: " << msg << "\n" << kExportHelp;
    return kExitUsage;
}

std::string netconvertConfig() {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- written by CityTwin (citytwin export-sumo): netconvert -c city.netccfg -->
<configuration>
    <input>
        <node-files value="city.nod.xml"/>
        <edge-files value="city.edg.xml"/>
        <connection-files value="city.con.xml"/>
        <tllogic-files value="city.tll.xml"/>
    </input>
    <output>
        <output-file value="city.net.xml"/>
    </output>
    <processing>
        <offset.disable-normalization value="true"/>
    </processing>
    <junctions>
        <no-turnarounds value="true"/>
    </junctions>
    <report>
        <no-warnings value="true"/>
    </report>
</configuration>
)";
}

std::string sumoConfig(const scenarios::ScenarioSpec* spec) {
    const double end = spec != nullptr ? spec->duration : 3600.0;
    const double step = spec != nullptr ? spec->step : 1.0;
    const double teleport = spec != nullptr ? spec->teleportAfter : 300.0;
    const double reroute = spec != nullptr ? spec->rerouteInterval : 0.0;
    std::ostringstream os;
    os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- written by CityTwin (citytwin export-sumo): sumo -c city.sumocfg -->\n"
          "<configuration>\n"
          "    <input>\n"
          "        <net-file value=\"city.net.xml\"/>\n";
    if (spec != nullptr) {
        os << "        <route-files value=\"trips.xml\"/>\n";
    }
    os << "    </input>\n"
          "    <time>\n"
          "        <begin value=\"0\"/>\n"
          "        <end value=\""
       << end << "\"/>\n        <step-length value=\"" << step
       << "\"/>\n"
          "    </time>\n"
          "    <processing>\n"
          "        <time-to-teleport value=\""
       << (teleport > 0.0 ? teleport : -1.0) << "\"/>\n    </processing>\n";
    if (reroute > 0.0) {
        // CityTwin reroutes every running vehicle on recent travel times every `reroute` s.
        os << "    <routing>\n"
              "        <device.rerouting.probability value=\"1\"/>\n"
              "        <device.rerouting.period value=\""
           << reroute << "\"/>\n    </routing>\n";
    }
    if (spec != nullptr) {
        os << "    <random_number>\n        <seed value=\"" << spec->seed << "\"/>\n    </random_number>\n";
    }
    os << "</configuration>\n";
    return os.str();
}

}  // namespace

int runExportSumoCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string scenarioPath, outDir;
    bool sample = false, routes = false;
    traffic::SumoExportOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out << kExportHelp;
            return kExitOk;
        }
        if (a == "--out") {
            if (i + 1 >= args.size()) {
                return usageError(err, "--out needs a folder");
            }
            outDir = args[++i];
        } else if (a == "--sample") {
            sample = true;
        } else if (a == "--routes") {
            routes = true;
        } else if (a == "--sumo-geometry") {
            options.citytwinLengths = false;
        } else if (!a.empty() && a[0] == '-') {
            return usageError(err, "unknown option '" + a + "' for export-sumo");
        } else if (scenarioPath.empty()) {
            scenarioPath = a;
        } else {
            return usageError(err, "export-sumo takes one scenario file");
        }
    }
    if (sample == !scenarioPath.empty()) {
        return usageError(err, "export-sumo needs a scenario file or --sample (one of them)");
    }
    if (outDir.empty()) {
        return usageError(err, "export-sumo needs --out DIR");
    }

    DiagnosticReport report;
    std::optional<scenarios::ScenarioSpec> spec;
    if (sample) {
        spec.emplace();
        spec->sampleCity = true;
    } else {
        spec = scenarios::readScenario(scenarioPath, report);
        if (!spec) {
            err << report.summary() << "Nothing was exported.\n";
            return kExitLoadError;
        }
        if (!spec->sumoNet.empty()) {
            err << "citytwin: " << scenarioPath
                << " drives a SUMO network already (\"city\": {\"sumo_net\": ...}); nothing to export\n";
            return kExitUsage;
        }
    }
    ScenarioNetwork sn;
    if (!loadScenarioNetwork(*spec, sn, report)) {
        err << report.summary() << "Nothing was exported.\n";
        return kExitLoadError;
    }
    scenarios::applySignalOverrides(*spec, sn.net, report);

    // The demand, as `citytwin run` makes it: generated commuters, then the trips CSV files.
    std::vector<traffic::Trip> trips;
    if (!sample) {
        const double clock0 = scenarios::parseClock(spec->clockStart).value_or(0.0);
        if (spec->generatedDemand) {
            trips = traffic::generateCommuterTrips(*sn.loaded->city, spec->commuters, spec->seed);
        }
        if (!spec->tripFiles.empty()) {
            const scenarios::LinkResolver resolver(*sn.loaded->city);
            for (const std::string& f : spec->tripFiles) {
                for (const scenarios::CsvTrip& t : scenarios::readTripsCsv(f, resolver, clock0, report)) {
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
    }
    if (report.hasErrors()) {
        err << report.summary() << "Nothing was exported.\n";
        return kExitLoadError;
    }
    std::size_t routed = 0;
    if (routes) {
        // The routes CityTwin takes at departure when nothing is closed and nobody reroutes.
        traffic::Router router(sn.net);
        for (traffic::Trip& t : trips) {
            if (t.route.empty()) {
                t.route = router.route(t.from, t.to);
            }
            routed += t.route.empty() ? 0 : 1;
        }
    }

    const traffic::SumoPlainNetwork plain =
        traffic::exportSumoPlainNetwork(sn.loaded->city->roads, sn.net, options);
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    const std::string dir = outDir + "/";
    std::string werr;
    bool ok = writeFileAtomically(dir + "city.nod.xml", plain.nodes, &werr) &&
              writeFileAtomically(dir + "city.edg.xml", plain.edges, &werr) &&
              writeFileAtomically(dir + "city.con.xml", plain.connections, &werr) &&
              writeFileAtomically(dir + "city.tll.xml", plain.tlLogics, &werr) &&
              writeFileAtomically(dir + "city.netccfg", netconvertConfig(), &werr) &&
              writeFileAtomically(dir + "city.sumocfg", sumoConfig(sample ? nullptr : &*spec), &werr);
    if (ok && !sample) {
        ok = writeFileAtomically(dir + "trips.xml", traffic::exportSumoTrips(trips, spec->vehicleTypes),
                                 &werr);
    }
    if (!ok) {
        err << "citytwin: writing the export failed: " << werr << "\n";
        return kExitLoadError;
    }

    std::size_t signalised = 0;
    for (std::size_t n = 0; n < sn.net.nodeCount(); ++n) {
        signalised += sn.net.nodeControl[n] == traffic::JunctionControl::Signal ? 1 : 0;
    }
    out << "Exported " << (sample ? std::string("the sample city") : spec->name) << " to " << outDir << "\n"
        << "  network   " << sn.net.nodeCount() << " nodes (" << signalised << " signalised), "
        << sn.net.linkCount() << " edges, " << sn.net.normalLaneCount << " lanes, "
        << sn.net.connectionCount() << " connections"
        << (options.citytwinLengths ? " (CityTwin's lengths)" : " (SUMO's geometry)") << "\n";
    if (!sample) {
        out << "  demand    " << trips.size() << " trips";
        if (routes) {
            out << ", " << routed << " with CityTwin's free-flow route";
        }
        out << "\n";
    }
    out << "Then: cd " << outDir << " && netconvert -c city.netccfg"
        << (sample ? "" : " && sumo -c city.sumocfg") << "\n";
    if (!report.items().empty()) {
        out << report.summary();
    }
    return kExitOk;
}

}  // namespace ct::cli
