// Tests of the city scene builder (no display needed): draw calls that do not grow with the
// city, tiles that OSG culls outside the view, terrain tiles with coarser levels far away and
// no cracks, triangulation, road drawing rules and the framing of the home view.

#include <QtTest>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Group>
#include <osg/KdTree>
#include <osg/LOD>
#include <osg/Matrixd>
#include <osg/Viewport>
#include <osgUtil/CullVisitor>
#include <osgUtil/IntersectionVisitor>
#include <osgUtil/LineSegmentIntersector>
#include <osgUtil/RenderStage>
#include <osgUtil/StateGraph>

#include "citytwin/render/scene_builder.h"
#include "citytwin/render/triangulate.h"
#include "citytwin/sim/city_model.h"
#include "synthetic_city.h"

using namespace ct;

namespace {

/// The geometry named `name` under `root`, or null.
const osg::Geometry* findGeometry(const osg::Node* node, const std::string& name) {
    if (const osg::Geometry* g = dynamic_cast<const osg::Geometry*>(node)) {
        return g->getName() == name ? g : nullptr;
    }
    if (const osg::Group* group = node->asGroup()) {
        for (unsigned i = 0; i < group->getNumChildren(); ++i) {
            if (const osg::Geometry* g = findGeometry(group->getChild(i), name)) {
                return g;
            }
        }
    }
    return nullptr;
}

/// Every geometry named `name` under `root` (a layer drawn in tiles has one per tile).
void findGeometries(const osg::Node* node, const std::string& name, std::vector<const osg::Geometry*>& out) {
    if (const osg::Geometry* g = dynamic_cast<const osg::Geometry*>(node)) {
        if (g->getName() == name) {
            out.push_back(g);
        }
    } else if (const osg::Group* group = node->asGroup()) {
        for (unsigned i = 0; i < group->getNumChildren(); ++i) {
            findGeometries(group->getChild(i), name, out);
        }
    }
}

/// Indices of all the geometries named `name` (three per triangle).
std::size_t indexCount(const osg::Node* root, const std::string& name) {
    std::vector<const osg::Geometry*> geoms;
    findGeometries(root, name, geoms);
    std::size_t n = 0;
    for (const osg::Geometry* g : geoms) {
        n += g->getPrimitiveSet(0)->getNumIndices();
    }
    return n;
}

/// The drawables OSG's cull traversal keeps for a camera (view and projection matrices, a
/// viewport of w x h pixels), as osgViewer's renderer would draw them: frustum and
/// small-feature culling with the default cull settings, no graphics context needed.
std::set<const osg::Drawable*> drawablesAfterCulling(osg::Node& root, const osg::Matrixd& view,
                                                     const osg::Matrixd& projection, int w, int h) {
    osg::ref_ptr<osgUtil::CullVisitor> cv = new osgUtil::CullVisitor;
    osg::ref_ptr<osgUtil::StateGraph> graph = new osgUtil::StateGraph;
    osg::ref_ptr<osgUtil::RenderStage> stage = new osgUtil::RenderStage;
    osg::ref_ptr<osg::Viewport> viewport = new osg::Viewport(0, 0, w, h);
    stage->setViewport(viewport.get());
    cv->setStateGraph(graph.get());
    cv->setRenderStage(stage.get());
    cv->pushViewport(viewport.get());
    cv->pushProjectionMatrix(new osg::RefMatrix(projection));
    cv->pushModelViewMatrix(new osg::RefMatrix(view), osg::Transform::ABSOLUTE_RF);
    root.accept(*cv);
    cv->popModelViewMatrix();
    cv->popProjectionMatrix();
    cv->popViewport();
    std::set<const osg::Drawable*> out;
    std::function<void(const osgUtil::StateGraph&)> walk = [&](const osgUtil::StateGraph& g) {
        for (const auto& leaf : g._leaves) {
            out.insert(leaf->_drawable.get());
        }
        for (const auto& [stateSet, child] : g._children) {
            walk(*child);
        }
    };
    walk(*graph);
    return out;
}

/// Whether a point lies inside the view (in front of the camera, within the frustum's sides).
bool inView(const osg::Vec3d& p, const osg::Matrixd& viewProjection) {
    const osg::Vec4d c = osg::Vec4d(p, 1.0) * viewProjection;
    return c.w() > 0.0 && std::abs(c.x()) <= c.w() && std::abs(c.y()) <= c.w();
}

std::size_t vertexCount(const osg::Geometry* g) {
    return g != nullptr && g->getVertexArray() != nullptr ? g->getVertexArray()->getNumElements() : 0;
}

/// The child of the scene root named `name` (a layer), or null.
osg::Node* layerNode(osg::Node* root, const std::string& name) {
    osg::Group* group = root->asGroup();
    for (unsigned i = 0; group != nullptr && i < group->getNumChildren(); ++i) {
        if (group->getChild(i)->getName() == name) {
            return group->getChild(i);
        }
    }
    return nullptr;
}

/// The terrain tiles with levels of detail: one osg::LOD per tile, its levels most detailed first.
std::vector<const osg::LOD*> terrainLods(osg::Node* root) {
    std::vector<const osg::LOD*> out;
    if (const osg::Group* layer =
            layerNode(root, "terrain") ? layerNode(root, "terrain")->asGroup() : nullptr) {
        for (unsigned i = 0; i < layer->getNumChildren(); ++i) {
            if (const auto* lod = dynamic_cast<const osg::LOD*>(layer->getChild(i))) {
                out.push_back(lod);
            }
        }
    }
    return out;
}

std::size_t triangleCount(const osg::Drawable* d) {
    const osg::Geometry* g = d != nullptr ? d->asGeometry() : nullptr;
    return g != nullptr && g->getNumPrimitiveSets() > 0 ? g->getPrimitiveSet(0)->getNumIndices() / 3 : 0;
}

/// Triangles of `g` that are not vertical (the surface, not its skirts).
std::size_t surfaceTriangles(const osg::Geometry* g) {
    const auto* v = dynamic_cast<const osg::Vec3Array*>(g->getVertexArray());
    const osg::PrimitiveSet* ps = g->getPrimitiveSet(0);
    std::size_t n = 0;
    for (unsigned t = 0; t + 2 < ps->getNumIndices(); t += 3) {
        const osg::Vec3 a = (*v)[ps->index(t)];
        const osg::Vec3 b = (*v)[ps->index(t + 1)];
        const osg::Vec3 c = (*v)[ps->index(t + 2)];
        const float area = (b.x() - a.x()) * (c.y() - a.y()) - (b.y() - a.y()) * (c.x() - a.x());
        n += std::abs(area) > 1e-3f ? 1 : 0;
    }
    return n;
}

/// Sum of the areas of the triangles (index triples into ring).
double triangleArea(std::span<const Vec2> ring, const std::vector<std::uint32_t>& tris, bool* allCcw) {
    double sum = 0.0;
    *allCcw = true;
    for (std::size_t t = 0; t + 2 < tris.size(); t += 3) {
        const double a = 0.5 * cross(ring[tris[t + 1]] - ring[tris[t]], ring[tris[t + 2]] - ring[tris[t]]);
        *allCcw = *allCcw && a > 0.0;
        sum += a;
    }
    return sum;
}

}  // namespace

