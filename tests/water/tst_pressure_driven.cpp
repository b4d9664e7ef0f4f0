// Pressure-driven demand (Wagner) at and between its limits, leaks and bursts, cut-off zones.
#include <QtTest>

#include <cmath>

#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/water_simulation.h"
#include "water_test_util.h"

using namespace ct;
using namespace ct::water;
using namespace ct::water::test;

namespace {

constexpr double kPmin = 5.0;
constexpr double kPreq = 25.0;
constexpr double kDemand = 0.02;

// Reservoir at `head` feeding junction J (elevation 0, demand 20 L/s) through one pipe, PDA on.
WaterNetwork oneJunction(double head) {
    WaterNetwork net;
    const auto r = net.addReservoir("R", head).value();
    const auto j = net.addJunction("J", 0.0, kDemand).value();
    net.addPipe("P", r, j, 1000.0, 0.15, 120.0);
    net.options.demandModel = DemandModel::PressureDriven;
    net.options.minimumPressure = kPmin;
    net.options.requiredPressure = kPreq;
    net.options.pressureExponent = 0.5;
    DiagnosticReport rep;
    net.finish(rep);
    return net;
}

// The delivery d that satisfies d = D sqrt((p - Pmin)/(Preq - Pmin)) with p = H - r d^1.852,
// by bisection (independent of the solver).
double wagnerByBisection(double head, double r) {
    double lo = 0.0;
    double hi = kDemand;
    for (int i = 0; i < 200; ++i) {
        const double d = 0.5 * (lo + hi);
        const double p = head - r * std::pow(d, 1.852);
        const double x = std::clamp((p - kPmin) / (kPreq - kPmin), 0.0, 1.0);
        (d < kDemand * std::sqrt(x) ? lo : hi) = d;
    }
    return 0.5 * (lo + hi);
}

}  // namespace

class TstPressureDriven : public QObject {
    Q_OBJECT
private slots:
    void belowMinimumPressureDeliversNothing() {
        const WaterNetwork net = oneJunction(4.0);  // at most 4 m of pressure < Pmin
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QVERIFY2(std::abs(s.demandDelivered[1]) < 1e-8, qPrintable(QString::number(s.demandDelivered[1])));
        QVERIFY(std::abs(s.head[1] - 4.0) < 1e-6);
        QCOMPARE(s.demandRequested[1], kDemand);
    }

    void aboveRequiredPressureDeliversEverything() {
        const WaterNetwork net = oneJunction(100.0);
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double p = 100.0 - hwR(120.0, 0.15, 1000.0) * std::pow(kDemand, 1.852);
        QVERIFY(p > kPreq);
        QVERIFY2(std::abs(s.demandDelivered[1] - kDemand) < 1e-6,
                 qPrintable(QString::number(s.demandDelivered[1])));
        QVERIFY(std::abs(s.head[1] - p) < 1e-4);
    }

    void betweenTheLimitsFollowsWagner() {
        const WaterNetwork net = oneJunction(20.0);
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double d = wagnerByBisection(20.0, hwR(120.0, 0.15, 1000.0));
        QVERIFY(d > 0.1 * kDemand && d < 0.9 * kDemand);
        QVERIFY2(std::abs(s.demandDelivered[1] - d) < 1e-9,
                 qPrintable(QString::number(s.demandDelivered[1] - d)));
        // And the formula holds at the solved pressure.
        const double p = s.head[1];
        QVERIFY(std::abs(s.demandDelivered[1] - kDemand * std::sqrt((p - kPmin) / (kPreq - kPmin))) < 1e-9);
    }

    void burstIsOrificeFlow() {
        // A burst at J: Cd A sqrt(2 g p) at the solved pressure, and the rest of the balance holds.
        WaterNetwork net = oneJunction(60.0);
        HydraulicSolver solver(net, tight(net));
        WaterSimulation sim(net, tight(net));
        sim.setLeak(1, 0.0005, 0.75);
        QVERIFY(sim.solveNow().converged);
        const HydraulicState& s = sim.state();
        const double p = s.head[1];
        QVERIFY(p > 0.0);
        const double expected = 0.75 * 0.0005 * std::sqrt(2.0 * 9.80665 * p);
        QVERIFY2(std::abs(s.leakFlow[1] - expected) < 1e-9,
                 qPrintable(QString::number(s.leakFlow[1] - expected)));
        QVERIFY(std::abs(s.flow[0] - s.leakFlow[1] - s.demandDelivered[1]) < 1e-12);
    }

