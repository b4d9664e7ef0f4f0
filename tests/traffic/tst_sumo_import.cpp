// SUMO import: networks and demand read from SUMO 1.15 files, checked against the files
// themselves (read here with Qt's own XML reader, independently of the importer), against a
// recording of SUMO's signal states, and by running the simulation on the imported network.
//
// Fixtures (tests/fixtures/sumo, see its README.md): two_junctions.net.xml / .rou.xml are written
// by hand and drawn in their header comments; grid3x2.net.xml is netgenerate output;
// two_junctions.tls_states.xml is what SUMO 1.15 recorded for signal J1; broken/ holds bad input.
#include <QtTest>

#include <QFile>
#include <QXmlStreamReader>

#include <cmath>
#include <map>
#include <set>

#include "citytwin/traffic/simulation.h"
#include "citytwin/traffic/sumo_import.h"

using namespace ct;
using namespace ct::traffic;

namespace {

std::string fixture(const char* name) {
    return std::string(CT_FIXTURES_DIR) + "/sumo/" + name;
}

/// What the file says, read with QXmlStreamReader.
struct FileNet {
    struct Lane {
        double speed = 0, length = 0;
        bool passenger = true;
    };
    struct Conn {
        std::string from, to, via, tl, dir, state;
        int fromLane = 0, toLane = 0, linkIndex = -1;
    };
    struct Tl {
        double offset = 0;
        std::vector<std::pair<double, std::string>> phases;
    };
    std::map<std::string, Lane> lanes;           // normal lanes
    std::map<std::string, Lane> internalLanes;   // via lanes
    std::vector<Conn> conns;                     // from normal edges
    std::map<std::string, std::string> nextVia;  // via lane -> next via lane
    std::map<std::string, Tl> tls;
};

bool passengerAllowed(const QXmlStreamAttributes& a) {
    if (a.hasAttribute("allow")) {
        const QStringList l = a.value("allow").toString().split(' ');
        return l.contains("passenger") || l.contains("all");
    }
    if (a.hasAttribute("disallow")) {
        const QStringList l = a.value("disallow").toString().split(' ');
        return !l.contains("passenger") && !l.contains("all");
    }
    return true;
}

FileNet readWithQt(const std::string& path) {
    FileNet out;
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        return out;
    }
    QXmlStreamReader x(&f);
    bool internal = false;
    std::string tl;
    while (!x.atEnd()) {
        if (x.readNext() != QXmlStreamReader::StartElement) {
            continue;
        }
        const auto a = x.attributes();
        auto s = [&](const char* k) { return a.value(k).toString().toStdString(); };
        const auto name = x.name();
        if (name == QLatin1String("edge")) {
            internal = a.value("function") == QLatin1String("internal");
        } else if (name == QLatin1String("lane")) {
            FileNet::Lane l{a.value("speed").toDouble(), a.value("length").toDouble(), passengerAllowed(a)};
            (internal ? out.internalLanes : out.lanes)[s("id")] = l;
        } else if (name == QLatin1String("connection")) {
            FileNet::Conn c{s("from"),
                            s("to"),
                            s("via"),
                            s("tl"),
                            s("dir"),
                            s("state"),
                            a.value("fromLane").toInt(),
                            a.value("toLane").toInt(),
                            a.hasAttribute("linkIndex") ? a.value("linkIndex").toInt() : -1};
            if (c.from.front() == ':') {
                if (!c.via.empty()) {
                    out.nextVia[c.from + "_" + std::to_string(c.fromLane)] = c.via;
                }
            } else {
                out.conns.push_back(c);
            }
        } else if (name == QLatin1String("tlLogic")) {
            tl = s("id");
            out.tls[tl].offset = a.value("offset").toDouble();
        } else if (name == QLatin1String("phase")) {
            out.tls[tl].phases.emplace_back(a.value("duration").toDouble(), s("state"));
        }
    }
    return out;
}

/// The signal letter of `link` at time t, computed from the file: SUMO runs the program
/// delayed by its offset.
char fileState(const FileNet::Tl& tl, int link, double t) {
    double cycle = 0;
    for (const auto& p : tl.phases) {
        cycle += p.first;
    }
    double pt = std::fmod(t - tl.offset, cycle);
    if (pt < 0) {
        pt += cycle;
    }
    for (const auto& p : tl.phases) {
        if (pt < p.first) {
            return p.second[static_cast<std::size_t>(link)];
        }
        pt -= p.first;
    }
    return '?';
}

