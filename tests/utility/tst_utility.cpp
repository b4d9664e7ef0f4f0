// The coupled utilities on a hand-made town (tests/fixtures/utility, GeoJSON in EPSG:32633):
// a reservoir feeding two apartment blocks through two pipes, a pump lifting water to a
// hospital, a 110/10 kV transformer, two parallel cables to one feeder and one cable to the
// feeder of the hospital, the pump and the signal. Expectations are computed by hand.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "citytwin/gis/city_loader.h"
#include "citytwin/utility/utility_model.h"
#include "citytwin/utility/utility_simulation.h"

using namespace ct;
using namespace ct::utility;

namespace {

const std::string kDir = CT_UTILITY_FIXTURES_DIR;

gis::LoadOptions fixtureOptions(const std::string& dir = kDir) {
    gis::LoadOptions o;
    for (const char* layer : {"roads", "buildings", "facilities", "traffic_signals", "water_nodes",
                              "water_links", "power_buses", "power_lines"}) {
        o.vectorSources.push_back(dir + "/" + layer + ".geojson");
    }
    return o;
}

std::uint32_t buildingNamed(const CityModel& c, const std::string& name) {
    for (std::uint32_t b = 0; b < c.buildings.count(); ++b) {
        if (c.buildings.name[b] == name) {
            return b;
        }
    }
    return UINT32_MAX;
}

bool logHas(const UtilitySimulation& s, const std::string& text) {
    for (const UtilityLogEntry& e : s.log()) {
        if (e.what.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

/// Hazen-Williams head loss in SI (EPANET's form): 10.667 L Q^1.852 / (C^1.852 D^4.871).
double hazenWilliams(double lengthM, double flowM3s, double c, double diameterM) {
    return 10.667 * lengthM * std::pow(flowM3s, 1.852) / (std::pow(c, 1.852) * std::pow(diameterM, 4.8704));
}

}  // namespace

class TstUtility : public QObject {
    Q_OBJECT
    std::optional<CityModel> m_city;

    const CityModel& city() { return *m_city; }

private slots:
    void initTestCase() {
        gis::LoadResult r = gis::loadCity(fixtureOptions());
        QVERIFY2(r.city.has_value(), r.report.summary().c_str());
        m_city = std::move(r.city);
        QCOMPARE(city().utilities.waterNodes.size(), std::size_t(4));
        QCOMPARE(city().utilities.waterLinks.size(), std::size_t(3));
        QCOMPARE(city().utilities.powerBuses.size(), std::size_t(4));
        QCOMPARE(city().utilities.powerLines.size(), std::size_t(4));
        QCOMPARE(city().utilities.signalPoints.size(), std::size_t(1));
    }

    void modelFromLayers() {
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 0.0, report);
        QVERIFY2(report.warningCount() == 0 && !report.hasErrors(), report.summary().c_str());
        QVERIFY(m.hasWater && m.hasPower);
        QCOMPARE(m.water.nodeCount(), std::size_t(4));
        QCOMPARE(m.water.linkCount(), std::size_t(3));
        // Shapes: one CSR entry per link; the fixture's lines have no interior vertices.
        QCOMPARE(m.water.vertexOffset.size(), m.water.linkCount() + 1);
        QCOMPARE(m.water.vertexOffset.back(), std::uint32_t(0));
        // 1000 residents x 150 l/day.
        const std::uint32_t west = buildingNamed(city(), "Block West");
        QVERIFY(std::abs(m.buildingWaterDemand[west] - 1000 * 0.150 / 86400.0) < 1e-12);
        QCOMPARE(m.water.nodeName[static_cast<std::size_t>(m.buildingWaterNode[west])], std::string("J1"));
        // Per unit on 100 MVA: a 10 kV cable of 0.0375 ohm (Zbase = 1 ohm); a 10 MVA transformer
        // with x = 10 % on its rating is 1.0 p.u. on 100 MVA.
        QCOMPARE(m.busId.size(), std::size_t(4));
        const auto& c1a = m.power.branches[1];
        QVERIFY(std::abs(c1a.rPu - 0.0375) < 1e-12 && std::abs(c1a.xPu - 0.03) < 1e-12);
        QVERIFY(std::abs(m.power.branches[0].xPu - 1.0) < 1e-12 &&
                std::abs(m.power.branches[0].rPu - 0.05) < 1e-12);
        // 1000 residents x 0.5 kW at peak.
        QVERIFY(std::abs(m.buildingPeakLoadMW[west] - 0.5) < 1e-12);
        QCOMPARE(m.busId[static_cast<std::size_t>(m.buildingPowerBus[west])], std::string("F1"));
        // The pump: rho g Q H / eta = 1000 x 9.80665 x 0.010 x 20 / 0.75 W.
        QCOMPARE(m.pumps.size(), std::size_t(1));
        QVERIFY(std::abs(m.pumps[0].designPowerMW - 1000 * 9.80665 * 0.010 * 20 / 0.75 / 1e6) < 1e-12);
        QCOMPARE(m.busId[static_cast<std::size_t>(m.pumps[0].bus)], std::string("F2"));
        QCOMPARE(m.signalFeeds.size(), std::size_t(1));
        QCOMPARE(m.busId[static_cast<std::size_t>(m.signalFeeds[0].bus)], std::string("F2"));
        QCOMPARE(m.backups.size(), std::size_t(1));
        QCOMPARE(m.backups[0].backupHours, 0.5);
    }

    void pressuresMatchHazenWilliams() {
        // At 03:00 the demand is the pattern's fourth hour over its mean. Both blocks draw through
        // P1, the eastern one also through P2: heads from the reservoir's 100 m.
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 3 * 3600.0, report);
        UtilitySimOptions o;
        o.clockStart = 3 * 3600.0;
        UtilitySimulation sim(m, city(), o);
        sim.advanceTo(60.0);
        double mean = 0;
        for (double f : m.options.waterPattern) {
            mean += f / 24.0;
        }
        const double q = 1000 * 0.150 / 86400.0 * m.options.waterPattern[3] / mean;
        const double h1 = 100.0 - hazenWilliams(200, 2 * q, 120, 0.150);
        const double h2 = h1 - hazenWilliams(200, q, 120, 0.150);
        const auto j1 = *m.water.findNode("J1"), j2 = *m.water.findNode("J2");
        qInfo("J1 %.4f m (hand %.4f), J2 %.4f m (hand %.4f)", sim.nodePressure()[j1], h1 - 40,
              sim.nodePressure()[j2], h2 - 40);
        QVERIFY(std::abs(sim.nodePressure()[j1] - (h1 - 40.0)) < 0.01);
        QVERIFY(std::abs(sim.nodePressure()[j2] - (h2 - 40.0)) < 0.01);
        const UtilityKpi& k = sim.kpis().back();
        QCOMPARE(k.buildingsWithoutWater, 0u);
        QCOMPARE(k.buildingsWithoutPower, 0u);
        QCOMPARE(k.pumpsRunning, 1u);
        QCOMPARE(k.darkSignals, 0u);
        // Mass: delivered = requested (full pressure), 60 s of it.
        QVERIFY(std::abs(k.requestedM3 - k.deliveredM3) < 1e-3 * k.requestedM3);
        QVERIFY(k.requestedM3 > 60 * 2 * q);
    }

    void overloadedCableTripsAfterTheDelay() {
        // 00:00-01:00: F1 carries 2 x 1000 x 0.5 kW x 0.45 = 0.45 MW at pf 0.95 = 0.474 MVA, on two
        // 0.4 MVA cables (59 % each). C1a fails at 600 s: C1b carries 118 %, overloaded from the
        // step at 600 s, trips at the step at 720 s (120 s later) and F1 is dark from 780 s.
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 0.0, report);
        UtilitySimulation sim(m, city(), {});
        sim.addEvents({{600.0, EventKind::LineFailure, "C1a", 0.0, "test"}}, report);
        QVERIFY(!report.hasErrors());
        sim.advanceTo(1200.0);
        const auto& k = sim.kpis();
        QCOMPARE(k.size(), std::size_t(20));
        QVERIFY(std::abs(sim.branchLoadingPct()[1]) < 1e-12);  // C1a out
        for (std::size_t i = 0; i < k.size(); ++i) {
            const double start = k[i].time - 60.0;
            QCOMPARE(k[i].buildingsWithoutPower, start >= 780.0 ? 2u : 0u);
            QCOMPARE(k[i].trippedBranches, start >= 720.0 ? 1u : 0u);
        }
        QVERIFY(logHas(sim, "C1b overloaded"));
        QVERIFY(logHas(sim, "C1b tripped after 120.0 s"));
        // 7 steps x 2 buildings x 1 min, over 3 customers.
        QVERIFY(std::abs(k.back().customerMinutesPower - 14.0) < 1e-9);
        QVERIFY(std::abs(k.back().saidiPowerMin - 14.0 / 3.0) < 1e-9);
    }

