// Overloads, cascading trips and the N-1 contingency list.
#include <QtTest>

#include "citytwin/power/contingency.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power;
using namespace ct::power::test;

namespace {

// Slack at bus 1 (1.0 p.u.) feeding a load at bus 2 through two parallel lossless lines of x each.
PowerNetwork doubleCircuit(double x, double pMW, double qMVAr) {
    PowerNetwork net;
    net.buses = {bus(1, BusType::Ref), bus(2, BusType::Pq, pMW, qMVAr)};
    net.gens = {gen(0, 0, 1.0)};
    net.branches = {line(0, 1, 0, x), line(0, 1, 0, x)};
    return net;
}

}  // namespace

class TstContingency : public QObject {
    Q_OBJECT
private slots:
    void overloadsOfTheCascadeCase() {
        // cascade4.m: path A (1-4) takes about half of the 150 MW load and is rated 70 MVA.
        const auto net = loadFixture("cascade4.m");
        QVERIFY(net.has_value());
        const PowerFlowResult r = solvePowerFlow(*net);
        QVERIFY2(r.converged, r.message.c_str());
        const auto over = findOverloads(*net, r);
        QCOMPARE(over.size(), std::size_t{1});
        QCOMPARE(over[0].branch, 0);
        QVERIFY(over[0].loadingPct > 100 && over[0].loadingPct < 120);
        QVERIFY(std::abs(r.pfMW[0] - 75) < 3);  // the DC estimate of the fixture header
        QVERIFY(findOverloads(*net, r, 150).empty());
    }

    void cascadeTripsOneLineThenTheNext_data() {
        QTest::addColumn<int>("delay");
        QTest::addColumn<int>("stepA");
        QTest::addColumn<int>("stepB");
        QTest::addColumn<int>("steps");
        // Overloaded from step s, a branch trips at s + delay; the next solve is at the next step.
        QTest::newRow("delay 0") << 0 << 0 << 1 << 3;
        QTest::newRow("delay 1") << 1 << 1 << 3 << 5;
        QTest::newRow("delay 2") << 2 << 2 << 5 << 7;
    }
    void cascadeTripsOneLineThenTheNext() {
        QFETCH(int, delay);
        QFETCH(int, stepA);
        QFETCH(int, stepB);
        QFETCH(int, steps);
        const auto net = loadFixture("cascade4.m");
        QVERIFY(net.has_value());
        CascadeOptions o;
        o.tripDelaySteps = delay;
        const CascadeResult c = runCascade(*net, o);
        QVERIFY(c.stable);
        QCOMPARE(c.steps, steps);
        QCOMPARE(c.trips.size(), std::size_t{3});
        QCOMPARE(c.trips[0].branch, 0);  // A: 1-4
        QCOMPARE(c.trips[0].step, stepA);
        // Then both sections of B (1-2 and 2-4, about 75 MVA each against 60), at the same step.
        QCOMPARE(c.trips[1].branch, 1);
        QCOMPARE(c.trips[2].branch, 2);
        QCOMPARE(c.trips[1].step, stepB);
        QCOMPARE(c.trips[2].step, stepB);
        QVERIFY(c.trips[1].flowMVA > 60 && c.trips[2].flowMVA > 60);
        QVERIFY(!c.finalNetwork.branches[0].inService);
        QVERIFY(!c.finalNetwork.branches[1].inService);
        QVERIFY(c.finalNetwork.branches[3].inService);
        QCOMPARE(c.loadLostMW, 0.0);
        // Path C now carries everything.
        QVERIFY(c.finalFlow.pfMW[3] > 150);
        QVERIFY(findOverloads(c.finalNetwork, c.finalFlow).empty());
    }

    void cascadeEndsInABlackoutOfTheLoad() {
        // With path C rated 140 MVA it cannot take the whole load either: it trips as well, and bus 4
        // (150 MW) is left without a source.
        auto net = loadFixture("cascade4.m");
        QVERIFY(net.has_value());
        net->branches[3].rateAMVA = 140;
        net->branches[4].rateAMVA = 140;
        CascadeOptions o;
        o.tripDelaySteps = 0;
        const CascadeResult c = runCascade(*net, o);
        QVERIFY(c.stable);
        QCOMPARE(c.trips.size(), std::size_t{5});  // A, then both sections of B, then both of C
        QCOMPARE(c.trips[0].branch, 0);
        QCOMPARE(c.trips[4].branch, 4);
        QCOMPARE(c.trips[4].step, 2);
        QCOMPARE(c.loadLostMW, 150.0);
        QCOMPARE(c.finalFlow.busEnergised[3], std::uint8_t{0});
    }

    void noCascadeWithinRatings() {
        const auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        const CascadeResult c = runCascade(*net);
        QVERIFY(c.stable);
        QCOMPARE(c.steps, 1);
        QVERIFY(c.trips.empty());
    }

    void stepLimitEndsACascadeThatDoesNotSettle() {
        const auto net = loadFixture("cascade4.m");
        QVERIFY(net.has_value());
        CascadeOptions o;
        o.tripDelaySteps = 10;
        o.maxSteps = 3;
        const CascadeResult c = runCascade(*net, o);
        QVERIFY(!c.stable);
        QCOMPARE(c.steps, 3);
        QVERIFY(c.trips.empty());
    }