/// The connection from lane `from` to lane `to` (SUMO ids), or UINT32_MAX.
std::uint32_t findConn(const SumoNetwork& s, const std::string& from, const std::string& to) {
    const LaneId a = s.findLane(from), b = s.findLane(to);
    if (!a.valid() || !b.valid() || s.net.isInternal(a)) {
        return UINT32_MAX;
    }
    for (std::uint32_t c = s.net.laneConnOffset[a.index()]; c < s.net.laneConnOffset[a.index() + 1]; ++c) {
        if (s.net.connTo[c] == b) {
            return c;
        }
    }
    return UINT32_MAX;
}

std::string sumoLane(const std::string& edge, int index) {
    return edge + "_" + std::to_string(index);
}

/// The diagnostics as (code, line) pairs.
std::multiset<std::pair<std::string, int>> codes(const DiagnosticReport& r, Severity atLeast) {
    std::multiset<std::pair<std::string, int>> out;
    for (const Diagnostic& d : r.items()) {
        if (d.severity >= atLeast) {
            out.emplace(d.code, d.line);
        }
    }
    return out;
}

/// Runs a simulation to the end (or `limit` s), checking conservation and gaps every step.
void runChecked(const SumoNetwork& s, std::vector<Trip> trips, double limit, SimOptions o = {}) {
    Simulation sim(s.net, o);
    sim.addTrips(std::move(trips));
    while (!sim.finished() && sim.time() < limit) {
        sim.step();
        const Counters& c = sim.counters();
        QCOMPARE(c.inserted, c.arrived + c.running + c.removed);
        QVERIFY2(sim.minGap() >= 0.0,
                 qPrintable(QString("negative gap %1 at t=%2").arg(sim.minGap()).arg(sim.time())));
    }
}

}  // namespace

class TstSumoImport : public QObject {
    Q_OBJECT
    SumoNetwork m_two;

private slots:
    void initTestCase() {
        DiagnosticReport r;
        auto net = readSumoNetwork(fixture("two_junctions.net.xml"), r);
        QVERIFY2(net.has_value(), r.summary().c_str());
        m_two = std::move(*net);
        // The sidewalk of J2E is left out: an Info, nothing worse.
        QCOMPARE(r.errorCount() + r.warningCount(), std::size_t(0));
        QCOMPARE(r.countsByCode().count("sumo.lanes_left_out"), std::size_t(1));
    }

    void lanesAndLinks() {
        const TrafficNetwork& n = m_two.net;
        // 10 edges, 13 car lanes in the file, less the sidewalk; 13 connections, one internal lane each.
        QCOMPARE(n.linkCount(), std::size_t(10));
        QCOMPARE(n.normalLaneCount, 12u);
        QCOMPARE(n.connectionCount(), std::size_t(13));
        QCOMPARE(n.laneCount(), std::size_t(25));
        QCOMPARE(n.nodeCount(), std::size_t(6));
        const LinkId wj1 = m_two.findEdge("WJ1"), j2e = m_two.findEdge("J2E"), nj1 = m_two.findEdge("NJ1");
        QVERIFY(wj1.valid() && j2e.valid() && nj1.valid());
        QCOMPARE(m_two.edgeIdString(wj1), std::string("WJ1"));
        QCOMPARE(n.laneCountOf(wj1), 2u);
        QCOMPARE(n.laneCountOf(j2e), 1u);
        // Our lane 0 of J2E is SUMO lane 1 (lane 0 is the sidewalk).
        QCOMPARE(m_two.laneIdString(n.lane(j2e, 0)), std::string("J2E_1"));
        QVERIFY(!m_two.findLane("J2E_0").valid());
        QCOMPARE(n.laneLength[n.lane(wj1, 1).index()], 92.0f);
        QCOMPARE(n.laneLength[m_two.findLane("J1J2_0").index()], 84.0f);
        QCOMPARE(n.laneSpeed[n.lane(nj1, 0).index()], 8.33f);
        QCOMPARE(n.linkLength[wj1.index()], 92.0f);
        QCOMPARE(n.linkSpeed[nj1.index()], 8.33f);
        QCOMPARE(m_two.junctionIds[n.linkFrom[wj1.index()].index()], std::string("W"));
        QCOMPARE(m_two.junctionIds[n.linkTo[wj1.index()].index()], std::string("J1"));
        const NodeId j1 = m_two.findJunction("J1");
        QCOMPARE(n.nodePos[j1.index()].x, 100.0);
        // Coordinates as given; the location kept aside.
        QCOMPARE(m_two.location.netOffset.x, -500000.0);
        QCOMPARE(m_two.location.netOffset.y, -5400000.0);
        QCOMPARE(m_two.location.convBoundary[1], -100.0);
        QVERIFY(m_two.location.projParameter.find("+proj=utm +zone=32") == 0);
        const auto shape = m_two.laneShape(n.lane(wj1, 0));
        QCOMPARE(shape.size(), std::size_t(2));
        QCOMPARE(shape[1].x, 92.0);
        QCOMPARE(shape[1].y, -4.8);
    }

