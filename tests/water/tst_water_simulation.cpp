// Extended-period simulation: tank mass balance, filling and emptying, patterns, simple and
// timed controls, and rules.
#include <QtTest>

#include <cmath>
#include <string>

#include "citytwin/water/inp_reader.h"
#include "citytwin/water/water_simulation.h"
#include "water_test_util.h"

using namespace ct;
using namespace ct::water;
using namespace ct::water::test;

namespace {

std::string fixture(const char* name) {
    return std::string(CT_FIXTURES_DIR) + "/water/" + name;
}

WaterNetwork load(const char* name) {
    DiagnosticReport rep;
    auto net = readInpFile(fixture(name), rep);
    if (!net) {
        qFatal("cannot load %s: %s", name, rep.summary().c_str());
    }
    return std::move(*net);
}

// One solve of a run: when, tank level, pump state.
struct Sample {
    std::int64_t time;
    double level;
    bool pumpOn;
};

std::vector<Sample> trace(const WaterNetwork& net) {
    WaterSimulation sim(net);
    std::vector<Sample> out;
    const auto pump = net.findLink("PU1").value();
    for (;;) {
        if (!sim.solveNow().converged) {
            qFatal("no convergence at %lld", static_cast<long long>(sim.time()));
        }
        out.push_back(Sample{sim.time(), sim.report().tankLevel[0], !isClosed(sim.state().linkState[pump])});
        if (sim.advance() == 0) {
            break;
        }
    }
    return out;
}

}  // namespace

class TstWaterSimulation : public QObject {
    Q_OBJECT
private slots:
    void tankMassBalanceOverAnExtendedPeriod() {
        const WaterNetwork net = load("tank_pump_controls.inp");
        WaterSimulation sim(net);
        const Tank& tank = net.tanks[0];
        const double vmin = net.tankVolume(tank, tank.minLevel);
        const double vmax = net.tankVolume(tank, tank.maxLevel);
        double inflowVolume = 0.0;
        const double v0 = sim.report().tankVolume[0];
        int steps = 0;
        for (;;) {
            QVERIFY(sim.solveNow().converged);
            const HydraulicState& s = sim.state();
            QVERIFY2(worstImbalance(net, s) < 1e-6, qPrintable(QString::number(worstImbalance(net, s))));
            const double q = netInflow(net, s, tank.node);
            const double before = sim.report().tankVolume[0];
            const std::int64_t dt = sim.advance();
            if (dt == 0) {
                break;
            }
            ++steps;
            const double after = sim.report().tankVolume[0];
            const double expected = std::clamp(before + q * static_cast<double>(dt), vmin, vmax);
            QVERIFY(std::abs(after - expected) < 1e-9);
            inflowVolume += after - before;
            QVERIFY(after >= vmin - 1e-9 && after <= vmax + 1e-9);
        }
        QCOMPARE(sim.time(), std::int64_t{48 * 3600});
        QVERIFY(steps > 48);  // the steps were cut at control levels
        QVERIFY(std::abs(sim.report().tankVolume[0] - v0 - inflowVolume) < 1e-9);
    }

    void controlsSwitchThePumpAtTheTankLevels() {
        const std::vector<Sample> t = trace(load("tank_pump_controls.inp"));
        int offs = 0;
        int ons = 0;
        // Tolerance: one second of filling (the step is cut to the second).
        for (std::size_t i = 1; i < t.size(); ++i) {
            QVERIFY2(t[i].level <= 8.0 + 1e-3, qPrintable(QString::number(t[i].level)));
            QVERIFY2(t[i].level >= 3.0 - 1e-3, qPrintable(QString::number(t[i].level)));
            if (t[i - 1].pumpOn && !t[i].pumpOn) {
                ++offs;
                QVERIFY(std::abs(t[i].level - 8.0) < 1e-3);
            }
            if (!t[i - 1].pumpOn && t[i].pumpOn) {
                ++ons;
                QVERIFY(std::abs(t[i].level - 3.0) < 1e-3);
            }
        }
        QVERIFY2(offs >= 2 && ons >= 2, qPrintable(QString("%1 %2").arg(offs).arg(ons)));
    }

