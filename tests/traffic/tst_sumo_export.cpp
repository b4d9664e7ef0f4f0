// SUMO export: a small signalised grid written as SUMO plain XML, read back with Qt's own XML
// reader (well-formed, consistent: every connection's lanes exist, every signal program has one
// letter per connection of its node, every connection of a signal has its linkIndex once) and,
// where netconvert is installed, built into a SUMO network and imported again: the same
// connections, lane lengths and signal states as CityTwin's.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <map>
#include <set>
#include <tuple>

#include "citytwin/traffic/sumo_export.h"
#include "citytwin/traffic/sumo_import.h"
#include "test_networks.h"

using namespace ct;
using namespace ct::traffic;

namespace {

/// What the plain files say, read with QXmlStreamReader.
struct Plain {
    std::map<std::string, std::string> nodeType;  // node id -> type
    std::map<std::string, std::string> nodeTl;    // node id -> tl
    struct Edge {
        std::string from, to;
        int lanes = 0;
        double speed = 0, length = -1;
    };
    std::map<std::string, Edge> edges;
    using ConnKey = std::tuple<std::string, int, std::string, int>;  // from, fromLane, to, toLane
    std::vector<ConnKey> conns;
    std::set<std::string> noConnEdges;                                    // <connection from="X"/>
    std::map<std::string, std::vector<std::string>> tlStates;             // tl -> phase states
    std::map<std::string, std::vector<std::pair<ConnKey, int>>> tlLinks;  // tl -> connection, linkIndex
    QString error;
};

bool readInto(const std::string& text, Plain& p) {
    QXmlStreamReader x(QByteArray::fromStdString(text));
    std::string tl;
    bool inTll = false;
    while (!x.atEnd()) {
        if (x.readNext() != QXmlStreamReader::StartElement) {
            continue;
        }
        const auto a = x.attributes();
        auto s = [&](const char* k) { return a.value(k).toString().toStdString(); };
        const auto name = x.name();
        if (name == QLatin1String("tlLogics")) {
            inTll = true;
        } else if (name == QLatin1String("node")) {
            p.nodeType[s("id")] = s("type");
            if (a.hasAttribute("tl")) {
                p.nodeTl[s("id")] = s("tl");
            }
        } else if (name == QLatin1String("edge")) {
            p.edges[s("id")] = {s("from"), s("to"), a.value("numLanes").toInt(), a.value("speed").toDouble(),
                                a.hasAttribute("length") ? a.value("length").toDouble() : -1.0};
        } else if (name == QLatin1String("connection")) {
            if (!a.hasAttribute("to")) {
                p.noConnEdges.insert(s("from"));
                continue;
            }
            Plain::ConnKey k{s("from"), a.value("fromLane").toInt(), s("to"), a.value("toLane").toInt()};
            if (inTll) {
                p.tlLinks[s("tl")].emplace_back(k, a.value("linkIndex").toInt());
            } else {
                p.conns.push_back(k);
            }
        } else if (name == QLatin1String("tlLogic")) {
            tl = s("id");
            p.tlStates[tl];
        } else if (name == QLatin1String("phase")) {
            p.tlStates[tl].push_back(s("state"));
        }
    }
    if (x.hasError()) {
        p.error = x.errorString() + " at line " + QString::number(x.lineNumber());
        return false;
    }
    return true;
}

bool writeText(const QString& path, const std::string& text) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) &&
           f.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size());
}

}  // namespace