    void connectionsAndVias() {
        const TrafficNetwork& n = m_two.net;
        // The left turn W -> N runs through an internal junction: 5.00 m + 9.20 m.
        const std::uint32_t left = findConn(m_two, "WJ1_1", "J1N_0");
        QVERIFY(left != UINT32_MAX);
        QCOMPARE(int(n.connDir[left]), int(TurnDirection::Left));
        const LaneId via = n.connVia[left];
        QVERIFY(n.isInternal(via));
        QCOMPARE(n.laneLength[via.index()], 14.2f);
        QCOMPARE(n.laneSpeed[via.index()], 8.0f);
        QCOMPARE(n.laneConnection[via.index()], left);
        QCOMPARE(m_two.findLane(":J1_2_0"), via);
        QCOMPARE(m_two.findLane(":J1_5_0"), via);
        QCOMPARE(m_two.laneIdString(via), std::string(":J1_2_0"));
        QCOMPARE(m_two.laneShape(via).size(), std::size_t(4));
        const std::uint32_t right = findConn(m_two, "J2J1_0", "J1N_0");
        QCOMPARE(int(n.connDir[right]), int(TurnDirection::Right));
        QCOMPARE(n.laneLength[n.connVia[right].index()], 6.5f);
        QCOMPARE(n.laneSpeed[n.connVia[right].index()], 6.51f);
        // Onto the car lane of J2E (SUMO toLane 1).
        const std::uint32_t ahead = findConn(m_two, "J1J2_1", "J2E_1");
        QVERIFY(ahead != UINT32_MAX);
        QCOMPARE(n.laneLength[n.connVia[ahead].index()], 16.0f);
        QCOMPARE(n.connNode[ahead], m_two.findJunction("J2"));

        // The CSR is by from-lane; node lists hold the node connections; link turns for routing.
        for (std::uint32_t l = 0; l < n.normalLaneCount; ++l) {
            QVERIFY(n.laneConnOffset[l] <= n.laneConnOffset[l + 1]);
            for (std::uint32_t c = n.laneConnOffset[l]; c < n.laneConnOffset[l + 1]; ++c) {
                QCOMPARE(n.connFrom[c].index(), l);
            }
        }
        QCOMPARE(std::size_t(n.laneConnOffset.back()), n.connectionCount());
        for (std::uint32_t node = 0; node < n.nodeCount(); ++node) {
            for (std::uint32_t c : n.connectionsOfNode(NodeId{node})) {
                QCOMPARE(n.connNode[c].index(), node);
            }
        }
        QCOMPARE(std::size_t(n.nodeConnOffset.back()), n.connectionCount());
        const LinkId wj1 = m_two.findEdge("WJ1");
        std::set<std::string> turns;
        for (std::uint32_t i = n.turnOffset[wj1.index()]; i < n.turnOffset[wj1.index() + 1]; ++i) {
            turns.insert(m_two.edgeIdString(n.turnTo[i]));
        }
        QCOMPARE(turns, (std::set<std::string>{"J1J2", "J1N"}));
        // Crossing movements conflict: the left turn W -> N and the straight E -> W.
        const std::uint32_t straightWest = findConn(m_two, "J2J1_0", "J1W_0");
        const auto foes = n.conflictsOf(left);
        QVERIFY(std::find(foes.begin(), foes.end(), straightWest) != foes.end());
    }

