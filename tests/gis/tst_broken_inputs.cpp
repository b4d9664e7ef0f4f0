// Broken inputs give clear diagnostics (which file, layer, feature, what, what was done) and
// never crash. Each row names a fixture in tests/fixtures/broken and the diagnostic it must give.
#include <QtTest>

#include "citytwin/gis/city_loader.h"

using namespace ct;

Q_DECLARE_METATYPE(std::string)

namespace {
std::string fx(const std::string& name) {
    return std::string(CT_FIXTURES_DIR) + "/broken/" + name;
}

const Diagnostic* find(const DiagnosticReport& r, const std::string& code) {
    for (const Diagnostic& d : r.items()) {
        if (d.code == code) {
            return &d;
        }
    }
    return nullptr;
}
}  // namespace

class TstBrokenInputs : public QObject {
    Q_OBJECT
private slots:
    void rejected_data() {
        QTest::addColumn<std::string>("source");
        QTest::addColumn<std::string>("mapping");
        QTest::addColumn<std::string>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("missing file") << fx("does_not_exist.gpkg") << std::string()
                                      << std::string("source.not_found") << "does not exist";
        QTest::newRow("folder as file")
            << fx("not_gis_folder") << std::string() << std::string("source.folder") << "folder";
        QTest::newRow("zero-byte pbf")
            << fx("empty.pbf") << std::string() << std::string("source.empty_file") << "0 bytes";
        QTest::newRow("raster as vector")
            << fx("plane_dem.tif") << std::string() << std::string("source.raster_as_vector") << "--dem";
        QTest::newRow("truncated geojson")
            << fx("truncated.geojson") << std::string() << std::string("source.unreadable") << "GeoJSON";
        QTest::newRow("truncated osm")
            << fx("truncated.osm") << std::string() << std::string("gdal.failure") << "XML parsing";
        QTest::newRow("unknown crs") << fx("unknown_crs.geojson") << std::string()
                                     << std::string("crs.unknown") << "does not know";
        QTest::newRow("shapefile without prj")
            << fx("no_prj.shp") << std::string() << std::string("crs.missing") << ".prj";
        QTest::newRow("empty layer only")
            << fx("empty_layer.geojson") << std::string() << std::string("source.no_geometry") << "empty";
        QTest::newRow("mapping syntax")
            << std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm" << fx("bad_mapping.json")
            << std::string("mapping.syntax") << "invalid JSON";
        QTest::newRow("mapping role")
            << std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm" << fx("wrong_role_mapping.json")
            << std::string("mapping.schema") << "/layers/0/role";
    }
    void rejected() {
        QFETCH(std::string, source);
        QFETCH(std::string, mapping);
        QFETCH(std::string, code);
        QFETCH(QString, messagePart);
        gis::LoadOptions o;
        o.vectorSources = {source};
        o.mappingPath = mapping;
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(!r.city.has_value());
        const Diagnostic* d = find(r.report, code);
        QVERIFY2(d != nullptr, r.report.summary().c_str());
        QCOMPARE(d->severity, Severity::Error);
        QVERIFY(!d->file.empty());
        QVERIFY2(QString::fromStdString(d->message).contains(messagePart), d->message.c_str());
        // The one-line form names the file.
        QVERIFY(QString::fromStdString(format(*d)).contains(QString::fromStdString(d->file)));
    }
    void selfIntersectingPolygonIsRepaired() {
        gis::LoadOptions o;
        o.vectorSources = {fx("self_intersecting.geojson")};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(r.city.has_value());
        const Diagnostic* d = find(r.report, "geometry.self_intersection");
        QVERIFY(d != nullptr);
        QCOMPARE(d->severity, Severity::Warning);
        QCOMPARE(d->feature, std::int64_t(7));
        QCOMPARE(QString::fromStdString(d->layer), QString("self_intersecting"));
        // The bow-tie's two triangles are equal; the kept part is one of them: a quarter of the
        // 0.0004 x 0.0003 deg box (about 27.1 x 33.4 m, so about 226 m^2).
        QCOMPARE(r.city->buildings.count(), std::size_t(1));
        const double box = 0.0004 * 67.77 / 0.001 * 0.0003 * 111.26 / 0.001;
        QVERIFY2(std::abs(r.city->buildings.area[0] - box / 4) / (box / 4) < 0.02,
                 qPrintable(QString::number(r.city->buildings.area[0])));
    }
    void badValuesAreDefaulted() {
        gis::LoadOptions o;
        o.vectorSources = {fx("bad_height.geojson")};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(r.city.has_value());
        for (const char* code :
             {"building.height_value", "building.levels_value", "road.lanes_value", "road.maxspeed_value"}) {
            const Diagnostic* d = find(r.report, code);
            QVERIFY2(d != nullptr, code);
            QCOMPARE(d->severity, Severity::Warning);
            QVERIFY(d->feature == 12 || d->feature == 13);
            QVERIFY(!d->action.empty());
        }
        // The house falls back to the residential default height; the primary to its defaults.
        QCOMPARE(r.city->buildings.heightSource[0], HeightSource::Default);
        QCOMPARE(r.city->buildings.height[0], 6.0f);
        for (std::size_t l = 0; l < r.city->roads.linkCount(); ++l) {
            if (r.city->roads.linkClass[l] == RoadClass::Primary) {
                QCOMPARE(int(r.city->roads.linkLanes[l]), defaults(RoadClass::Primary).lanesPerDirection);
                QCOMPARE(r.city->roads.linkSpeed[l],
                         static_cast<float>(defaults(RoadClass::Primary).speedMps));
            }
        }
    }
    void emptyLayerBesideGoodDataIsAWarning() {
        gis::LoadOptions o;
        o.vectorSources = {std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm", fx("empty_layer.geojson")};
        const gis::LoadResult r = gis::loadCity(o);
        QVERIFY(r.city.has_value());
        const Diagnostic* d = find(r.report, "layer.empty");
        QVERIFY(d != nullptr);
        QCOMPARE(d->severity, Severity::Warning);
        QCOMPARE(QString::fromStdString(d->layer), QString("empty_layer"));
    }
    void badDem() {
        gis::LoadOptions o;
        o.vectorSources = {std::string(CT_FIXTURES_DIR) + "/osm/small_town.osm"};
        o.demPath = fx("self_intersecting.geojson");  // vector data given as a DEM
        gis::LoadResult r = gis::loadCity(o);
        QVERIFY(!r.city.has_value());
        QVERIFY(find(r.report, "dem.unreadable") != nullptr);
        o.demPath = fx("missing.tif");
        r = gis::loadCity(o);
        QVERIFY(find(r.report, "dem.not_found") != nullptr);
    }
};

QTEST_GUILESS_MAIN(TstBrokenInputs)
#include "tst_broken_inputs.moc"
