// Against EPANET 2.3.5: results recorded once from the OWA toolkit (through epanet-js, see
// tests/fixtures/water/README.md) for our fixtures, compared at every hydraulic time: the same
// times (tanks filling, pumps switching at the same second), heads within 1 mm, flows within
// 0.1 %, the same open / closed links.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "citytwin/water/inp_reader.h"
#include "citytwin/water/water_simulation.h"

using namespace ct;
using namespace ct::water;

namespace {

struct Reference {
    std::vector<std::int64_t> times;
    std::map<std::pair<std::int64_t, std::string>, double> head;    // m
    std::map<std::pair<std::int64_t, std::string>, double> flow;    // file flow units
    std::map<std::pair<std::int64_t, std::string>, double> status;  // 0 closed, 1 open, 2 active
};

Reference readReference(const std::string& path) {
    Reference r;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string kind;
        std::string t;
        std::string id;
        std::string value;
        std::string status;
        std::getline(ss, kind, ',');
        std::getline(ss, t, ',');
        std::getline(ss, id, ',');
        std::getline(ss, value, ',');
        std::getline(ss, status, ',');
        const std::int64_t time = std::stoll(t);
        if (r.times.empty() || r.times.back() != time) {
            r.times.push_back(time);
        }
        if (kind == "N") {
            r.head[{time, id}] = std::stod(value);
        } else {
            r.flow[{time, id}] = std::stod(value);
            r.status[{time, id}] = std::stod(status);
        }
    }
    return r;
}

}  // namespace

class TstEpanetReference : public QObject {
    Q_OBJECT
private slots:
    void compare_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("valves") << "valves_lps";
        QTest::newRow("tank_pump_controls") << "tank_pump_controls";
        QTest::newRow("two_loops") << "two_loops_lps";
        QTest::newRow("timed_controls_pda") << "timed_controls";
    }

    void compare() {
        QFETCH(QString, name);
        const std::string dir = std::string(CT_FIXTURES_DIR) + "/water/";
        DiagnosticReport rep;
        const auto net = readInpFile(dir + name.toStdString() + ".inp", rep);
        QVERIFY(net.has_value());
        const Reference ref = readReference(dir + "epanet/" + name.toStdString() + ".csv");
        QVERIFY(!ref.times.empty());
        const double qf = flowToSi(net->inputUnits.flow);

        WaterSimulation sim(*net, SolverSettings::epanet(net->options));
        std::vector<std::int64_t> times;
        double worstHead = 0.0;
        double worstFlow = 0.0;
        for (;;) {
            QVERIFY(sim.solveNow().converged);
            const std::int64_t t = sim.time();
            times.push_back(t);
            const HydraulicState& s = sim.state();
            for (std::uint32_t i = 0; i < net->nodeCount(); ++i) {
                const auto it = ref.head.find({t, net->nodeName[i]});
                QVERIFY(it != ref.head.end());
                worstHead = std::max(worstHead, std::abs(s.head[i] - it->second));
            }
            for (std::uint32_t k = 0; k < net->linkCount(); ++k) {
                const std::pair<std::int64_t, std::string> key{t, net->linkName[k]};
                const double q = ref.flow.at(key) * qf;
                const double err = std::abs(s.flow[k] - q);
                QVERIFY2(err <= 1e-3 * std::abs(q) + 1e-6,
                         qPrintable(QString("%1 at %2: %3 vs %4")
                                        .arg(QString::fromStdString(net->linkName[k]))
                                        .arg(t)
                                        .arg(s.flow[k])
                                        .arg(q)));
                if (std::abs(q) > 1e-4) {
                    worstFlow = std::max(worstFlow, err / std::abs(q));
                }
                QCOMPARE(isClosed(s.linkState[k]), ref.status.at(key) == 0.0);
            }
            if (sim.advance() == 0) {
                break;
            }
        }
        QCOMPARE(times, ref.times);
        QVERIFY2(worstHead < 1e-3, qPrintable(QString::number(worstHead)));
        qInfo("%s: %zu times, largest head difference %.2g m, flow %.2g %%", qPrintable(name), times.size(),
              worstHead, 100.0 * worstFlow);
    }
};

QTEST_APPLESS_MAIN(TstEpanetReference)
#include "tst_epanet_reference.moc"
