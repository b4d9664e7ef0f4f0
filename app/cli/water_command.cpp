#include "water_command.h"

#include "citytwin/sim/atomic_file.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "citytwin/water/inp_reader.h"
#include "citytwin/water/water_simulation.h"

namespace ct::cli {

namespace {

using water::WaterNetwork;
using water::WaterReport;

constexpr const char* kWaterHelp = R"(citytwin water - simulate a water network from an EPANET .inp file

Usage:
  citytwin water FILE.inp [--duration H] [--pda] [--epanet] [--json] [--out DIR]
  citytwin water CITY     [options]    (a city's water_nodes / water_links layers, or "sample")

Reads the network (any EPANET 2.2 units; everything is converted to SI), runs the hydraulic
simulation over the file's [TIMES] DURATION (0 = one steady state) and prints a summary: nodes,
links, solver iterations, lowest and highest junction pressure, demand delivered against
requested, solve time.

A city's network runs 24 h with its buildings' demands (docs/data-schema.md), pressure-driven,
the pumps switched by their tank controls.

Options:
  --duration H   simulate H hours instead of the file's duration
  --pda          pressure-driven demand (the file's MINIMUM / REQUIRED PRESSURE)
  --epanet       EPANET's rounded constants (Hazen-Williams, minor losses), for comparisons
  --json         print the summary and every reported step as JSON
  --out DIR      write nodes.csv, links.csv and tanks.csv (one row per item and report time,
                 SI units; results.json too with --json)
  -h, --help     this help

Exit codes: 0 success, 1 the file could not be loaded or simulated, 2 bad command line.
)";

int usage(std::ostream& err, const std::string& msg) {
    err << "citytwin water: " << msg << "\nTry 'citytwin water --help'.\n";
    return 2;
}

std::string num(double v) {
    if (!std::isfinite(v)) {
        return "";
    }
    std::ostringstream os;
    os << std::setprecision(10) << v;
    return os.str();
}

// Writes `text` to `path` atomically (ct::writeFileAtomically), reporting a failure.
bool writeAtomically(const std::filesystem::path& path, const std::string& text, std::ostream& err) {
    std::string why;
    if (!ct::writeFileAtomically(path.string(), text, &why)) {
        err << "citytwin water: " << why << "\n";
        return false;
    }
    return true;
}

const char* kindName(water::NodeKind k) {
    return water::toString(k);
}

std::string nodesCsv(const WaterNetwork& net, const std::vector<WaterReport>& reports) {
    std::ostringstream os;
    os << "time_s,node,kind,elevation_m,head_m,pressure_m,demand_requested_m3s,demand_delivered_m3s,"
          "leak_m3s,isolated\n";
    for (const WaterReport& r : reports) {
        for (std::size_t i = 0; i < net.nodeCount(); ++i) {
            os << r.time << ',' << net.nodeName[i] << ',' << kindName(net.nodeKind[i]) << ','
               << num(net.nodeElevation[i]) << ',' << num(r.head[i]) << ',' << num(r.pressure[i]) << ','
               << num(r.demandRequested[i]) << ',' << num(r.demandDelivered[i]) << ',' << num(r.leakFlow[i])
               << ',' << int{r.isolated[i]} << '\n';
        }
    }
    return os.str();
}

std::string linksCsv(const WaterNetwork& net, const std::vector<WaterReport>& reports) {
    std::ostringstream os;
    os << "time_s,link,kind,from,to,flow_m3s,velocity_ms,headloss_m,state,setting\n";
    for (const WaterReport& r : reports) {
        for (std::size_t k = 0; k < net.linkCount(); ++k) {
            os << r.time << ',' << net.linkName[k] << ',' << water::toString(net.linkKind[k]) << ','
               << net.nodeName[net.linkFrom[k]] << ',' << net.nodeName[net.linkTo[k]] << ',' << num(r.flow[k])
               << ',' << num(r.velocity[k]) << ',' << num(r.headLoss[k]) << ','
               << water::toString(r.linkState[k]) << ',' << num(r.setting[k]) << '\n';
        }
    }
    return os.str();
}

std::string tanksCsv(const WaterNetwork& net, const std::vector<WaterReport>& reports) {
    std::ostringstream os;
    os << "time_s,tank,level_m,volume_m3\n";
    for (const WaterReport& r : reports) {
        for (std::size_t t = 0; t < net.tanks.size(); ++t) {
            os << r.time << ',' << net.nodeName[net.tanks[t].node] << ',' << num(r.tankLevel[t]) << ','
               << num(r.tankVolume[t]) << '\n';
        }
    }
    return os.str();
}

nlohmann::json stepJson(const WaterNetwork& net, const WaterReport& r) {
    nlohmann::json nodes = nlohmann::json::array();
    for (std::size_t i = 0; i < net.nodeCount(); ++i) {
        nodes.push_back({{"id", net.nodeName[i]},
                         {"head_m", r.head[i]},
                         {"pressure_m", r.pressure[i]},
                         {"demand_requested_m3s", r.demandRequested[i]},
                         {"demand_delivered_m3s", r.demandDelivered[i]},
                         {"leak_m3s", r.leakFlow[i]},
                         {"isolated", r.isolated[i] != 0}});
    }
    nlohmann::json links = nlohmann::json::array();
    for (std::size_t k = 0; k < net.linkCount(); ++k) {
        links.push_back({{"id", net.linkName[k]},
                         {"flow_m3s", r.flow[k]},
                         {"velocity_ms", r.velocity[k]},
                         {"headloss_m", r.headLoss[k]},
                         {"state", water::toString(r.linkState[k])}});
    }
    nlohmann::json tanks = nlohmann::json::array();
    for (std::size_t t = 0; t < net.tanks.size(); ++t) {
        tanks.push_back({{"id", net.nodeName[net.tanks[t].node]},
                         {"level_m", r.tankLevel[t]},
                         {"volume_m3", r.tankVolume[t]}});
    }
    return {{"time_s", r.time},          {"iterations", r.stats.iterations}, {"converged", r.stats.converged},
            {"nodes", std::move(nodes)}, {"links", std::move(links)},        {"tanks", std::move(tanks)}};
}

struct Counts {
    std::size_t junctions = 0;
    std::size_t reservoirs = 0;
    std::size_t tanks = 0;
    std::size_t pipes = 0;
    std::size_t pumps = 0;
    std::size_t valves = 0;
};

Counts count(const WaterNetwork& net) {
    Counts c;
    for (water::NodeKind k : net.nodeKind) {
        (k == water::NodeKind::Junction ? c.junctions
         : k == water::NodeKind::Tank   ? c.tanks
                                        : c.reservoirs)++;
    }
    for (water::LinkKind k : net.linkKind) {
        (k == water::LinkKind::Pump ? c.pumps : water::isValve(k) ? c.valves : c.pipes)++;
    }
    return c;
}

}  // namespace

namespace {
CityWaterLoader& cityWaterLoader() {
    static CityWaterLoader loader;
    return loader;
}
}  // namespace

void setCityWaterLoader(CityWaterLoader loader) {
    cityWaterLoader() = std::move(loader);
}

int runWaterCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string file;
    std::string outDir;
    bool json = false;
    bool pda = false;
    bool epanetConstants = false;
    double durationHours = -1.0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out << kWaterHelp;
            return 0;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "--pda") {
            pda = true;
        } else if (a == "--epanet") {
            epanetConstants = true;
        } else if (a == "--out") {
            if (i + 1 >= args.size()) {
                return usage(err, "--out needs a folder");
            }
            outDir = args[++i];
        } else if (a == "--duration") {
            if (i + 1 >= args.size()) {
                return usage(err, "--duration needs a number of hours");
            }
            const std::string& v = args[++i];
            double h = -1.0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), h);
            if (ec != std::errc{} || end != v.data() + v.size() || !(h >= 0.0) || h > 24.0 * 3650) {
                return usage(err, "--duration needs a number of hours >= 0, not '" + v + "'");
            }
            durationHours = h;
        } else if (!a.empty() && a[0] == '-') {
            return usage(err, "unknown option '" + a + "'");
        } else if (file.empty()) {
            file = a;
        } else {
            return usage(err, "one .inp file at a time ('" + a + "' is extra)");
        }
    }
    if (file.empty()) {
        return usage(err, "which .inp file?");
    }

    // Load.
    const auto t0 = std::chrono::steady_clock::now();
    DiagnosticReport report;
    const bool inp = file.size() >= 4 &&
                     (file.substr(file.size() - 4) == ".inp" || file.substr(file.size() - 4) == ".INP");
    auto loaded =
        !inp && cityWaterLoader() ? cityWaterLoader()(file, report) : water::readInpFile(file, report);
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!loaded) {
        err << report.summary();
        err << "citytwin water: " << file << " could not be loaded (" << report.errorCount() << " errors)\n";
        return 1;
    }
    WaterNetwork& net = *loaded;
    if (pda) {
        net.options.demandModel = water::DemandModel::PressureDriven;
    }
    if (report.warningCount() > 0) {
        err << report.summary();
    }

    // Simulate.
    const water::SolverSettings settings =
        epanetConstants ? water::SolverSettings::epanet(net.options)
                        : water::SolverSettings{net.options, water::kHazenWilliamsSi, water::kGravity};
    water::WaterSimulation sim(net, settings);
    if (durationHours >= 0.0) {
        sim.setDuration(static_cast<std::int64_t>(std::llround(durationHours * 3600.0)));
    }
    std::vector<WaterReport> reports;
    int maxIterations = 0;
    const water::RunSummary sum = sim.run([&](const WaterReport& r) {
        maxIterations = std::max(maxIterations, r.stats.iterations);
        reports.push_back(r);
    });
    const DiagnosticReport& runDiag = sim.diagnostics();
    for (const Diagnostic& d : runDiag.items()) {
        if (d.severity != Severity::Info) {
            err << format(d) << "\n";
        }
    }

    // Delivered against requested: volumes over a run, rates for a single period.
    double requested = sum.requestedVolume;
    double delivered = sum.deliveredVolume;
    const bool steady = sim.duration() == 0;
    if (steady && !reports.empty()) {
        requested = 0.0;
        delivered = 0.0;
        for (std::size_t i = 0; i < net.nodeCount(); ++i) {
            if (net.nodeKind[i] == water::NodeKind::Junction) {
                requested += std::max(0.0, reports.back().demandRequested[i]);
                delivered += std::max(0.0, reports.back().demandDelivered[i]);
            }
        }
    }
    const double share = requested > 0.0 ? delivered / requested : 1.0;
    const Counts c = count(net);
    const double msPerSolve = sum.solves > 0 ? 1000.0 * sum.solveSeconds / sum.solves : 0.0;
    const double msPerIteration = sum.iterations > 0 ? 1000.0 * sum.solveSeconds / sum.iterations : 0.0;

    if (json) {
        nlohmann::json j;
        j["file"] = file;
        j["title"] = net.title;
        j["units"] = water::toString(net.inputUnits.flow);
        j["nodes"] = {{"junctions", c.junctions}, {"reservoirs", c.reservoirs}, {"tanks", c.tanks}};
        j["links"] = {{"pipes", c.pipes}, {"pumps", c.pumps}, {"valves", c.valves}};
        j["duration_s"] = sim.duration();
        j["solves"] = sum.solves;
        j["iterations"] = sum.iterations;
        j["max_iterations"] = maxIterations;
        j["unconverged"] = sum.unconverged;
        j["stopped"] = sum.stopped;
        j["min_pressure_m"] = sum.minPressure;
        j["max_pressure_m"] = sum.maxPressure;
        j[steady ? "demand_requested_m3s" : "demand_requested_m3"] = requested;
        j[steady ? "demand_delivered_m3s" : "demand_delivered_m3"] = delivered;
        j["demand_delivered_share"] = share;
        j["max_isolated_junctions"] = sum.maxIsolated;
        j["load_s"] = loadSeconds;
        j["solve_s"] = sum.solveSeconds;
        j["ms_per_solve"] = msPerSolve;
        j["ms_per_iteration"] = msPerIteration;
        j["warnings"] = report.warningCount() + runDiag.warningCount();
        nlohmann::json steps = nlohmann::json::array();
        if (outDir.empty()) {
            for (const WaterReport& r : reports) {
                steps.push_back(stepJson(net, r));
            }
            j["steps"] = std::move(steps);
        }
        out << j.dump(2) << "\n";
    } else {
        out << "Water network: " << file << "\n";
        if (!net.title.empty()) {
            out << "  title:       " << net.title.substr(0, net.title.find('\n')) << "\n";
        }
        out << "  units:       " << water::toString(net.inputUnits.flow) << " in the file, SI in results\n";
        out << "  nodes:       " << net.nodeCount() << " (" << c.junctions << " junctions, " << c.reservoirs
            << " reservoirs, " << c.tanks << " tanks)\n";
        out << "  links:       " << net.linkCount() << " (" << c.pipes << " pipes, " << c.pumps << " pumps, "
            << c.valves << " valves)\n";
        out << "  demand:      "
            << (net.options.demandModel == water::DemandModel::PressureDriven ? "pressure-driven"
                                                                              : "demand-driven")
            << "\n";
        out << std::fixed << std::setprecision(2);
        out << "  period:      " << static_cast<double>(sim.duration()) / 3600.0 << " h, " << sum.solves
            << " solves, " << sum.reports << " reported\n";
        out << "  iterations:  " << sum.iterations << " (max " << maxIterations << " per solve"
            << (sum.unconverged > 0 ? ", " + std::to_string(sum.unconverged) + " not converged"
                                    : std::string())
            << ")\n";
        out << "  pressure:    " << sum.minPressure << " to " << sum.maxPressure << " m at junctions\n";
        if (steady) {
            out << "  delivered:   " << delivered * 1000.0 << " of " << requested * 1000.0 << " L/s ("
                << 100.0 * share << " %)\n";
        } else {
            out << "  delivered:   " << delivered << " of " << requested << " m3 (" << 100.0 * share
                << " %)\n";
        }
        if (sum.maxIsolated > 0) {
            out << "  cut off:     up to " << sum.maxIsolated << " junctions without a source\n";
        }
        out << std::setprecision(3);
        out << "  time:        load " << loadSeconds * 1000.0 << " ms, solve " << sum.solveSeconds * 1000.0
            << " ms (" << msPerSolve << " ms per solve, " << msPerIteration << " ms per iteration)\n";
        if (sum.stopped) {
            out << "  STOPPED at t = " << sum.endTime << " s: the system could not be balanced\n";
        }
    }

    if (!outDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(outDir, ec);
        const std::filesystem::path dir(outDir);
        bool ok = !ec;
        if (ec) {
            err << "citytwin water: cannot create " << outDir << ": " << ec.message() << "\n";
        }
        ok = ok && writeAtomically(dir / "nodes.csv", nodesCsv(net, reports), err);
        ok = ok && writeAtomically(dir / "links.csv", linksCsv(net, reports), err);
        ok = ok && writeAtomically(dir / "tanks.csv", tanksCsv(net, reports), err);
        if (ok && json) {
            nlohmann::json all = nlohmann::json::array();
            for (const WaterReport& r : reports) {
                all.push_back(stepJson(net, r));
            }
            ok = writeAtomically(dir / "results.json", all.dump() + "\n", err);
        }
        if (!ok) {
            return 1;
        }
    }
    return sum.stopped ? 1 : 0;
}

}  // namespace ct::cli
