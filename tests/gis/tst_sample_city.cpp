// The bundled sample city meets the brief (issue 2, section 3), checked on the loaded model, and
// `info`'s per-layer counts agree with GDAL's own feature counts (ogrinfo) on the same layers.
#include <QtTest>

#include <cmath>
#include <set>

#include <ogrsf_frmts.h>

#include "citytwin/gis/city_loader.h"
#include "citytwin/sim/city_summary.h"

using namespace ct;

class TstSampleCity : public QObject {
    Q_OBJECT
    gis::LoadResult m_result;
    CitySummary m_s;

private slots:
    void initTestCase() {
        m_result = gis::loadCity(gis::sampleCityOptions(CT_ASSETS_DIR));
        QVERIFY2(m_result.city.has_value(), m_result.report.summary().c_str());
        m_s = summarize(*m_result.city);
    }
    void projectedFrame() {
        QCOMPARE(m_result.city->meta.epsg, 32633);
        QCOMPARE(m_result.report.errorCount(), std::size_t(0));
    }
    void sizeOfATown() {
        const Box2& e = m_result.city->extent;
        QVERIFY2(e.width() >= 3000 && e.width() <= 6500, qPrintable(QString::number(e.width())));
        QVERIFY2(e.height() >= 3000 && e.height() <= 6500, qPrintable(QString::number(e.height())));
    }
    void roadHierarchy() {
        auto km = [&](RoadClass c) { return m_s.roadKmByClass[static_cast<int>(c)]; };
        QVERIFY(km(RoadClass::Motorway) + km(RoadClass::Trunk) > 2.0);          // a ring or highway
        QVERIFY(km(RoadClass::MotorwayLink) + km(RoadClass::TrunkLink) > 0.3);  // ramps
        QVERIFY(km(RoadClass::Primary) + km(RoadClass::Secondary) > 5.0);       // arterials
        QVERIFY(km(RoadClass::Tertiary) > 2.0);                                 // collectors
        QVERIFY(km(RoadClass::Residential) > 20.0);                             // local streets
        QVERIFY(m_s.onewayLinks > 20);
        QVERIFY(m_s.roundaboutNodes >= 6);  // at least two roundabouts of three or more nodes
        QVERIFY(m_s.signalisedIntersections >= 10);
        // Well connected: almost all of the network is one strongly connected component.
        QVERIFY2(m_s.mainComponentLinkShare > 0.95, qPrintable(QString::number(m_s.mainComponentLinkShare)));
    }
    void riverWithBridges() {
        // Bridges: count distinct bridge ways (a bridge gives one or two directed links per piece).
        std::set<std::int64_t> bridgeWays;
        const RoadNetwork& r = m_result.city->roads;
        for (std::size_t l = 0; l < r.linkCount(); ++l) {
            if ((r.linkFlags[l] & link_flags::kBridge) != 0 && r.linkClass[l] != RoadClass::Motorway &&
                r.linkClass[l] != RoadClass::MotorwayLink) {
                bridgeWays.insert(r.linkSourceFeature[l]);
            }
        }
        QVERIFY2(bridgeWays.size() >= 3, qPrintable(QString::number(bridgeWays.size())));
        bool water = false;
        for (LandUseKind k : m_result.city->landUse.kind) {
            water = water || k == LandUseKind::Water;
        }
        QVERIFY(water);
    }
    void buildingsAndFacilities() {
        QVERIFY2(m_s.buildings >= 3000 && m_s.buildings <= 10000, qPrintable(QString::number(m_s.buildings)));
        for (int u : {0, 1, 2, 3}) {
            QVERIFY(m_s.buildingsByUse[u] > 0);
        }
        QVERIFY(m_s.residents > 5000);
        QVERIFY(m_s.jobs > 2000);
        QVERIFY(m_s.buildingsExplicitHeight > 0 && m_s.buildingsFromLevels > 0 &&
                m_s.buildingsDefaultHeight > 0);
        auto fac = [&](FacilityKind k) { return m_s.facilitiesByKind[static_cast<int>(k)]; };
        QVERIFY(fac(FacilityKind::FireStation) >= 2);
        QVERIFY(fac(FacilityKind::Hospital) >= 2);
        QVERIFY(fac(FacilityKind::Police) >= 1);
        QVERIFY(fac(FacilityKind::Shelter) + fac(FacilityKind::School) >= 3);
        // Every building can be reached by road.
        QVERIFY2(m_s.buildingsWithoutAccess == 0, qPrintable(QString::number(m_s.buildingsWithoutAccess)));
    }
    void terrainValley() {
        // The river lies in the valley: water is lower than the town's average ground.
        const CityModel& c = *m_result.city;
        QVERIFY(m_s.hasTerrain);
        QVERIFY(m_s.terrainMax - m_s.terrainMin > 30.0);
        double waterZ = 0, n = 0;
        for (std::size_t i = 0; i < c.landUse.count(); ++i) {
            if (c.landUse.kind[i] == LandUseKind::Water) {
                for (const Vec2& p : c.landUse.ring(i)) {
                    const double z = c.terrain.sample(p);
                    if (!std::isnan(z)) {
                        waterZ += z;
                        ++n;
                    }
                }
            }
        }
        double townZ = 0, m = 0;
        for (const Vec2& p : c.buildings.centroid) {
            townZ += c.terrain.sample(p);
            ++m;
        }
        QVERIFY(n > 0 && m > 0);
        QVERIFY2(waterZ / n + 5.0 < townZ / m,
                 qPrintable(QString("%1 vs %2").arg(waterZ / n).arg(townZ / m)));
    }
    void countsAgreeWithOgrinfo() {
        for (const gis::LayerStats& l : m_result.layers) {
            std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
                GDALOpenEx(l.file.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
            QVERIFY(ds);
            QCOMPARE(l.features, ds->GetLayerByName(l.layer.c_str())->GetFeatureCount(TRUE));
            QCOMPARE(l.skipped, std::int64_t(0));
        }
    }
};

QTEST_GUILESS_MAIN(TstSampleCity)
#include "tst_sample_city.moc"