class TestRenderScene : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void drawCallsDoNotGrowWithBuildings();
    void tilesOutsideTheViewAreCulled();
    void terrainTilesCulledAndCoarserFarAway();
    void terrainCoarseLevelsStayBelowTheGround();
    void terrainTileEdgesMatch();
    void everyBuildingIsDrawn();
    void twoWayRoadDrawnOnce();
    void triangulatesConvexAndConcaveRings_data();
    void triangulatesConvexAndConcaveRings();
    void triangulationSurvivesBadRings();
    void areasStayAboveTheTerrain();
    void drapesLongRectangles();
    void homeViewFramesTheCity();
    void flatGroundWithoutTerrain();
    void terrainIsDecimated();
};

void TestRenderScene::drawCallsDoNotGrowWithBuildings() {
    // Buildings and roads are drawn in tiles of at least SceneOptions::tileSize (500 m), at most
    // 8 x 8 per layer. A small town is one tile: terrain, areas, roads, buildings are one draw
    // call each, then a pin and a label per facility.
    const CityModel small = test::makeSyntheticCity({.buildings = 100});
    QCOMPARE(small.buildings.count(), std::size_t{100});
    const render::SceneBuild a = render::buildCityScene(small);
    QCOMPARE(a.stats.labels, small.facilities.count());
    QCOMPARE(a.stats.drawCalls, 4 + 2 * small.facilities.count());

    // Larger towns get more tiles until the cap: 1,600 and 6,400 buildings (1 and 2 km square)
    // with tiles of at least 100 m both reach 8 x 8 tiles, so both draw 64 + 64 calls for the
    // roads and buildings, whatever their size. The geometry itself does grow: 4x the
    // buildings, 4x the building triangles.
    render::SceneOptions tiled;
    tiled.tileSize = 100.0;
    const CityModel mid = test::makeSyntheticCity({.buildings = 1600, .terrain = false});
    const CityModel large = test::makeSyntheticCity({.buildings = 6400, .terrain = false});
    const render::SceneBuild b = render::buildCityScene(mid, tiled);
    const render::SceneBuild c = render::buildCityScene(large, tiled);
    QCOMPARE(b.pick.buildings.size(), std::size_t{64});
    QCOMPARE(b.pick.roads.size(), std::size_t{64});
    QCOMPARE(c.stats.geometries, b.stats.geometries);
    QCOMPARE(c.stats.drawCalls, b.stats.drawCalls);
    QCOMPARE(c.stats.labels, b.stats.labels);
    QCOMPARE(b.stats.drawCalls, 2 + 64 + 64 + 2 * mid.facilities.count());
    QCOMPARE(indexCount(c.root.get(), "buildings"), indexCount(b.root.get(), "buildings") * 4);
    // With the default tile size the 2 km town is 4 x 4 tiles, under the bound of 8 x 8.
    const render::SceneBuild d = render::buildCityScene(large);
    QCOMPARE(d.pick.buildings.size(), std::size_t{16});
    QVERIFY(d.stats.drawCalls <= 2 + 2 * 64 + 2 * large.facilities.count());
    // Many facilities: the first 24 get a pin and a label, the rest share one mesh of markers,
    // so the draw calls stop growing (200 and 400 facilities draw the same).
    const CityModel many = test::makeSyntheticCity({.buildings = 400, .terrain = false, .facilities = 200});
    const CityModel more = test::makeSyntheticCity({.buildings = 800, .terrain = false, .facilities = 400});
    const render::SceneBuild m1 = render::buildCityScene(many);
    const render::SceneBuild m2 = render::buildCityScene(more);
    QCOMPARE(m1.stats.labels, std::size_t(24));
    QCOMPARE(m2.stats.drawCalls, m1.stats.drawCalls);
    QVERIFY(findGeometry(m2.root.get(), "facility markers") != nullptr);
}

