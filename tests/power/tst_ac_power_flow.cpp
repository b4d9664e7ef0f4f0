// AC power flow against closed-form solutions, hand calculations, power balance and the published
// solutions of the WSCC 9-bus and IEEE 14-bus cases.
#include <QtTest>

#include <complex>
#include <vector>

#include "citytwin/power/power_flow.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power;
using namespace ct::power::test;

namespace {

using Cx = std::complex<double>;

Cx phasor(const PowerFlowResult& r, int bus) {
    return std::polar(r.vmPu[static_cast<std::size_t>(bus)], r.vaDeg[static_cast<std::size_t>(bus)] * kDeg);
}

// Two buses: a slack holding v1 and a PQ load p + jq (MW, MVAr) at the end of a lossless line.
PowerNetwork twoBusNetwork(double v1, double x, double pMW, double qMVAr) {
    PowerNetwork net;
    net.baseMVA = 100;
    net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pq, pMW, qMVAr)};
    net.gens = {gen(0, 0, v1)};
    net.branches = {line(0, 1, 0, x)};
    return net;
}

// The closed-form checks solve to 1e-12 p.u. so that the comparison measures the model, not the
// stopping rule (at the default 1e-8 a voltage can still be 1e-9 away).
PowerFlowOptions tight() {
    PowerFlowOptions o;
    o.tolerancePu = 1e-12;
    return o;
}

}  // namespace

class TstAcPowerFlow : public QObject {
    Q_OBJECT
private slots:
    void twoBusLosslessClosedForm_data() {
        QTest::addColumn<double>("v1");
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("p");
        QTest::addColumn<double>("q");
        QTest::newRow("inductive load") << 1.0 << 0.1 << 1.0 << 0.5;
        QTest::newRow("capacitive load, high source") << 1.05 << 0.25 << 0.8 << -0.2;
        QTest::newRow("heavy load near the nose") << 1.0 << 0.2 << 2.0 << 0.3;
    }
    void twoBusLosslessClosedForm() {
        // Hand solution (power_test_util.h): u = v2^2 solves u^2 + (2qx - v1^2)u + x^2(p^2+q^2) = 0;
        // e.g. v1 = 1, x = 0.1, p = 1, q = 0.5: u^2 - 0.9u + 0.0125 = 0, u = 0.885890,
        // v2 = 0.941217 p.u., d = asin(0.1/0.941217) = 6.099 degrees.
        QFETCH(double, v1);
        QFETCH(double, x);
        QFETCH(double, p);
        QFETCH(double, q);
        TwoBusSolution s;
        QVERIFY(twoBus(v1, x, p, q, s));
        const PowerFlowResult r = solvePowerFlow(twoBusNetwork(v1, x, 100 * p, 100 * q), tight());
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(std::abs(r.vmPu[0] - v1) < 1e-12);
        QVERIFY(std::abs(r.vmPu[1] - s.v2) < 1e-9);
        QVERIFY(std::abs(r.vaDeg[1] - (-s.deltaRad / kDeg)) < 1e-7);
        QVERIFY(std::abs(r.genPMW[0] - 100 * p) < 1e-6);  // lossless: the slack sends exactly the load
        QVERIFY(std::abs(r.genQMVAr[0] - 100 * s.q1) < 1e-6);
        QVERIFY(std::abs(r.lossMW) < 1e-9);
        QVERIFY(r.iterations >= 2 && r.iterations <= 7);
    }

    void twoBusThroughTapAndPhaseShifter() {
        // The MATPOWER transformer puts v1 / (t e^{j phi}) behind the series reactance, so the load
        // bus sees the closed-form solution for a source of v1/t, and its angle is shifted by -phi.
        const double v1 = 1.0, x = 0.1, p = 1.0, q = 0.5, t = 1.05, phiDeg = 10.0;
        PowerNetwork net = twoBusNetwork(v1, x, 100 * p, 100 * q);
        net.branches[0].ratio = t;
        net.branches[0].shiftDeg = phiDeg;
        TwoBusSolution s;
        QVERIFY(twoBus(v1 / t, x, p, q, s));
        const PowerFlowResult r = solvePowerFlow(net, tight());
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(std::abs(r.vmPu[1] - s.v2) < 1e-9);
        QVERIFY(std::abs(r.vaDeg[1] - (-phiDeg - s.deltaRad / kDeg)) < 1e-7);
        QVERIFY(std::abs(r.genPMW[0] - 100 * p) < 1e-6);
        QVERIFY(std::abs(r.genQMVAr[0] - 100 * s.q1) < 1e-6);  // an ideal transformer passes S unchanged
        QVERIFY(std::abs(r.pfMW[0] - 100 * p) < 1e-6);
        QVERIFY(std::abs(r.ptMW[0] + 100 * p) < 1e-6);
    }

