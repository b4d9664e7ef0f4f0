#include "power_command.h"

#include "citytwin/sim/atomic_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "citytwin/power/contingency.h"
#include "citytwin/power/matpower_reader.h"
#include "citytwin/power/power_flow.h"
#include "citytwin/power/power_results_io.h"

namespace ct::cli {

namespace {

using power::PowerFlowResult;
using power::PowerNetwork;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

constexpr const char* kHelp = R"(Usage: citytwin power CASE.m [options]
       citytwin power CITY [options]   (a city's power_buses / power_lines layers, or "sample")

Solve the power flow of a MATPOWER case file and print a summary: buses, branches, islands,
iterations, lowest and highest voltage, losses, slack generation, overloaded branches, solve time.
A city's network is solved at its peak load (buildings, pump motors; docs/data-schema.md).

Options:
  --dc             DC power flow (B theta = P) instead of AC Newton-Raphson
  --n-1            also take out each in-service branch in turn and list the violations
                   (overloads, voltage outside 0.9-1.1 p.u., new islands, load lost)
  --cascade        trip overloaded branches (after --trip-delay steps) until none is overloaded
  --trip-delay N   steps an overload lasts before its branch trips (default 1)
  --q-limits       enforce generator reactive limits (PV buses become PQ)
  --flat           start from 1 p.u. and 0 degrees instead of the voltages in the case
  --max-iter N     Newton iterations allowed (default 10)
  --tol PU         mismatch tolerance, per unit (default 1e-8)
  --threads N      worker threads for --n-1 (default 1)
  --json           print the full results as JSON instead of the summary
  --out DIR        write buses.csv, branches.csv, gens.csv (and contingencies.csv with --n-1,
                   result.json with --json) into DIR
  -h, --help       this help

Exit codes: 0 solved, 1 the case could not be loaded or did not converge, 2 bad command line.
)";

struct Options {
    std::string casePath;
    power::PowerFlowOptions flow;
    bool nMinus1 = false;
    bool cascade = false;
    int tripDelay = 1;
    int threads = 1;
    bool json = false;
    std::string outDir;
};

int usage(std::ostream& err, const std::string& msg) {
    err << "citytwin power: " << msg << "\nTry 'citytwin power --help'.\n";
    return kUsage;
}

std::optional<long> parseInt(const std::string& s) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || end == s.c_str() || *end != '\0') {
        return std::nullopt;
    }
    return v;
}

std::optional<double> parseDouble(const std::string& s) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end == s.c_str() || *end != '\0' || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

// Returns kOk and fills `o`, or an exit code (help printed or usage error).
int parseArgs(const std::vector<std::string>& args, Options& o, std::ostream& out, std::ostream& err,
              bool& done) {
    done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            out << kHelp;
            done = true;
            return kOk;
        } else if (a == "--dc") {
            o.flow.method = power::PowerFlowMethod::Dc;
        } else if (a == "--n-1") {
            o.nMinus1 = true;
        } else if (a == "--cascade") {
            o.cascade = true;
        } else if (a == "--q-limits") {
            o.flow.enforceQLimits = true;
        } else if (a == "--flat") {
            o.flow.flatStart = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--out") {
            const auto v = value();
            if (!v || v->empty()) {
                return usage(err, "--out needs a folder");
            }
            o.outDir = *v;
        } else if (a == "--max-iter" || a == "--trip-delay" || a == "--threads") {
            const auto v = value();
            const auto n = v ? parseInt(*v) : std::nullopt;
            const long lo = a == "--trip-delay" ? 0 : 1;
            if (!n || *n < lo || *n > 100000) {
                return usage(err, a + " needs a whole number of at least " + std::to_string(lo));
            }
            (a == "--max-iter" ? o.flow.maxIterations : (a == "--trip-delay" ? o.tripDelay : o.threads)) =
                static_cast<int>(*n);
        } else if (a == "--tol") {
            const auto v = value();
            const auto x = v ? parseDouble(*v) : std::nullopt;
            if (!x || !(*x > 0)) {
                return usage(err, "--tol needs a positive number such as 1e-8");
            }
            o.flow.tolerancePu = *x;
        } else if (!a.empty() && a[0] == '-') {
            return usage(err, "unknown option '" + a + "'");
        } else if (o.casePath.empty()) {
            o.casePath = a;
        } else {
            return usage(err, "only one case file, got '" + o.casePath + "' and '" + a + "'");
        }
    }
    if (o.casePath.empty()) {
        return usage(err, "no case file given");
    }
    return kOk;
}