    void nMinus1OfCase9() {
        // The three generator transformers are radial: losing one islands its generator (a new,
        // energised island, no load lost). The six ring lines are not: no new island.
        const auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        const NMinus1Report rep = runNMinus1(*net);
        QVERIFY(rep.base.converged);
        QCOMPARE(rep.cases.size(), std::size_t{9});
        for (const ContingencyResult& c : rep.cases) {
            QCOMPARE(c.branch, static_cast<int>(&c - rep.cases.data()));
            QVERIFY(c.solved);
            QVERIFY(!c.usedDc);
            QCOMPARE(c.loadLostMW, 0.0);
            const bool transformer = net->branches[static_cast<std::size_t>(c.branch)].rPu == 0.0;
            QCOMPARE(c.newIslands, transformer ? 1 : 0);
        }
        // Parallel runs give the same list.
        ContingencyOptions par;
        par.threads = 2;
        const NMinus1Report rep2 = runNMinus1(*net, par);
        QCOMPARE(rep2.cases.size(), rep.cases.size());
        for (std::size_t i = 0; i < rep.cases.size(); ++i) {
            QCOMPARE(rep2.cases[i].branch, rep.cases[i].branch);
            QCOMPARE(rep2.cases[i].overloads.size(), rep.cases[i].overloads.size());
            QCOMPARE(rep2.cases[i].voltageViolations.size(), rep.cases[i].voltageViolations.size());
            QCOMPARE(rep2.cases[i].iterations, rep.cases[i].iterations);
        }
    }

    void nMinus1FindsTheLowVoltage() {
        // Two lines of x = 0.2 to a 100 + j50 load. Intact (x = 0.1 in parallel) the load bus is at
        // 0.941 p.u.; with one line out (x = 0.2): u^2 + (0.2 - 1)u + 0.04 (1 + 0.25) = 0,
        // u = (0.8 + sqrt(0.44)) / 2 = 0.73166, V = 0.8554 p.u. < 0.9: a voltage violation.
        const PowerNetwork net = doubleCircuit(0.2, 100, 50);
        TwoBusSolution intact, outage;
        QVERIFY(twoBus(1.0, 0.1, 1.0, 0.5, intact));
        QVERIFY(twoBus(1.0, 0.2, 1.0, 0.5, outage));
        const NMinus1Report rep = runNMinus1(net);
        QVERIFY(std::abs(rep.base.vmPu[1] - intact.v2) < 1e-9);
        QCOMPARE(rep.cases.size(), std::size_t{2});
        for (const ContingencyResult& c : rep.cases) {
            QVERIFY(c.solved);
            QCOMPARE(c.voltageViolations.size(), std::size_t{1});
            QCOMPARE(c.voltageViolations[0].bus, 1);
            QVERIFY(std::abs(c.voltageViolations[0].vmPu - outage.v2) < 1e-9);
            QVERIFY(c.hasViolation());
        }
    }

    void nMinus1FallsBackToDcWhenAcDiverges() {
        // 300 MW over two lines of x = 0.2: intact the limit is 5 p.u.; with one line out it is
        // 1 / (2 * 0.2) = 2.5 p.u. < 3: no AC solution, so the outage is assessed with DC.
        PowerNetwork net = doubleCircuit(0.2, 300, 0);
        net.branches[0].rateAMVA = 250;
        net.branches[1].rateAMVA = 250;
        const NMinus1Report rep = runNMinus1(net);
        QVERIFY(rep.base.converged);
        for (const ContingencyResult& c : rep.cases) {
            QVERIFY(c.solved);
            QVERIFY(c.usedDc);
            QVERIFY(c.voltageViolations.empty());  // no AC voltages to judge
            QCOMPARE(c.overloads.size(), std::size_t{1});
            QVERIFY(std::abs(c.overloads[0].flowMVA - 300) < 1e-9);
        }
        // Without the fallback the outage is reported unsolved.
        ContingencyOptions strict;
        strict.flow.dcFallback = false;
        const NMinus1Report rep2 = runNMinus1(net, strict);
        QVERIFY(!rep2.cases[0].solved);
        QVERIFY(rep2.cases[0].hasViolation());
    }

    void nMinus1LosesARadialLoad() {
        // case9 plus a 20 MW bus 10 hanging off bus 9 by one line: its outage darkens bus 10.
        auto net = loadFixture("case9.m");
        QVERIFY(net.has_value());
        net->buses.push_back(bus(10, BusType::Pq, 20, 5));
        net->branches.push_back(line(8, 9, 0.01, 0.05, 0, 100));
        const NMinus1Report rep = runNMinus1(*net);
        const ContingencyResult& c = rep.cases.back();
        QCOMPARE(c.branch, 9);
        QVERIFY(c.solved);
        QCOMPARE(c.newIslands, 1);
        QCOMPARE(c.darkBuses, 1);
        QCOMPARE(c.loadLostMW, 20.0);
    }
};

QTEST_APPLESS_MAIN(TstContingency)
#include "tst_contingency.moc"
