// MATPOWER case reader: the standard cases, format variants, and broken files with the diagnostic
// (code and line) each must give. Bad input must never crash the reader or the solver.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "citytwin/power/matpower_reader.h"
#include "citytwin/power/power_flow.h"
#include "power_test_util.h"

using namespace ct;
using namespace ct::power;
using namespace ct::power::test;

namespace {

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string allDiagnostics(const DiagnosticReport& r) {
    std::string s;
    for (const Diagnostic& d : r.items()) {
        s += format(d) + "\n";
    }
    return s;
}

}  // namespace

class TstMatpowerReader : public QObject {
    Q_OBJECT
private slots:
    void readsCase9() {
        DiagnosticReport report;
        const auto net = readMatpowerCase(fixture("case9.m"), report);
        QVERIFY2(net.has_value(), allDiagnostics(report).c_str());
        QCOMPARE(report.errorCount(), std::size_t{0});
        QCOMPARE(report.warningCount(), std::size_t{0});
        QCOMPARE(net->name, std::string("case9"));
        QCOMPARE(net->baseMVA, 100.0);
        QCOMPARE(net->buses.size(), std::size_t{9});
        QCOMPARE(net->gens.size(), std::size_t{3});
        QCOMPARE(net->branches.size(), std::size_t{9});
        QVERIFY(net->buses[0].type == BusType::Ref);
        QVERIFY(net->buses[1].type == BusType::Pv);
        QCOMPARE(net->buses[4].pdMW, 90.0);
        QCOMPARE(net->buses[8].qdMVAr, 50.0);
        QCOMPARE(net->buses[4].sourceLine, 22);
        QCOMPARE(net->gens[1].vgPu, 1.025);
        QCOMPARE(net->gens[2].qgMVAr, -10.95);
        QCOMPARE(net->branches[2].rateAMVA, 150.0);
        QCOMPARE(net->branches[6].from, 7);  // bus 8 is index 7
        QCOMPARE(net->branches[6].to, 1);
        QCOMPARE(net->branches[7].bPu, 0.306);
        QCOMPARE(net->branches[0].tap(), 1.0);
        QCOMPARE(net->totalLoadMW(), 315.0);
    }

    void readsCase14() {
        DiagnosticReport report;
        const auto net = readMatpowerCase(fixture("case14.m"), report);
        QVERIFY2(net.has_value(), allDiagnostics(report).c_str());
        QCOMPARE(report.errorCount() + report.warningCount(), std::size_t{0});
        QCOMPARE(net->buses.size(), std::size_t{14});
        QCOMPARE(net->gens.size(), std::size_t{5});
        QCOMPARE(net->branches.size(), std::size_t{20});
        QCOMPARE(net->branches[7].ratio, 0.978);
        QCOMPARE(net->branches[7].tap(), 0.978);
        QCOMPARE(net->buses[8].bsMVAr, 19.0);
        QCOMPARE(net->buses[3].qdMVAr, -3.9);
        QCOMPARE(net->gens[0].qmaxMVAr, 10.0);
        QCOMPARE(net->findBus(14), 13);
        QCOMPARE(net->findBus(15), -1);
    }

    void versionOneFormatLoadsTheSameCase() {
        // Bare names, fewer columns, commas and a continuation: the same network and solution.
        DiagnosticReport r1, r2;
        const auto a = readMatpowerCase(fixture("case9_format1.m"), r1);
        const auto b = readMatpowerCase(fixture("case9_unity_vg.m"), r2);
        QVERIFY2(a.has_value(), allDiagnostics(r1).c_str());
        QVERIFY(b.has_value());
        QCOMPARE(a->buses.size(), b->buses.size());
        QCOMPARE(a->buses[4].pdMW, 90.0);
        QCOMPARE(a->buses[4].vmaxPu, 1.1);
        QCOMPARE(a->buses[4].sourceLine, 12);
        const PowerFlowResult ra = solvePowerFlow(*a);
        const PowerFlowResult rb = solvePowerFlow(*b);
        QVERIFY(ra.converged && rb.converged);
        for (std::size_t i = 0; i < a->buses.size(); ++i) {
            QCOMPARE(ra.vmPu[i], rb.vmPu[i]);
            QCOMPARE(ra.vaDeg[i], rb.vaDeg[i]);
        }
    }

    void syntaxVariants() {
        // Rows on one line separated by ';', commas, signed and exponent numbers, Inf limits,
        // comments after values, CRLF line ends, a string with a percent sign.
        const std::string text =
            "mpc.baseMVA = 1e2; % base\r\n"
            "mpc.name = \"case 50% loaded\";\r\n"
            "mpc.bus = [1 3 0 0 0 0 1 1 0 230 1 1.1 0.9; 2,1,+40,-1.5E1,0,0,1,1,0,230,1,1.1,0.9];\r\n"
            "mpc.gen = [1 40 0 Inf -Inf 1.0 100 1 100 0];\r\n"
            "mpc.branch = [\r\n"
            "  1 2 .01 .1 0 0 0 0 0 0 1 -360 360 % the only line\r\n"
            "];\r\n";
        DiagnosticReport report;
        const auto net = parseMatpowerCase(text, "inline", report, "inline");
        QVERIFY2(net.has_value(), allDiagnostics(report).c_str());
        QCOMPARE(report.errorCount(), std::size_t{0});
        QCOMPARE(net->baseMVA, 100.0);
        QCOMPARE(net->buses.size(), std::size_t{2});
        QCOMPARE(net->buses[1].pdMW, 40.0);
        QCOMPARE(net->buses[1].qdMVAr, -15.0);
        QVERIFY(std::isinf(net->gens[0].qmaxMVAr) && net->gens[0].qmaxMVAr > 0);
        QVERIFY(std::isinf(net->gens[0].qminMVAr) && net->gens[0].qminMVAr < 0);
        QCOMPARE(net->branches[0].rPu, 0.01);
        QCOMPARE(net->branches[0].sourceLine, 6);
        QCOMPARE(report.countsByCode().at("power.field_ignored"), std::size_t{1});  // mpc.name
        QVERIFY(solvePowerFlow(*net).converged);
    }

