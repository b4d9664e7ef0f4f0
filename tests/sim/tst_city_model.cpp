// CityModel::finish, Terrain sampling and the summary on small hand-built cities.
#include <QtTest>

#include <cmath>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/city_summary.h"

using namespace ct;

namespace {

void addBuilding(Buildings& b, std::vector<Vec2> ring, BuildingUse use = BuildingUse::Residential) {
    b.ringPoints.insert(b.ringPoints.end(), ring.begin(), ring.end());
    b.ringOffset.push_back(static_cast<std::uint32_t>(b.ringPoints.size()));
    b.centroid.push_back(ringCentroid(ring));
    b.area.push_back(static_cast<float>(signedArea(ring)));
    b.height.push_back(6.0f);
    b.heightSource.push_back(HeightSource::Default);
    b.levels.push_back(2);
    b.use.push_back(use);
    b.residents.push_back(3);
    b.jobs.push_back(0);
    b.name.emplace_back();
    b.sourceFeature.push_back(-1);
}

CityModel smallGrid(RoadClass topClass) {
    // Nodes A(0,0), B(200,0), C(0,100), D(200,100). A two-way residential street A-B (1 lane each
    // way, 200 m), a two-way street A-C (100 m), a one-way street C->D of `topClass` with 2 lanes
    // (200 m) and a one-way residential street D->B (100 m).
    // With U-turns allowed only at dead ends, the turns are: AB->BA (B is a dead end for AB),
    // DB->BA, BA->AC, CA->AB, AC->CD, CD->DB. The largest strongly connected component is the
    // cycle BA, AC, CD, DB; AB and CA are outside it (nothing turns into CA, AB only leads in).
    CityModel c;
    RoadNetworkBuilder b;
    auto add = [&](std::vector<Vec2> pts, RoadClass cls, WayInput::Oneway ow, int lanes) {
        WayInput w;
        w.points = std::move(pts);
        w.roadClass = cls;
        w.oneway = ow;
        w.lanesForward = lanes;
        b.addWay(w);
    };
    add({{0, 0}, {200, 0}}, RoadClass::Residential, WayInput::Oneway::No, 0);
    add({{0, 0}, {0, 100}}, RoadClass::Residential, WayInput::Oneway::No, 0);
    add({{0, 100}, {200, 100}}, topClass, WayInput::Oneway::Forward, 2);
    add({{200, 100}, {200, 0}}, RoadClass::Residential, WayInput::Oneway::Forward, 0);
    c.roads = b.build();
    return c;
}

}  // namespace

class TstCityModel : public QObject {
    Q_OBJECT
private slots:
    void terrainBilinearIsExactOnAPlane() {
        // z = 100 + 0.5 x + 0.25 y sampled at cell centres; bilinear interpolation reproduces a
        // plane exactly anywhere between centres.
        Terrain t;
        t.width = 4;
        t.height = 3;
        t.cellSize = 10.0;
        t.originX = 0.0;
        t.originY = 30.0;  // north edge
        for (int r = 0; r < t.height; ++r) {
            for (int col = 0; col < t.width; ++col) {
                const double x = (col + 0.5) * 10.0, y = 30.0 - (r + 0.5) * 10.0;
                t.elevation.push_back(static_cast<float>(100.0 + 0.5 * x + 0.25 * y));
            }
        }
        for (const Vec2 p : {Vec2{5, 5}, Vec2{12.5, 17.5}, Vec2{33, 22}}) {
            QVERIFY2(std::abs(t.sample(p) - (100.0 + 0.5 * p.x + 0.25 * p.y)) < 1e-4, "plane not reproduced");
        }
        QVERIFY(std::isnan(t.sample({-20, 5})));
        QVERIFY(std::isnan(t.sample({5, 60})));
    }
    void summaryLengthsAndLanes() {
        CityModel c = smallGrid(RoadClass::Primary);
        DiagnosticReport r;
        c.finish(r);
        const CitySummary s = summarize(c);
        // Centreline: 200 + 100 + 200 + 100 m = 0.6 km.
        // Lanes: 2x200 (A-B) + 2x100 (A-C) + 2x200 (C->D, 2 lanes) + 1x100 (D->B) = 1.1 lane-km.
        QVERIFY(std::abs(s.roadKm - 0.6) < 1e-6);
        QVERIFY(std::abs(s.laneKm - 1.1) < 1e-6);
        QVERIFY(std::abs(s.roadKmByClass[static_cast<int>(RoadClass::Primary)] - 0.2) < 1e-6);
        QCOMPARE(s.links, std::size_t(6));
        QCOMPARE(s.onewayLinks, std::size_t(2));
        QCOMPARE(s.linksOutsideMain, std::size_t(2));
        QVERIFY(std::abs(s.mainComponentLinkShare - 4.0 / 6.0) < 1e-12);
        QCOMPARE(s.intersections, std::size_t(0));  // every node has two neighbours
    }
    void accessLinksAvoidMotorwaysAndSinks() {
        CityModel c = smallGrid(RoadClass::Motorway);
        // A building 5 m from the motorway C->D: its access is the nearest other link, D->B at
        // x = 200 (90 m away), never the motorway. A second building next to A-B.
        addBuilding(c.buildings, {{100, 105}, {110, 105}, {110, 115}, {100, 115}});
        addBuilding(c.buildings, {{90, -30}, {110, -30}, {110, -10}, {90, -10}});
        c.facilities.kind.push_back(FacilityKind::FireStation);
        c.facilities.name.emplace_back("Station");
        c.facilities.position.push_back({100, -20});
        c.facilities.sourceFeature.push_back(1);
        DiagnosticReport r;
        c.finish(r);
        const LinkId a0 = c.buildings.accessLink[0];
        QVERIFY(a0.valid());
        QVERIFY(c.roads.linkClass[a0.index()] != RoadClass::Motorway);
        QCOMPARE(c.roads.shape(a0).front().x, 200.0);
        QCOMPARE(c.roads.shape(a0).back().x, 200.0);
        const LinkId a1 = c.buildings.accessLink[1];
        QVERIFY(a1.valid());
        const auto shape = c.roads.shape(a1);
        QCOMPARE(shape.front().y, 0.0);  // the street along y = 0
        QCOMPARE(shape.back().y, 0.0);
        QCOMPARE(c.facilities.building[0].index(), 1u);  // the fire station sits in building 1
        QVERIFY(c.extent.min.y <= -30.0 && c.extent.max.y >= 115.0);
    }
};

QTEST_APPLESS_MAIN(TstCityModel)
#include "tst_city_model.moc"