    void junctionControl() {
        const TrafficNetwork& n = m_two.net;
        QCOMPARE(int(n.nodeControl[m_two.findJunction("J1").index()]), int(JunctionControl::Signal));
        QCOMPARE(int(n.nodeControl[m_two.findJunction("J2").index()]), int(JunctionControl::Priority));
        QCOMPARE(int(n.nodeControl[m_two.findJunction("W").index()]), int(JunctionControl::None));
        QCOMPARE(m_two.tlIds, std::vector<std::string>{"J1"});
        QCOMPARE(n.nodeProgram[m_two.findJunction("J1").index()], 0u);
        QCOMPARE(n.nodeProgram[m_two.findJunction("J2").index()], UINT32_MAX);
        // Unsignalised right of way from the connection states: M -> G, m -> g, s -> stop.
        QCOMPARE(int(n.stateAt(findConn(m_two, "J1J2_0", "J2S_0"), 0.0)), int(LinkState::PriorityGreen));
        QCOMPARE(int(n.stateAt(findConn(m_two, "EJ2_0", "J2J1_0"), 0.0)), int(LinkState::PriorityGreen));
        QCOMPARE(int(n.stateAt(findConn(m_two, "EJ2_0", "J2S_0"), 0.0)), int(LinkState::YieldGreen));
        QCOMPARE(int(n.stateAt(findConn(m_two, "SJ2_0", "J2E_1"), 0.0)), int(LinkState::Stop));
        QCOMPARE(int(n.stateAt(findConn(m_two, "SJ2_0", "J2J1_0"), 0.0)), int(LinkState::Stop));
        // The signal index of a connection is its SUMO linkIndex.
        QCOMPARE(int(n.connIndex[findConn(m_two, "WJ1_1", "J1N_0")]), 2);
        QCOMPARE(m_two.connLinkIndex[findConn(m_two, "NJ1_0", "J1J2_0")], 6);
        QCOMPARE(m_two.connLinkIndex[findConn(m_two, "EJ2_0", "J2S_0")], -1);
        // At a signal the node lists run in link index order.
        const auto j1 = n.connectionsOfNode(m_two.findJunction("J1"));
        for (std::size_t k = 0; k < j1.size(); ++k) {
            QCOMPARE(std::size_t(n.connIndex[j1[k]]), k);
        }
    }