class TstSumoExport : public QObject {
    Q_OBJECT

private:
    RoadNetwork m_roads = test::grid(3, 200.0, 2, true);
    TrafficNetwork m_net = buildTrafficNetwork(m_roads);
    SumoPlainNetwork m_plain = exportSumoPlainNetwork(m_roads, m_net);

private slots:
    void wellFormedAndConsistent() {
        Plain p;
        for (const std::string* doc :
             {&m_plain.nodes, &m_plain.edges, &m_plain.connections, &m_plain.tlLogics}) {
            QVERIFY2(readInto(*doc, p), qPrintable(p.error));
        }
        QCOMPARE(p.nodeType.size(), m_net.nodeCount());
        QCOMPARE(p.edges.size(), m_net.linkCount());
        // Edge ids are the link indexes; their nodes exist; lanes and speeds as CityTwin's.
        for (std::uint32_t l = 0; l < m_net.linkCount(); ++l) {
            const auto it = p.edges.find("L" + std::to_string(l));
            QVERIFY(it != p.edges.end());
            QVERIFY(p.nodeType.count(it->second.from) == 1 && p.nodeType.count(it->second.to) == 1);
            QCOMPARE(it->second.from, "N" + std::to_string(m_net.linkFrom[l].index()));
            QCOMPARE(it->second.lanes, static_cast<int>(m_net.laneCountOf(LinkId{l})));
            QVERIFY(std::abs(it->second.speed - m_net.linkSpeed[l]) < 0.006);
            QVERIFY(std::abs(it->second.length - m_net.laneLength[m_net.lane(LinkId{l}, 0).index()]) < 0.006);
        }
        // Every connection's lanes exist, and there are exactly CityTwin's.
        QCOMPARE(p.conns.size(), m_net.connectionCount());
        for (const auto& [from, fromLane, to, toLane] : p.conns) {
            QVERIFY(p.edges.count(from) == 1 && p.edges.count(to) == 1);
            QVERIFY(fromLane >= 0 && fromLane < p.edges[from].lanes);
            QVERIFY(toLane >= 0 && toLane < p.edges[to].lanes);
            QCOMPARE(p.edges[from].to, p.edges[to].from);  // through a node
        }
        const std::set<Plain::ConnKey> connSet(p.conns.begin(), p.conns.end());
        QCOMPARE(connSet.size(), p.conns.size());  // no duplicates
        // Signals: the grid's one inner node; its program has one letter per connection of the
        // node, and each connection of the node has its linkIndex exactly once.
        std::size_t signalised = 0;
        for (std::uint32_t n = 0; n < m_net.nodeCount(); ++n) {
            const std::string id = "N" + std::to_string(n);
            if (m_net.nodeControl[n] != JunctionControl::Signal) {
                QVERIFY(p.nodeType[id] != "traffic_light");
                continue;
            }
            ++signalised;
            QCOMPARE(p.nodeType[id], std::string("traffic_light"));
            QCOMPARE(p.nodeTl[id], id);
            const std::size_t nc = m_net.connectionsOfNode(NodeId{n}).size();
            QVERIFY(nc > 0);
            QVERIFY(!p.tlStates[id].empty());
            for (const std::string& st : p.tlStates[id]) {
                QCOMPARE(st.size(), nc);
            }
            const auto& links = p.tlLinks[id];
            QCOMPARE(links.size(), nc);
            std::set<int> indexes;
            for (const auto& [key, index] : links) {
                QVERIFY(connSet.count(key) == 1);
                QCOMPARE(p.edges[std::get<0>(key)].to, id);
                indexes.insert(index);
            }
            QCOMPARE(indexes.size(), nc);
            QCOMPARE(*indexes.begin(), 0);
            QCOMPARE(*indexes.rbegin(), static_cast<int>(nc) - 1);
        }
        QCOMPARE(signalised, std::size_t{1});
        QCOMPARE(p.tlStates.size(), signalised);
    }

    void tripsAndTypes() {
        std::vector<Trip> trips(3);
        trips[0].id = "late&<1>";
        trips[0].depart = 30;
        trips[0].from = LinkId{0};
        trips[0].to = LinkId{5};
        trips[1].id = "early";
        trips[1].depart = 10;
        trips[1].from = LinkId{1};
        trips[1].to = LinkId{6};
        trips[1].vclass = VehicleClass::Truck;
        trips[2].id = "routed";
        trips[2].depart = 20;
        trips[2].from = LinkId{2};
        trips[2].to = LinkId{2};
        trips[2].route = {LinkId{2}};
        const std::string xml = exportSumoTrips(trips);
        QXmlStreamReader x(QByteArray::fromStdString(xml));
        std::vector<std::string> ids;
        std::map<std::string, QXmlStreamAttributes> types;
        while (!x.atEnd()) {
            if (x.readNext() != QXmlStreamReader::StartElement) {
                continue;
            }
            if (x.name() == QLatin1String("vType")) {
                types[x.attributes().value("id").toString().toStdString()] = x.attributes();
            } else if (x.name() == QLatin1String("trip") || x.name() == QLatin1String("vehicle")) {
                ids.push_back(x.attributes().value("id").toString().toStdString());
                QCOMPARE(x.attributes().value("departLane").toString(), QStringLiteral("best"));
            }
        }
        QVERIFY2(!x.hasError(), qPrintable(x.errorString()));
        QCOMPARE(ids, (std::vector<std::string>{"early", "routed", "late&<1>"}));
        QCOMPARE(types.size(), std::size_t{2});  // car and truck, the classes used
        const VehicleType car = defaultVehicleType(VehicleClass::Car);
        const auto& c = types["car"];
        QCOMPARE(c.value("carFollowModel").toString(), QStringLiteral("IDM"));
        QCOMPARE(c.value("vClass").toString(), QStringLiteral("passenger"));
        QCOMPARE(c.value("length").toDouble(), car.length);
        QCOMPARE(c.value("accel").toDouble(), car.maxAccel);
        QCOMPARE(c.value("decel").toDouble(), car.comfortDecel);
        QCOMPARE(c.value("emergencyDecel").toDouble(), car.emergencyDecel);
        QCOMPARE(c.value("minGap").toDouble(), car.minGap);
        QCOMPARE(c.value("tau").toDouble(), car.headway);
        QCOMPARE(c.value("speedFactor").toString(), QStringLiteral("normc(1,0.1,0.8,1.2)"));
        QCOMPARE(types["truck"].value("length").toDouble(), defaultVehicleType(VehicleClass::Truck).length);
    }