void TestRenderScene::tilesOutsideTheViewAreCulled() {
    // A town of 6,400 buildings, 2 km square, in 4 x 4 tiles of 500 m. A close view of its
    // south-west corner, as OSG culls it for drawing: the far tiles are culled, and every
    // building and road in view lies in a tile that is drawn.
    const CityModel city = test::makeSyntheticCity({.buildings = 6400, .terrain = false, .facilities = 0});
    const render::SceneBuild scene = render::buildCityScene(city);
    QCOMPARE(scene.pick.buildings.size(), std::size_t{16});
    const int w = 1280;
    const int h = 720;
    const osg::Matrixd view = osg::Matrixd::lookAt(osg::Vec3d(-50.0, -50.0, 250.0),
                                                   osg::Vec3d(200.0, 200.0, 0.0), osg::Vec3d(0.0, 0.0, 1.0));
    const osg::Matrixd projection = osg::Matrixd::perspective(30.0, double(w) / h, 1.0, 1e5);
    const std::set<const osg::Drawable*> drawn = drawablesAfterCulling(*scene.root, view, projection, w, h);

    auto triangles = [](const render::PickTables::Table& t) {
        return t.drawable->asGeometry()->getPrimitiveSet(0)->getNumIndices() / 3;
    };
    std::size_t tiles = 0;
    std::size_t tilesDrawn = 0;
    std::size_t total = 0;
    std::size_t kept = 0;
    for (const auto* tables : {&scene.pick.buildings, &scene.pick.roads}) {
        for (const render::PickTables::Table& t : *tables) {
            ++tiles;
            total += triangles(t);
            if (drawn.count(t.drawable) != 0) {
                ++tilesDrawn;
                kept += triangles(t);
            }
        }
    }
    qInfo("%zu of %zu building and road tiles drawn, %zu of %zu triangles (%.1f%%)", tilesDrawn, tiles, kept,
          total, 100.0 * double(kept) / double(total));
    QVERIFY(tilesDrawn > 0);
    QVERIFY(tilesDrawn * 2 <= tiles);
    QVERIFY(kept * 10 < total * 3);  // under 30 % of the triangles

    // Every building with a corner in view (at its foot or its roof) is in a drawn tile.
    const osg::Matrixd vp = view * projection;
    std::size_t buildingsInView = 0;
    for (const render::PickTables::Table& t : scene.pick.buildings) {
        for (const std::uint32_t b : t.item) {
            bool visible = false;
            for (const Vec2& p : city.buildings.footprint(BuildingId(b))) {
                for (const double z : {0.0, double(city.buildings.height[b])}) {
                    visible = visible || inView(osg::Vec3d(p.x, p.y, z), vp);
                }
            }
            if (visible) {
                ++buildingsInView;
                QVERIFY2(drawn.count(t.drawable) != 0,
                         qPrintable(QStringLiteral("building %1 in view, its tile "
                                                   "culled")
                                        .arg(b)));
            }
        }
    }
    // Every road with a point of its centre line in view too.
    for (const render::PickTables::Table& t : scene.pick.roads) {
        for (const std::uint32_t item : t.item) {
            if ((item & render::PickTables::kJunctionBit) != 0) {
                const Vec2 p = city.roads.nodePos[item & ~render::PickTables::kJunctionBit];
                QVERIFY(!inView(osg::Vec3d(p.x, p.y, 0.0), vp) || drawn.count(t.drawable) != 0);
                continue;
            }
            for (const Vec2& p : city.roads.shape(LinkId(item))) {
                QVERIFY(!inView(osg::Vec3d(p.x, p.y, 0.0), vp) || drawn.count(t.drawable) != 0);
            }
        }
    }
    qInfo("%zu buildings in view", buildingsInView);
    QVERIFY(buildingsInView > 100);
    QVERIFY(buildingsInView < city.buildings.count() / 4);

    // The overview (home view) of the same town draws every tile.
    const osg::Matrixd homeView = osg::Matrixd::lookAt(scene.home.eye, scene.home.center, scene.home.up);
    const std::set<const osg::Drawable*> all = drawablesAfterCulling(*scene.root, homeView, projection, w, h);
    for (const render::PickTables::Table& t : scene.pick.buildings) {
        QVERIFY(all.count(t.drawable) != 0);
    }
}