    void signalStatesMatchSumoRecording() {
        // SUMO 1.15 ran two_junctions.net.xml for 120 s and recorded the state of J1 every second.
        QFile f(QString::fromStdString(fixture("two_junctions.tls_states.xml")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader x(&f);
        const auto conns = m_two.net.connectionsOfNode(m_two.findJunction("J1"));
        int records = 0;
        while (!x.atEnd()) {
            if (x.readNext() != QXmlStreamReader::StartElement || x.name() != QLatin1String("tlsState")) {
                continue;
            }
            const double t = x.attributes().value("time").toDouble();
            const std::string state = x.attributes().value("state").toString().toStdString();
            for (std::uint32_t c : conns) {
                const int li = m_two.connLinkIndex[c];
                QVERIFY(li >= 0);
                QCOMPARE(toChar(m_two.net.stateAt(c, t)), state[static_cast<std::size_t>(li)]);
            }
            ++records;
        }
        QCOMPARE(records, 120);
    }

    void networksAgainstTheFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("hand-written") << "two_junctions.net.xml";
        QTest::newRow("netgenerate") << "grid3x2.net.xml";
    }
    void networksAgainstTheFiles() {
        QFETCH(QString, file);
        const std::string path = fixture(file.toStdString().c_str());
        DiagnosticReport r;
        const auto imported = readSumoNetwork(path, r);
        QVERIFY2(imported.has_value(), r.summary().c_str());
        QCOMPARE(r.warningCount(), std::size_t(0));
        const SumoNetwork& s = *imported;
        const TrafficNetwork& n = s.net;
        const FileNet f = readWithQt(path);
        QVERIFY(!f.lanes.empty() && !f.conns.empty());
        // Every car lane, with its length and speed.
        std::size_t carLanes = 0;
        for (const auto& [id, lane] : f.lanes) {
            const LaneId l = s.findLane(id);
            QCOMPARE(l.valid(), lane.passenger);
            if (!l.valid()) {
                continue;
            }
            ++carLanes;
            QCOMPARE(n.laneLength[l.index()], static_cast<float>(lane.length));
            QCOMPARE(n.laneSpeed[l.index()], static_cast<float>(lane.speed));
        }
        QCOMPARE(std::size_t(n.normalLaneCount), carLanes);
        // Every connection, with its internal lane (the via chain) and direction.
        QCOMPARE(n.connectionCount(), f.conns.size());
        const std::map<std::string, TurnDirection> dirs{
            {"s", TurnDirection::Straight}, {"r", TurnDirection::Right}, {"l", TurnDirection::Left},
            {"t", TurnDirection::UTurn},    {"R", TurnDirection::Right}, {"L", TurnDirection::Left}};
        for (const FileNet::Conn& fc : f.conns) {
            const std::uint32_t c = findConn(s, sumoLane(fc.from, fc.fromLane), sumoLane(fc.to, fc.toLane));
            QVERIFY2(c != UINT32_MAX, (fc.from + " -> " + fc.to).c_str());
            double length = 0;
            for (std::string v = fc.via; !v.empty();) {
                length += f.internalLanes.at(v).length;
                const auto next = f.nextVia.find(v);
                v = next == f.nextVia.end() ? std::string() : next->second;
            }
            QCOMPARE(n.laneLength[n.connVia[c].index()], static_cast<float>(length));
            QCOMPARE(int(n.connDir[c]), int(dirs.at(fc.dir)));
            // Signals: our state at t is the letter of the SUMO phase at t for the link index.
            if (!fc.tl.empty()) {
                const FileNet::Tl& tl = f.tls.at(fc.tl);
                QCOMPARE(s.connLinkIndex[c], fc.linkIndex);
                for (double t = 0; t < 200; t += 1) {
                    QCOMPARE(toChar(n.stateAt(c, t)), fileState(tl, fc.linkIndex, t));
                }
            }
        }
    }

    void routesAndTrips() {
        DiagnosticReport r;
        const auto d = readSumoRoutes(fixture("two_junctions.rou.xml"), m_two, r);
        QVERIFY2(d.has_value(), r.summary().c_str());
        QCOMPARE(r.warningCount() + r.errorCount(), std::size_t(0));
        const std::vector<std::pair<std::string, double>> expected{
            {"f1.0", 0}, {"f1.1", 25}, {"f1.2", 50}, {"f1.3", 75}, {"v0", 0},   {"v1", 5},
            {"t0", 10},  {"t1", 20},   {"f0.0", 30}, {"f0.1", 50}, {"f0.2", 70}};
        QCOMPARE(d->trips.size(), expected.size());
        std::map<std::string, const Trip*> byId;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(d->trips[i].id, expected[i].first);
            QCOMPARE(d->trips[i].depart, expected[i].second);
            byId[d->trips[i].id] = &d->trips[i];
        }
        auto edges = [&](const Trip& t) {
            std::vector<std::string> out;
            for (LinkId l : t.route) {
                out.push_back(m_two.edgeIdString(l));
            }
            return out;
        };
        // Vehicles: their routes, by reference or inline.
        QCOMPARE(edges(*byId["v0"]), (std::vector<std::string>{"WJ1", "J1J2", "J2E"}));
        QCOMPARE(edges(*byId["f1.2"]), (std::vector<std::string>{"WJ1", "J1J2", "J2E"}));
        QCOMPARE(edges(*byId["v1"]), (std::vector<std::string>{"NJ1", "J1J2", "J2S"}));
        QCOMPARE(int(byId["v1"]->vclass), int(VehicleClass::Bus));
        QCOMPARE(byId["v1"]->from, m_two.findEdge("NJ1"));
        QCOMPARE(byId["v1"]->to, m_two.findEdge("J2S"));
        // Trips: origin and destination, routed at departure.
        const Trip& t0 = *byId["t0"];
        QVERIFY(t0.route.empty());
        QCOMPARE(m_two.edgeIdString(t0.from), std::string("EJ2"));
        QCOMPARE(m_two.edgeIdString(t0.to), std::string("J1W"));
        QCOMPARE(int(t0.vclass), int(VehicleClass::Car));
        QCOMPARE(t0.departPos, -1.0);
        // departSpeed="max": above the limit, capped by the engine; departPos="-10": 10 m before the end.
        QVERIFY(byId["t1"]->departSpeed > 8.33);
        QCOMPARE(byId["f1.0"]->departPos, 82.0);
        // Vehicle types.
        QCOMPARE(d->tripTypes[4], std::string("car1"));
        QCOMPARE(d->tripTypes[0], std::string("DEFAULT_VEHTYPE"));
        std::map<std::string, const SumoVehicleType*> types;
        for (const SumoVehicleType& t : d->types) {
            types[t.id] = &t;
        }
        QCOMPARE(types.size(), std::size_t(3));
        const VehicleType& car1 = types.at("car1")->type;
        QCOMPARE(car1.maxAccel, 2.0);
        QCOMPARE(car1.comfortDecel, 4.0);
        QCOMPARE(car1.length, 4.5);
        QCOMPARE(car1.minGap, 2.0);
        QCOMPARE(car1.headway, 1.2);
        QCOMPARE(car1.speedFactorMean, 1.05);
        QCOMPARE(car1.speedFactorDev, 0.08);
        QCOMPARE(types.at("car1")->carFollowModel, std::string("IDM"));
        const VehicleType& bus1 = types.at("bus1")->type;
        QCOMPARE(int(bus1.vclass), int(VehicleClass::Bus));
        QCOMPARE(bus1.length, 12.0);
        QCOMPARE(bus1.maxAccel, 1.0);
        QCOMPARE(bus1.maxSpeed, 22.22);
        // One type per class in the engine: the first car (SUMO default) wins; car1 is reported.
        DiagnosticReport tr;
        const auto sim = simulationTypes(*d, tr);
        QCOMPARE(sim.size(), std::size_t(kVehicleClassCount));
        QCOMPARE(sim[static_cast<std::size_t>(VehicleClass::Car)].length, 5.0);
        QCOMPARE(sim[static_cast<std::size_t>(VehicleClass::Bus)].length, 12.0);
        QCOMPARE(tr.countsByCode().count("sumo.type_merged"), std::size_t(1));
    }

