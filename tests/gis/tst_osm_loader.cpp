// Loading the hand-written OSM file tests/fixtures/osm/small_town.osm (its header comment draws
// the network). Every expectation here is counted or computed by hand from that drawing.
#include <QtTest>

#include <cmath>
#include <set>

#include "citytwin/gis/city_loader.h"
#include "citytwin/sim/city_summary.h"

using namespace ct;

namespace {

const std::string kOsm = std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm";

/// Length in m of `dLonDeg` degrees of longitude at latitude `latDeg` on the WGS 84 ellipsoid.
double lonDegreeLength(double latDeg, double dLonDeg) {
    const double a = 6378137.0, e2 = 0.00669437999014, phi = latDeg * M_PI / 180.0;
    return M_PI / 180.0 * a * std::cos(phi) / std::sqrt(1 - e2 * std::sin(phi) * std::sin(phi)) * dLonDeg;
}

/// Length in m of `dLatDeg` degrees of latitude (meridian arc) at `latDeg` on WGS 84.
double latDegreeLength(double latDeg, double dLatDeg) {
    const double a = 6378137.0, e2 = 0.00669437999014, phi = latDeg * M_PI / 180.0;
    const double s = std::sin(phi);
    return M_PI / 180.0 * a * (1 - e2) / std::pow(1 - e2 * s * s, 1.5) * dLatDeg;
}

}  // namespace

