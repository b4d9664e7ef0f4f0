// The hydraulic solver against closed-form and hand-solved networks.
#include <QtTest>

#include <cmath>

#include "citytwin/water/hydraulic_solver.h"
#include "water_test_util.h"

using namespace ct;
using namespace ct::water;
using namespace ct::water::test;

namespace {

constexpr double kN = 1.852;

std::uint32_t id(const std::optional<std::uint32_t>& v) {
    return v.value();
}

}  // namespace

class TstHydraulicSolver : public QObject {
    Q_OBJECT
private slots:
    void singlePipeHeadLossForAFlow() {
        // Reservoir at 100 m feeds 50 L/s through 1000 m of 300 mm pipe, C = 120.
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 100.0));
        const auto j = id(net.addJunction("J", 0.0, 0.05));
        net.addPipe("P", r, j, 1000.0, 0.3, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        const SolveStats st = solver.solve(s);
        QVERIFY(st.converged);
        const double expected = 100.0 - hwR(120.0, 0.3, 1000.0) * std::pow(0.05, kN);
        QVERIFY2(std::abs(s.head[j] - expected) < 1e-9, qPrintable(QString::number(s.head[j] - expected)));
        QVERIFY(std::abs(s.flow[0] - 0.05) < 1e-12);
    }

    void singlePipeFlowForAHeadDifference() {
        // Two reservoirs 10 m apart: Q = (dH / r)^(1/1.852). No junction: no linear system at all.
        WaterNetwork net;
        const auto a = id(net.addReservoir("A", 100.0));
        const auto b = id(net.addReservoir("B", 90.0));
        net.addPipe("P", a, b, 2000.0, 0.25, 100.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double expected = std::pow(10.0 / hwR(100.0, 0.25, 2000.0), 1.0 / kN);
        QVERIFY2(std::abs(s.flow[0] / expected - 1.0) < 1e-9, qPrintable(QString::number(s.flow[0])));
    }

    void pipesInSeries() {
        // A -> J1 -> J2 -> B between reservoirs: dH = (r1 + r2 + r3) Q^1.852.
        WaterNetwork net;
        const auto a = id(net.addReservoir("A", 120.0));
        const auto j1 = id(net.addJunction("J1", 10.0));
        const auto j2 = id(net.addJunction("J2", 5.0));
        const auto b = id(net.addReservoir("B", 95.0));
        net.addPipe("P1", a, j1, 800.0, 0.3, 130.0);
        net.addPipe("P2", j1, j2, 500.0, 0.2, 110.0);
        net.addPipe("P3", j2, b, 300.0, 0.25, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double r1 = hwR(130.0, 0.3, 800.0);
        const double r2 = hwR(110.0, 0.2, 500.0);
        const double r3 = hwR(120.0, 0.25, 300.0);
        const double q = std::pow(25.0 / (r1 + r2 + r3), 1.0 / kN);
        for (int k = 0; k < 3; ++k) {
            QVERIFY(std::abs(s.flow[k] / q - 1.0) < 1e-9);
        }
        QVERIFY(std::abs(s.head[j1] - (120.0 - r1 * std::pow(q, kN))) < 1e-8);
        QVERIFY(std::abs(s.head[j2] - (95.0 + r3 * std::pow(q, kN))) < 1e-8);
    }

    void pipesInParallel() {
        // Three pipes from a reservoir to one junction drawing 80 L/s: equal head loss h, and
        // Q = sum (h / r_i)^(1/n)  =>  h = (Q / sum r_i^(-1/n))^n.
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 60.0));
        const auto j = id(net.addJunction("J", 0.0, 0.08));
        const double d[3] = {0.15, 0.2, 0.25};
        const double c[3] = {100.0, 120.0, 140.0};
        const double len[3] = {400.0, 600.0, 900.0};
        double sum = 0.0;
        for (int i = 0; i < 3; ++i) {
            net.addPipe("P" + std::to_string(i), r, j, len[i], d[i], c[i]);
            sum += std::pow(hwR(c[i], d[i], len[i]), -1.0 / kN);
        }
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double h = std::pow(0.08 / sum, kN);
        QVERIFY(std::abs(s.head[j] - (60.0 - h)) < 1e-9);
        for (int i = 0; i < 3; ++i) {
            const double qi = std::pow(h / hwR(c[i], d[i], len[i]), 1.0 / kN);
            QVERIFY(std::abs(s.flow[static_cast<std::size_t>(i)] - qi) < 1e-10);
        }
    }

    void oneLoopByHand() {
        // One loop A-B-C fed at A, all the demand Q at C:
        //
        //        R
        //        | P0
        //        A ------ P2 ------ C  (demand Q)
        //         \                /
        //          P1 --- B --- P3
        //
        // Flow x goes A->B->C and Q - x goes A->C. Around the loop the head losses balance:
        //   r1 x^n + r3 x^n = r2 (Q - x)^n   =>   x = Q / (1 + ((r1 + r3) / r2)^(1/n)).
        // (Hardy-Cross converges to the same x; this is its fixed point in closed form.)
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 80.0));
        const auto a = id(net.addJunction("A", 10.0));
        const auto b = id(net.addJunction("B", 12.0));
        const auto c = id(net.addJunction("C", 8.0, 0.06));
        net.addPipe("P0", r, a, 100.0, 0.3, 120.0);
        net.addPipe("P1", a, b, 400.0, 0.2, 110.0);
        net.addPipe("P2", a, c, 700.0, 0.2, 100.0);
        net.addPipe("P3", b, c, 500.0, 0.15, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double r1 = hwR(110.0, 0.2, 400.0);
        const double r2 = hwR(100.0, 0.2, 700.0);
        const double r3 = hwR(120.0, 0.15, 500.0);
        const double x = 0.06 / (1.0 + std::pow((r1 + r3) / r2, 1.0 / kN));
        QVERIFY2(std::abs(s.flow[1] - x) < 1e-10, qPrintable(QString::number(s.flow[1] - x)));
        QVERIFY(std::abs(s.flow[3] - x) < 1e-10);
        QVERIFY(std::abs(s.flow[2] - (0.06 - x)) < 1e-10);
        const double ha = 80.0 - hwR(120.0, 0.3, 100.0) * std::pow(0.06, kN);
        QVERIFY(std::abs(s.head[a] - ha) < 1e-8);
        QVERIFY(std::abs(s.head[c] - (ha - r2 * std::pow(0.06 - x, kN))) < 1e-8);
    }

    void symmetricTwoLoops() {
        // Two identical branches A->B->D and A->C->D joined by a cross pipe B-C. Demands q at B
        // and C, Qd at D. By symmetry H(B) = H(C), so the cross pipe carries nothing, and each
        // branch carries q + Qd/2 into B (or C) and Qd/2 on to D.
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 70.0));
        const auto a = id(net.addJunction("A", 0.0));
        const auto b = id(net.addJunction("B", 0.0, 0.01));
        const auto c = id(net.addJunction("C", 0.0, 0.01));
        const auto d = id(net.addJunction("D", 0.0, 0.04));
        net.addPipe("P0", r, a, 200.0, 0.3, 130.0);
        net.addPipe("AB", a, b, 500.0, 0.2, 120.0);
        net.addPipe("AC", a, c, 500.0, 0.2, 120.0);
        net.addPipe("BD", b, d, 400.0, 0.15, 120.0);
        net.addPipe("CD", c, d, 400.0, 0.15, 120.0);
        net.addPipe("BC", b, c, 300.0, 0.1, 100.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QVERIFY(std::abs(s.flow[5]) < 1e-9);
        QVERIFY(std::abs(s.flow[1] - 0.03) < 1e-9);
        QVERIFY(std::abs(s.flow[3] - 0.02) < 1e-9);
        const double ha = 70.0 - hwR(130.0, 0.3, 200.0) * std::pow(0.06, kN);
        const double hd =
            ha - hwR(120.0, 0.2, 500.0) * std::pow(0.03, kN) - hwR(120.0, 0.15, 400.0) * std::pow(0.02, kN);
        QVERIFY(std::abs(s.head[d] - hd) < 1e-8);
        QVERIFY(std::abs(s.head[b] - s.head[c]) < 1e-9);
    }

    void massBalanceOnAGrid() {
        // A 12 x 12 grid fed from two reservoirs, with emitters: every junction balances.
        WaterNetwork net;
        const int n = 12;
        for (int y = 0; y < n; ++y) {
            for (int x = 0; x < n; ++x) {
                const double demand = 0.0005 * (1 + (x * 7 + y * 3) % 5);
                net.addJunction("J" + std::to_string(y * n + x), 5.0 + 0.5 * ((x + 2 * y) % 7), demand);
            }
        }
        const auto r1 = id(net.addReservoir("R1", 80.0));
        const auto r2 = id(net.addReservoir("R2", 75.0));
        int p = 0;
        for (int y = 0; y < n; ++y) {
            for (int x = 0; x < n; ++x) {
                const auto i = static_cast<std::uint32_t>(y * n + x);
                const double dia = 0.1 + 0.05 * ((x * y) % 3);
                if (x + 1 < n) {
                    net.addPipe("P" + std::to_string(p++), i, i + 1, 100.0, dia, 110.0);
                }
                if (y + 1 < n) {
                    net.addPipe("P" + std::to_string(p++), i, i + static_cast<std::uint32_t>(n), 120.0, dia,
                                120.0);
                }
            }
        }
        net.addPipe("S1", r1, 0, 50.0, 0.4, 130.0);
        net.addPipe("S2", r2, static_cast<std::uint32_t>(n * n - 1), 50.0, 0.4, 130.0);
        net.nodeEmitter[static_cast<std::size_t>(n * 5 + 5)] = 0.001;
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net);  // EPANET's default accuracy: balance holds at every iterate
        HydraulicState s = solver.initialState();
        const SolveStats st = solver.solve(s);
        QVERIFY(st.converged);
        QVERIFY2(worstImbalance(net, s) < 1e-6, qPrintable(QString::number(worstImbalance(net, s))));
        QVERIFY(s.emitterFlow[static_cast<std::size_t>(n * 5 + 5)] > 0.0);
        // And the sources supply exactly what leaves.
        double out = 0.0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(n * n); ++i) {
            out += s.demandDelivered[i] + s.emitterFlow[i];
        }
        QVERIFY(std::abs(s.flow[net.linkCount() - 2] + s.flow[net.linkCount() - 1] - out) < 1e-6);
    }

    void pumpWithOnePointCurve() {
        // EPANET's 1-point curve: h = 4/3 h1 - (h1/3)(q/q1)^2. Pumping between reservoirs 20 m
        // apart through a short wide pipe: (4/3) 40 - (40/3)(q/0.05)^2 - r q^1.852 = 20.
        WaterNetwork net;
        const auto a = id(net.addReservoir("A", 0.0));
        const auto j = id(net.addJunction("J", 0.0));
        const auto b = id(net.addReservoir("B", 20.0));
        const std::uint32_t curve = net.addCurve("C", {0.05}, {40.0});
        Pump pump;
        pump.headCurve = static_cast<std::int32_t>(curve);
        net.addPump("PU", a, j, pump);
        net.addPipe("P", j, b, 10.0, 0.5, 140.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        // The fit through (0, 1.33334 h1), (q1, h1), (2 q1, 0), written out.
        const double h0 = 1.33334 * 40.0;
        const double c = std::log(h0 / (h0 - 40.0)) / std::log(2.0);
        const double bcoef = (h0 - 40.0) / std::pow(0.05, c);
        const double r = hwR(140.0, 0.5, 10.0);
        auto f = [&](double q) { return h0 - bcoef * std::pow(q, c) - r * std::pow(q, kN) - 20.0; };
        double lo = 0.0;
        double hi = 0.1;
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (f(mid) > 0.0 ? lo : hi) = mid;
        }
        QVERIFY2(std::abs(s.flow[0] - lo) < 1e-9, qPrintable(QString::number(s.flow[0] - lo)));
    }

    void pumpAgainstTooMuchHeadCloses() {
        // Shutoff head 53.3 m but 60 m to lift: the pump closes, no reverse flow.
        WaterNetwork net;
        const auto a = id(net.addReservoir("A", 0.0));
        const auto j = id(net.addJunction("J", 0.0));
        const auto b = id(net.addReservoir("B", 60.0));
        Pump pump;
        pump.headCurve = static_cast<std::int32_t>(net.addCurve("C", {0.05}, {40.0}));
        net.addPump("PU", a, j, pump);
        net.addPipe("P", j, b, 10.0, 0.5, 140.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net);
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QCOMPARE(s.linkState[0], LinkState::ClosedHead);
        QCOMPARE(s.flow[0], 0.0);
        QVERIFY(std::isfinite(s.head[j]));
    }

    void checkValveStopsReverseFlow() {
        // A check valve pipe pointing from the low reservoir to the high one carries nothing.
        WaterNetwork net;
        const auto a = id(net.addReservoir("A", 50.0));
        const auto j = id(net.addJunction("J", 0.0, 0.01));
        const auto b = id(net.addReservoir("B", 60.0));
        net.addPipe("PA", a, j, 100.0, 0.2, 120.0, 0.0, LinkStatus::Open, true);
        net.addPipe("PB", b, j, 100.0, 0.2, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QCOMPARE(s.linkState[0], LinkState::ClosedCheck);
        QVERIFY(std::abs(s.flow[1] - 0.01) < 1e-12);
        QVERIFY(std::abs(s.head[j] - (60.0 - hwR(120.0, 0.2, 100.0) * std::pow(0.01, kN))) < 1e-9);
    }

    void prvHoldsItsSetting() {
        // R (100 m) -> J1 -> PRV (30 m at J2, elevation 10) -> J2 -> J3.
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 100.0));
        const auto j1 = id(net.addJunction("J1", 0.0));
        const auto j2 = id(net.addJunction("J2", 10.0, 0.01));
        const auto j3 = id(net.addJunction("J3", 5.0, 0.02));
        net.addPipe("P1", r, j1, 500.0, 0.3, 120.0);
        net.addValve("V", j1, j2, LinkKind::Prv, 0.3, 30.0);
        net.addPipe("P2", j2, j3, 400.0, 0.2, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QCOMPARE(s.linkState[1], LinkState::Active);
        QVERIFY(std::abs(s.head[j2] - 40.0) < 1e-4);
        QVERIFY(std::abs(s.flow[1] - 0.03) < 1e-9);
        QVERIFY(std::abs(s.head[j3] - (40.0 - hwR(120.0, 0.2, 400.0) * std::pow(0.02, kN))) < 1e-4);

        // With the source below the setting the PRV opens fully.
        net.nodeElevation[r] = 35.0;
        HydraulicSolver low(net, tight(net));
        HydraulicState s2 = low.initialState();
        QVERIFY(low.solve(s2).converged);
        QCOMPARE(s2.linkState[1], LinkState::Open);
        QVERIFY(s2.head[j2] < 35.0 && s2.head[j2] > 34.0);
    }

    void fcvLimitsTheFlow() {
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 100.0));
        const auto j1 = id(net.addJunction("J1", 0.0));
        const auto j2 = id(net.addJunction("J2", 0.0));
        const auto b = id(net.addReservoir("B", 50.0));
        net.addPipe("P1", r, j1, 300.0, 0.3, 120.0);
        net.addValve("V", j1, j2, LinkKind::Fcv, 0.3, 0.04);
        net.addPipe("P2", j2, b, 300.0, 0.3, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        QCOMPARE(s.linkState[1], LinkState::Active);
        QVERIFY(std::abs(s.flow[1] - 0.04) < 1e-12);
        QVERIFY(std::abs(s.flow[0] - 0.04) < 1e-12);
        QVERIFY(std::abs(s.flow[2] - 0.04) < 1e-12);
        QVERIFY(std::abs(s.head[j1] - (100.0 - hwR(120.0, 0.3, 300.0) * std::pow(0.04, kN))) < 1e-8);
        QVERIFY(std::abs(s.head[j2] - (50.0 + hwR(120.0, 0.3, 300.0) * std::pow(0.04, kN))) < 1e-8);
    }

    void closedPipeIsolatesAZoneUnderDda() {
        // Closing the only feed leaves J2, J3 without a source: no water, finite heads.
        WaterNetwork net;
        const auto r = id(net.addReservoir("R", 50.0));
        const auto j1 = id(net.addJunction("J1", 0.0, 0.01));
        const auto j2 = id(net.addJunction("J2", 0.0, 0.01));
        const auto j3 = id(net.addJunction("J3", 0.0, 0.01));
        net.addPipe("P1", r, j1, 100.0, 0.2, 120.0);
        net.addPipe("P2", j1, j2, 100.0, 0.2, 120.0, 0.0, LinkStatus::Closed);
        net.addPipe("P3", j2, j3, 100.0, 0.2, 120.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net);
        HydraulicState s = solver.initialState();
        const SolveStats st = solver.solve(s);
        QVERIFY(st.converged);
        QCOMPARE(st.isolatedJunctions, std::size_t{2});
        QCOMPARE(s.demandDelivered[j2], 0.0);
        QCOMPARE(s.demandDelivered[j3], 0.0);
        QCOMPARE(s.flow[2], 0.0);
        QVERIFY(std::isfinite(s.head[j2]) && std::isfinite(s.head[j3]));
        QVERIFY(std::abs(s.flow[0] - 0.01) < 1e-12);
    }
};

QTEST_APPLESS_MAIN(TstHydraulicSolver)
#include "tst_hydraulic_solver.moc"
