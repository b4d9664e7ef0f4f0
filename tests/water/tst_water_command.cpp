// `citytwin water`: exit codes, the summary, CSV and JSON output.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <sstream>

#include "water_command.h"

namespace {

std::string fixture(const char* name) {
    return std::string(CT_FIXTURES_DIR) + "/water/" + name;
}

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run run(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = ct::cli::runWaterCommand(args, out, err);
    return {code, out.str(), err.str()};
}

int lines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return -1;
    }
    return static_cast<int>(f.readAll().count('\n'));
}

}  // namespace

class TstWaterCommand : public QObject {
    Q_OBJECT
private slots:
    void usageErrors() {
        QCOMPARE(run({}).code, 2);
        QCOMPARE(run({"--frobnicate", fixture("no_end.inp")}).code, 2);
        QCOMPARE(run({fixture("no_end.inp"), "--duration", "soon"}).code, 2);
        QCOMPARE(run({fixture("no_end.inp"), "--duration"}).code, 2);
        QCOMPARE(run({fixture("no_end.inp"), fixture("no_end.inp")}).code, 2);
        const Run help = run({"--help"});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.find("citytwin water FILE.inp") != std::string::npos);
    }

    void badInputGivesDiagnosticsAndExitOne() {
        const Run r = run({fixture("bad_unknown_node.inp")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("bad_unknown_node.inp:7:") != std::string::npos, r.err.c_str());
        QVERIFY(r.err.find("water.inp.unknown_node") != std::string::npos);
        QCOMPARE(run({fixture("does_not_exist.inp")}).code, 1);
    }

    void summaryAndCsv() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string out = dir.path().toStdString() + "/results";
        const Run r = run({fixture("tank_pump_controls.inp"), "--out", out});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.find("nodes:       4 (2 junctions, 1 reservoirs, 1 tanks)") != std::string::npos,
                 r.out.c_str());
        QVERIFY(r.out.find("iterations:") != std::string::npos);
        QVERIFY(r.out.find("pressure:") != std::string::npos);
        QVERIFY(r.out.find("(100.00 %)") != std::string::npos);
        // 49 report times (0..48 h) x 4 nodes, 3 links, 1 tank, plus a header each.
        const QString d = QString::fromStdString(out);
        QCOMPARE(lines(d + "/nodes.csv"), 1 + 49 * 4);
        QCOMPARE(lines(d + "/links.csv"), 1 + 49 * 3);
        QCOMPARE(lines(d + "/tanks.csv"), 1 + 49);
        QVERIFY(QDir(d).entryList({"*.tmp"}, QDir::Files).isEmpty());
        QFile nodes(d + "/nodes.csv");
        QVERIFY(nodes.open(QIODevice::ReadOnly));
        QVERIFY(nodes.readLine().startsWith("time_s,node,kind,elevation_m,head_m,pressure_m"));
    }

    void steadyStateJson() {
        const Run r = run({fixture("two_loops_lps.inp"), "--duration", "0", "--json"});
        QCOMPARE(r.code, 0);
        QJsonParseError e{};
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(r.out), &e);
        QVERIFY2(e.error == QJsonParseError::NoError, qPrintable(e.errorString()));
        const QJsonObject o = doc.object();
        QCOMPARE(o["duration_s"].toInt(), 0);
        QCOMPARE(o["solves"].toInt(), 1);
        QCOMPARE(o["nodes"].toObject()["junctions"].toInt(), 6);
        QVERIFY(std::abs(o["demand_requested_m3s"].toDouble() - 0.0405) < 1e-12);
        QCOMPARE(o["demand_delivered_share"].toDouble(), 1.0);
        QCOMPARE(o["steps"].toArray().size(), 1);
        QCOMPARE(o["steps"].toArray()[0].toObject()["nodes"].toArray().size(), 8);
    }

    void pressureDrivenFlag() {
        const Run r = run({fixture("no_end.inp"), "--pda", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("\"demand_delivered_share\"") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TstWaterCommand)
#include "tst_water_command.moc"