void TestRenderScene::terrainTilesCulledAndCoarserFarAway() {
    // The 2 km town's 2.6 km DEM (10 m cells) is 5 x 5 tiles of 520 m, each an osg::LOD of
    // three levels (every grid point, every 2nd, every 4th). OSG's cull traversal, as the
    // viewer draws: a close view draws few tiles, the nearest at full resolution; from far away
    // every tile is in view but drawn at the coarsest level.
    const CityModel city = test::makeSyntheticCity({.buildings = 6400, .facilities = 0});
    const render::SceneBuild scene = render::buildCityScene(city);
    const std::vector<const osg::LOD*> tiles = terrainLods(scene.root.get());
    QCOMPARE(tiles.size(), std::size_t{25});
    std::size_t fullTriangles = 0;
    for (const osg::LOD* lod : tiles) {
        QCOMPARE(lod->getNumChildren(), 3u);
        std::array<std::size_t, 3> n{};
        for (unsigned l = 0; l < 3; ++l) {
            const osg::Drawable* d = lod->getChild(l)->asDrawable();
            QVERIFY(d != nullptr);
            QCOMPARE(d->getName(), std::string("terrain"));  // picking stops at every level
            n[l] = triangleCount(d);
            if (l > 0) {
                QCOMPARE(lod->getMinRange(l), lod->getMaxRange(l - 1));
            }
        }
        QVERIFY(n[1] * 3 < n[0]);
        QVERIFY(n[2] * 10 < n[0]);
        fullTriangles += n[0];
    }
    // Stats count the most detailed level only.
    QVERIFY(scene.stats.triangles >= fullTriangles);

    const int w = 1280;
    const int h = 720;
    const osg::Matrixd projection = osg::Matrixd::perspective(30.0, double(w) / h, 1.0, 1e5);
    struct Drawn {
        std::size_t tiles = 0;
        std::size_t triangles = 0;
        std::array<std::size_t, 3> atLevel{};
    };
    auto cull = [&](const osg::Vec3d& eye, const osg::Vec3d& centre) {
        const osg::Matrixd view = osg::Matrixd::lookAt(eye, centre, osg::Vec3d(0.0, 0.0, 1.0));
        const std::set<const osg::Drawable*> drawn =
            drawablesAfterCulling(*scene.root, view, projection, w, h);
        Drawn out;
        for (const osg::LOD* lod : tiles) {
            for (unsigned l = 0; l < lod->getNumChildren(); ++l) {
                const osg::Drawable* d = lod->getChild(l)->asDrawable();
                if (drawn.count(d) != 0) {
                    ++out.tiles;
                    ++out.atLevel[l];
                    out.triangles += triangleCount(d);
                }
            }
        }
        qInfo(
            "eye (%.0f, %.0f, %.0f): %zu of %zu terrain tiles drawn (%zu full, %zu 1/2, %zu 1/4), %zu of %zu "
            "triangles",
            eye.x(), eye.y(), eye.z(), out.tiles, tiles.size(), out.atLevel[0], out.atLevel[1],
            out.atLevel[2], out.triangles, fullTriangles);
        return out;
    };
    // Close to the town's south-west corner (as in tilesOutsideTheViewAreCulled): at most a
    // third of the tiles, the one looked at in full resolution.
    const Drawn close = cull(osg::Vec3d(-50.0, -50.0, 350.0), osg::Vec3d(200.0, 200.0, 100.0));
    QVERIFY(close.tiles > 0);
    QVERIFY(close.tiles * 3 <= tiles.size());
    QVERIFY(close.atLevel[0] > 0);
    QVERIFY(close.triangles * 4 < fullTriangles);
    // Right above the middle, looking down: the tile below is in full resolution.
    const Drawn above = cull(osg::Vec3d(1000.0, 1000.0, 600.0), osg::Vec3d(1000.0, 1001.0, 100.0));
    QVERIFY(above.atLevel[0] > 0);
    // 7 km away: every tile in view, every one at the coarsest level.
    const Drawn far = cull(osg::Vec3d(1000.0, -5000.0, 3500.0), osg::Vec3d(1000.0, 1000.0, 100.0));
    QCOMPARE(far.tiles, tiles.size());
    QCOMPARE(far.atLevel[2], tiles.size());
    QVERIFY(far.triangles * 10 < fullTriangles);
    QVERIFY(far.triangles / far.tiles * 8 < above.triangles / above.tiles);  // per tile drawn
    // The home view (4 km away) draws every tile, some coarser, fewer triangles than the full.
    const Drawn home = cull(scene.home.eye, scene.home.center);
    QCOMPARE(home.tiles, tiles.size());
    QVERIFY(home.triangles < fullTriangles);

    // Without level of detail: the same tiles, each one full-resolution mesh.
    render::SceneOptions noLod;
    noLod.terrainLod = false;
    const render::SceneBuild flat = render::buildCityScene(city, noLod);
    QVERIFY(terrainLods(flat.root.get()).empty());
    std::vector<const osg::Geometry*> meshes;
    findGeometries(layerNode(flat.root.get(), "terrain"), "terrain", meshes);
    QCOMPARE(meshes.size(), tiles.size());
    std::size_t noLodSurface = 0;
    for (const osg::Geometry* g : meshes) {
        noLodSurface += surfaceTriangles(g);
    }
    QCOMPARE(noLodSurface, std::size_t(2 * (city.terrain.width - 1) * (city.terrain.height - 1)));
}

