// Head-loss laws: Darcy-Weisbach with Swamee-Jain (written out here), laminar flow, and a
// single Darcy-Weisbach pipe solved by the engine.
#include <QtTest>

#include <cmath>
#include <numbers>

#include "citytwin/water/head_loss.h"
#include "citytwin/water/hydraulic_solver.h"
#include "water_test_util.h"

using namespace ct;
using namespace ct::water;
using namespace ct::water::test;

namespace {

constexpr double kG = 9.80665;
constexpr double kNu = 1.0e-6;

// Swamee and Jain (1976), written out independently of the library.
double swameeJain(double eps, double d, double re) {
    const double l = std::log10(eps / (3.7 * d) + 5.74 / std::pow(re, 0.9));
    return 0.25 / (l * l);
}

double dwHeadLoss(double q, double d, double len, double eps) {
    const double area = std::numbers::pi * d * d / 4.0;
    const double v = q / area;
    const double re = v * d / kNu;
    const double f = re < 2000.0 ? 64.0 / re : swameeJain(eps, d, re);
    return f * len / d * v * v / (2.0 * kG);
}

double solvedHead(double demand, double d, double len, double eps) {
    WaterNetwork net;
    net.options.headLoss = HeadLossFormula::DarcyWeisbach;
    net.options.viscosity = kNu;
    const auto r = net.addReservoir("R", 50.0).value();
    const auto j = net.addJunction("J", 0.0, demand).value();
    net.addPipe("P", r, j, len, d, eps);
    DiagnosticReport rep;
    net.finish(rep);
    HydraulicSolver solver(net, tight(net));
    HydraulicState s = solver.initialState();
    if (!solver.solve(s).converged) {
        return std::nan("");
    }
    return s.head[j];
}

}  // namespace

class TstHeadLoss : public QObject {
    Q_OBJECT
private slots:
    void frictionFactorRegimes() {
        QCOMPARE(darcyFriction(1e-4, 1000.0), 0.064);
        QVERIFY(std::abs(darcyFriction(5e-4, 1e5) - swameeJain(5e-4, 1.0, 1e5)) < 1e-15);
        // Continuous at both ends of the transition.
        QVERIFY(std::abs(darcyFriction(1e-3, 2000.0 + 1e-6) - 0.032) < 1e-9);
        QVERIFY(std::abs(darcyFriction(1e-3, 4000.0 - 1e-6) - swameeJain(1e-3, 1.0, 4000.0)) < 1e-9);
        double slope = 0.0;
        const double f = darcyFriction(1e-4, 3000.0, &slope);
        const double fd = (darcyFriction(1e-4, 3000.5) - darcyFriction(1e-4, 2999.5)) / 1.0;
        QVERIFY(f > 0.0 && std::abs(slope - fd) < 1e-9);
    }

    void hazenWilliamsResistance() {
        QVERIFY(std::abs(water::hazenWilliamsResistance(120.0, 0.3, 1000.0) - hwR(120.0, 0.3, 1000.0)) <
                1e-12);
    }

    void darcyWeisbachPipeTurbulent() {
        // 30 L/s in 200 mm, 500 m, 0.1 mm roughness: Re ~ 1.9e5.
        const double h = solvedHead(0.03, 0.2, 500.0, 1e-4);
        const double expected = 50.0 - dwHeadLoss(0.03, 0.2, 500.0, 1e-4);
        QVERIFY2(std::abs(h - expected) < 1e-8, qPrintable(QString::number(h - expected)));
    }

    void darcyWeisbachPipeLaminar() {
        // 0.01 L/s in 50 mm: Re ~ 250, f = 64 / Re.
        const double h = solvedHead(1e-5, 0.05, 100.0, 1e-4);
        const double expected = 50.0 - dwHeadLoss(1e-5, 0.05, 100.0, 1e-4);
        QVERIFY2(std::abs(h - expected) < 1e-10, qPrintable(QString::number(h - expected)));
    }

    void minorLoss() {
        // K = 10 adds 10 v^2 / 2g.
        WaterNetwork net;
        const auto r = net.addReservoir("R", 50.0).value();
        const auto j = net.addJunction("J", 0.0, 0.03).value();
        net.addPipe("P", r, j, 500.0, 0.2, 120.0, 10.0);
        DiagnosticReport rep;
        QVERIFY(net.finish(rep));
        HydraulicSolver solver(net, tight(net));
        HydraulicState s = solver.initialState();
        QVERIFY(solver.solve(s).converged);
        const double v = 0.03 / (std::numbers::pi * 0.01);
        const double expected =
            50.0 - hwR(120.0, 0.2, 500.0) * std::pow(0.03, 1.852) - 10.0 * v * v / (2.0 * kG);
        QVERIFY(std::abs(s.head[j] - expected) < 1e-9);
    }
};

QTEST_APPLESS_MAIN(TstHeadLoss)
#include "tst_head_loss.moc"