std::string fixed(double v, int decimals) {
    if (std::abs(v) < 0.5 * std::pow(10.0, -decimals)) {
        v = 0;  // no "-0.000"
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string branchLabel(const PowerNetwork& net, int k) {
    const power::PowerBranch& br = net.branches[static_cast<std::size_t>(k)];
    return std::to_string(net.buses[static_cast<std::size_t>(br.from)].number) + "-" +
           std::to_string(net.buses[static_cast<std::size_t>(br.to)].number);
}

int busNumber(const PowerNetwork& net, int b) {
    return net.buses[static_cast<std::size_t>(b)].number;
}

// ------------------------------------------------------------------------------------------------
// Text summary.

void printSlacks(const PowerNetwork& net, const PowerFlowResult& r, std::ostream& out) {
    for (const auto& isl : r.islands) {
        if (!isl.energised) {
            continue;
        }
        double p = 0, q = 0;
        for (std::size_t g = 0; g < net.gens.size(); ++g) {
            if (r.genOn[g] && net.gens[g].bus == isl.slackBus) {
                p += r.genPMW[g];
                q += r.genQMVAr[g];
            }
        }
        out << "slack: bus " << busNumber(net, isl.slackBus) << ": " << fixed(p, 2) << " MW, " << fixed(q, 2)
            << " MVAr\n";
    }
}

void printSummary(const Options& o, const PowerNetwork& net, const PowerFlowResult& r, double solveMs,
                  std::ostream& out) {
    const std::size_t inService = static_cast<std::size_t>(
        std::count_if(net.branches.begin(), net.branches.end(), [](const auto& b) { return b.inService; }));
    out << net.name << " (" << o.casePath << "): " << net.buses.size() << " buses, " << net.gens.size()
        << " generators, " << net.branches.size() << " branches (" << inService << " in service), base "
        << net.baseMVA << " MVA\n";
    out << power::toString(r.method) << " power flow";
    if (r.method == power::PowerFlowMethod::Ac) {
        out << " (Newton-Raphson, tolerance " << o.flow.tolerancePu << " p.u.)";
    }
    if (r.converged) {
        out << ": converged";
        if (r.method == power::PowerFlowMethod::Ac) {
            out << " in " << r.iterations << " iterations, largest mismatch " << r.maxMismatchPu << " p.u.";
        }
    } else {
        out << ": NOT CONVERGED: " << r.message;
    }
    out << '\n';
    int dcIslands = 0;
    for (const auto& isl : r.islands) {
        dcIslands += isl.energised && isl.usedDc && r.method == power::PowerFlowMethod::Ac;
    }
    out << "islands: " << r.energisedIslandCount() << " energised, " << r.darkIslandCount() << " dark";
    if (dcIslands > 0) {
        out << ", " << dcIslands << " solved with the DC fallback";
    }
    out << '\n';

    int lo = -1, hi = -1;
    for (std::size_t i = 0; i < net.buses.size(); ++i) {
        if (!r.busEnergised[i]) {
            continue;
        }
        if (lo < 0 || r.vmPu[i] < r.vmPu[static_cast<std::size_t>(lo)]) {
            lo = static_cast<int>(i);
        }
        if (hi < 0 || r.vmPu[i] > r.vmPu[static_cast<std::size_t>(hi)]) {
            hi = static_cast<int>(i);
        }
    }
    if (lo >= 0) {
        out << (r.converged ? "voltage" : "voltage (last iterate)") << ": min "
            << fixed(r.vmPu[static_cast<std::size_t>(lo)], 4) << " p.u. at bus " << busNumber(net, lo)
            << ", max " << fixed(r.vmPu[static_cast<std::size_t>(hi)], 4) << " p.u. at bus "
            << busNumber(net, hi) << '\n';
    }
    if (!r.converged) {
        out << "generation, load, losses: not reported without a solution\n";
    } else {
        out << "generation: " << fixed(r.generationMW, 2) << " MW, " << fixed(r.generationMVAr, 2)
            << " MVAr\n";
        out << "load: " << fixed(r.loadServedMW, 2) << " MW served, " << fixed(r.loadLostMW, 2)
            << " MW lost\n";
        out << "losses: " << fixed(r.lossMW, 3) << " MW\n";
        printSlacks(net, r, out);
    }
    const auto over = power::findOverloads(net, r);
    out << "overloaded branches: " << (over.empty() ? "none" : std::to_string(over.size())) << '\n';
    for (const auto& ov : over) {
        out << "  " << branchLabel(net, ov.branch) << ": " << fixed(ov.flowMVA, 1) << " MVA of "
            << fixed(ov.rateAMVA, 1) << " (" << fixed(ov.loadingPct, 1) << " %)\n";
    }
    out << "solve time: " << fixed(solveMs, 3) << " ms\n";
}

void printNMinus1(const PowerNetwork& net, const power::NMinus1Report& rep, std::ostream& out) {
    const auto bad =
        std::count_if(rep.cases.begin(), rep.cases.end(), [](const auto& c) { return c.hasViolation(); });
    out << "N-1: " << rep.cases.size() << " branch outages, " << bad << " with violations\n";
    for (const auto& c : rep.cases) {
        if (!c.hasViolation()) {
            continue;
        }
        out << "  outage " << branchLabel(net, c.branch) << ":";
        if (!c.solved) {
            out << " not solved;";
        }
        if (c.usedDc) {
            out << " AC diverged, DC used;";
        }
        if (c.newIslands > 0) {
            out << ' ' << c.newIslands << " new island(s);";
        }
        if (c.loadLostMW > 0) {
            out << ' ' << fixed(c.loadLostMW, 2) << " MW lost;";
        }
        for (const auto& ov : c.overloads) {
            out << " overload " << branchLabel(net, ov.branch) << ' ' << fixed(ov.loadingPct, 1) << " %;";
        }
        for (const auto& vv : c.voltageViolations) {
            out << " bus " << busNumber(net, vv.bus) << ' ' << fixed(vv.vmPu, 4) << " p.u.;";
        }
        out << '\n';
    }
}

void printCascade(const PowerNetwork& net, const power::CascadeResult& c, std::ostream& out) {
    out << "cascade: " << c.trips.size() << " trips in " << c.steps << " steps, "
        << (c.stable ? "stable" : "NOT stable (step limit)") << ", " << fixed(c.loadLostMW, 2)
        << " MW lost\n";
    for (const auto& t : c.trips) {
        out << "  step " << t.step << ": " << branchLabel(net, t.branch) << " tripped at "
            << fixed(t.flowMVA, 1) << " MVA of " << fixed(t.rateAMVA, 1) << '\n';
    }
}

// ------------------------------------------------------------------------------------------------
// JSON.

nlohmann::json flowJson(const PowerNetwork& net, const PowerFlowResult& r) {
    using nlohmann::json;
    json buses = json::array(), branches = json::array(), gens = json::array(), islands = json::array();
    for (std::size_t i = 0; i < net.buses.size(); ++i) {
        buses.push_back({{"bus", net.buses[i].number},
                         {"type", power::toString(r.busTypeUsed[i])},
                         {"island", r.busIsland[i]},
                         {"energised", r.busEnergised[i] != 0},
                         {"vm_pu", r.vmPu[i]},
                         {"va_deg", r.vaDeg[i]},
                         {"pd_mw", net.buses[i].pdMW},
                         {"qd_mvar", net.buses[i].qdMVAr}});
    }
    for (std::size_t k = 0; k < net.branches.size(); ++k) {
        const auto& br = net.branches[k];
        json b = {{"branch", k + 1},
                  {"from_bus", net.buses[static_cast<std::size_t>(br.from)].number},
                  {"to_bus", net.buses[static_cast<std::size_t>(br.to)].number},
                  {"in_service", r.branchOn[k] != 0},
                  {"pf_mw", r.pfMW[k]},
                  {"qf_mvar", r.qfMVAr[k]},
                  {"pt_mw", r.ptMW[k]},
                  {"qt_mvar", r.qtMVAr[k]},
                  {"loss_mw", r.pfMW[k] + r.ptMW[k]},
                  {"flow_mva", r.branchFlowMVA(k)},
                  {"rate_a_mva", br.rateAMVA}};
        b["loading_pct"] = br.rateAMVA > 0 ? json(100.0 * r.branchFlowMVA(k) / br.rateAMVA) : json(nullptr);
        branches.push_back(std::move(b));
    }
    for (std::size_t g = 0; g < net.gens.size(); ++g) {
        gens.push_back({{"gen", g + 1},
                        {"bus", net.buses[static_cast<std::size_t>(net.gens[g].bus)].number},
                        {"on", r.genOn[g] != 0},
                        {"pg_mw", r.genPMW[g]},
                        {"qg_mvar", r.genQMVAr[g]}});
    }
    for (const auto& isl : r.islands) {
        json members = json::array();
        for (int b : isl.buses) {
            members.push_back(busNumber(net, b));
        }
        islands.push_back(
            {{"buses", members},
             {"slack_bus", isl.slackBus >= 0 ? json(busNumber(net, isl.slackBus)) : json(nullptr)},
             {"energised", isl.energised},
             {"converged", isl.converged},
             {"used_dc", isl.usedDc},
             {"iterations", isl.iterations},
             {"load_mw", isl.loadMW}});
    }
    return {{"method", power::toString(r.method)},
            {"converged", r.converged},
            {"message", r.message},
            {"iterations", r.iterations},
            {"max_mismatch_pu", r.maxMismatchPu},
            {"loss_mw", r.lossMW},
            {"generation_mw", r.generationMW},
            {"generation_mvar", r.generationMVAr},
            {"load_served_mw", r.loadServedMW},
            {"load_lost_mw", r.loadLostMW},
            {"islands", islands},
            {"buses", buses},
            {"branches", branches},
            {"gens", gens}};
}

nlohmann::json nMinus1Json(const PowerNetwork& net, const power::NMinus1Report& rep) {
    using nlohmann::json;
    json cases = json::array();
    for (const auto& c : rep.cases) {
        json over = json::array(), volt = json::array();
        for (const auto& ov : c.overloads) {
            over.push_back(
                {{"branch", ov.branch + 1}, {"flow_mva", ov.flowMVA}, {"loading_pct", ov.loadingPct}});
        }
        for (const auto& vv : c.voltageViolations) {
            volt.push_back({{"bus", busNumber(net, vv.bus)}, {"vm_pu", vv.vmPu}});
        }
        cases.push_back({{"branch", c.branch + 1},
                         {"label", branchLabel(net, c.branch)},
                         {"solved", c.solved},
                         {"used_dc", c.usedDc},
                         {"islands", c.islands},
                         {"new_islands", c.newIslands},
                         {"dark_buses", c.darkBuses},
                         {"load_lost_mw", c.loadLostMW},
                         {"overloads", over},
                         {"voltage_violations", volt}});
    }
    return cases;
}

nlohmann::json cascadeJson(const PowerNetwork& net, const power::CascadeResult& c) {
    nlohmann::json trips = nlohmann::json::array();
    for (const auto& t : c.trips) {
        trips.push_back({{"step", t.step},
                         {"branch", t.branch + 1},
                         {"label", branchLabel(net, t.branch)},
                         {"flow_mva", t.flowMVA},
                         {"rate_a_mva", t.rateAMVA}});
    }
    return {{"steps", c.steps}, {"stable", c.stable}, {"load_lost_mw", c.loadLostMW}, {"trips", trips}};
}

nlohmann::json diagnosticsJson(const DiagnosticReport& report) {
    nlohmann::json a = nlohmann::json::array();
    for (const Diagnostic& d : report.items()) {
        a.push_back({{"severity", toString(d.severity)},
                     {"code", d.code},
                     {"file", d.file},
                     {"line", d.line},
                     {"message", d.message},
                     {"action", d.action}});
    }
    return a;
}

}  // namespace

namespace {
CityPowerLoader& cityPowerLoader() {
    static CityPowerLoader loader;
    return loader;
}
}  // namespace

void setCityPowerLoader(CityPowerLoader loader) {
    cityPowerLoader() = std::move(loader);
}

int runPowerCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Options o;
    bool done = false;
    if (const int rc = parseArgs(args, o, out, err, done); rc != kOk || done) {
        return rc;
    }

    DiagnosticReport report;
    const auto t0 = std::chrono::steady_clock::now();
    const bool matpower = o.casePath.size() >= 2 && o.casePath.substr(o.casePath.size() - 2) == ".m";
    const std::optional<PowerNetwork> net = !matpower && cityPowerLoader()
                                                ? cityPowerLoader()(o.casePath, report)
                                                : power::readMatpowerCase(o.casePath, report);
    const double loadMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    for (const Diagnostic& d : report.items()) {
        if (d.severity != Severity::Info && !o.json) {
            err << format(d) << '\n';
        }
    }
    if (!net) {
        if (o.json) {
            out << nlohmann::json{{"case", o.casePath},
                                  {"loaded", false},
                                  {"diagnostics", diagnosticsJson(report)}}
                       .dump(2)
                << '\n';
        }
        err << "citytwin power: " << o.casePath << ": the case could not be loaded (" << report.errorCount()
            << " errors)\n";
        return kFailed;
    }

    const auto t1 = std::chrono::steady_clock::now();
    const PowerFlowResult r = power::solvePowerFlow(*net, o.flow);
    const double solveMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();

    std::optional<power::NMinus1Report> n1;
    if (o.nMinus1) {
        power::ContingencyOptions co;
        co.flow = o.flow;
        co.flow.dcFallback = o.flow.method == power::PowerFlowMethod::Ac;
        co.threads = o.threads;
        n1 = power::runNMinus1(*net, co);
    }
    std::optional<power::CascadeResult> cascade;
    if (o.cascade) {
        power::CascadeOptions co;
        co.flow = o.flow;
        co.flow.dcFallback = o.flow.method == power::PowerFlowMethod::Ac;
        co.tripDelaySteps = o.tripDelay;
        cascade = power::runCascade(*net, co);
    }

    nlohmann::json doc;
    if (o.json) {
        doc = {{"case", o.casePath},
               {"name", net->name},
               {"loaded", true},
               {"base_mva", net->baseMVA},
               {"load_ms", loadMs},
               {"solve_ms", solveMs},
               {"diagnostics", diagnosticsJson(report)},
               {"result", flowJson(*net, r)}};
        if (n1) {
            doc["n_minus_1"] = nMinus1Json(*net, *n1);
        }
        if (cascade) {
            doc["cascade"] = cascadeJson(*net, *cascade);
        }
        out << doc.dump(2) << '\n';
    } else {
        printSummary(o, *net, r, solveMs, out);
        if (n1) {
            printNMinus1(*net, *n1, out);
        }
        if (cascade) {
            printCascade(*net, *cascade, out);
        }
    }

    if (!o.outDir.empty()) {
        DiagnosticReport writeReport;
        bool ok = power::writeResultsCsv(*net, r, o.outDir, writeReport);
        if (ok && n1) {
            ok = power::writeContingenciesCsv(*net, *n1, o.outDir, writeReport);
        }
        if (ok && o.json) {
            std::string why;
            ok = ct::writeFileAtomically((std::filesystem::path(o.outDir) / "result.json").string(),
                                         doc.dump(2) + "\n", &why);
            if (!ok) {
                writeReport.error("power.write_failed", o.outDir, why, "file not written");
            }
        }
        for (const Diagnostic& d : writeReport.items()) {
            err << format(d) << '\n';
        }
        if (!ok) {
            return kFailed;
        }
    }
    if (!r.converged) {
        err << "citytwin power: " << o.casePath << ": the power flow did not converge: " << r.message << '\n';
        return kFailed;
    }
    return kOk;
}

}  // namespace ct::cli