    void brokenFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        // Each file states its fault in its second line.
        QTest::newRow("bad number") << "bad_number.m"
                                    << "power.bad_number" << 7;
        QTest::newRow("ragged row") << "ragged_row.m"
                                    << "power.ragged_row" << 16;
        QTest::newRow("too few columns") << "too_few_columns.m"
                                         << "power.too_few_columns" << 6;
        QTest::newRow("unknown bus") << "unknown_bus.m"
                                     << "power.unknown_bus" << 16;
        QTest::newRow("duplicate bus") << "duplicate_bus.m"
                                       << "power.duplicate_bus" << 8;
        QTest::newRow("bad bus type") << "bad_bus_type.m"
                                      << "power.bad_bus_type" << 7;
        QTest::newRow("zero impedance") << "zero_impedance.m"
                                        << "power.zero_impedance" << 17;
        QTest::newRow("negative base") << "bad_base.m"
                                       << "power.bad_base_mva" << 4;
        QTest::newRow("expression") << "expression.m"
                                    << "power.syntax" << 4;
        QTest::newRow("transposed") << "transposed.m"
                                    << "power.unsupported" << 13;
        QTest::newRow("unclosed matrix") << "unclosed_matrix.m"
                                         << "power.unclosed_matrix" << 14;
        QTest::newRow("missing gen") << "missing_gen.m"
                                     << "power.missing_field" << -1;
        QTest::newRow("empty file") << "empty.m"
                                    << "power.missing_field" << -1;
        QTest::newRow("no such file") << "no_such_file.m"
                                      << "power.cannot_open" << -1;
    }
    void brokenFiles() {
        QFETCH(QString, file);
        QFETCH(QString, code);
        QFETCH(int, line);
        DiagnosticReport report;
        const std::string path = fixture("broken/" + file.toStdString());
        const auto net = readMatpowerCase(path, report);
        QVERIFY(!net.has_value());
        QVERIFY(report.hasErrors());
        bool found = false;
        for (const Diagnostic& d : report.items()) {
            if (d.severity == Severity::Error && d.code == code.toStdString() && d.line == line) {
                found = true;
                QCOMPARE(d.file, path);
                QVERIFY(!d.message.empty());
                QVERIFY(!d.action.empty());
                if (line > 0) {  // the formatted diagnostic names file:line
                    QVERIFY(format(d).find(path + ":" + std::to_string(line)) != std::string::npos);
                }
            }
        }
        QVERIFY2(found, allDiagnostics(report).c_str());
        // One fault, one error: a rejected bus row does not also give errors for every reference to it.
        // (Three short rows are three faults; the duplicate leaves bus 3 truly missing.)
        const QStringList several{"too_few_columns.m", "duplicate_bus.m", "empty.m", "missing_gen.m"};
        if (!several.contains(file)) {
            QVERIFY2(report.errorCount() == 1, allDiagnostics(report).c_str());
        }
    }

    void truncatedAndCorruptedInputNeverCrashes() {
        // Every prefix of a real case (every 7th length) and single-byte corruptions: the reader
        // either loads a valid network (which then solves without crashing) or reports errors.
        const std::string text = readText(fixture("case14.m"));
        QVERIFY(text.size() > 1000);
        int loaded = 0, rejected = 0;
        auto check = [&](const std::string& t) {
            DiagnosticReport report;
            const auto net = parseMatpowerCase(t, "fuzz", report);
            if (net) {
                DiagnosticReport v;
                QVERIFY(validateNetwork(*net, v));
                const PowerFlowResult r = solvePowerFlow(*net);
                QCOMPARE(r.vmPu.size(), net->buses.size());
                ++loaded;
            } else {
                QVERIFY(report.hasErrors());
                ++rejected;
            }
        };
        for (std::size_t n = 0; n <= text.size(); n += 7) {
            check(text.substr(0, n));
        }
        // (39 is the quote character, written as a number to keep it out of this file for moc.)
        const char replacements[] = {'x',  ';', '[', ']', '-', '.', '%', static_cast<char>(39),
                                     '\n', '9', '0', 'e'};
        for (std::size_t i = 0; i < text.size(); i += 13) {
            std::string t = text;
            t[i] = replacements[(i / 13) % sizeof replacements];
            check(t);
        }
        QVERIFY(loaded > 0);
        QVERIFY(rejected > 0);
    }
};

QTEST_APPLESS_MAIN(TstMatpowerReader)
#include "tst_matpower_reader.moc"