void TestRenderScene::terrainCoarseLevelsStayBelowTheGround() {
    // Steep hills and a river channel: the coarse levels are lowered so that they lie nowhere
    // above the full-resolution ground, on which roads, areas and buildings are placed (a
    // coarse ground above them would hide them). OSG's ray intersection with each level.
    test::SyntheticCityOptions options;
    options.buildings = 1600;
    options.hillHeight = 40.0;
    options.riverBed = 4.0;
    options.facilities = 0;
    const CityModel city = test::makeSyntheticCity(options);
    const render::SceneBuild scene = render::buildCityScene(city);
    const std::vector<const osg::LOD*> tiles = terrainLods(scene.root.get());
    QVERIFY(tiles.size() >= 4);
    auto topZ = [](osg::Node* node, double x, double y) {
        osg::ref_ptr<osgUtil::LineSegmentIntersector> ray =
            new osgUtil::LineSegmentIntersector(osg::Vec3d(x, y, 1e4), osg::Vec3d(x, y, -1e4));
        osgUtil::IntersectionVisitor visitor(ray.get());
        node->accept(visitor);
        return ray->containsIntersections() ? ray->getFirstIntersection().getWorldIntersectPoint().z() : NAN;
    };
    double worstAbove = -1e9;
    double worstBelow = 0.0;
    std::size_t samples = 0;
    for (const osg::LOD* lod : tiles) {
        auto* full = const_cast<osg::Node*>(lod->getChild(0));
        const auto* v = dynamic_cast<const osg::Vec3Array*>(full->asGeometry()->getVertexArray());
        for (unsigned l = 1; l < lod->getNumChildren(); ++l) {
            auto* coarse = const_cast<osg::Node*>(lod->getChild(l));
            osg::ref_ptr<osg::KdTreeBuilder> kdTree = new osg::KdTreeBuilder;
            coarse->accept(*kdTree);
            for (std::size_t k = 0; k < v->size(); k += 7) {
                // Full-resolution vertices, nudged off the grid lines into the triangles.
                const osg::Vec3 p = (*v)[k];
                const double zc = topZ(coarse, p.x() + 0.3, p.y() + 0.1);
                const double zf = topZ(full, p.x() + 0.3, p.y() + 0.1);
                if (std::isfinite(zc) && std::isfinite(zf)) {
                    ++samples;
                    worstAbove = std::max(worstAbove, zc - zf);
                    worstBelow = std::min(worstBelow, zc - zf);
                }
            }
        }
    }
    qInfo("%zu samples: coarse levels at most %.4f m above and %.2f m below the full-resolution ground",
          samples, worstAbove, worstBelow);
    QVERIFY(samples > 1000);
    QVERIFY2(worstAbove < 1e-3, qPrintable(QString::number(worstAbove)));
    QVERIFY(worstBelow > -10.0);
}