    void simulationOnTheImportedNetwork() {
        // The hand-written network with its 11 vehicles: all arrive, vehicles are conserved every
        // step and never overlap.
        DiagnosticReport r;
        auto d = readSumoRoutes(fixture("two_junctions.rou.xml"), m_two, r);
        QVERIFY(d.has_value());
        SimOptions o;
        o.types = simulationTypes(*d, r);
        {
            Simulation sim(m_two.net, o);
            sim.addTrips(d->trips);
            while (!sim.finished() && sim.time() < 900) {
                sim.step();
                const Counters& c = sim.counters();
                QCOMPARE(c.inserted, c.arrived + c.running + c.removed);
                QVERIFY(sim.minGap() >= 0.0);
            }
            QVERIFY(sim.finished());
            QCOMPARE(sim.counters().arrived, std::uint64_t(11));
            // A vehicle at a Stop link (SUMO state s) halts, then goes: nobody is teleported.
            QCOMPARE(sim.counters().teleports, std::uint64_t(0));
            for (const TripResult& t : sim.trips()) {
                QCOMPARE(int(t.outcome), int(TripOutcome::Arrived));
            }
        }
        // The netgenerate grid with 300 random trips between its edges.
        DiagnosticReport gr;
        const auto grid = readSumoNetwork(fixture("grid3x2.net.xml"), gr);
        QVERIFY(grid.has_value());
        std::vector<Trip> trips;
        const auto links = static_cast<double>(grid->net.linkCount());
        for (std::uint64_t i = 0; i < 300; ++i) {
            Trip t;
            t.id = "g" + std::to_string(i);
            t.depart = std::floor(uniform01(5, 1, i, 0) * 600.0);
            t.from = LinkId{static_cast<std::uint32_t>(uniform01(5, 1, i, 1) * links)};
            t.to = LinkId{static_cast<std::uint32_t>(uniform01(5, 1, i, 2) * links)};
            if (t.from != t.to) {
                trips.push_back(t);
            }
        }
        const std::size_t count = trips.size();
        Simulation sim(grid->net, SimOptions{});
        sim.addTrips(std::move(trips));
        while (!sim.finished() && sim.time() < 3600) {
            sim.step();
            const Counters& c = sim.counters();
            QCOMPARE(c.inserted, c.arrived + c.running + c.removed);
            QVERIFY(sim.minGap() >= 0.0);
        }
        QVERIFY(sim.finished());
        QCOMPARE(sim.counters().arrived + sim.counters().removed + sim.counters().noRoute,
                 std::uint64_t(count));
        QCOMPARE(sim.counters().noRoute, std::uint64_t(0));
    }

