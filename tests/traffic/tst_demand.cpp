// Generated commuter demand: trip counts, the gravity model's distance decay and the departure
// profile against the numbers the model's definition implies, computed here by hand.
#include <QtTest>

#include <cmath>
#include <map>

#include "citytwin/traffic/demand.h"
#include "citytwin/traffic/emissions.h"
#include "test_networks.h"

using namespace ct;
using namespace ct::traffic;

namespace {

void addBox(Buildings& b, Vec2 c, BuildingUse use, std::uint32_t residents, std::uint32_t jobs) {
    const std::vector<Vec2> ring{
        {c.x - 5, c.y - 5}, {c.x + 5, c.y - 5}, {c.x + 5, c.y + 5}, {c.x - 5, c.y + 5}};
    b.ringPoints.insert(b.ringPoints.end(), ring.begin(), ring.end());
    b.ringOffset.push_back(static_cast<std::uint32_t>(b.ringPoints.size()));
    b.centroid.push_back(c);
    b.area.push_back(100.0f);
    b.height.push_back(6.0f);
    b.heightSource.push_back(HeightSource::Default);
    b.levels.push_back(2);
    b.use.push_back(use);
    b.residents.push_back(residents);
    b.jobs.push_back(jobs);
    b.name.emplace_back();
    b.sourceFeature.push_back(-1);
}

/// A 2 km square grid city; homes in the zone centred at (250, 250), equal jobs 500 m and
/// 1500 m east of them (zone centres of 500 m zones).
CityModel twoDestinations() {
    CityModel c;
    c.roads = test::grid(5, 500.0, 1, false);
    addBox(c.buildings, {250, 250}, BuildingUse::Residential, 20000, 0);
    addBox(c.buildings, {750, 250}, BuildingUse::Commercial, 0, 1000);
    addBox(c.buildings, {1750, 250}, BuildingUse::Commercial, 0, 1000);
    DiagnosticReport r;
    c.finish(r);
    return c;
}

}  // namespace

class TstDemand : public QObject {
    Q_OBJECT
private slots:
    void countsAndGravity() {
        const CityModel c = twoDestinations();
        CommuterDemand d;
        d.carTripsPerResident = 0.5;
        d.begin = 0;
        d.end = 3600;
        d.peak = 1800;
        d.peakWidth = 900;
        d.distanceDecay = 2500;
        d.zoneSize = 500;
        d.truckShare = 0.0;
        const auto trips = generateCommuterTrips(c, d, 3);
        const auto n = static_cast<double>(trips.size());
        // Expected: residents x rate x the normal mass within +-2 sigma (0.9545).
        const double expected = 20000 * 0.5 * (std::erf(2.0 / std::sqrt(2.0)));
        QVERIFY2(std::abs(n - expected) <= 1.0, qPrintable(QString::number(trips.size())));
        // Gravity: near / far = exp(-500/2500) / exp(-1500/2500) = e^0.4 for equal jobs.
        std::map<std::uint32_t, int> byDest;
        for (const Trip& t : trips) {
            ++byDest[t.to.index()];
        }
        QCOMPARE(byDest.size(), std::size_t(2));
        const LinkId near = c.buildings.accessLink[1], far = c.buildings.accessLink[2];
        const double ratio = static_cast<double>(byDest[near.index()]) / byDest[far.index()];
        QVERIFY2(std::abs(ratio - std::exp(0.4)) < 0.08, qPrintable(QString::number(ratio)));
        // The profile: inside the window, mean near the peak, spread near the width.
        double sum = 0, sum2 = 0;
        for (const Trip& t : trips) {
            QVERIFY(t.depart >= d.begin && t.depart <= d.end);
            sum += t.depart;
            sum2 += t.depart * t.depart;
        }
        const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
        QVERIFY(std::abs(mean - 1800) < 30);
        // A normal truncated at +-2 sigma has a standard deviation of 0.880 sigma.
        QVERIFY2(std::abs(sd - 0.880 * 900) < 25, qPrintable(QString::number(sd)));
    }
    void deterministicInTheSeed() {
        const CityModel c = twoDestinations();
        CommuterDemand d;
        const auto a = generateCommuterTrips(c, d, 5), b = generateCommuterTrips(c, d, 5),
                   e = generateCommuterTrips(c, d, 6);
        QCOMPARE(a.size(), b.size());
        bool same = true, differs = a.size() != e.size();
        for (std::size_t i = 0; i < a.size(); ++i) {
            same = same && a[i].id == b[i].id && a[i].depart == b[i].depart && a[i].to == b[i].to;
            differs = differs || (i < e.size() && (a[i].depart != e[i].depart || a[i].to != e[i].to));
        }
        QVERIFY(same);
        QVERIFY(differs);
    }
    void fuelAgainstPublishedCarConsumption() {
        // Idle about 0.9 L/h. Cruising steadily on level road a mid-size petrol car uses
        // 4-7 L/100 km between 40 and 90 km/h (published steady-speed consumption curves).
        QVERIFY(std::abs(fuelRate(VehicleClass::Car, 0.0, 0.0) * 3.6 - 0.9) < 1e-9);
        for (double kmh : {40.0, 60.0, 90.0}) {
            const double v = kmh / 3.6;
            const double litresPer100km =
                fuelRate(VehicleClass::Car, v, 0.0) / v * 100.0;  // mL/m -> L/100 km
            QVERIFY2(litresPer100km > 4.0 && litresPer100km < 7.0,
                     qPrintable(QString::number(litresPer100km)));
        }
        // Braking (negative tractive force) burns only the idle rate; CO2 is 2.31 g per mL.
        QCOMPARE(fuelRate(VehicleClass::Car, 10.0, -3.0), fuelRate(VehicleClass::Car, 0.0, 0.0));
        QVERIFY(std::abs(co2Rate(VehicleClass::Car, 15.0, 0.0) -
                         2.31 * fuelRate(VehicleClass::Car, 15.0, 0.0)) < 1e-12);
        // Accelerating costs more than cruising; trucks more than cars.
        QVERIFY(fuelRate(VehicleClass::Car, 10.0, 1.5) > fuelRate(VehicleClass::Car, 10.0, 0.0));
        QVERIFY(fuelRate(VehicleClass::Truck, 10.0, 0.0) > fuelRate(VehicleClass::Car, 10.0, 0.0));
    }
};

QTEST_APPLESS_MAIN(TstDemand)
#include "tst_demand.moc"