void TestRenderScene::terrainTileEdgesMatch() {
    // At full resolution the tiles share the vertices of their common edges, at exactly the same
    // heights, and together hold every grid point and every grid square exactly once: no
    // cracks, no overlaps.
    const CityModel city = test::makeSyntheticCity({.buildings = 6400, .facilities = 0, .hillHeight = 30.0});
    const render::SceneBuild scene = render::buildCityScene(city);
    const std::vector<const osg::LOD*> tiles = terrainLods(scene.root.get());
    QCOMPARE(tiles.size(), std::size_t{25});
    // The top (highest vertex) at each (x, y) of each tile: skirts hang below their edge.
    std::map<std::pair<float, float>, std::vector<float>> tops;
    std::size_t surface = 0;
    for (const osg::LOD* lod : tiles) {
        const osg::Geometry* g = lod->getChild(0)->asGeometry();
        surface += surfaceTriangles(g);
        std::map<std::pair<float, float>, float> top;
        for (const osg::Vec3& p : *dynamic_cast<const osg::Vec3Array*>(g->getVertexArray())) {
            auto [it, added] = top.emplace(std::make_pair(p.x(), p.y()), p.z());
            if (!added) {
                it->second = std::max(it->second, p.z());
            }
        }
        for (const auto& [xy, z] : top) {
            tops[xy].push_back(z);
        }
    }
    std::size_t shared = 0;
    for (const auto& [xy, zs] : tops) {
        if (zs.size() > 1) {
            ++shared;
            for (const float z : zs) {
                QCOMPARE(z, zs.front());  // exactly
            }
        }
    }
    const auto cols = static_cast<std::size_t>(city.terrain.width);
    const auto rows = static_cast<std::size_t>(city.terrain.height);
    qInfo("%zu grid points, %zu on shared tile edges", tops.size(), shared);
    QCOMPARE(tops.size(), cols * rows);
    QCOMPARE(shared, 4 * (cols + rows) - 16);  // 4 inner lines each way, their 16 crossings once
    QCOMPARE(surface, 2 * (cols - 1) * (rows - 1));
}

void TestRenderScene::everyBuildingIsDrawn() {
    // A box building without terrain: 4 walls x 4 vertices + 4 roof vertices, 8 + 2 triangles.
    const CityModel city =
        test::makeSyntheticCity({.buildings = 37, .terrain = false, .river = false, .facilities = 0});
    const render::SceneBuild scene = render::buildCityScene(city);
    const osg::Geometry* buildings = findGeometry(scene.root.get(), "buildings");
    QVERIFY(buildings != nullptr);
    QCOMPARE(scene.pick.buildings.size(), std::size_t{1});  // a small town: one tile
    QCOMPARE(vertexCount(buildings), std::size_t{37 * 20});
    QCOMPARE(buildings->getPrimitiveSet(0)->getNumIndices(), 37u * 10u * 3u);
    QVERIFY(!buildings->getUseDisplayList());
    QVERIFY(buildings->getUseVertexBufferObjects());
}

void TestRenderScene::twoWayRoadDrawnOnce() {
    // The same straight road, once two-way (two links) and once one-way (one link): the
    // ribbon has the same vertices either way, because a two-way road is drawn once.
    auto cityWith = [](WayInput::Oneway oneway) {
        CityModel city;
        RoadNetworkBuilder builder;
        WayInput way;
        way.points = {{0.0, 0.0}, {100.0, 0.0}, {200.0, 50.0}};
        way.oneway = oneway;
        builder.addWay(way);
        city.roads = builder.build();
        DiagnosticReport report;
        city.finish(report);
        return city;
    };
    const CityModel twoWay = cityWith(WayInput::Oneway::No);
    const CityModel oneWay = cityWith(WayInput::Oneway::Forward);
    QCOMPARE(twoWay.roads.linkCount(), std::size_t{2});
    QCOMPARE(oneWay.roads.linkCount(), std::size_t{1});
    const render::SceneBuild a = render::buildCityScene(twoWay);
    const render::SceneBuild b = render::buildCityScene(oneWay);
    const std::size_t va = vertexCount(findGeometry(a.root.get(), "roads"));
    QVERIFY(va > 0);
    QCOMPARE(va, vertexCount(findGeometry(b.root.get(), "roads")));

    // Two lanes (3.5 m each) make a 7 m wide ribbon: its first two vertices are 7 m apart.
    const auto* v =
        dynamic_cast<const osg::Vec3Array*>(findGeometry(a.root.get(), "roads")->getVertexArray());
    QVERIFY(v != nullptr);
    QCOMPARE(std::round(((*v)[0] - (*v)[1]).length() * 100.0) / 100.0, 7.0);
}

