// The citytwin command as a user runs it: exit codes, --help/--version, `info` text and JSON.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

Run citytwin(const QStringList& args) {
    QProcess p;
    p.start(CT_CLI_PATH, args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

const QString kOsm = QStringLiteral(CT_FIXTURES_DIR "/osm/small_town.osm");

}  // namespace

class TstCliInfo : public QObject {
    Q_OBJECT
private slots:
    void helpAndVersion() {
        Run r = citytwin({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("citytwin info"));
        QVERIFY(r.out.contains("Exit codes"));
        r = citytwin({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(QRegularExpression("^citytwin \\d+\\.\\d+\\.\\d+\\n$").match(r.out).hasMatch());
    }
    void usageErrorsExitWith2() {
        QCOMPARE(citytwin({}).code, 2);
        QCOMPARE(citytwin({"frobnicate"}).code, 2);
        Run r = citytwin({"info", "--crs", "utm"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("EPSG"));
        QCOMPARE(citytwin({"info", "--dem"}).code, 2);
    }
    void loadErrorsExitWith1AndNameTheFile() {
        const Run r = citytwin({"info", "/nonexistent/city.gpkg"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("/nonexistent/city.gpkg"));
        QVERIFY(r.err.contains("does not exist"));
        QVERIFY(r.out.isEmpty());
    }
    void jsonReport() {
        const Run r = citytwin({"info", kOsm, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(j["ok"].toBool());
        QCOMPARE(j["crs"].toObject()["epsg"].toInt(), 32633);
        const QJsonObject roads = j["roads"].toObject();
        // Hand counts from the fixture's drawing (see tst_osm_loader).
        QCOMPARE(roads["links"].toInt(), 11);
        QCOMPARE(roads["intersections"].toInt(), 2);
        QCOMPARE(roads["signalised_intersections"].toInt(), 1);
        QCOMPARE(j["buildings"].toObject()["count"].toInt(), 2);
        QCOMPARE(j["buildings"].toObject()["explicit_height"].toInt(), 1);
        QCOMPARE(j["facilities"].toObject()["fire_station"].toInt(), 1);
        QVERIFY(j["load_seconds"].toDouble() >= 0.0);
        QCOMPARE(j["diagnostics"].toObject()["errors"].toInt(), 0);
        // Road length by class sums to the total.
        double sum = 0;
        const QJsonObject byClass = roads["road_km_by_class"].toObject();
        for (auto it = byClass.begin(); it != byClass.end(); ++it) {
            sum += it.value().toDouble();
        }
        QVERIFY(std::abs(sum - roads["road_km"].toDouble()) < 1e-9);
        QVERIFY(j["layers"].toArray().size() == 5);
    }
    void jsonForAFailedLoad() {
        const Run r = citytwin({"info", QStringLiteral(CT_FIXTURES_DIR "/broken/empty.pbf"), "--json"});
        QCOMPARE(r.code, 1);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(!j["ok"].toBool());
        const QJsonObject d = j["diagnostics"].toObject()["items"].toArray().first().toObject();
        QCOMPARE(d["code"].toString(), QString("source.empty_file"));
        QCOMPARE(d["severity"].toString(), QString("error"));
    }
    void sampleCityText() {
        // Without a source, info describes the bundled sample city.
        const Run r = citytwin({"info"});
        QCOMPARE(r.code, 0);
        for (const char* s : {"EPSG:32633", "Road network", "lane-km", "strongly connected", "Buildings",
                              "fire_station", "Terrain", "Load time", "Diagnostics"}) {
            QVERIFY2(r.out.contains(s), s);
        }
    }
};

QTEST_GUILESS_MAIN(TstCliInfo)
#include "tst_cli_info.moc"
