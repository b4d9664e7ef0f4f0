// The EPANET .inp reader: both unit systems, every section we read, and broken files.
#include <QtTest>

#include <cmath>
#include <numbers>
#include <string>

#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/inp_reader.h"
#include "citytwin/water/water_simulation.h"

using namespace ct;
using namespace ct::water;

namespace {

std::string fixture(const char* name) {
    return std::string(CT_FIXTURES_DIR) + "/water/" + name;
}

bool has(const DiagnosticReport& r, const std::string& code, int line, Severity sev = Severity::Error) {
    for (const Diagnostic& d : r.items()) {
        if (d.code == code && d.line == line && d.severity == sev) {
            return true;
        }
    }
    return false;
}

QString dump(const DiagnosticReport& r) {
    QString out;
    for (const Diagnostic& d : r.items()) {
        out += QString::fromStdString(format(d)) + "\n";
    }
    return out;
}

}  // namespace

class TstInpReader : public QObject {
    Q_OBJECT
private slots:
    void readsTheSiNetwork() {
        DiagnosticReport rep;
        const auto net = readInpFile(fixture("two_loops_lps.inp"), rep);
        QVERIFY2(net.has_value(), qPrintable(dump(rep)));
        QCOMPARE(rep.errorCount(), std::size_t{0});
        QCOMPARE(net->nodeCount(), std::size_t{8});
        QCOMPARE(net->linkCount(), std::size_t{9});
        QCOMPARE(net->junctionCount(), std::size_t{6});
        QVERIFY(net->title.find("Two loops") == 0);
        QCOMPARE(net->inputUnits.flow, FlowUnits::Lps);

        const auto j4 = net->findNode("J4").value();
        QCOMPARE(net->nodeElevation[j4], 15.0);
        // [DEMANDS] replaces the [JUNCTIONS] demand of J4 by its two categories.
        QCOMPARE(net->demandOffset[j4 + 1] - net->demandOffset[j4], 2u);
        QCOMPARE(net->demands[net->demandOffset[j4]].category, std::string("domestic"));
        HydraulicState s;
        s.head = net->nodeElevation;
        s.setting = net->linkSetting;
        applyPatterns(*net, 3600, s);
        QVERIFY(std::abs(s.demandRequested[j4] - (0.005 + 0.0025 * 1.2)) < 1e-15);

        const auto p7 = net->findLink("P7").value();
        QCOMPARE(net->linkKind[p7], LinkKind::CheckValvePipe);
        QCOMPARE(net->linkDiameter[p7], 0.1);
        QCOMPARE(net->linkMinorLoss[p7], 0.5);
        const auto v1 = net->findLink("V1").value();
        QCOMPARE(net->linkKind[v1], LinkKind::Prv);
        QCOMPARE(net->linkSetting[v1], 20.0);
        QCOMPARE(net->linkStatus[v1], LinkStatus::Active);

        const Tank& t = net->tanks.at(0);
        QCOMPARE(t.maxLevel, 9.0);
        QVERIFY(std::abs(t.minVolume - 0.25 * std::numbers::pi * 225.0 * 1.0) < 1e-9);

        // A 1-point pump curve becomes h = a - b q^c through (0, 1.33334 h1), (q1, h1), (2 q1, 0).
        const Pump& p = net->pumps.at(0);
        QCOMPARE(p.kind, PumpCurveKind::PowerFunction);
        QVERIFY(std::abs(p.a - 1.33334 * 45.0) < 1e-12);
        QVERIFY(std::abs(p.a - p.b * std::pow(0.03, p.c) - 45.0) < 1e-9);
        QVERIFY(std::abs(p.c - 2.0) < 1e-4);

        QCOMPARE(net->times.duration, std::int64_t{3 * 3600});
        QCOMPARE(net->options.accuracy, 1e-7);
        QCOMPARE(net->nodeX[net->findNode("J2").value()], 500.0);
        QVERIFY(std::isnan(net->nodeX[net->findNode("J6").value()]));
    }