    void feederOutageStopsPumpDarkensSignalAndHospitalRidesThrough() {
        // C2 fails at 01:00 and is repaired at 02:00. F2 is dark for an hour: the pump stops, the
        // hospital's junction (fed only by the pump) is cut off, the signal goes dark, and the
        // hospital runs on its 30 min of backup, then goes dark for the remaining 30 min.
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 0.0, report);
        UtilitySimulation sim(m, city(), {});
        sim.addEvents(
            {{3600.0, EventKind::LineFailure, "C2", 0.0, "a"}, {7200.0, EventKind::Repair, "C2", 0.0, "b"}},
            report);
        QVERIFY(!report.hasErrors());
        sim.advanceTo(3600.0);
        QVERIFY(sim.darkSignals().empty());
        QCOMPARE(sim.pumpRunning()[0], std::uint8_t(1));
        sim.advanceTo(3660.0);
        QCOMPARE(sim.darkSignals().size(), std::size_t(1));
        QCOMPARE(sim.darkSignals()[0], m.signalFeeds[0].node);
        QCOMPARE(sim.pumpRunning()[0], std::uint8_t(0));
        QCOMPARE(sim.kpis().back().hospitalsOnBackup, 1u);
        QCOMPARE(sim.kpis().back().pumpsWithoutPower, 1u);
        // For maps: C2 (branch 3) is dead, the rest live; the stopped pump (link 2) is closed.
        QCOMPARE(sim.branchLive(), (std::vector<std::uint8_t>{1, 1, 1, 0}));
        QCOMPARE(sim.waterLinkState(), (std::vector<std::uint8_t>{0, 0, 1}));
        sim.advanceTo(3 * 3600.0);
        QVERIFY(sim.darkSignals().empty());
        QCOMPARE(sim.pumpRunning()[0], std::uint8_t(1));
        const std::uint32_t h = buildingNamed(city(), "Klinikum");
        const std::uint32_t west = buildingNamed(city(), "Block West");
        QCOMPARE(sim.buildingMinutesWithoutWater()[h], 60.0);
        QCOMPARE(sim.buildingMinutesWithoutPower()[h], 30.0);
        QCOMPARE(sim.buildingMinutesWithoutWater()[west], 0.0);
        QCOMPARE(sim.buildingMinutesWithoutPower()[west], 0.0);
        QCOMPARE(sim.kpis().back().customerMinutesPower, 30.0);
        QCOMPARE(sim.kpis().back().customerMinutesWater, 60.0);
        QCOMPARE(sim.buildingHasWater()[h], std::uint8_t(1));
        // The changes log: water lost at 01:00 and back at 02:00; power lost at 01:30, back at 02:00.
        std::vector<std::pair<double, bool>> water, power;
        for (const ServiceChange& c : sim.changes()) {
            if (c.building == h) {
                (c.water ? water : power).emplace_back(c.time, c.available);
            }
        }
        QCOMPARE(water, (std::vector<std::pair<double, bool>>{{3600.0, false}, {7200.0, true}}));
        QCOMPARE(power, (std::vector<std::pair<double, bool>>{{5400.0, false}, {7200.0, true}}));
    }

    void burstDropsPressureAndIsolationProtectsTheRest() {
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 0.0, report);
        UtilitySimulation sim(m, city(), {});
        UtilityEvent burst{1800.0, EventKind::PipeBurst, "P2", 0.100, "burst"};
        sim.addEvents({burst,
                       {2400.0, EventKind::PipeClose, "P2", 0.0, "isolate"},
                       {3000.0, EventKind::Repair, "P2", 0.0, "fix"}},
                      report);
        QVERIFY(!report.hasErrors());
        const std::uint32_t west = buildingNamed(city(), "Block West"),
                            east = buildingNamed(city(), "Block Ost");
        const auto j1 = *m.water.findNode("J1"), j2 = *m.water.findNode("J2");
        sim.advanceTo(1800.0);
        const double p1Before = sim.nodePressure()[j1];
        sim.advanceTo(1860.0);
        // A 100 mm orifice at J2 draws far more than the 150 mm main can carry at 10 m.
        QVERIFY(sim.nodePressure()[j2] < 10.0);
        QVERIFY(sim.nodePressure()[j1] < p1Before);
        QCOMPARE(sim.buildingHasWater()[east], std::uint8_t(0));
        QCOMPARE(sim.waterLinkState()[*m.water.findLink("P2")], std::uint8_t(2));  // burst
        const double leakAfterOneStep = sim.kpis().back().leakM3;
        QVERIFY(leakAfterOneStep > 0.0);
        // Orifice law at the solved pressure: Q = Cd A sqrt(2 g p), Cd = 0.75.
        const double qLeak =
            0.75 * 3.14159265358979 * 0.1 * 0.1 / 4 * std::sqrt(2 * 9.80665 * sim.nodePressure()[j2]);
        QVERIFY2(std::abs(leakAfterOneStep - 60.0 * qLeak) < 1e-3 * 60.0 * qLeak,
                 qPrintable(QString("%1 vs %2").arg(leakAfterOneStep).arg(60 * qLeak)));
        sim.advanceTo(2460.0);
        // Isolated: the eastern block has no water, the western one full pressure again.
        QCOMPARE(sim.buildingHasWater()[east], std::uint8_t(0));
        QCOMPARE(sim.buildingHasWater()[west], std::uint8_t(1));
        QVERIFY(std::abs(sim.nodePressure()[j1] - p1Before) < 1.0);
        const double leakWhileClosed = sim.kpis().back().leakM3;
        sim.advanceTo(3000.0);
        QCOMPARE(sim.kpis().back().leakM3, leakWhileClosed);  // a closed pipe leaks nothing
        sim.advanceTo(3060.0);
        QCOMPARE(sim.buildingHasWater()[east], std::uint8_t(1));
        QCOMPARE(sim.waterLinkState()[*m.water.findLink("P2")], std::uint8_t(0));  // repaired
        // Out of water from 1800 to 3000 s: 20 minutes; demand not met meanwhile.
        QCOMPARE(sim.buildingMinutesWithoutWater()[east], 20.0);
        QCOMPARE(sim.buildingMinutesWithoutWater()[west], 0.0);
        QVERIFY(sim.kpis().back().unmetM3 > 0.0);
        QVERIFY(sim.kpis().back().deliveredM3 < sim.kpis().back().requestedM3);
    }

    void unknownEventTargetsAreReported() {
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(city(), {}, 0.0, report);
        UtilitySimulation sim(m, city(), {});
        sim.addEvents({{0.0, EventKind::PipeBurst, "PU1", 0.0, "/events/0"},
                       {0.0, EventKind::SubstationFailure, "Nowhere", 0.0, "/events/1"},
                       {0.0, EventKind::SubstationFailure, "Umspannwerk", 0.0, "/events/2"}},
                      report);
        QCOMPARE(report.errorCount(), std::size_t(2));
        QCOMPARE(report.items()[0].layer, std::string("/events/0"));
        QVERIFY(report.items()[1].message.find("Nowhere") != std::string::npos);
        // A substation by name: everything below it is dark, the grid bus alone stays live.
        sim.advanceTo(60.0);
        QCOMPARE(sim.kpis().back().darkBuses, 3u);
        QCOMPARE(sim.kpis().back().buildingsWithoutPower, 2u);  // the hospital is on backup
    }

    void sampleCityUtilities() {
        // The bundled city's water and power systems (tools/gen_sample_city.py) against their
        // design targets: every building served, pressures of 20-80 m at every junction with
        // demand over a day, voltages within 0.95-1.05 p.u. and no cable above 80 % at the peak.
        gis::LoadResult r = gis::loadCity(gis::sampleCityOptions(CT_ASSETS_DIR));
        QVERIFY(r.city.has_value());
        const CityModel& c = *r.city;
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(c, {}, 0.0, report);
        QVERIFY2(report.warningCount() == 0 && !report.hasErrors(), report.summary().c_str());
        QVERIFY(m.hasWater && m.hasPower);
        for (std::size_t b = 0; b < c.buildings.count(); ++b) {
            QVERIFY(m.buildingWaterNode[b] >= 0 && m.buildingPowerBus[b] >= 0);
            // The data names the serving node and bus of every building; they are used as given.
            QCOMPARE(m.water.nodeName[static_cast<std::size_t>(m.buildingWaterNode[b])],
                     c.buildings.waterNode[b]);
            QCOMPARE(m.busId[static_cast<std::size_t>(m.buildingPowerBus[b])], c.buildings.powerBus[b]);
        }
        QCOMPARE(m.signalFeeds.size(), std::size_t(29));
        QCOMPARE(m.pumps.size(), std::size_t(2));
        QCOMPARE(m.backups.size(), std::size_t(2));
        // A day at 15-minute steps; pumps switched by the tower's levels.
        UtilitySimOptions o;
        o.step = 900;
        UtilitySimulation sim(m, c, o);
        double minP = 1e9, maxP = 0;
        std::vector<std::uint8_t> hasDemand(m.water.nodeCount(), 0);
        for (const water::DemandEntry& d : m.water.demands) {
            hasDemand[d.node] = d.base > 0 ? 1 : 0;
        }
        for (int i = 0; i < 96; ++i) {
            sim.advanceTo((i + 1) * 900.0);
            for (std::size_t n = 0; n < m.water.nodeCount(); ++n) {
                if (hasDemand[n] != 0) {
                    minP = std::min(minP, sim.nodePressure()[n]);
                    maxP = std::max(maxP, sim.nodePressure()[n]);
                }
            }
            QCOMPARE(sim.kpis().back().buildingsWithoutWater, 0u);
            QCOMPARE(sim.kpis().back().buildingsWithoutPower, 0u);
            for (double level : sim.tankLevel()) {
                QVERIFY(level > 0.0);  // towers never run dry
            }
        }
        qInfo("junction pressures over the day: %.1f - %.1f m", minP, maxP);
        QVERIFY(minP >= 20.0 && maxP <= 80.0);
        const UtilityKpi& k = sim.kpis().back();
        QVERIFY(std::abs(k.requestedM3 - k.deliveredM3) < 1e-3 * k.requestedM3);
        // A day of the documented per-capita demand: sum of residents x 150 l + jobs x 50 l.
        double expected = 0;
        for (std::size_t b = 0; b < c.buildings.count(); ++b) {
            expected += (c.buildings.residents[b] * 0.150 + c.buildings.jobs[b] * 0.050);
        }
        qInfo("a day of demand: %.0f m3 (per capita: %.0f m3)", k.requestedM3, expected);
        QVERIFY(std::abs(k.requestedM3 - expected) < 0.02 * expected);

        // The substation Nord fails: its feeders go dark, and with them the waterworks' pumps
        // and part of the signals; the hospitals switch to backup.
        UtilitySimulation out(m, c, {});
        DiagnosticReport er;
        out.addEvents({{0.0, EventKind::SubstationFailure, "Umspannwerk Nord", 0.0, "test"}}, er);
        QVERIFY(!er.hasErrors());
        out.advanceTo(60.0);
        const UtilityKpi& o1 = out.kpis().back();
        qInfo(
            "substation Nord out: %u buildings without power (%.1f %% of residents), %u dark signals, %u "
            "pumps "
            "without power",
            o1.buildingsWithoutPower, 100 * o1.shareWithoutPower, o1.darkSignals, o1.pumpsWithoutPower);
        QVERIFY(o1.buildingsWithoutPower > c.buildings.count() / 5);
        QVERIFY(o1.shareWithoutPower > 0.2 && o1.shareWithoutPower < 0.8);  // one of two substations
        QVERIFY(o1.darkSignals > 0);
        QCOMPARE(out.darkSignals().size(), std::size_t(o1.darkSignals));
        QCOMPARE(out.kpis().back().darkBuses, o1.darkBuses);
    }

    void badUtilityDataIsDiagnosed() {
        // A copy of the fixture with a pipe to a missing node and a bus without voltage.
        QTemporaryDir tmp;
        for (const auto& e : std::filesystem::directory_iterator(kDir)) {
            std::filesystem::copy(e.path(), tmp.path().toStdString() + "/" + e.path().filename().string());
        }
        auto edit = [&](const std::string& file, const std::string& from, const std::string& to) {
            const std::string path = tmp.path().toStdString() + "/" + file;
            std::ifstream in(path);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const auto pos = text.find(from);
            QVERIFY(pos != std::string::npos);
            text.replace(pos, from.size(), to);
            std::ofstream(path) << text;
        };
        edit("water_links.geojson", "\"to_node\": \"J2\"", "\"to_node\": \"J9\"");
        edit("power_buses.geojson", "\"voltage_kv\": 10.0,\n    \"name\": \"Umspannwerk\"",
             "\"voltage_kv\": \"ten\",\n    \"name\": \"Umspannwerk\"");
        gis::LoadResult r = gis::loadCity(fixtureOptions(tmp.path().toStdString()));
        QVERIFY(r.city.has_value());
        DiagnosticReport report;
        const UtilityModel m = buildUtilityModel(*r.city, {}, 0.0, report);
        bool badEnds = false, badNumber = false;
        for (const Diagnostic& d : report.items()) {
            qInfo("%s", format(d).c_str());
            badEnds = badEnds || (d.code == "water.link_bad_ends" && d.layer == "water_links" &&
                                  d.feature == 1 && d.message.find("J9") != std::string::npos);
            badNumber = badNumber || (d.code == "utility.bad_number" && d.layer == "power_buses");
        }
        QVERIFY(badEnds);
        QVERIFY(badNumber);
        QCOMPARE(m.water.linkCount(), std::size_t(2));
        QCOMPARE(m.busId.size(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(TstUtility)
#include "tst_utility.moc"