void TestRenderScene::triangulatesConvexAndConcaveRings_data() {
    QTest::addColumn<std::vector<Vec2>>("ring");
    QTest::addColumn<int>("triangles");
    QTest::newRow("square ccw") << std::vector<Vec2>{{0, 0}, {10, 0}, {10, 10}, {0, 10}} << 2;
    QTest::newRow("square cw, closed") << std::vector<Vec2>{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}} << 2;
    QTest::newRow("L shape") << std::vector<Vec2>{{0, 0}, {20, 0}, {20, 5}, {5, 5}, {5, 20}, {0, 20}} << 4;
    QTest::newRow("U shape") << std::vector<Vec2>{{0, 0},   {30, 0},  {30, 30}, {20, 30},
                                                  {20, 10}, {10, 10}, {10, 30}, {0, 30}}
                             << 6;
    QTest::newRow("collinear and repeated points")
        << std::vector<Vec2>{{0, 0}, {5, 0}, {5, 0}, {10, 0}, {10, 10}, {0, 10}} << 3;
}

void TestRenderScene::triangulatesConvexAndConcaveRings() {
    QFETCH(std::vector<Vec2>, ring);
    QFETCH(int, triangles);
    const std::vector<std::uint32_t> tris = render::triangulateRing(ring);
    QCOMPARE(static_cast<int>(tris.size()), triangles * 3);
    bool allCcw = false;
    const double area = triangleArea(ring, tris, &allCcw);
    QVERIFY(allCcw);
    // The triangles tile the polygon: their areas add up to its area (shoelace formula).
    QVERIFY(std::abs(area - std::abs(signedArea(ring))) < 1e-9);
}

void TestRenderScene::triangulationSurvivesBadRings() {
    QVERIFY(render::triangulateRing(std::vector<Vec2>{}).empty());
    QVERIFY(render::triangulateRing(std::vector<Vec2>{{0, 0}, {1, 1}}).empty());
    QVERIFY(render::triangulateRing(std::vector<Vec2>{{0, 0}, {1, 0}, {2, 0}}).empty());  // all collinear
    // A bow-tie is not simple: some triangles, no crash, indices in range.
    const std::vector<Vec2> bowTie{{0, 0}, {10, 10}, {10, 0}, {0, 10}};
    for (std::uint32_t i : render::triangulateRing(bowTie)) {
        QVERIFY(i < bowTie.size());
    }
}

void TestRenderScene::areasStayAboveTheTerrain() {
    // Steep hills and a river in a channel with steep banks: the draped water must never dip
    // under the terrain as drawn. The terrain height comes from OSG's own ray intersection
    // with the terrain mesh.
    test::SyntheticCityOptions options;
    options.buildings = 100;
    options.hillHeight = 40.0;
    options.riverBed = 4.0;
    const CityModel city = test::makeSyntheticCity(options);
    const render::SceneBuild scene = render::buildCityScene(city);
    auto* terrain = const_cast<osg::Geometry*>(findGeometry(scene.root.get(), "terrain"));
    const osg::Geometry* areas = findGeometry(scene.root.get(), "areas");
    QVERIFY(terrain != nullptr && areas != nullptr);
    osg::ref_ptr<osg::KdTreeBuilder> kdTree = new osg::KdTreeBuilder;
    terrain->accept(*kdTree);

    auto terrainZ = [&](double x, double y) {
        osg::ref_ptr<osgUtil::LineSegmentIntersector> ray =
            new osgUtil::LineSegmentIntersector(osg::Vec3d(x, y, 1e4), osg::Vec3d(x, y, -1e4));
        osgUtil::IntersectionVisitor visitor(ray.get());
        terrain->accept(visitor);
        return ray->containsIntersections() ? ray->getFirstIntersection().getWorldIntersectPoint().z() : NAN;
    };
    const auto* v = dynamic_cast<const osg::Vec3Array*>(areas->getVertexArray());
    const osg::PrimitiveSet* tris = areas->getPrimitiveSet(0);
    QVERIFY(v != nullptr && tris->getNumIndices() >= 3);
    const unsigned triangles = tris->getNumIndices() / 3;
    const unsigned stride = std::max(1u, triangles / 1500);
    double worst = 1e9;
    for (unsigned t = 0; t < triangles; t += stride) {
        const osg::Vec3 a = (*v)[tris->index(3 * t)];
        const osg::Vec3 b = (*v)[tris->index(3 * t + 1)];
        const osg::Vec3 c = (*v)[tris->index(3 * t + 2)];
        // Points of the triangle itself: its centroid and its edge midpoints.
        for (const osg::Vec3& p : {(a + b + c) / 3.0f, (a + b) / 2.0f, (b + c) / 2.0f, (c + a) / 2.0f}) {
            const double zt = terrainZ(p.x(), p.y());
            if (std::isfinite(zt)) {
                worst = std::min(worst, p.z() - zt);
            }
        }
    }
    qInfo("%u area triangles, lowest point %.3f m above the terrain", triangles, worst);
    // Lifted 0.15 m, bends of up to 0.05 m tolerated.
    QVERIFY2(worst > 0.05, qPrintable(QStringLiteral("an area dips to %1 m above the terrain").arg(worst)));
}