    void bothUnitSystemsGiveTheSameSolution() {
        DiagnosticReport rep;
        const auto si = readInpFile(fixture("two_loops_lps.inp"), rep);
        const auto us = readInpFile(fixture("two_loops_gpm.inp"), rep);
        QVERIFY2(si && us, qPrintable(dump(rep)));
        QCOMPARE(us->inputUnits.flow, FlowUnits::Gpm);
        QCOMPARE(us->nodeCount(), si->nodeCount());
        QVERIFY(std::abs(us->linkSetting[us->findLink("V1").value()] - 20.0) < 1e-9);

        WaterSimulation a(*si);
        WaterSimulation b(*us);
        std::vector<WaterReport> ra;
        std::vector<WaterReport> rb;
        a.run([&](const WaterReport& r) { ra.push_back(r); });
        b.run([&](const WaterReport& r) { rb.push_back(r); });
        QCOMPARE(ra.size(), std::size_t{4});
        QCOMPARE(rb.size(), ra.size());
        for (std::size_t t = 0; t < ra.size(); ++t) {
            QVERIFY(ra[t].stats.converged && rb[t].stats.converged);
            for (std::uint32_t i = 0; i < si->nodeCount(); ++i) {
                const auto j = us->findNode(si->nodeName[i]).value();
                QVERIFY2(std::abs(ra[t].head[i] - rb[t].head[j]) < 1e-6,
                         qPrintable(QString::fromStdString(si->nodeName[i]) + " " +
                                    QString::number(ra[t].head[i] - rb[t].head[j])));
            }
            for (std::uint32_t k = 0; k < si->linkCount(); ++k) {
                const auto l = us->findLink(si->linkName[k]).value();
                QVERIFY(std::abs(ra[t].flow[k] - rb[t].flow[l]) < 1e-8);
                QCOMPARE(ra[t].linkState[k], rb[t].linkState[l]);
            }
            QVERIFY(std::abs(ra[t].tankLevel[0] - rb[t].tankLevel[0]) < 1e-6);
        }
        // The PRV regulates: J6 at 20 m of pressure.
        const auto j6 = si->findNode("J6").value();
        QVERIFY(std::abs(ra[0].pressure[j6] - 20.0) < 1e-3);
    }

    void missingEndIsFine() {
        DiagnosticReport rep;
        const auto net = readInpFile(fixture("no_end.inp"), rep);
        QVERIFY2(net.has_value(), qPrintable(dump(rep)));
        QCOMPARE(rep.errorCount(), std::size_t{0});
        QCOMPARE(rep.warningCount(), std::size_t{0});
        // GPM by default: 8 inch, 100 ft.
        QVERIFY(std::abs(net->linkDiameter[0] - 0.2032) < 1e-12);
        QVERIFY(std::abs(net->linkLength[0] - 30.48) < 1e-12);
    }

    void unknownNodeInAPipe() {
        DiagnosticReport rep;
        QVERIFY(!readInpFile(fixture("bad_unknown_node.inp"), rep).has_value());
        QVERIFY2(has(rep, "water.inp.unknown_node", 7), qPrintable(dump(rep)));
        QCOMPARE(rep.errorCount(), std::size_t{1});
        QVERIFY(rep.items()[0].file.find("bad_unknown_node.inp") != std::string::npos);
        QVERIFY(rep.items()[0].message.find("J9") != std::string::npos);
    }

    void nonNumericLength() {
        DiagnosticReport rep;
        QVERIFY(!readInpFile(fixture("bad_length.inp"), rep).has_value());
        QVERIFY2(has(rep, "water.inp.not_a_number", 8), qPrintable(dump(rep)));
        QCOMPARE(rep.errorCount(), std::size_t{1});
    }