    void closedPipeCutsOffAZone() {
        // R -> J1 -> J2 -> J3 with a big burst at J2: J3 gets less. Then the valve on J1-J2 is
        // closed to isolate the burst: J2 and J3 get nothing, no NaN, no negative pressure.
        WaterNetwork net;
        const auto r = net.addReservoir("R", 60.0).value();
        const auto j1 = net.addJunction("J1", 0.0, 0.01).value();
        const auto j2 = net.addJunction("J2", 0.0, 0.01).value();
        const auto j3 = net.addJunction("J3", 0.0, 0.01).value();
        net.addPipe("P1", r, j1, 300.0, 0.2, 120.0);
        const auto p2 = net.addPipe("P2", j1, j2, 300.0, 0.2, 120.0).value();
        net.addPipe("P3", j2, j3, 300.0, 0.15, 120.0);
        net.options.demandModel = DemandModel::PressureDriven;
        net.options.minimumPressure = 0.0;
        net.options.requiredPressure = 20.0;
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        WaterSimulation sim(net);
        QVERIFY(sim.solveNow().converged);
        QVERIFY(std::abs(sim.state().demandDelivered[j3] - 0.01) < 1e-6);

        sim.setLeak(j2, 0.01, 0.75);  // a 11 cm hole
        QVERIFY(sim.solveNow().converged);
        const HydraulicState& s = sim.state();
        QVERIFY(s.leakFlow[j2] > 0.05);
        QVERIFY(s.demandDelivered[j3] < 0.01 - 1e-4);
        QVERIFY(s.head[j3] - 0.0 > -1e-6);
        QVERIFY(worstImbalance(net, s) < 1e-6);

        sim.setLinkStatus(p2, LinkStatus::Closed);
        const SolveStats st = sim.solveNow();
        QVERIFY(st.converged);
        QCOMPARE(st.isolatedJunctions, std::size_t{2});
        const HydraulicState& c = sim.state();
        QCOMPARE(c.demandDelivered[j2], 0.0);
        QCOMPARE(c.demandDelivered[j3], 0.0);
        QCOMPARE(c.leakFlow[j2], 0.0);
        for (std::uint32_t i = 0; i < net.nodeCount(); ++i) {
            QVERIFY(std::isfinite(c.head[i]));
            QVERIFY(c.head[i] - net.nodeElevation[i] > -1e-6);
        }
        QVERIFY(std::abs(c.demandDelivered[j1] - 0.01) < 1e-6);
        const WaterReport rpt = sim.report();
        QCOMPARE(rpt.isolated[j3], std::uint8_t{1});
        QCOMPARE(rpt.pressure[j3], 0.0);
    }

    void lowPressureZoneUnderPdaHasNoAbsurdPressures() {
        // A long thin main up a hill: DDA needs hundreds of metres of negative pressure to push
        // the full demand through. PDA delivers what the main can carry; a dead end above the
        // hydraulic grade gets nothing and sits at the head of its neighbour (a pressure no
        // lower than the hill is high), never an absurd value.
        WaterNetwork net;
        const auto r = net.addReservoir("R", 40.0).value();
        std::uint32_t prev = r;
        for (int i = 0; i < 5; ++i) {
            const auto j = net.addJunction("J" + std::to_string(i), 10.0 + 5.0 * i, 0.005).value();
            net.addPipe("P" + std::to_string(i), prev, j, 800.0, 0.1, 100.0);
            prev = j;
        }
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        {
            HydraulicSolver dda(net);
            HydraulicState s = dda.initialState();
            QVERIFY(dda.solve(s).converged);
            QVERIFY(s.head[5] - net.nodeElevation[5] < -100.0);
        }
        net.options.demandModel = DemandModel::PressureDriven;
        net.options.minimumPressure = 0.0;
        net.options.requiredPressure = 15.0;
        HydraulicSolver solver(net);
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        double delivered = 0.0;
        for (std::uint32_t i = 1; i < net.nodeCount(); ++i) {
            const double p = s.head[i] - net.nodeElevation[i];
            QVERIFY2(p > -20.0, qPrintable(QString::number(p)));
            QVERIFY(s.head[i] <= 40.0 + 1e-9);
            QVERIFY(s.demandDelivered[i] >= -1e-8 && s.demandDelivered[i] <= 0.005 + 1e-6);
            if (p < 0.0) {
                QVERIFY(std::abs(s.demandDelivered[i]) < 1e-6);
            }
            delivered += s.demandDelivered[i];
        }
        QVERIFY(delivered < 0.025 && delivered > 0.0);
        QVERIFY(worstImbalance(net, s) < 1e-6);
    }
};

QTEST_APPLESS_MAIN(TstPressureDriven)
#include "tst_pressure_driven.moc"
