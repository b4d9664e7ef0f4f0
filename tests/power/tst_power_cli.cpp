// `citytwin power`, run in-process: exit codes, the summary, CSV and JSON results.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "power_command.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power::test;

namespace {

struct Run {
    int code = -1;
    std::string out, err;
};

Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = ct::cli::runPowerCommand(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::vector<std::string> readLines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
        lines.push_back(l);
    }
    return lines;
}

bool contains(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

}  // namespace

class TstPowerCli : public QObject {
    Q_OBJECT
private slots:
    void usageErrors() {
        QCOMPARE(run({}).code, 2);
        QCOMPARE(run({"--bogus", fixture("case9.m")}).code, 2);
        QCOMPARE(run({fixture("case9.m"), "--max-iter", "zero"}).code, 2);
        QCOMPARE(run({fixture("case9.m"), "--out"}).code, 2);
        QCOMPARE(run({fixture("case9.m"), fixture("case14.m")}).code, 2);
        const Run help = run({"--help"});
        QCOMPARE(help.code, 0);
        QVERIFY(contains(help.out, "Usage: citytwin power"));
    }

    void summaryOfCase9() {
        const Run r = run({fixture("case9_unity_vg.m")});
        QCOMPARE(r.code, 0);
        QVERIFY2(contains(r.out, "9 buses, 3 generators, 9 branches"), r.out.c_str());
        QVERIFY2(contains(r.out, "converged in 4 iterations"), r.out.c_str());
        QVERIFY2(contains(r.out, "min 0.9576 p.u. at bus 9"), r.out.c_str());
        QVERIFY2(contains(r.out, "losses: 4.955 MW"), r.out.c_str());
        QVERIFY2(contains(r.out, "slack: bus 1: 71.95 MW, 24.07 MVAr"), r.out.c_str());
        QVERIFY(contains(r.out, "solve time:"));
        QVERIFY(r.err.empty());
    }

    void dcSummary() {
        const Run r = run({fixture("case9.m"), "--dc"});
        QCOMPARE(r.code, 0);
        QVERIFY2(contains(r.out, "DC power flow: converged"), r.out.c_str());
        QVERIFY(contains(r.out, "losses: 0.000 MW"));
    }

    void csvResultsAreWritten() {
        const std::filesystem::path dir = std::filesystem::path(CT_BINARY_DIR) / "tst_power_cli_out";
        std::filesystem::remove_all(dir);
        const Run r = run({fixture("case14.m"), "--out", dir.string(), "--n-1"});
        QCOMPARE(r.code, 0);
        const auto buses = readLines(dir / "buses.csv");
        QCOMPARE(buses.size(), std::size_t{15});
        QCOMPARE(buses[0], std::string("bus,type,island,energised,vm_pu,va_deg,pd_mw,qd_mvar,pg_mw,qg_mvar"));
        QVERIFY(buses[1].rfind("1,REF,0,1,1.06", 0) == 0);
        const auto branches = readLines(dir / "branches.csv");
        QCOMPARE(branches.size(), std::size_t{21});
        QVERIFY(contains(branches[0], "pf_mw,qf_mvar,pt_mw,qt_mvar"));
        QCOMPARE(readLines(dir / "gens.csv").size(), std::size_t{6});
        QCOMPARE(readLines(dir / "contingencies.csv").size(), std::size_t{21});
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            QVERIFY2(e.path().extension() != ".tmp", e.path().c_str());  // renamed, none left behind
        }
        QVERIFY(contains(r.out, "N-1: 20 branch outages"));
        // Losing 7-8 isolates the synchronous condenser at bus 8: a new island, no load lost.
        QVERIFY2(contains(r.out, "outage 7-8: 1 new island(s);"), r.out.c_str());
    }

    void jsonResults() {
        const Run r = run({fixture("case9.m"), "--json"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["loaded"].get<bool>(), true);
        QCOMPARE(j["result"]["converged"].get<bool>(), true);
        QCOMPARE(j["result"]["method"].get<std::string>(), std::string("AC"));
        QCOMPARE(j["result"]["buses"].size(), std::size_t{9});
        QVERIFY(std::abs(j["result"]["buses"][8]["vm_pu"].get<double>() - 0.995631) < 1e-5);
        QCOMPARE(j["result"]["branches"][0]["from_bus"].get<int>(), 1);
        QVERIFY(j["solve_ms"].get<double>() >= 0);
    }

    void badCaseExitsWithOneAndLineNumbers() {
        const Run r = run({fixture("broken/unknown_bus.m")});
        QCOMPARE(r.code, 1);
        QVERIFY2(contains(r.err, "unknown_bus.m:16:"), r.err.c_str());
        QVERIFY(contains(r.err, "power.unknown_bus"));
        const Run j = run({fixture("broken/unknown_bus.m"), "--json"});
        QCOMPARE(j.code, 1);
        const auto doc = nlohmann::json::parse(j.out);
        QCOMPARE(doc["loaded"].get<bool>(), false);
        QCOMPARE(doc["diagnostics"][0]["line"].get<int>(), 16);
        QCOMPARE(run({fixture("no_such_case.m")}).code, 1);
        QCOMPARE(run({std::string(CT_POWER_FIXTURES_DIR)}).code, 1);  // a folder
    }

    void noConvergenceExitsWithOne() {
        const Run r = run({fixture("no_solution.m")});
        QCOMPARE(r.code, 1);
        QVERIFY(contains(r.out, "NOT CONVERGED"));
        QVERIFY(contains(r.err, "did not converge"));
    }

    void cascadeReport() {
        const Run r = run({fixture("cascade4.m"), "--cascade", "--trip-delay", "0"});
        QCOMPARE(r.code, 0);
        QVERIFY2(contains(r.out, "overloaded branches: 1"), r.out.c_str());
        QVERIFY2(contains(r.out, "cascade: 3 trips in 3 steps, stable"), r.out.c_str());
        QVERIFY(contains(r.out, "step 0: 1-4 tripped"));
    }
};

QTEST_APPLESS_MAIN(TstPowerCli)
#include "tst_power_cli.moc"