    void unknownSectionIsReported() {
        DiagnosticReport rep;
        const auto net = readInpFile(fixture("unknown_section.inp"), rep);
        QVERIFY2(net.has_value(), qPrintable(dump(rep)));
        QVERIFY(has(rep, "water.inp.unknown_section", 13, Severity::Warning));
        QVERIFY(has(rep, "water.inp.section_ignored", 16, Severity::Warning));
    }

    void everyProblemIsReportedWithItsLine() {
        DiagnosticReport rep;
        QVERIFY(!readInpFile(fixture("bad_many.inp"), rep).has_value());
        const QString all = dump(rep);
        QVERIFY2(has(rep, "water.inp.unknown_pattern", 2), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.duplicate_node", 4), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.not_a_number", 5), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.bad_keyword", 10), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.missing_field", 11), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.unknown_link", 13), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.bad_control", 14), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.bad_rule", 17), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.bad_time", 20), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.bad_keyword", 22), qPrintable(all));
        QVERIFY2(has(rep, "water.inp.unknown_option", 23, Severity::Warning), qPrintable(all));
    }

    void garbageNeverCrashes() {
        // Truncations of a good file and random bytes: a result or diagnostics, never a crash.
        QFile f(QString::fromStdString(fixture("two_loops_lps.inp")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray good = f.readAll();
        for (int cut = 0; cut < good.size(); cut += 37) {
            DiagnosticReport rep;
            const auto net =
                parseInp(std::string_view(good.constData(), static_cast<std::size_t>(cut)), "cut.inp", rep);
            QVERIFY(net.has_value() || rep.hasErrors());
        }
        std::uint32_t x = 12345;
        std::string noise;
        for (int i = 0; i < 20000; ++i) {
            x = x * 1664525u + 1013904223u;
            const char c = "[]; \n\t\"ABCJ01.-e"[(x >> 24) % 17];
            noise.push_back(c);
        }
        DiagnosticReport rep;
        const auto net = parseInp(noise, "noise.inp", rep);
        QVERIFY(net.has_value() || rep.hasErrors());
    }

    void timesAndClockFormats() {
        DiagnosticReport rep;
        const auto net = readInpFile(fixture("timed_controls.inp"), rep);
        QVERIFY2(net.has_value(), qPrintable(dump(rep)));
        QCOMPARE(net->times.startClock, std::int64_t{12 * 3600});
        // 2:00 asked, but EPANET caps it at the pattern and report steps (1 h by default).
        QCOMPARE(net->times.hydraulicStep, std::int64_t{3600});
        QCOMPARE(net->controls.size(), std::size_t{2});
        QCOMPARE(net->controls[0].condition, ControlCondition::AtTime);
        QCOMPARE(net->controls[0].threshold, 5.0 * 3600);
        QCOMPARE(net->controls[1].condition, ControlCondition::AtClockTime);
        QCOMPARE(net->controls[1].threshold, 20.0 * 3600);
        QCOMPARE(net->options.demandModel, DemandModel::PressureDriven);
        QCOMPARE(net->options.requiredPressure, 10.0);
        QVERIFY(has(rep, "water.inp.section_ignored", 30, Severity::Warning));
    }

    void rulesAreParsed() {
        DiagnosticReport rep;
        const auto net = readInpFile(fixture("tank_pump_rules.inp"), rep);
        QVERIFY2(net.has_value(), qPrintable(dump(rep)));
        QCOMPARE(net->rules.size(), std::size_t{2});
        const Rule& r = net->rules[0];
        QCOMPARE(r.premises.size(), std::size_t{1});
        QCOMPARE(r.premises[0].attribute, RuleAttribute::Head);
        QCOMPARE(r.premises[0].value, 58.0);  // level 8 above a bottom at 50
        QCOMPARE(r.thenActions.size(), std::size_t{1});
        QCOMPARE(*r.thenActions[0].status, LinkStatus::Closed);
        QCOMPARE(r.priority, 1.0);
    }
};

QTEST_APPLESS_MAIN(TstInpReader)
#include "tst_inp_reader.moc"
