// Tag value parsers against the OSM wiki's documented forms (Key:height, Key:maxspeed, Key:oneway).
#include <QtTest>

#include <cmath>

#include "mapping.h"
#include "tags.h"

using namespace ct::gis;

namespace {
bool near(std::optional<double> v, double expected) {
    return v && std::abs(*v - expected) < 1e-9;
}
}  // namespace

class TstTags : public QObject {
    Q_OBJECT
private slots:
    void lengths() {
        QVERIFY(near(parseLengthM("12"), 12.0));
        QVERIFY(near(parseLengthM("12.5 m"), 12.5));
        QVERIFY(near(parseLengthM("12,5"), 12.5));
        QVERIFY(near(parseLengthM("40 ft"), 40 * 0.3048));
        QVERIFY(near(parseLengthM("3'6\x22"), 3 * 0.3048 + 6 * 0.0254));
        QVERIFY(near(parseLengthM("10;12"), 10.0));
        QVERIFY(!parseLengthM("tall"));
        QVERIFY(!parseLengthM(""));
        QVERIFY(!parseLengthM("12 parsecs"));
    }
    void speeds() {
        QVERIFY(near(parseSpeedMps("50"), 50 / 3.6));
        QVERIFY(near(parseSpeedMps("50 km/h"), 50 / 3.6));
        QVERIFY(near(parseSpeedMps("30 mph"), 30 * 0.44704));  // 1 mph = 0.44704 m/s exactly
        QVERIFY(near(parseSpeedMps("walk"), 7 / 3.6));
        QVERIFY(near(parseSpeedMps("DE:urban"), 50 / 3.6));
        QVERIFY(near(parseSpeedMps("DE:zone30"), 30 / 3.6));
        QVERIFY(near(parseSpeedMps("zone:20"), 20 / 3.6));
        QVERIFY(!parseSpeedMps("none"));
        QVERIFY(!parseSpeedMps("signals"));
        QVERIFY(!parseSpeedMps("fast"));
        QVERIFY(!parseSpeedMps("-5"));
    }
    void counts() {
        QCOMPARE(parseCount("2").value(), 2);
        QCOMPARE(parseCount("2;3").value(), 2);
        QCOMPARE(parseCount("2.6").value(), 3);
        QVERIFY(!parseCount("many"));
        QVERIFY(!parseCount("-1"));
    }
    void oneway() {
        QCOMPARE(parseOneway("yes"), OnewayValue::Forward);
        QCOMPARE(parseOneway("1"), OnewayValue::Forward);
        QCOMPARE(parseOneway("-1"), OnewayValue::Backward);
        QCOMPARE(parseOneway("no"), OnewayValue::No);
        QCOMPARE(parseOneway("reversible"), OnewayValue::Unknown);
    }
    void hstore() {
        Tags t;
        const char* text =
            "\"building:levels\"=>\"3\",\"name\"=>\"Caf\\\"e\",\"maxspeed\"=>\"30 mph\",\"x\"=>NULL";
        QVERIFY(parseHstore(text, t));
        QCOMPARE(QString::fromStdString(std::string(t.get("building:levels").value())), QString("3"));
        QCOMPARE(QString::fromStdString(std::string(t.get("name").value())), QString("Caf\"e"));
        // '_' and ':' are the same in lookups (Shapefile and GeoPackage field names).
        QVERIFY(t.get("building_levels").has_value());
        QVERIFY(!parseHstore("\"a\"=>\"1\",\"b\"", t));
    }
    void mappingRules() {
        // A mapping file renames fields and values and restricts roles; first matching rule wins.
        Mapping m;
        LayerRule r;
        r.pattern = "roads_*";
        r.role = LayerRole::Roads;
        r.values["highway"]["A"] = "primary";
        r.defaults["maxspeed"] = "50";
        m.layers.push_back(r);
        m.unlistedRole = LayerRole::Ignore;
        QCOMPARE(m.roleFor("ROADS_2024"), LayerRole::Roads);
        QCOMPARE(m.roleFor("buildings"), LayerRole::Ignore);
        Tags t;
        t.set("highway", "A");
        Mapping::apply(*m.ruleFor("roads_x"), t);
        QCOMPARE(std::string(t.get("highway").value()), std::string("primary"));
        QCOMPARE(std::string(t.get("maxspeed").value()), std::string("50"));
    }
};

QTEST_APPLESS_MAIN(TstTags)
#include "tst_tags.moc"