    void noInternalLinks() {
        // A net built with --no-internal-links: connections without via get a direct internal
        // lane across the gap between the lane ends (here 10 m).
        const char* xml = R"(<net version="1.9">
            <edge id="a" from="A" to="B"><lane id="a_0" index="0" speed="10" length="95" shape="0,0 95,0"/></edge>
            <edge id="b" from="B" to="C"><lane id="b_0" index="0" speed="20" length="95" shape="105,0 200,0"/></edge>
            <junction id="A" type="dead_end" x="0" y="0"/>
            <junction id="B" type="priority" x="100" y="0"/>
            <junction id="C" type="dead_end" x="200" y="0"/>
            <connection from="a" to="b" fromLane="0" toLane="0" dir="s" state="M"/>
        </net>)";
        DiagnosticReport r;
        const auto s = parseSumoNetwork(xml, "inline", r);
        QVERIFY2(s.has_value(), r.summary().c_str());
        QCOMPARE(s->net.connectionCount(), std::size_t(1));
        QCOMPARE(s->net.laneLength[s->net.connVia[0].index()], 10.0f);
        QCOMPARE(s->net.laneSpeed[s->net.connVia[0].index()], 10.0f);
        QCOMPARE(s->laneIdString(s->net.connVia[0]), std::string("a_0->b_0"));
        QCOMPARE(int(s->net.nodeControl[s->findJunction("B").index()]), int(JunctionControl::Priority));
        runChecked(*s, {Trip{"x", 0.0, s->findEdge("a"), s->findEdge("b"), VehicleClass::Car, {}, -1.0, 0.0}},
                   200);
    }

    void flowsAndTimes() {
        // vehsPerHour 720 over [0, 30): every 5 s; period with a number and no end; clock times.
        const char* xml = R"(<routes>
            <flow id="a" begin="0" end="30" vehsPerHour="720" from="WJ1" to="J2E"/>
            <flow id="b" begin="100" period="7.5" number="3" from="EJ2" to="J1W"/>
            <trip id="c" depart="1:02:03" from="NJ1" to="J1W"/>
        </routes>)";
        DiagnosticReport r;
        const auto d = parseSumoRoutes(xml, "inline", m_two, r);
        QVERIFY2(d.has_value(), r.summary().c_str());
        std::vector<std::pair<std::string, double>> got;
        for (const Trip& t : d->trips) {
            got.emplace_back(t.id, t.depart);
        }
        const std::vector<std::pair<std::string, double>> expected{
            {"a.0", 0},  {"a.1", 5},   {"a.2", 10},    {"a.3", 15},  {"a.4", 20},
            {"a.5", 25}, {"b.0", 100}, {"b.1", 107.5}, {"b.2", 115}, {"c", 3723}};
        QCOMPARE(got, expected);
    }

    void truncatedAnywhere() {
        // Every prefix of a good file is rejected with an error, never a crash.
        for (const char* name : {"two_junctions.net.xml", "two_junctions.rou.xml"}) {
            QFile f(QString::fromStdString(fixture(name)));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray all = f.readAll();
            const qsizetype end = all.lastIndexOf('>');
            for (qsizetype cut = 0; cut < end; cut += 97) {
                const std::string_view text(all.constData(), static_cast<std::size_t>(cut));
                DiagnosticReport r;
                const bool ok = std::string(name).find(".net.") != std::string::npos
                                    ? parseSumoNetwork(text, name, r).has_value()
                                    : parseSumoRoutes(text, name, m_two, r).has_value();
                QVERIFY(!ok);
                QVERIFY(r.hasErrors());
            }
        }
    }

    void lastProgramRuns() {
        // Two programs of one signal: SUMO runs the one loaded last (checked with SUMO 1.15 on
        // /usr/share/sumo/tools/game/bs3d/bs.net.xml, whose signal has programs 0 to 3: 3 runs).
        const char* xml = R"(<net version="1.9">
            <edge id="a" from="A" to="B"><lane id="a_0" index="0" speed="10" length="95"/></edge>
            <edge id="b" from="B" to="C"><lane id="b_0" index="0" speed="10" length="95"/></edge>
            <tlLogic id="B" type="static" programID="day" offset="0"><phase duration="10" state="G"/></tlLogic>
            <tlLogic id="B" type="static" programID="night" offset="0"><phase duration="10" state="r"/></tlLogic>
            <junction id="A" type="dead_end" x="0" y="0"/>
            <junction id="B" type="traffic_light" x="100" y="0"/>
            <junction id="C" type="dead_end" x="200" y="0"/>
            <connection from="a" to="b" fromLane="0" toLane="0" tl="B" linkIndex="0" dir="s" state="O"/>
        </net>)";
        DiagnosticReport r;
        const auto s = parseSumoNetwork(xml, "inline", r);
        QVERIFY2(s.has_value(), r.summary().c_str());
        QCOMPARE(s->net.programs.size(), std::size_t(1));
        QCOMPARE(s->tlProgramIds, std::vector<std::string>{"night"});
        QCOMPARE(int(s->net.stateAt(0, 0.0)), int(LinkState::Red));
        QCOMPARE(r.countsByCode().count("sumo.tl_program"), std::size_t(1));
    }

    void brokenNetworks() {
        {
            DiagnosticReport r;
            QVERIFY(!readSumoNetwork(fixture("broken/truncated.net.xml"), r).has_value());
            QCOMPARE(codes(r, Severity::Error),
                     (std::multiset<std::pair<std::string, int>>{{"sumo.xml", 31}}));
        }
        {
            DiagnosticReport r;
            QVERIFY(!readSumoNetwork(fixture("broken/not_a_net.net.xml"), r).has_value());
            QCOMPARE(codes(r, Severity::Error),
                     (std::multiset<std::pair<std::string, int>>{{"sumo.not_a_net", 3}}));
        }
        {
            DiagnosticReport r;
            QVERIFY(!readSumoNetwork(fixture("no_such_file.net.xml"), r).has_value());
            QCOMPARE(r.countsByCode().count("sumo.file"), std::size_t(1));
        }
        {
            DiagnosticReport r;
            QVERIFY(!parseSumoNetwork("<net/>", "empty", r).has_value());
            QCOMPARE(r.countsByCode().count("sumo.no_edges"), std::size_t(1));
        }
        // Bad items: each gives a warning at its line; the rest of the network loads.
        DiagnosticReport r;
        const auto s = readSumoNetwork(fixture("broken/bad_items.net.xml"), r);
        QVERIFY2(s.has_value(), r.summary().c_str());
        const std::multiset<std::pair<std::string, int>> expected{
            {"sumo.bad_number", 12},         // speed="fast": lane JB_0 skipped
            {"sumo.missing_attribute", 19},  // JD_0 without length
            {"sumo.actuated", 24},           // run as fixed-time
            {"sumo.bad_state", 25},          // state letter X
            {"sumo.bad_number", 26},         // a phase of -3 s
            {"sumo.bad_number", 33},         // junction G at x="abc"
            {"sumo.no_lanes", 18},           // JD: no valid lane left
            {"sumo.unknown_junction", 15},   // JC to a junction that does not exist
            {"sumo.unknown_edge", 35},       // connection to JX
            {"sumo.bad_link_index", 36},     // linkIndex 5 of 2 states
            {"sumo.bad_state", 36},          // dir="q"
            {"sumo.duplicate_id", 37},       // the same lanes connected twice
            {"sumo.unknown_lane", 38},       // via :J_9_0
        };
        QCOMPARE(codes(r, Severity::Warning), expected);
        for (const Diagnostic& d : r.items()) {
            QVERIFY(d.file.find("bad_items.net.xml") != std::string::npos);
        }
        const TrafficNetwork& n = s->net;
        QCOMPARE(n.linkCount(), std::size_t(3));  // AJ, JB (lane 1 only), JF
        QCOMPARE(n.laneCountOf(s->findEdge("JB")), 1u);
        QCOMPARE(n.connectionCount(), std::size_t(3));
        // The program keeps its one valid phase; the connection with the bad link index keeps its
        // own right of way (m: yield) as a letter appended to the phases.
        QCOMPARE(n.programs.size(), std::size_t(1));
        QCOMPARE(n.programs[0].phases.size(), std::size_t(1));
        QCOMPARE(n.programs[0].phases[0].states, std::string("Grg"));
        const std::uint32_t bad = findConn(*s, "AJ_1", "JF_0");
        QCOMPARE(int(n.stateAt(bad, 0.0)), int(LinkState::YieldGreen));
        QCOMPARE(s->connLinkIndex[bad], -1);
        QCOMPARE(int(n.stateAt(findConn(*s, "AJ_0", "JB_1"), 0.0)), int(LinkState::PriorityGreen));
        // The unknown via: a direct internal lane, here across 0 m (the lanes have no shapes).
        const std::uint32_t direct = findConn(*s, "AJ_1", "JB_1");
        QVERIFY(direct != UINT32_MAX);
        QCOMPARE(n.laneLength[n.connVia[direct].index()], 0.1f);
    }

    void brokenRoutes() {
        {
            DiagnosticReport r;
            QVERIFY(!readSumoRoutes(fixture("broken/truncated.rou.xml"), m_two, r).has_value());
            QCOMPARE(r.countsByCode().count("sumo.xml"), std::size_t(1));
        }
        {
            DiagnosticReport r;
            QVERIFY(!readSumoRoutes(fixture("two_junctions.net.xml"), m_two, r).has_value());
            QCOMPARE(r.countsByCode().count("sumo.not_routes"), std::size_t(1));
        }
        DiagnosticReport r;
        const auto d = readSumoRoutes(fixture("broken/bad_items.rou.xml"), m_two, r);
        QVERIFY2(d.has_value(), r.summary().c_str());
        const std::multiset<std::pair<std::string, int>> expected{
            {"sumo.unsupported", 5},          // vClass bicycle, driven as a car
            {"sumo.bad_number", 6},           // accel -1
            {"sumo.unknown_edge", 8},         // to="nowhere"
            {"sumo.unknown_route", 9},        // route="nope"
            {"sumo.route_disconnected", 10},  // WJ1 then J2S
            {"sumo.depart", 13},              // depart="triggered"
            {"sumo.unsupported", 14},         // a flow by probability
            {"sumo.unsupported", 15},         // fromJunction / toJunction
            {"sumo.unknown_type", 16},        // type="ghost"
        };
        QCOMPARE(codes(r, Severity::Warning), expected);
        QCOMPARE(d->trips.size(), std::size_t(3));
        QCOMPARE(d->trips[0].id, std::string("ok0"));
        QCOMPARE(d->trips[1].id, std::string("bad_route"));
        QVERIFY(d->trips[1].route.empty());
        QCOMPARE(m_two.edgeIdString(d->trips[1].to), std::string("J2S"));
        QCOMPARE(d->trips[2].id, std::string("ok1"));
    }
};

QTEST_GUILESS_MAIN(TstSumoImport)
#include "tst_sumo_import.moc"