    void rulesActLikeTheControls() {
        // Rules are checked every rule step (6 min here), so they switch within one rule step of
        // the simple controls, and the tank stays within that much filling of the levels.
        const std::vector<Sample> c = trace(load("tank_pump_controls.inp"));
        const std::vector<Sample> r = trace(load("tank_pump_rules.inp"));
        auto firstOff = [](const std::vector<Sample>& s) {
            for (std::size_t i = 1; i < s.size(); ++i) {
                if (s[i - 1].pumpOn && !s[i].pumpOn) {
                    return s[i].time;
                }
            }
            return std::int64_t{-1};
        };
        const std::int64_t tc = firstOff(c);
        const std::int64_t tr = firstOff(r);
        QVERIFY(tc > 0 && tr > 0);
        QVERIFY2(tr >= tc && tr - tc <= 360, qPrintable(QString("%1 %2").arg(tc).arg(tr)));
        for (const Sample& s : r) {
            QVERIFY(s.level <= 8.0 + 0.2 && s.level >= 3.0 - 0.2);
        }
    }

    void timedControls() {
        const WaterNetwork net = load("timed_controls.inp");
        WaterSimulation sim(net);
        const auto p2 = net.findLink("P2").value();
        const auto j2 = net.findNode("J2").value();
        std::vector<std::int64_t> closedTimes;
        sim.run([&](const WaterReport& r) {
            const bool closed = isClosed(r.linkState[p2]);
            const bool expectClosed = r.time >= 5 * 3600 && r.time < 8 * 3600;
            QCOMPARE(closed, expectClosed);
            if (closed) {
                QCOMPARE(r.demandDelivered[j2], 0.0);
                QCOMPARE(r.isolated[j2], std::uint8_t{1});
            } else {
                QVERIFY(r.demandDelivered[j2] > 0.0);
            }
        });
        QCOMPARE(sim.time(), std::int64_t{12 * 3600});
    }

    void patternsDriveTheDemand() {
        const WaterNetwork net = load("tank_pump_controls.inp");
        WaterSimulation sim(net);
        const auto j2 = net.findNode("J2").value();
        const auto& f = net.patterns[0].factors;
        QCOMPARE(f.size(), std::size_t{24});
        sim.run([&](const WaterReport& r) {
            const double expected = 0.030 * f[static_cast<std::size_t>((r.time / 3600) % 24)];
            QVERIFY(std::abs(r.demandRequested[j2] - expected) < 1e-15);
        });
    }

    void aFullTankClosesItsInlet() {
        // A high reservoir fills a tank; once full, its inlet closes and the level holds.
        WaterNetwork net;
        const auto r = net.addReservoir("R", 100.0).value();
        Tank t;
        t.initLevel = 2.0;
        t.minLevel = 0.0;
        t.maxLevel = 5.0;
        t.diameter = 5.0;
        const auto tk = net.addTank("T", 50.0, t).value();
        const auto j = net.addJunction("J", 0.0, 0.001).value();
        net.addPipe("IN", r, tk, 500.0, 0.1, 120.0);
        net.addPipe("OUT", tk, j, 500.0, 0.1, 120.0);
        net.times.duration = 6 * 3600;
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        WaterSimulation sim(net);
        bool sawFull = false;
        for (;;) {
            QVERIFY(sim.solveNow().converged);
            const WaterReport rpt = sim.report();
            QVERIFY(rpt.tankLevel[0] <= 5.0 + 1e-9);
            if (rpt.linkState[0] == LinkState::ClosedFull) {
                sawFull = true;
                QCOMPARE(rpt.flow[0], 0.0);
                QVERIFY(std::abs(rpt.tankLevel[0] - 5.0) < 1e-6);
            }
            if (sim.advance() == 0) {
                break;
            }
        }
        QVERIFY(sawFull);
    }
};

QTEST_APPLESS_MAIN(TstWaterSimulation)
#include "tst_water_simulation.moc"
