// `citytwin run` as a user runs it: a scenario on the hand-written OSM town with a trips CSV
// (places as lon/lat) and a closure event; outputs complete and atomic; bad scenarios rejected.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

namespace {
struct Run {
    int code = -1;
    QString out, err;
};
Run citytwin(const QStringList& args) {
    QProcess p;
    p.start(CT_CLI_PATH, args);
    p.waitForFinished(300000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
QStringList lines(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}
}  // namespace

class TstCliRun : public QObject {
    Q_OBJECT
private slots:
    void smallTownScenario() {
        QTemporaryDir out;
        const Run r = citytwin({"run", CT_FIXTURES_DIR "/scenarios/small_town.json", "--out", out.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        // The closure event named 4 links (both directions of the two pieces of Side Street).
        QVERIFY2(r.err.contains("closed name:Side Street (4 links)"), qPrintable(r.err));
        // The trip from (0, 0) lies nowhere near the town: skipped with its line number.
        QVERIFY2(r.out.contains("small_town_trips.csv:4"), qPrintable(r.out));
        for (const char* f :
             {"tripinfo.csv", "link_stats.csv", "kpi.csv", "detectors.csv", "summary.json", "links.gpkg"}) {
            QVERIFY2(QFileInfo(out.filePath(f)).size() > 0, f);
        }
        QVERIFY(QDir(out.path()).entryList({"*.tmp*"}).isEmpty());  // no half-written files left
        const QStringList trips = lines(out.filePath("tripinfo.csv"));
        QCOMPARE(trips.size(), 4);  // header + 3 trips
        for (int i = 1; i < trips.size(); ++i) {
            QVERIFY(trips[i].contains(",arrived,"));
        }
        QFile sf(out.filePath("summary.json"));
        QVERIFY(sf.open(QIODevice::ReadOnly));
        const QJsonObject s = QJsonDocument::fromJson(sf.readAll()).object();
        QCOMPARE(s["trips"].toObject()["total"].toInt(), 3);
        QCOMPARE(s["trips"].toObject()["arrived"].toInt(), 3);
        QVERIFY(s["delay_index"].toDouble() >= 1.0);
        // Link statistics: 10 intervals of 60 s x 11 links, plus the header.
        QCOMPARE(lines(out.filePath("link_stats.csv")).size(), 1 + 10 * 11);
    }
    void utilityOutageScenario() {
        // The utility town: cable C2 fails at 01:00 and is repaired at 02:00 (see the scenario).
        QTemporaryDir out;
        const Run r = citytwin({"run", CT_FIXTURES_DIR "/scenarios/utility_town.json", "--out", out.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.err.contains("01:00:00 pump PU1 stopped: its bus F2 has no power"), qPrintable(r.err));
        QVERIFY2(r.err.contains("01:00:00 1 signalised junctions without power"), qPrintable(r.err));
        QVERIFY2(r.err.contains("02:00:00 repair C2: back in service"), qPrintable(r.err));
        for (const char* f : {"utilities_kpi.csv", "building_service.csv", "service_changes.csv",
                              "utility_log.csv", "service.gpkg", "service_timeline.svg", "service_map.svg"}) {
            QVERIFY2(QFileInfo(out.filePath(f)).size() > 0, f);
        }
        // The pictures are well-formed SVG; on the map only the hospital is filled (the longest
        // outage: dark red) and outlined (without water); the blocks stay grey.
        for (const char* f : {"service_timeline.svg", "service_map.svg"}) {
            QFile svg(out.filePath(f));
            QVERIFY(svg.open(QIODevice::ReadOnly));
            QXmlStreamReader xml(&svg);
            int polygons = 0, darkRed = 0, outlined = 0;
            while (!xml.atEnd()) {
                if (xml.readNext() == QXmlStreamReader::StartElement &&
                    xml.name() == QLatin1String("polygon")) {
                    ++polygons;
                    darkRed += xml.attributes().value("fill") == QLatin1String("#8c0000") ? 1 : 0;
                    outlined += xml.attributes().hasAttribute("stroke") ? 1 : 0;
                }
            }
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            if (QString(f) == "service_map.svg") {
                QCOMPARE(polygons, 3);
                QCOMPARE(darkRed, 1);
                QCOMPARE(outlined, 1);
            }
        }
        // The hospital: an hour without water (its pump stopped), 30 min without power (after
        // its 30 min of backup); the blocks on the other feeder lose nothing.
        const QStringList service = lines(out.filePath("building_service.csv"));
        QCOMPARE(service.size(), 4);
        for (const QString& row : service.mid(1)) {
            const QStringList f = row.split(',');
            const bool hospital = f[1] == "Klinikum";
            QCOMPARE(f[9].toDouble(), hospital ? 60.0 : 0.0);
            QCOMPARE(f[10].toDouble(), hospital ? 30.0 : 0.0);
        }
        // One KPI row per utility step over 2.5 h.
        QCOMPARE(lines(out.filePath("utilities_kpi.csv")).size(), 1 + 150);
        QFile sf(out.filePath("summary.json"));
        QVERIFY(sf.open(QIODevice::ReadOnly));
        const QJsonObject u = QJsonDocument::fromJson(sf.readAll()).object()["utilities"].toObject();
        QCOMPARE(u["customer_minutes_power"].toDouble(), 30.0);
        QCOMPARE(u["customer_minutes_water"].toDouble(), 60.0);
        QCOMPARE(u["peak_dark_signals"].toInt(), 1);
        // Traffic: while the signal is dark every car stops at the junction; under the working
        // signal some cross on green without stopping.
        int litNoStop = 0, dark = 0, darkStopped = 0;
        for (const QString& row : lines(out.filePath("tripinfo.csv")).mid(1)) {
            const QStringList f = row.split(',');
            const double waiting = f[8].toDouble();
            if (f[0].startsWith("dark_")) {
                ++dark;
                darkStopped += waiting >= 1.0 ? 1 : 0;
            } else if (waiting == 0.0) {
                ++litNoStop;
            }
        }
        QCOMPARE(dark, 24);
        QCOMPARE(darkStopped, dark);
        QVERIFY(litNoStop > 0);
    }

    void sameSeedSameResults() {
        QTemporaryDir a, b;
        QCOMPARE(citytwin({"run", CT_FIXTURES_DIR "/scenarios/small_town.json", "--out", a.path(), "--quiet",
                           "--threads", "1"})
                     .code,
                 0);
        QCOMPARE(citytwin({"run", CT_FIXTURES_DIR "/scenarios/small_town.json", "--out", b.path(), "--quiet",
                           "--threads", "2"})
                     .code,
                 0);
        QCOMPARE(lines(a.filePath("tripinfo.csv")), lines(b.filePath("tripinfo.csv")));
    }
    void sumoNetworkScenario() {
        // The SUMO fixtures (tests/fixtures/sumo/README.md: 11 vehicles, SUMO delivers all 11)
        // through citytwin run; outputs name SUMO's edges.
        QTemporaryDir out;
        const Run r = citytwin(
            {"run", CT_FIXTURES_DIR "/scenarios/sumo_two_junctions.json", "--out", out.path(), "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const QStringList trips = lines(out.filePath("tripinfo.csv"));
        QCOMPARE(trips.size(), 12);
        for (int i = 1; i < trips.size(); ++i) {
            QVERIFY2(trips[i].contains(",arrived,"), qPrintable(trips[i]));
        }
        QVERIFY(lines(out.filePath("link_stats.csv")).join('\n').contains(",J1J2,"));
        QVERIFY(!QFileInfo::exists(out.filePath("links.gpkg")));  // no GIS geometry for a SUMO net
    }
    void editedSignalProgram() {
        // `citytwin signals` lists the junctions; the small town has one signal (node n2 on Main
        // Street). A scenario whose "signals" keeps it red throughout (and never teleports) must
        // deliver none of the trips through it; a state of the wrong length is an error.
        const Run list = citytwin({"signals", CT_FIXTURES_DIR "/scenarios/small_town.json"});
        QCOMPARE(list.code, 0);
        const QJsonArray nodes = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QJsonObject signal;
        for (const auto& n : nodes) {
            if (n.toObject().contains("phases")) {
                signal = n.toObject();
            }
        }
        QVERIFY(!signal.isEmpty());
        const qsizetype connections = signal["connections"].toArray().size();
        for (const auto& ph : signal["phases"].toArray()) {
            QCOMPARE(ph.toObject()["state"].toString().size(), connections);
        }
        QTemporaryDir dir;
        auto writeScenario = [&](const QString& state) {
            QJsonObject sc;
            sc["name"] = "all red";
            sc["city"] = QJsonObject{{"sources", QJsonArray{CT_FIXTURES_DIR "/osm/small_town.osm"}}};
            sc["duration"] = 600;
            sc["teleport_after_s"] = 0;
            sc["demand"] =
                QJsonObject{{"trips", QJsonArray{CT_FIXTURES_DIR "/scenarios/small_town_trips.csv"}}};
            sc["outputs"] = QJsonObject{{"folder", dir.filePath("out")}, {"geopackage", false}};
            sc["signals"] = QJsonArray{
                QJsonObject{{"node", signal["node"]},
                            {"phases", QJsonArray{QJsonObject{{"duration_s", 600}, {"state", state}}}}}};
            QFile f(dir.filePath("red.json"));
            f.open(QIODevice::WriteOnly);
            f.write(QJsonDocument(sc).toJson());
            return dir.filePath("red.json");
        };
        const Run red = citytwin({"run", writeScenario(QString(connections, 'r')), "--quiet"});
        QVERIFY2(red.code == 0, qPrintable(red.err));
        QFile sf(dir.filePath("out/summary.json"));
        QVERIFY(sf.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(sf.readAll()).object()["trips"].toObject()["arrived"].toInt(), 0);
        const Run bad = citytwin({"run", writeScenario(QString(connections + 1, 'G'))});
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("/signals/0/phases/0/state"), qPrintable(bad.err));
    }
    void badScenarioIsRejected() {
        const Run r = citytwin({"run", CT_FIXTURES_DIR "/scenarios/bad_scenario.json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("/duration"));
        QVERIFY(r.err.contains("/events/0/time"));
        QVERIFY(r.err.contains("not run"));
        QCOMPARE(citytwin({"run"}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TstCliRun)
#include "tst_cli_run.moc"
