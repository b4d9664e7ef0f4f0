// Geometry helpers against hand-computed values.
#include <QtTest>

#include <cmath>
#include <vector>

#include "citytwin/sim/geometry.h"

using namespace ct;

class TstGeometry : public QObject {
    Q_OBJECT
private slots:
    void areaAndCentroidOfRectangle() {
        // A 20 x 10 m rectangle, counter-clockwise, far from the origin (precision check).
        const std::vector<Vec2> r{{1000, 2000}, {1020, 2000}, {1020, 2010}, {1000, 2010}};
        QCOMPARE(signedArea(r), 200.0);
        const Vec2 c = ringCentroid(r);
        QCOMPARE(c.x, 1010.0);
        QCOMPARE(c.y, 2005.0);
        std::vector<Vec2> cw(r.rbegin(), r.rend());
        QCOMPARE(signedArea(cw), -200.0);
    }
    void centroidOfLShape() {
        // L made of a 2x1 and a 1x1 box: area 3, centroid ((2*1 + 0.5*1... computed by parts.
        const std::vector<Vec2> l{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
        QCOMPARE(signedArea(l), 3.0);
        // Parts: [0,2]x[0,1] area 2 centroid (1,0.5); [0,1]x[1,2] area 1 centroid (0.5,1.5).
        const Vec2 c = ringCentroid(l);
        QVERIFY(std::abs(c.x - (2 * 1.0 + 0.5) / 3) < 1e-12);
        QVERIFY(std::abs(c.y - (2 * 0.5 + 1.5) / 3) < 1e-12);
    }
    void selfIntersection() {
        const std::vector<Vec2> bowtie{{0, 0}, {10, 10}, {10, 0}, {0, 10}};
        QVERIFY(ringSelfIntersects(bowtie));
        const std::vector<Vec2> square{{0, 0}, {10, 0}, {10, 10}, {0, 10}};
        QVERIFY(!ringSelfIntersects(square));
        const std::vector<Vec2> lshape{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
        QVERIFY(!ringSelfIntersects(lshape));
    }
    void pointSegment() {
        double t = -1;
        QCOMPARE(pointSegmentDistance({5, 3}, {0, 0}, {10, 0}, &t), 3.0);
        QCOMPARE(t, 0.5);
        QCOMPARE(pointSegmentDistance({-3, 4}, {0, 0}, {10, 0}, &t), 5.0);  // beyond the end: 3-4-5
        QCOMPARE(t, 0.0);
    }
    void pointInside() {
        const std::vector<Vec2> sq{{0, 0}, {10, 0}, {10, 10}, {0, 10}};
        QVERIFY(pointInRing({5, 5}, sq));
        QVERIFY(!pointInRing({15, 5}, sq));
    }
    void polyline() { QCOMPARE(polylineLength(std::vector<Vec2>{{0, 0}, {3, 4}, {3, 10}}), 11.0); }
};

QTEST_APPLESS_MAIN(TstGeometry)
#include "tst_geometry.moc"