class TstOsmLoader : public QObject {
    Q_OBJECT
    std::optional<CityModel> m_city;
    gis::LoadResult m_result;

private slots:
    void initTestCase() {
        gis::LoadOptions o;
        o.vectorSources = {kOsm};
        m_result = gis::loadCity(o);
        QVERIFY2(m_result.city.has_value(), m_result.report.summary().c_str());
        m_city = m_result.city;
    }
    void reprojectsToUtmZone33() {
        // lon 13.40 lies in UTM zone 33 (12..18 E); the origin is the data's centre.
        QCOMPARE(m_city->meta.epsg, 32633);
        QVERIFY(std::abs(m_city->meta.originLonDeg - 13.4015) < 0.002);
        QVERIFY(std::abs(m_city->meta.originLatDeg - 52.521) < 0.002);
        // Range check: everything lies within a few hundred metres of the origin.
        for (const Vec2& p : m_city->roads.nodePos) {
            QVERIFY(std::abs(p.x) < 500.0 && std::abs(p.y) < 500.0);
        }
    }
    void distancesMatchTheEllipsoid() {
        // n1-n2 is 0.001 deg of longitude at 52.522 N; n1-n4 is 0.001 deg of latitude. UTM's scale
        // error 1.6 deg from the central meridian is below 0.05 %, so 0.1 % tolerance holds.
        const RoadNetwork& r = m_city->roads;
        const double ew = lonDegreeLength(52.522, 0.001), ns = latDegreeLength(52.5215, 0.001);
        QVERIFY(std::abs(ew - 67.8) < 0.2);  // sanity of the formula itself
        bool sawEw = false;
        for (std::size_t l = 0; l < r.linkCount(); ++l) {
            if (r.names[r.linkName[l]] == "Main Street") {
                QVERIFY2(std::abs(r.linkLength[l] - ew) / ew < 1e-3,
                         qPrintable(QString("length %1 expected %2").arg(r.linkLength[l]).arg(ew)));
                sawEw = true;
            }
        }
        QVERIFY(sawEw);
        Q_UNUSED(ns);
        // The side street n2-n5 is 0.001 deg of latitude.
        bool sawNs = false;
        for (std::size_t l = 0; l < r.linkCount(); ++l) {
            const auto s = r.shape(LinkId{static_cast<std::uint32_t>(l)});
            // North-south in geography is within a degree or two of grid north (UTM meridian
            // convergence is about 1.3 deg here).
            if (r.names[r.linkName[l]] == "Side Street" &&
                std::abs(s.front().x - s.back().x) < 0.1 * std::abs(s.front().y - s.back().y)) {
                QVERIFY(std::abs(r.linkLength[l] - ns) / ns < 1e-3);
                sawNs = true;
            }
        }
        QVERIFY(sawNs);
    }
    void splitsWaysAndCountsLinks() {
        const CitySummary s = summarize(*m_city);
        QCOMPARE(s.nodes, std::size_t(9));          // n1..n7, n10, n11
        QCOMPARE(s.links, std::size_t(11));         // 4 + 4 + 1 + 1 + 1
        QCOMPARE(s.intersections, std::size_t(2));  // n2 and n5
        QCOMPARE(s.signalisedIntersections, std::size_t(1));
        QCOMPARE(s.onewayLinks, std::size_t(3));  // way 102, way 103, the motorway (implied)
        QCOMPARE(s.bridgeLinks, std::size_t(1));
        // Main component: n1-n2-n3 two-way (4 links). From n5 the side street leads to n6, whose
        // only way on is the one-way to the dead end n7 (a U-turn is allowed at dead ends only).
        QCOMPARE(m_city->roads.mainComponentLinks, 4u);
    }
    void tagsBecomeAttributes() {
        const RoadNetwork& r = m_city->roads;
        for (std::size_t l = 0; l < r.linkCount(); ++l) {
            const std::string& name = r.names[r.linkName[l]];
            if (name == "Main Street") {
                QCOMPARE(int(r.linkLanes[l]), 2);  // lanes=4 on a two-way road: 2 each way
                QVERIFY(std::abs(r.linkSpeed[l] - 50 / 3.6) < 1e-4);
                QVERIFY(r.linkClass[l] == RoadClass::Primary);
            } else if (name == "Side Street") {
                QVERIFY(std::abs(r.linkSpeed[l] - 30 * 0.44704) < 1e-4);
            }
            if (r.linkSourceFeature[l] == 103) {
                // oneway=-1 on n7 -> n6 means traffic flows n6 -> n7 (eastwards).
                QVERIFY(r.nodePos[r.linkTo[l].index()].x > r.nodePos[r.linkFrom[l].index()].x);
            }
            if (r.linkSourceFeature[l] == 106) {
                QVERIFY(r.linkClass[l] == RoadClass::Motorway);
                QVERIFY(r.hasFlag(LinkId{static_cast<std::uint32_t>(l)}, link_flags::kBridge));
            }
        }
    }
    void buildingsAndFacilities() {
        const Buildings& b = m_city->buildings;
        QCOMPARE(b.count(), std::size_t(2));
        for (std::size_t i = 0; i < b.count(); ++i) {
            if (b.sourceFeature[i] == 200) {
                QCOMPARE(b.use[i], BuildingUse::Residential);
                QCOMPARE(b.height[i], 7.5f);
                QCOMPARE(b.heightSource[i], HeightSource::Explicit);
                // 0.0003 deg lon x 0.0002 deg lat.
                const double area = lonDegreeLength(52.5216, 0.0003) * latDegreeLength(52.5216, 0.0002);
                QVERIFY(std::abs(b.area[i] - area) / area < 2e-3);
            } else {
                QCOMPARE(b.sourceFeature[i], std::int64_t(201));
                QCOMPARE(b.use[i], BuildingUse::Commercial);
                QCOMPARE(b.height[i], 9.0f);  // 3 levels x 3 m
                QCOMPARE(b.heightSource[i], HeightSource::Levels);
            }
            QVERIFY(b.accessLink[i].valid());
        }
        QCOMPARE(m_city->facilities.count(), std::size_t(1));
        QCOMPARE(m_city->facilities.kind[0], FacilityKind::FireStation);
        QCOMPARE(QString::fromStdString(m_city->facilities.name[0]), QString("Station 1"));
    }
    void layerCounts() {
        // points: n2 (signal) and n40 (fire station); lines: 6 ways (one footway ignored);
        // multipolygons: the two closed building ways.
        for (const gis::LayerStats& l : m_result.layers) {
            if (l.layer == "points") {
                QCOMPARE(l.features, std::int64_t(2));
                QCOMPARE(l.trafficSignals, std::int64_t(1));
                QCOMPARE(l.facilities, std::int64_t(1));
            } else if (l.layer == "lines") {
                QCOMPARE(l.features, std::int64_t(6));
                QCOMPARE(l.roads, std::int64_t(5));
                QCOMPARE(l.ignored, std::int64_t(1));
            } else if (l.layer == "multipolygons") {
                QCOMPARE(l.features, std::int64_t(2));
                QCOMPARE(l.buildings, std::int64_t(2));
            }
        }
        QCOMPARE(m_result.report.errorCount(), std::size_t(0));
    }
    void realWorldTraps() {
        // tests/fixtures/osm/real_world_traps.osm: see its header comment.
        gis::LoadOptions o;
        o.vectorSources = {std::string(CT_FIXTURES_DIR) + "/osm/real_world_traps.osm"};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY2(r.city.has_value(), r.report.summary().c_str());
        const CityModel& c = *r.city;
        // Way 300 (cut at the boundary: node 99 missing) keeps n1-n2-n3; way 302 is a two-way
        // tertiary road; the pedestrian area is no road: 3 + 2 pieces... 6 links, 1 junction (n2).
        const CitySummary s = summarize(c);
        QCOMPARE(s.links, std::size_t(6));
        QCOMPARE(s.intersections, std::size_t(1));
        for (std::size_t l = 0; l < c.roads.linkCount(); ++l) {
            if (c.roads.linkSourceFeature[l] == 302) {
                QCOMPARE(int(c.roads.linkLanes[l]), 1);  // lanes "2;3": 2 in all, 1 each way
                QVERIFY(std::abs(c.roads.linkSpeed[l] - 30 * 0.44704) < 1e-4);
            }
        }
        // The courtyard building: 0.0006 x 0.0006 deg outer ring less a 0.0002 x 0.0002 deg court.
        bool sawCourtyard = false;
        for (std::size_t i = 0; i < c.buildings.count(); ++i) {
            if (c.buildings.height[i] == 12.5f) {
                const double w = lonDegreeLength(52.5205, 1.0), h = latDegreeLength(52.5205, 1.0);
                const double expected = (0.0006 * w) * (0.0006 * h) - (0.0002 * w) * (0.0002 * h);
                QVERIFY2(std::abs(c.buildings.area[i] - expected) / expected < 3e-3,
                         qPrintable(QString("%1 vs %2").arg(c.buildings.area[i]).arg(expected)));
                QVERIFY(c.buildings.use[i] == BuildingUse::Residential);
                sawCourtyard = true;
            }
        }
        QVERIFY(sawCourtyard);
        // The hospital mapped as a node and as an area is one facility.
        QCOMPARE(s.facilitiesByKind[static_cast<int>(FacilityKind::Hospital)], std::size_t(1));
        // Diagnostics name the feature: oneway=reversible (302) and height=tall (312).
        int found = 0;
        for (const Diagnostic& d : r.report.items()) {
            found += (d.code == "road.oneway_value" && d.feature == 302) ? 1 : 0;
            found += (d.code == "building.height_value" && d.feature == 312) ? 1 : 0;
        }
        QCOMPARE(found, 2);
        // Route and restriction relations are read but describe no road of their own.
        for (const gis::LayerStats& l : r.layers) {
            if (l.layer == "multilinestrings" || l.layer == "other_relations") {
                QCOMPARE(l.features, std::int64_t(1));
                QCOMPARE(l.ignored, std::int64_t(1));
            }
        }
    }
    void turnRestrictions() {
        // tests/fixtures/osm/turn_restrictions.osm (header comment), as .osm and as .pbf.
        for (const char* file : {"/osm/turn_restrictions.osm", "/osm/turn_restrictions.osm.pbf"}) {
            gis::LoadOptions o;
            o.vectorSources = {std::string(CT_FIXTURES_DIR) + file};
            const gis::LoadResult r = gis::loadCity(o);
            QVERIFY2(r.city.has_value(), r.report.summary().c_str());
            const RoadNetwork& n = r.city->roads;
            // The link of a way that ends at the cross (node 10, the only node of degree 4).
            auto into = [&](std::int64_t way) {
                for (std::uint32_t l = 0; l < n.linkCount(); ++l) {
                    if (n.linkSourceFeature[l] == way && n.nodeDegree(n.linkTo[l]) == 4) {
                        return LinkId{l};
                    }
                }
                return LinkId{};
            };
            auto ways = [&](LinkId from) {
                std::set<std::int64_t> out;
                for (LinkId t : n.turns(from)) {
                    out.insert(n.linkSourceFeature[t.index()]);
                }
                return out;
            };
            QCOMPARE(ways(into(100)), (std::set<std::int64_t>{101, 103}));  // no left turn into 102
            QCOMPARE(ways(into(103)), (std::set<std::int64_t>{101}));       // only right into 101
            QCOMPARE(ways(into(101)), (std::set<std::int64_t>{100, 102, 103}));
            QCOMPARE(ways(into(102)), (std::set<std::int64_t>{100, 101, 103}));  // conditional: not applied
            bool applied = false, skipped = false;
            for (const Diagnostic& d : r.report.items()) {
                applied =
                    applied || (d.code == "osm.restrictions" &&
                                d.message.find("2 of 3 turn restrictions applied") != std::string::npos);
                skipped = skipped || (d.code == "osm.restrictions_skipped" &&
                                      d.message.find("1 with a via way") != std::string::npos &&
                                      d.message.find("1 conditional") != std::string::npos);
            }
            QVERIFY2(applied && skipped, r.report.summary().c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TstOsmLoader)
#include "tst_osm_loader.moc"
