// Scenario files: a good one read completely, a bad one rejected with JSON pointers.
#include <QtTest>

#include "citytwin/scenarios/scenario.h"

using namespace ct;
using namespace ct::scenarios;

namespace {
const std::string kDir = std::string(CT_FIXTURES_DIR) + "/scenarios/";
bool has(const DiagnosticReport& r, Severity s, const std::string& pointer) {
    for (const Diagnostic& d : r.items()) {
        if (d.severity == s && d.layer == pointer) {
            return true;
        }
    }
    return false;
}
}  // namespace

class TstScenario : public QObject {
    Q_OBJECT
private slots:
    void clock() {
        QCOMPARE(parseClock("07:30").value(), 27000.0);
        QCOMPARE(parseClock("07:30:15").value(), 27015.0);
        QVERIFY(!parseClock("7.30"));
        QVERIFY(!parseClock("25:99"));
    }
    void goodScenario() {
        DiagnosticReport r;
        const auto s = readScenario(kDir + "small_town.json", r);
        QVERIFY2(s.has_value(), r.summary().c_str());
        QCOMPARE(QString::fromStdString(s->name), QString("small town closure"));
        QCOMPARE(s->duration, 600.0);
        QCOMPARE(s->seed, std::uint64_t(7));
        QCOMPARE(s->citySources.size(), std::size_t(1));
        // Relative paths are resolved against the scenario's folder.
        QVERIFY(QString::fromStdString(s->citySources[0]).endsWith("tests/fixtures/osm/small_town.osm"));
        QVERIFY(QString::fromStdString(s->tripFiles[0])
                    .endsWith("tests/fixtures/scenarios/small_town_trips.csv"));
        QCOMPARE(s->events.size(), std::size_t(1));
        QCOMPARE(s->events[0].time, 60.0);  // 08:01 with the clock starting at 08:00
        QCOMPARE(s->events[0].link, std::string("name:Side Street"));
        QCOMPARE(s->statsInterval, 60.0);
        // Vehicle types: defaults, with the scenario's overrides for trucks.
        const auto& truck = s->vehicleTypes[static_cast<std::size_t>(traffic::VehicleClass::Truck)];
        QCOMPARE(truck.maxSpeed, 80.0 / 3.6);
        QCOMPARE(truck.length, 16.5);
        QCOMPARE(truck.headway, 1.5);
        QCOMPARE(truck.maxAccel, traffic::defaultVehicleType(traffic::VehicleClass::Truck).maxAccel);
        QCOMPARE(s->vehicleTypes[0].length, traffic::defaultVehicleType(traffic::VehicleClass::Car).length);
        QCOMPARE(r.items().size(), std::size_t(0));
    }
    void badScenario() {
        DiagnosticReport r;
        QVERIFY(!readScenario(kDir + "bad_scenario.json", r).has_value());
        QVERIFY(has(r, Severity::Error, "/duration"));
        QVERIFY(has(r, Severity::Error, "/step_s"));
        QVERIFY(has(r, Severity::Error, "/events/0/time"));
        QVERIFY(has(r, Severity::Warning, "/colour"));
        QVERIFY(has(r, Severity::Error, "/events/1/target"));  // a utility event without a target
        QVERIFY(has(r, Severity::Error, "/utilities/step_s"));
        QVERIFY(has(r, Severity::Error, "/vehicle_types/tram"));
        QVERIFY(has(r, Severity::Error, "/vehicle_types/car/emergency_decel"));
        for (const Diagnostic& d : r.items()) {
            QVERIFY(QString::fromStdString(d.file).endsWith("bad_scenario.json"));
        }
    }
    void utilityEventsAndSettings() {
        DiagnosticReport r;
        const auto s = readScenario(kDir + "utility_town.json", r);
        QVERIFY2(s.has_value(), r.summary().c_str());
        QCOMPARE(s->events.size(), std::size_t(0));
        QCOMPARE(s->utilityEvents.size(), std::size_t(2));
        QVERIFY(s->utilityEvents[0].kind == utility::EventKind::LineFailure);
        QCOMPARE(s->utilityEvents[0].time, 3600.0);
        QCOMPARE(s->utilityEvents[0].target, std::string("C2"));
        QCOMPARE(s->utilityEvents[0].origin, std::string("/events/0"));
        QVERIFY(s->utilityEvents[1].kind == utility::EventKind::Repair);
        QCOMPARE(s->utilities.step, 60.0);
        QCOMPARE(s->utilities.tripDelay, 120.0);
        QVERIFY(s->utilities.enabled);
    }
    void missingFileAndSyntax() {
        DiagnosticReport r;
        QVERIFY(!readScenario(kDir + "missing.json", r));
        QCOMPARE(r.items().front().code, std::string("scenario.unreadable"));
        DiagnosticReport r2;
        QVERIFY(!readScenario(std::string(CT_FIXTURES_DIR) + "/broken/bad_mapping.json", r2));
        QCOMPARE(r2.items().front().code, std::string("scenario.syntax"));
    }
};

QTEST_APPLESS_MAIN(TstScenario)
#include "tst_scenario.moc"
