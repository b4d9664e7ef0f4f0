// Car following against the Intelligent Driver Model's closed forms (Treiber et al. 2000).
#include <QtTest>

#include <cmath>

#include "citytwin/traffic/simulation.h"
#include "test_networks.h"

using namespace ct;
using namespace ct::traffic;

namespace {

/// IDM equilibrium gap for speed v: s_e = (s0 + v T) / sqrt(1 - (v / v0)^delta).
double equilibriumGap(const VehicleType& t, double v, double v0) {
    return (t.minGap + v * t.headway) / std::sqrt(1.0 - std::pow(v / v0, t.delta));
}

SimOptions noSpread() {
    SimOptions o;
    for (int c = 0; c < kVehicleClassCount; ++c) {
        VehicleType t = defaultVehicleType(static_cast<VehicleClass>(c));
        t.speedFactorDev = 0.0;
        t.speedFactorMean = 1.0;
        o.types.push_back(t);
    }
    return o;
}

}  // namespace

class TstCarFollowing : public QObject {
    Q_OBJECT
private slots:
    void loneVehicleReachesAndHoldsDesiredSpeed() {
        // 10 km of one-lane road at 50 km/h; the IDM free-road acceleration approaches v0 from
        // below and never overshoots.
        const RoadNetwork r = test::straightRoad(10, 1000.0, 1, 50 / 3.6);
        const TrafficNetwork net = buildTrafficNetwork(r);
        Simulation sim(net, noSpread());
        Trip t;
        t.id = "lone";
        t.from = LinkId{0};
        t.to = LinkId{9};
        sim.addTrips({t});
        double maxSpeed = 0.0;
        for (int i = 0; i < 120; ++i) {
            sim.step();
            const auto v = sim.vehicles();
            QCOMPARE(v.size(), std::size_t(1));
            maxSpeed = std::max(maxSpeed, static_cast<double>(v[0].speed));
        }
        const double v = sim.vehicles()[0].speed;
        QVERIFY2(std::abs(v - 50 / 3.6) < 0.02 * 50 / 3.6, qPrintable(QString::number(v)));
        QVERIFY(maxSpeed <= 50 / 3.6 + 1e-6);
        // It holds it: 60 s later still within 2 %.
        for (int i = 0; i < 60; ++i) {
            sim.step();
        }
        QVERIFY(std::abs(sim.vehicles()[0].speed - 50 / 3.6) < 0.02 * 50 / 3.6);
    }
    void equilibriumGapMatchesClosedForm() {
        // A slow truck (top speed 10 m/s) leads a car whose desired speed is 50 km/h. The car
        // settles at the truck's speed with the IDM equilibrium gap s_e(10 m/s).
        const RoadNetwork r = test::straightRoad(12, 1000.0, 1, 50 / 3.6);
        const TrafficNetwork net = buildTrafficNetwork(r);
        SimOptions o = noSpread();
        o.types[static_cast<int>(VehicleClass::Truck)].maxSpeed = 10.0;
        Simulation sim(net, o);
        Trip lead;
        lead.id = "truck";
        lead.from = LinkId{0};
        lead.to = LinkId{11};
        lead.vclass = VehicleClass::Truck;
        lead.departPos = 60.0;
        Trip follow = lead;
        follow.id = "car";
        follow.vclass = VehicleClass::Car;
        follow.departPos = 5.0;
        sim.addTrips({lead, follow});
        for (int i = 0; i < 400; ++i) {
            sim.step();
            QVERIFY(sim.minGap() >= 0.0);
        }
        // Distance along the road: normal lane k is link k (1000 m), and each junction between
        // links adds a 1 m internal lane.
        const auto v = sim.vehicles();
        QCOMPARE(v.size(), std::size_t(2));
        const Simulation::VehicleView& truck = v[0].trip == 0 ? v[0] : v[1];
        const Simulation::VehicleView& car = v[0].trip == 0 ? v[1] : v[0];
        QVERIFY(!net.isInternal(truck.lane) && !net.isInternal(car.lane));
        auto along = [](const Simulation::VehicleView& x) { return x.lane.index() * 1001.0 + x.pos; };
        const VehicleType ct = defaultVehicleType(VehicleClass::Car);
        const double gap = along(truck) - along(car) - o.types[static_cast<int>(VehicleClass::Truck)].length;
        const double expected = equilibriumGap(ct, 10.0, 50 / 3.6);
        QVERIFY2(std::abs(car.speed - 10.0) < 0.05, qPrintable(QString::number(car.speed)));
        QVERIFY2(std::abs(gap - expected) < 0.02 * expected,
                 qPrintable(QString("gap %1 expected %2").arg(gap).arg(expected)));
    }
};

QTEST_APPLESS_MAIN(TstCarFollowing)
#include "tst_car_following.moc"