    /// netconvert builds the files into a network; imported again, it is CityTwin's network.
    void netconvertRoundTrip() {
        const QString netconvert = QStandardPaths::findExecutable("netconvert");
        if (netconvert.isEmpty()) {
            QSKIP("netconvert is not installed (Debian: apt-get install sumo)");
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeText(dir.filePath("city.nod.xml"), m_plain.nodes));
        QVERIFY(writeText(dir.filePath("city.edg.xml"), m_plain.edges));
        QVERIFY(writeText(dir.filePath("city.con.xml"), m_plain.connections));
        QVERIFY(writeText(dir.filePath("city.tll.xml"), m_plain.tlLogics));
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(netconvert, {"--node-files", "city.nod.xml", "--edge-files", "city.edg.xml",
                             "--connection-files", "city.con.xml", "--tllogic-files", "city.tll.xml",
                             "--no-turnarounds", "--offset.disable-normalization", "-o", "city.net.xml"});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 qPrintable(QString::fromUtf8(p.readAllStandardError())));

        DiagnosticReport report;
        const auto s = readSumoNetwork(dir.filePath("city.net.xml").toStdString(), report);
        QVERIFY2(s.has_value(), report.summary().c_str());
        QCOMPARE(s->net.linkCount(), m_net.linkCount());
        QCOMPARE(s->net.connectionCount(), m_net.connectionCount());  // none guessed, none lost
        for (std::uint32_t l = 0; l < m_net.linkCount(); ++l) {
            const LinkId sl = s->findEdge("L" + std::to_string(l));
            QVERIFY(sl.valid());
            QCOMPARE(s->net.laneCountOf(sl), m_net.laneCountOf(LinkId{l}));
            // CityTwin's lane lengths.
            QVERIFY(std::abs(s->net.laneLength[s->net.lane(sl, 0).index()] -
                             m_net.laneLength[m_net.lane(LinkId{l}, 0).index()]) < 0.01);
        }
        // Every CityTwin connection is in the SUMO net; at the signal with its own index, and the
        // SUMO program gives it CityTwin's letter at every moment of the cycle.
        for (std::uint32_t c = 0; c < m_net.connectionCount(); ++c) {
            const LaneId from = m_net.connFrom[c], to = m_net.connTo[c];
            const LaneId sf =
                s->net.lane(s->findEdge("L" + std::to_string(m_net.laneLink[from.index()].index())),
                            m_net.laneIndex[from.index()]);
            const LaneId st =
                s->net.lane(s->findEdge("L" + std::to_string(m_net.laneLink[to.index()].index())),
                            m_net.laneIndex[to.index()]);
            std::uint32_t found = UINT32_MAX;
            for (std::uint32_t d = s->net.laneConnOffset[sf.index()];
                 d < s->net.laneConnOffset[sf.index() + 1]; ++d) {
                if (s->net.connTo[d] == st) {
                    found = d;
                }
            }
            QVERIFY2(found != UINT32_MAX, qPrintable(QString("connection %1 is missing").arg(c)));
            if (m_net.nodeControl[m_net.connNode[c].index()] == JunctionControl::Signal) {
                QCOMPARE(s->connLinkIndex[found], static_cast<std::int32_t>(m_net.connIndex[c]));
                for (double t = 0.0; t < 130.0; t += 1.0) {
                    QCOMPARE(toChar(s->net.stateAt(found, t)), toChar(m_net.stateAt(c, t)));
                }
            }
            // The internal lane: CityTwin's speed always; its length on straight connections
            // (netconvert 1.15 keeps its own geometric length for single-part turns).
            QVERIFY(std::abs(s->net.laneSpeed[s->net.connVia[found].index()] -
                             m_net.laneSpeed[m_net.connVia[c].index()]) < 0.01);
            QVERIFY2(m_net.connDir[c] != TurnDirection::Straight ||
                         std::abs(s->net.laneLength[s->net.connVia[found].index()] -
                                  m_net.laneLength[m_net.connVia[c].index()]) < 0.05,
                     qPrintable(QString("connection %1: internal length %2 in SUMO, %3 in CityTwin")
                                    .arg(c)
                                    .arg(s->net.laneLength[s->net.connVia[found].index()])
                                    .arg(m_net.laneLength[m_net.connVia[c].index()])));
        }
    }
};

QTEST_GUILESS_MAIN(TstSumoExport)
#include "tst_sumo_export.moc"
