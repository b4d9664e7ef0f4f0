// The same city through every vector format: the hand-written OSM file is exported with GDAL
// (as ogr2ogr would) to GeoPackage, GeoJSON, Shapefile and FlatGeobuf, and each export must load
// into the same city: same counts, same lengths. Per-layer feature counts must equal GDAL's own
// count of the exported layer (what ogrinfo prints).
#include <QTemporaryDir>
#include <QtTest>

#include <ogrsf_frmts.h>
#include <cmath>

#include "citytwin/gis/city_loader.h"
#include "citytwin/sim/city_summary.h"

using namespace ct;

namespace {

const std::string kOsm = std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm";

/// Copies the OSM layers that hold data into `driver` datasets. One dataset for all layers when
/// `oneFile`, else one dataset per layer (GeoJSON). Returns the paths to load.
std::vector<std::string> exportOsm(const std::string& dir, const char* driver, const char* ext,
                                   bool oneFile) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> src(
        static_cast<GDALDataset*>(GDALOpenEx(kOsm.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    std::vector<std::string> paths;
    std::unique_ptr<GDALDataset> shared;
    for (const char* name : {"points", "lines", "multipolygons"}) {
        OGRLayer* layer = src->GetLayerByName(name);
        std::string path = oneFile ? dir + "/city" + ext : dir + "/" + name + ext;
        if (!oneFile || !shared) {
            std::unique_ptr<GDALDataset> dst(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
            if (!dst) {
                return {};
            }
            if (oneFile) {
                shared = std::move(dst);
                paths.push_back(path);
            } else {
                dst->CopyLayer(layer, name);
                paths.push_back(path);
                continue;
            }
        }
        shared->CopyLayer(layer, name);
    }
    return paths;
}

std::int64_t gdalFeatureCount(const std::string& path, const std::string& layer) {
    std::unique_ptr<GDALDataset> ds(
        static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    OGRLayer* l = ds ? ds->GetLayerByName(layer.c_str()) : nullptr;
    if (l == nullptr) {
        return -1;
    }
    const GIntBig n = l->GetFeatureCount(TRUE);
    if (n >= 0) {
        return n;
    }
    // The OSM driver cannot count one layer; count it in an interleaved read, as ogrinfo does
    // when it lists an OSM file.
    std::int64_t count = 0;
    OGRLayer* from = nullptr;
    while (OGRFeature* f = ds->GetNextFeature(&from, nullptr, nullptr, nullptr)) {
        count += from == l ? 1 : 0;
        OGRFeature::DestroyFeature(f);
    }
    return count;
}

}  // namespace

class TstFormats : public QObject {
    Q_OBJECT
    CitySummary m_reference;

    void checkSame(const std::vector<std::string>& paths) {
        QVERIFY(!paths.empty());
        gis::LoadOptions o;
        o.vectorSources = paths;
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY2(r.city.has_value(), r.report.summary().c_str());
        const CitySummary s = summarize(*r.city);
        QCOMPARE(r.city->meta.epsg, 32633);
        QCOMPARE(s.nodes, m_reference.nodes);
        QCOMPARE(s.links, m_reference.links);
        QCOMPARE(s.intersections, m_reference.intersections);
        QCOMPARE(s.signalisedIntersections, m_reference.signalisedIntersections);
        QCOMPARE(s.onewayLinks, m_reference.onewayLinks);
        QCOMPARE(s.buildings, m_reference.buildings);
        QCOMPARE(s.buildingsExplicitHeight, m_reference.buildingsExplicitHeight);
        QCOMPARE(s.facilitiesByKind, m_reference.facilitiesByKind);
        QVERIFY(std::abs(s.roadKm - m_reference.roadKm) < 1e-6);
        QVERIFY(std::abs(s.laneKm - m_reference.laneKm) < 1e-6);
        // Feature counts agree with GDAL's (ogrinfo's) count of the same layer.
        for (const gis::LayerStats& l : r.layers) {
            QCOMPARE(l.features, gdalFeatureCount(l.file, l.layer));
        }
    }

private slots:
    void initTestCase() {
        gis::LoadOptions o;
        o.vectorSources = {kOsm};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(r.city);
        m_reference = summarize(*r.city);
        QCOMPARE(m_reference.links, std::size_t(11));
    }
    void pbf() {
        // small_town.osm.pbf is small_town.osm converted by osmium (tests/fixtures/README.md).
        checkSame({std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm.pbf"});
    }
    void geopackage() {
        QTemporaryDir d;
        checkSame(exportOsm(d.path().toStdString(), "GPKG", ".gpkg", true));
    }
    void geojson() {
        QTemporaryDir d;
        checkSame(exportOsm(d.path().toStdString(), "GeoJSON", ".geojson", false));
    }
    void shapefileFolder() {
        // A folder of Shapefiles is one source.
        QTemporaryDir d;
        const auto paths = exportOsm(d.path().toStdString() + "", "ESRI Shapefile", ".shp", false);
        QCOMPARE(paths.size(), std::size_t(3));
        checkSame({d.path().toStdString()});
    }
    void flatgeobuf() {
        QTemporaryDir d;
        checkSame(exportOsm(d.path().toStdString(), "FlatGeobuf", ".fgb", false));
    }
    void ourGeojsonSchema() {
        // tests/fixtures/geojson/roads_buildings.geojson: two roads crossing at a shared vertex
        // (one intersection, 8 links), 2 buildings, a hospital, a signal 1 m from the crossing.
        gis::LoadOptions o;
        o.vectorSources = {std::string(CT_FIXTURES_DIR) + "/geojson/roads_buildings.geojson"};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY2(r.city.has_value(), r.report.summary().c_str());
        const CitySummary s = summarize(*r.city);
        QCOMPARE(s.links, std::size_t(8));
        QCOMPARE(s.intersections, std::size_t(1));
        QCOMPARE(s.signalisedIntersections, std::size_t(1));
        QCOMPARE(s.buildings, std::size_t(2));
        QCOMPARE(s.buildingsExplicitHeight, std::size_t(1));
        QCOMPARE(s.buildingsFromLevels, std::size_t(1));
        QCOMPARE(s.facilitiesByKind[static_cast<int>(FacilityKind::Hospital)], std::size_t(1));
        QCOMPARE(s.residents, std::uint64_t(40));  // given explicitly
        QCOMPARE(r.report.warningCount(), std::size_t(0));
    }
    void forcedCrs() {
        // --crs 25833 (ETRS89 / UTM 33N) is honoured.
        gis::LoadOptions o;
        o.vectorSources = {kOsm};
        o.targetEpsg = 25833;
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(r.city);
        QCOMPARE(r.city->meta.epsg, 25833);
    }
    void terrainIsWarpedIntoTheFrame() {
        // plane_dem.tif: z = 100 + 0.5 dx + 0.25 dy over a 40 x 30 m UTM 33N grid whose west
        // edge is E 391600 and north edge N 5820220 (dx, dy from the south-west corner).
        gis::LoadOptions o;
        o.vectorSources = {kOsm};
        o.demPath = std::string(CT_FIXTURES_DIR) + "/broken/plane_dem.tif";
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY2(r.city.has_value(), r.report.summary().c_str());
        const Terrain& t = r.city->terrain;
        QCOMPARE(t.width, 4);
        QCOMPARE(t.height, 3);
        const double e = 391615.0, n = 5820205.0;  // a point inside the grid
        const Vec2 local{e - r.city->meta.originEasting, n - r.city->meta.originNorthing};
        const double expected = 100 + 0.5 * (e - 391600.0) + 0.25 * (n - 5820190.0);
        QVERIFY2(std::abs(t.sample(local) - expected) < 1e-3, qPrintable(QString::number(t.sample(local))));
    }
};

QTEST_GUILESS_MAIN(TstFormats)
#include "tst_formats.moc"