    void threeBusChainByHand() {
        // 1 -- x12 = 0.06 -- 2 -- x23 = 0.04 -- 3 (load 1 + j0.5 p.u.), nothing at bus 2, no shunts:
        // the same current flows through both reactances, so bus 3 sees the two-bus solution with
        // x = 0.1 (v3 = 0.941217, d = 6.099 deg) and bus 2 lies on the straight line between the
        // phasors: V2 = V1 - j x12 I with I = (V1 - V3) / (j (x12 + x23)).
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pq), bus(3, BusType::Pq, 100, 50)};
        net.gens = {gen(0, 0, 1.0)};
        net.branches = {line(0, 1, 0, 0.06), line(1, 2, 0, 0.04)};
        TwoBusSolution s;
        QVERIFY(twoBus(1.0, 0.1, 1.0, 0.5, s));
        const Cx v1(1, 0), v3 = std::polar(s.v2, -s.deltaRad);
        const Cx current = (v1 - v3) / Cx(0, 0.1);
        const Cx v2 = v1 - Cx(0, 0.06) * current;
        const PowerFlowResult r = solvePowerFlow(net, tight());
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(std::abs(phasor(r, 2) - v3) < 1e-9);
        QVERIFY(std::abs(phasor(r, 1) - v2) < 1e-9);
        QVERIFY(std::abs(r.genQMVAr[0] - 100 * s.q1) < 1e-6);
    }

    void threeBusSymmetricMeshByHand() {
        // A triangle with the slack at bus 1 and equal loads and lines at buses 2 and 3: by symmetry
        // V2 = V3, line 2-3 carries nothing, and each load bus is the two-bus case.
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pq, 80, 30), bus(3, BusType::Pq, 80, 30)};
        net.gens = {gen(0, 0, 1.02)};
        net.branches = {line(0, 1, 0, 0.12), line(0, 2, 0, 0.12), line(1, 2, 0, 0.2)};
        TwoBusSolution s;
        QVERIFY(twoBus(1.02, 0.12, 0.8, 0.3, s));
        const PowerFlowResult r = solvePowerFlow(net, tight());
        QVERIFY2(r.converged, r.message.c_str());
        for (int b : {1, 2}) {
            QVERIFY(std::abs(r.vmPu[static_cast<std::size_t>(b)] - s.v2) < 1e-9);
            QVERIFY(std::abs(r.vaDeg[static_cast<std::size_t>(b)] + s.deltaRad / kDeg) < 1e-7);
        }
        QVERIFY(std::abs(r.pfMW[2]) < 1e-7);
        QVERIFY(std::abs(r.qfMVAr[2]) < 1e-7);
        QVERIFY(std::abs(r.genPMW[0] - 160) < 1e-6);
        QVERIFY(std::abs(r.genQMVAr[0] - 2 * 100 * s.q1) < 1e-6);
    }

    void threeBusGeneralBalanceAndLosses() {
        // A lossy triangle with a PV bus: no closed form, but (1) every bus balances, (2) the PV bus
        // holds its set point, (3) the slack covers load - other generation + losses, and (4) the
        // losses equal the sum of |I|^2 r over the series elements, I = (Vf - Vt) / (r + jx).
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pv, 20, 10), bus(3, BusType::Pq, 120, 40)};
        net.gens = {gen(0, 0, 1.02), gen(1, 60, 1.01)};
        net.branches = {line(0, 1, 0.02, 0.06, 0.03), line(0, 2, 0.08, 0.24, 0.025),
                        line(1, 2, 0.06, 0.18, 0.02)};
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(maxPowerBalanceMismatchPu(net, r) < 1e-8);
        QVERIFY(std::abs(r.vmPu[1] - 1.01) < 1e-12);
        QVERIFY(std::abs(r.genPMW[1] - 60) < 1e-12);
        QVERIFY(std::abs(r.genPMW[0] - (140 - 60 + r.lossMW)) < 1e-6);
        double i2r = 0;
        for (const PowerBranch& br : net.branches) {
            const Cx i = (phasor(r, br.from) - phasor(r, br.to)) / Cx(br.rPu, br.xPu);
            i2r += std::norm(i) * br.rPu * net.baseMVA;
        }
        QVERIFY(r.lossMW > 1);
        QVERIFY(std::abs(r.lossMW - i2r) < 1e-6);
    }

    void case9UnityVgAgainstPublishedSolution() {
        // The MATPOWER runpf solution of the WSCC 9-bus case with all set points at 1.0 p.u. (see the
        // header of the fixture): magnitudes to 4 decimals, angles to 3 decimals as published.
        const auto net = loadFixture("case9_unity_vg.m");
        QVERIFY(net.has_value());
        const double vm[] = {1.0000, 1.0000, 1.0000, 0.9870, 0.9755, 1.0034, 0.9856, 0.9962, 0.9576};
        const double va[] = {0, 9.669, 4.771, -2.407, -4.017, 1.926, 0.622, 3.799, -4.350};
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(r.iterations <= 5);
        for (std::size_t i = 0; i < 9; ++i) {
            QVERIFY2(std::abs(r.vmPu[i] - vm[i]) < 1e-4,
                     qPrintable(QString("bus %1 vm %2").arg(i + 1).arg(r.vmPu[i])));
            // 3 published decimals: the rounding alone allows 5e-4.
            QVERIFY2(std::abs(r.vaDeg[i] - va[i]) < 6e-4,
                     qPrintable(QString("bus %1 va %2").arg(i + 1).arg(r.vaDeg[i])));
        }
        QVERIFY(std::abs(r.genPMW[0] - 71.95) < 0.006);
        QVERIFY(std::abs(r.genQMVAr[0] - 24.07) < 0.006);
        QVERIFY(std::abs(r.genQMVAr[1] - 14.46) < 0.006);
        QVERIFY(std::abs(r.genQMVAr[2] + 3.65) < 0.006);
        QVERIFY(std::abs(r.lossMW - 4.955) < 6e-4);
    }

    void case9AgainstAndersonFouad() {
        // Anderson & Fouad's published load flow of the WSCC 9-bus system (their Fig. 2.18, 3 decimals
        // and 0.1 degree), their bus numbers mapped to MATPOWER's (A&F 5, 6, 7, 8, 9 are 9, 5, 8, 7, 6).
        const auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        const double vm[] = {1.040, 1.025, 1.025, 1.026, 1.013, 1.032, 1.016, 1.026, 0.996};
        const double va[] = {0.0, 9.3, 4.7, -2.2, -3.7, 2.0, 0.7, 3.7, -4.0};
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        for (std::size_t i = 0; i < 9; ++i) {
            QVERIFY2(std::abs(r.vmPu[i] - vm[i]) < 6e-4,
                     qPrintable(QString("bus %1 vm %2").arg(i + 1).arg(r.vmPu[i])));
            QVERIFY2(std::abs(r.vaDeg[i] - va[i]) < 0.06,
                     qPrintable(QString("bus %1 va %2").arg(i + 1).arg(r.vaDeg[i])));
        }
        QVERIFY(std::abs(r.genPMW[0] - 71.6) < 0.06);  // A&F: 71.6 MW, 27.0 MVAr at the slack
        QVERIFY(std::abs(r.genQMVAr[0] - 27.0) < 0.06);
        QVERIFY(std::abs(r.genQMVAr[1] - 6.7) < 0.06);  // 6.7 and -10.9 MVAr at the other two
        QVERIFY(std::abs(r.genQMVAr[2] + 10.9) < 0.06);
    }

    void case14AgainstPublishedSolution() {
        // The IEEE 14-bus solution printed in the CDF file (the Vm, Va columns of the fixture: 3
        // decimals, 0.01 degree; computed in 1962 to a looser tolerance, hence 2e-3 and 0.03 degree),
        // and the generator reactive outputs of the MATPOWER solution (2 decimals).
        const auto net = loadFixture("case14.m");
        QVERIFY(net.has_value());
        PowerFlowOptions flat;
        flat.flatStart = true;  // do not start from the answer
        const PowerFlowResult r = solvePowerFlow(*net, flat);
        QVERIFY2(r.converged, r.message.c_str());
        for (std::size_t i = 0; i < 14; ++i) {
            const PowerBus& b = net->buses[i];
            QVERIFY2(std::abs(r.vmPu[i] - b.vmPu) < 2e-3,
                     qPrintable(QString("bus %1 vm %2").arg(i + 1).arg(r.vmPu[i])));
            QVERIFY2(std::abs(r.vaDeg[i] - b.vaDeg) < 0.03,
                     qPrintable(QString("bus %1 va %2").arg(i + 1).arg(r.vaDeg[i])));
        }
        const double qg[] = {-16.55, 43.56, 25.08, 12.73, 17.62};
        for (std::size_t g = 0; g < 5; ++g) {
            QVERIFY2(std::abs(r.genQMVAr[g] - qg[g]) < 0.006,
                     qPrintable(QString("gen %1 q %2").arg(g + 1).arg(r.genQMVAr[g])));
        }
        QVERIFY(std::abs(r.genPMW[0] - 232.39) < 0.006);
        QVERIFY(std::abs(r.lossMW - 13.393) < 6e-4);
    }

    void powerBalanceAtEveryBus_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("flat");
        QTest::newRow("case9") << "case9.m" << false;
        QTest::newRow("case9 flat") << "case9.m" << true;
        QTest::newRow("case9_unity_vg") << "case9_unity_vg.m" << false;
        QTest::newRow("case14") << "case14.m" << false;
        QTest::newRow("case14 flat") << "case14.m" << true;
    }
    void powerBalanceAtEveryBus() {
        // Recomputed from the result alone: generation - demand - shunts - branch flows out of each bus.
        QFETCH(QString, file);
        QFETCH(bool, flat);
        const auto net = loadFixture(file.toStdString());
        QVERIFY(net.has_value());
        PowerFlowOptions o;
        o.flatStart = flat;
        const PowerFlowResult r = solvePowerFlow(*net, o);
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(r.maxMismatchPu < 1e-8);
        QVERIFY(maxPowerBalanceMismatchPu(*net, r) < 1e-8);
        QVERIFY(std::abs(r.generationMW - r.loadServedMW - r.lossMW) < 1e-6);  // no shunt conductance here
    }

    void flatStartReachesTheSameSolution() {
        const auto net = loadFixture("case14.m");
        QVERIFY(net.has_value());
        PowerFlowOptions flat;
        flat.flatStart = true;
        const PowerFlowResult a = solvePowerFlow(*net);
        const PowerFlowResult b = solvePowerFlow(*net, flat);
        QVERIFY(a.converged && b.converged);
        QVERIFY(b.iterations > a.iterations);
        for (std::size_t i = 0; i < net->buses.size(); ++i) {
            QVERIFY(std::abs(a.vmPu[i] - b.vmPu[i]) < 1e-8);
            QVERIFY(std::abs(a.vaDeg[i] - b.vaDeg[i]) < 1e-6);
        }
    }

    void iterationLimitReportsNoConvergence() {
        const auto net = loadFixture("case14.m");
        QVERIFY(net.has_value());
        PowerFlowOptions o;
        o.flatStart = true;
        o.maxIterations = 1;
        const PowerFlowResult r = solvePowerFlow(*net, o);
        QVERIFY(!r.converged);
        QCOMPARE(r.iterations, 1);
        QVERIFY(!r.message.empty());
        QVERIFY(r.maxMismatchPu > 1e-8);
    }

    void loadBeyondTransferLimitDoesNotConverge() {
        // A lossless line of x = 0.1 carries at most v1^2 / (2x) = 5 p.u. to a unity power factor
        // load: 6 p.u. has no solution. The solver must say so (and may fall back to DC on request).
        const PowerNetwork net = twoBusNetwork(1.0, 0.1, 600, 0);
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY(!r.converged);
        QVERIFY(!r.message.empty());
        PowerFlowOptions o;
        o.dcFallback = true;
        const PowerFlowResult d = solvePowerFlow(net, o);
        QVERIFY2(d.converged, d.message.c_str());
        QVERIFY(d.islands[0].usedDc);
        QVERIFY(std::abs(d.genPMW[0] - 600) < 1e-9);
        QVERIFY(std::abs(d.vaDeg[1] + 6.0 * 0.1 / kDeg) < 1e-9);  // theta2 = -P x
    }

    void qLimitsSwitchPvToPq() {
        // Bus 2 is a PV bus (0 MW, set point 1.0 p.u., Q limits +-20 MVAr) with a 50 + j60 load.
        // Holding 1.0 p.u. needs more than 20 MVAr, so with limits enforced the bus becomes PQ with
        // a net load of 50 + j(60 - 20): the two-bus closed form with p = 0.5, q = 0.4.
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pv, 50, 60)};
        net.gens = {gen(0, 0, 1.0), gen(1, 0, 1.0)};
        net.gens[1].qmaxMVAr = 20;
        net.gens[1].qminMVAr = -20;
        net.branches = {line(0, 1, 0, 0.1)};

        const PowerFlowResult off = solvePowerFlow(net);  // off by default, as in MATPOWER
        QVERIFY(off.converged);
        QVERIFY(std::abs(off.vmPu[1] - 1.0) < 1e-12);
        QVERIFY(off.genQMVAr[1] > 20);

        PowerFlowOptions o = tight();
        o.enforceQLimits = true;
        const PowerFlowResult on = solvePowerFlow(net, o);
        QVERIFY2(on.converged, on.message.c_str());
        TwoBusSolution s;
        QVERIFY(twoBus(1.0, 0.1, 0.5, 0.4, s));
        QCOMPARE(on.genQMVAr[1], 20.0);
        QVERIFY(on.busTypeUsed[1] == BusType::Pq);
        QCOMPARE(on.islands[0].qLimitRounds, 1);
        QVERIFY(std::abs(on.vmPu[1] - s.v2) < 1e-9);
        QVERIFY(std::abs(on.vaDeg[1] + s.deltaRad / kDeg) < 1e-7);
        QVERIFY(maxPowerBalanceMismatchPu(net, on) < 1e-8);
    }

    void reactiveOutputSharedByQRange() {
        // Two generators on one PV bus, Q ranges [-10, 10] and [-10, 30]: MATPOWER shares the bus total
        // Qt as Qmin_i + (Qt - sum Qmin) / (sum range) * range_i.
        PowerNetwork net;
        net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pv, 50, 10)};
        net.gens = {gen(0, 0, 1.0), gen(1, 10, 1.02), gen(1, 10, 1.02)};
        net.gens[1].qminMVAr = -10;
        net.gens[1].qmaxMVAr = 10;
        net.gens[2].qminMVAr = -10;
        net.gens[2].qmaxMVAr = 30;
        net.branches = {line(0, 1, 0.01, 0.1)};
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY(r.converged);
        const double qt = r.genQMVAr[1] + r.genQMVAr[2];
        QVERIFY(std::abs(r.genQMVAr[1] - (-10 + (qt + 20) / 60 * 20)) < 1e-9);
        QVERIFY(std::abs(r.genQMVAr[2] - (-10 + (qt + 20) / 60 * 40)) < 1e-9);
        QVERIFY(maxPowerBalanceMismatchPu(net, r) < 1e-8);
    }

    void invalidNetworkIsReportedNotSolved() {
        PowerNetwork net = twoBusNetwork(1.0, 0.1, 50, 10);
        net.branches[0].to = 7;  // no such bus
        const PowerFlowResult r = solvePowerFlow(net);
        QVERIFY(!r.converged);
        QVERIFY(r.message.find("power.unknown_bus") != std::string::npos);
        QCOMPARE(r.vmPu.size(), std::size_t{2});
    }
};

QTEST_APPLESS_MAIN(TstAcPowerFlow)
#include "tst_ac_power_flow.moc"