void TestRenderScene::drapesLongRectangles() {
    // An axis-aligned park five times longer than wide on hilly terrain: halving its diagonal
    // makes triangles whose two longest edges are exactly equal, which once sent the draper
    // into endless recursion (a crash). It must drape and stay above the ground.
    CityModel city =
        test::makeSyntheticCity({.buildings = 16, .terrain = true, .river = false, .facilities = 0});
    const std::vector<Vec2> ring{{-500.0, 0.0}, {500.0, 0.0}, {500.0, 200.0}, {-500.0, 200.0}};
    city.landUse.ringPoints.insert(city.landUse.ringPoints.end(), ring.begin(), ring.end());
    city.landUse.ringOffset.push_back(static_cast<std::uint32_t>(city.landUse.ringPoints.size()));
    city.landUse.kind.push_back(LandUseKind::Park);
    city.landUse.area.push_back(200000.0f);
    const render::SceneBuild scene = render::buildCityScene(city);
    const osg::Geometry* areas = findGeometry(scene.root.get(), "areas");
    QVERIFY(areas != nullptr);
    QVERIFY(areas->getVertexArray()->getNumElements() > 4);  // split to follow the hills
}

void TestRenderScene::homeViewFramesTheCity() {
    const CityModel city = test::makeSyntheticCity({.buildings = 400});
    const double aspect = 1.6;
    const render::HomeView home = render::homeView(city, {}, 30.0, aspect);
    // Project the buildings with an independent camera model: (nearly) all inside the view,
    // and filling it (some near an edge).
    const osg::Matrixd vp = osg::Matrixd::lookAt(home.eye, home.center, home.up) *
                            osg::Matrixd::perspective(30.0, aspect, 1.0, 1e5);
    std::size_t inside = 0;
    double maxNdc = 0.0;
    for (const Vec2 c : city.buildings.centroid) {
        const osg::Vec3d ndc = osg::Vec3d(c.x, c.y, 100.0) * vp;
        const double m = std::max(std::abs(ndc.x()), std::abs(ndc.y()));
        inside += m <= 1.0 ? 1 : 0;
        maxNdc = std::max(maxNdc, m);
    }
    QVERIFY2(inside >= city.buildings.count() * 95 / 100, qPrintable(QString::number(inside)));
    QVERIFY2(maxNdc > 0.7, qPrintable(QString::number(maxNdc)));
    // Oblique: looking down, from above the ground.
    const osg::Vec3d dir = home.center - home.eye;
    QVERIFY(dir.z() < 0.0);
    QVERIFY(home.eye.z() > 100.0);
}

void TestRenderScene::flatGroundWithoutTerrain() {
    const CityModel city = test::makeSyntheticCity({.buildings = 10, .terrain = false});
    const render::SceneBuild scene = render::buildCityScene(city);
    QCOMPARE(vertexCount(findGeometry(scene.root.get(), "ground")), std::size_t{4});
    QVERIFY(findGeometry(scene.root.get(), "terrain") == nullptr);
}

void TestRenderScene::terrainIsDecimated() {
    const CityModel city = test::makeSyntheticCity({.buildings = 100});  // a 90 x 90 DEM
    const int w = city.terrain.width;
    const render::SceneBuild full = render::buildCityScene(city);
    QCOMPARE(vertexCount(findGeometry(full.root.get(), "terrain")), static_cast<std::size_t>(w) * w);
    render::SceneOptions options;
    options.maxTerrainSize = w / 2;
    const render::SceneBuild half = render::buildCityScene(city, options);
    const std::size_t side = static_cast<std::size_t>((w - 1) / 2 + 1);
    QCOMPARE(vertexCount(findGeometry(half.root.get(), "terrain")), side * side);
}

QTEST_GUILESS_MAIN(TestRenderScene)
#include "tst_render_scene.moc"
