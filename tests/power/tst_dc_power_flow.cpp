// DC power flow against hand calculations, and against the AC solution at light loading.
#include <QtTest>

#include <vector>

#include "citytwin/power/power_flow.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power;
using namespace ct::power::test;

namespace {

// Triangle: slack at bus 1, x12 = 0.1, x13 = 0.2, x23 = 0.25, loads 120 MW at bus 2, 5 MW at bus 3.
PowerNetwork triangle() {
    PowerNetwork net;
    net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pq, 120, 30), bus(3, BusType::Pq, 5, 2)};
    net.gens = {gen(0, 0, 1.0)};
    net.branches = {line(0, 1, 0.01, 0.1), line(0, 2, 0.02, 0.2), line(1, 2, 0.03, 0.25)};
    return net;
}

PowerFlowOptions dc() {
    PowerFlowOptions o;
    o.method = PowerFlowMethod::Dc;
    return o;
}

}  // namespace

class TstDcPowerFlow : public QObject {
    Q_OBJECT
private slots:
    void threeBusByHand() {
        // Reduced B (buses 2, 3), b = 1/x: B22 = 10 + 4 = 14, B33 = 5 + 4 = 9, B23 = -4.
        // [14 -4; -4 9] [t2; t3] = [-1.2; -0.05]  ->  det = 126 - 16 = 110,
        // t2 = (9 * -1.2 + 4 * -0.05) / 110 = -11 / 110 = -0.1 rad,
        // t3 = (4 * -1.2 + 14 * -0.05) / 110 = -5.5 / 110 = -0.05 rad.
        // Flows: P12 = 0.1 / 0.1 = 1.0 p.u., P13 = 0.05 / 0.2 = 0.25, P23 = -0.05 / 0.25 = -0.2;
        // the slack supplies 1.25 p.u. = 125 MW. Resistances and Q are ignored by the DC model.
        const PowerNetwork net = triangle();
        const PowerFlowResult r = solvePowerFlow(net, dc());
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(std::abs(r.vaDeg[1] - (-0.1 / kDeg)) < 1e-10);
        QVERIFY(std::abs(r.vaDeg[2] - (-0.05 / kDeg)) < 1e-10);
        QVERIFY(std::abs(r.pfMW[0] - 100) < 1e-9);
        QVERIFY(std::abs(r.pfMW[1] - 25) < 1e-9);
        QVERIFY(std::abs(r.pfMW[2] + 20) < 1e-9);
        QVERIFY(std::abs(r.ptMW[2] - 20) < 1e-9);
        QVERIFY(std::abs(r.genPMW[0] - 125) < 1e-9);
        QCOMPARE(r.vmPu[1], 1.0);
        QCOMPARE(r.lossMW, 0.0);
        QCOMPARE(r.iterations, 0);
    }

    void phaseShifterAndTapByHand() {
        // makeBdc: a branch f-t with tap t and shift phi has b = 1/(x t) and carries
        // Pf = b (theta_f - theta_t - phi); the shift is an injection -b phi at f, +b phi at t.
        // Branch 1-2 with t = 1.25 (b = 8) and phi = 3 deg: reduced B = [8 + 4, -4; -4, 9],
        // rhs = [-1.2 - 8 phi; -0.05] (bus 2 is the to end: its injection term moves to the left).
        PowerNetwork net = triangle();
        net.branches[0].ratio = 1.25;
        net.branches[0].shiftDeg = 3.0;
        const double phi = 3.0 * kDeg;
        const double a = 12, b = -4, d = 9;
        const double r2 = -1.2 - 8 * phi, r3 = -0.05;
        const double det = a * d - b * b;
        const double t2 = (d * r2 - b * r3) / det;
        const double t3 = (a * r3 - b * r2) / det;
        const PowerFlowResult r = solvePowerFlow(net, dc());
        QVERIFY2(r.converged, r.message.c_str());
        QVERIFY(std::abs(r.vaDeg[1] - t2 / kDeg) < 1e-10);
        QVERIFY(std::abs(r.vaDeg[2] - t3 / kDeg) < 1e-10);
        QVERIFY(std::abs(r.pfMW[0] - 100 * 8 * (0 - t2 - phi)) < 1e-9);
        QVERIFY(std::abs(r.pfMW[1] - 100 * 5 * (0 - t3)) < 1e-9);
        QVERIFY(std::abs(r.genPMW[0] - 125) < 1e-9);  // still lossless: the slack sends the load
    }

    void shuntConductanceIsALoadAtOnePu() {
        // MATPOWER's DC model counts Gs as demand at V = 1: 10 MW of Gs at bus 3 adds 10 MW at the slack.
        PowerNetwork net = triangle();
        net.buses[2].gsMW = 10;
        const PowerFlowResult r = solvePowerFlow(net, dc());
        QVERIFY(r.converged);
        QVERIFY(std::abs(r.genPMW[0] - 135) < 1e-9);
    }

    void slackAngleIsTheReference() {
        // The slack keeps the angle of the case; every other angle moves with it.
        PowerNetwork net = triangle();
        net.buses[0].vaDeg = 30;
        const PowerFlowResult r = solvePowerFlow(net, dc());
        QVERIFY(std::abs(r.vaDeg[0] - 30) < 1e-12);
        QVERIFY(std::abs(r.vaDeg[1] - (30 - 0.1 / kDeg)) < 1e-10);
    }

    void dcAgreesWithAcAtLightLoading_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("case9") << "case9.m";
        QTest::newRow("case14") << "case14.m";
    }
    void dcAgreesWithAcAtLightLoading() {
        // The DC model assumes flat voltages, small angles and x >> r. At 30 % of the published load
        // the real power flows of the two models should agree to a few percent of the largest flow.
        QFETCH(QString, file);
        auto net = loadFixture(file.toStdString());
        QVERIFY(net.has_value());
        for (PowerBus& b : net->buses) {
            b.pdMW *= 0.3;
            b.qdMVAr *= 0.3;
        }
        for (PowerGen& g : net->gens) {
            g.pgMW *= 0.3;
        }
        const PowerFlowResult ac = solvePowerFlow(*net);
        const PowerFlowResult d = solvePowerFlow(*net, dc());
        QVERIFY(ac.converged && d.converged);
        double largest = 0, worst = 0;
        for (std::size_t k = 0; k < net->branches.size(); ++k) {
            largest = std::max(largest, std::abs(ac.pfMW[k]));
        }
        for (std::size_t k = 0; k < net->branches.size(); ++k) {
            // Compare with the mean of the two ends, which removes the losses from the AC flow.
            const double acMid = (ac.pfMW[k] - ac.ptMW[k]) / 2;
            worst = std::max(worst, std::abs(acMid - d.pfMW[k]));
        }
        qInfo("%s: largest flow %.2f MW, worst DC - AC difference %.3f MW (%.2f %%)", qPrintable(file),
              largest, worst, 100 * worst / largest);
        QVERIFY(worst < 0.03 * largest);
        double angleWorst = 0;
        for (std::size_t i = 0; i < net->buses.size(); ++i) {
            angleWorst = std::max(angleWorst, std::abs(ac.vaDeg[i] - d.vaDeg[i]));
        }
        QVERIFY(angleWorst < 1.0);  // degrees
    }
};

QTEST_APPLESS_MAIN(TstDcPowerFlow)
#include "tst_dc_power_flow.moc"
