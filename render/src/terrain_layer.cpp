// The ground: the DEM as lit tiles coloured by elevation, each with coarser levels of detail
// farther away, or a flat plane without a DEM.
//
// Tiles. The DEM grid is cut into at most SceneOptions::maxTilesPerSide tiles a side of at
// least SceneOptions::tileSize (TileGrid), along grid lines: neighbouring tiles share the
// vertices of their common edge, so at full resolution the ground has no cracks. OSG culls each
// tile on its own, so a close view draws only the tiles it sees.
//
// Levels of detail. Each tile is an osg::LOD of three meshes: every grid vertex (step 1), every
// 2nd and every 4th (the tile's last row and column always included, and tile edges fall on
// multiples of 4, so tiles of the same level share their edges too). A coarse level is lowered
// so that it lies nowhere above the full-resolution ground: roads, land use, water and
// buildings are placed on the full-resolution ground (Ground::z), and a coarser ground above
// them would hide them (it is drawn first and they test against its depth). Below them they
// float by at most the level's height error, which the ranges keep under about a pixel.
//
// Ranges (distance from the eye to the tile's centre, T = the tile's side, r = its bounding
// radius, e = the height error of the level in that tile, largest over its vertices):
//   level 2^k is drawn beyond r + max(2^k T, kPixelsPerRadian * e)  (k = 1, 2)
// i.e. never while the eye is within two tile sides of the tile, and only where the height
// error is at most about one pixel of a 1080-pixel-high, 30 degree view.
//
// Cracks between tiles of different levels are closed by skirts: along every tile edge inside
// the DEM, a strip hanging down from the edge by the largest height error of any level (at
// least 1 m). A coarse edge lies between the full-resolution edge and that far below it.
//
// Every tile mesh of every level is named "terrain": picking stops at it (picking.cpp), and
// intersections select the most detailed level (osgUtil::IntersectionVisitor's default).

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <osg/Group>
#include <osg/LOD>
#include <osg/PolygonOffset>

#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

constexpr std::uint32_t kNoVertex = std::numeric_limits<std::uint32_t>::max();
constexpr std::array<int, 3> kSteps{1, 2, 4};  ///< grid step of each level, most detailed first
/// Pixels per radian of a 1080-pixel-high view with a 30 degree field: 1080 / (2 tan 15 deg).
constexpr double kPixelsPerRadian = 2015.0;
constexpr double kMinSkirt = 1.0;  ///< m

/// Grid lines of one level in the run [first, last]: every step-th line of the raster
/// (first is a multiple of step) and always `last`.
std::vector<int> levelLines(int first, int last, int step) {
    std::vector<int> out;
    for (int k = first; k < last; k += step) {
        out.push_back(k);
    }
    out.push_back(last);
    return out;
}

/// The heights of one level over the whole raster, at its lines (every step-th and the last),
/// lowered so that its surface lies nowhere above the full-resolution one.
struct Level {
    int step = 1;
    std::vector<int> cols;   ///< raster columns of this level's vertices
    std::vector<int> rows;   ///< raster rows
    std::vector<float> z;    ///< lowered heights, rows.size() x cols.size(), NaN where unknown
    std::vector<int> colOf;  ///< raster column -> index in cols (or -1)
    std::vector<int> rowOf;  ///< raster row -> index in rows (or -1)

    [[nodiscard]] float at(int a, int b) const { return z[static_cast<std::size_t>(b) * cols.size() + a]; }
};

/// Height of the cell (a, b) of `lv` (corners at columns a, a+1 and rows b, b+1 of the level) at
/// raster point (i, j), with the same SW-NE split as the mesh; NaN if a corner is unknown.
double cellZ(const Level& lv, const std::vector<float>& z, int a, int b, int i, int j) {
    const std::size_t w = lv.cols.size();
    const double nw = z[static_cast<std::size_t>(b) * w + a];
    const double ne = z[static_cast<std::size_t>(b) * w + a + 1];
    const double sw = z[static_cast<std::size_t>(b + 1) * w + a];
    const double se = z[static_cast<std::size_t>(b + 1) * w + a + 1];
    const double u = static_cast<double>(i - lv.cols[a]) / (lv.cols[a + 1] - lv.cols[a]);
    const double v = 1.0 - static_cast<double>(j - lv.rows[b]) / (lv.rows[b + 1] - lv.rows[b]);
    return u >= v ? sw + u * (se - sw) + v * (ne - se) : sw + v * (nw - sw) + u * (ne - nw);
}

/// Level `step` of the whole raster. Its vertices are lowered by the most its cells touching
/// them rise above the full-resolution ground: then every point of a lowered cell, a weighted
/// mean of its corners' drops, drops at least by the rise at that point. (The cells' diagonals
/// run along full-resolution diagonals, so checking the full-resolution vertices suffices,
/// except in the last row and column when the raster is not a multiple of the step.)
Level makeLevel(const Ground& ground, int step) {
    Level lv;
    lv.step = step;
    lv.cols = levelLines(0, ground.cols() - 1, step);
    lv.rows = levelLines(0, ground.rows() - 1, step);
    lv.colOf.assign(static_cast<std::size_t>(ground.cols()), -1);
    lv.rowOf.assign(static_cast<std::size_t>(ground.rows()), -1);
    for (std::size_t a = 0; a < lv.cols.size(); ++a) {
        lv.colOf[static_cast<std::size_t>(lv.cols[a])] = static_cast<int>(a);
    }
    for (std::size_t b = 0; b < lv.rows.size(); ++b) {
        lv.rowOf[static_cast<std::size_t>(lv.rows[b])] = static_cast<int>(b);
    }
    const std::size_t w = lv.cols.size();
    const std::size_t h = lv.rows.size();
    std::vector<float> z(w * h);
    for (std::size_t b = 0; b < h; ++b) {
        for (std::size_t a = 0; a < w; ++a) {
            z[b * w + a] = ground.vertexZ(lv.cols[a], lv.rows[b]);
        }
    }
    if (step == 1) {
        lv.z = std::move(z);
        return lv;
    }
    std::vector<float> drop(w * h, 0.0f);
    for (std::size_t b = 0; b + 1 < h; ++b) {
        for (std::size_t a = 0; a + 1 < w; ++a) {
            double rise = 0.0;
            for (int j = lv.rows[b]; j <= lv.rows[b + 1]; ++j) {
                for (int i = lv.cols[a]; i <= lv.cols[a + 1]; ++i) {
                    const float fine = ground.vertexZ(i, j);
                    const double coarse = cellZ(lv, z, static_cast<int>(a), static_cast<int>(b), i, j);
                    if (std::isfinite(fine) && std::isfinite(coarse)) {
                        rise = std::max(rise, coarse - fine);
                    }
                }
            }
            const auto r = static_cast<float>(rise);
            for (const std::size_t k : {b * w + a, b * w + a + 1, (b + 1) * w + a, (b + 1) * w + a + 1}) {
                drop[k] = std::max(drop[k], r);
            }
        }
    }
    lv.z.resize(w * h);
    for (std::size_t k = 0; k < w * h; ++k) {
        lv.z[k] = z[k] - drop[k];
    }
    return lv;
}

/// m, the largest height difference between `lv` and the full-resolution ground over the
/// raster vertices of columns i0..i1 and rows j0..j1 (tile bounds on the level's lines).
double levelError(const Ground& ground, const Level& lv, int i0, int i1, int j0, int j1) {
    if (lv.step == 1) {
        return 0.0;
    }
    double err = 0.0;
    for (int b = lv.rowOf[static_cast<std::size_t>(j0)]; lv.rows[b] < j1; ++b) {
        for (int a = lv.colOf[static_cast<std::size_t>(i0)]; lv.cols[a] < i1; ++a) {
            for (int j = lv.rows[b]; j <= lv.rows[b + 1]; ++j) {
                for (int i = lv.cols[a]; i <= lv.cols[a + 1]; ++i) {
                    const float fine = ground.vertexZ(i, j);
                    const double coarse = cellZ(lv, lv.z, a, b, i, j);
                    if (std::isfinite(fine) && std::isfinite(coarse)) {
                        err = std::max(err, std::abs(coarse - fine));
                    }
                }
            }
        }
    }
    return err;
}

/// One tile (raster columns i0..i1, rows j0..j1) at one level, with skirts `skirt` m deep along
/// the edges flagged in `skirtEdges` (west, east, north, south).
osg::ref_ptr<osg::Geometry> tileMesh(const Ground& ground, const Level& lv, int i0, int i1, int j0, int j1,
                                     std::array<bool, 4> skirtEdges, double skirt) {
    const double lo = ground.minZ();
    const double range = std::max(ground.maxZ() - lo, 1e-6);
    const double spacing = ground.spacing();
    const int s = lv.step;
    const int a0 = lv.colOf[static_cast<std::size_t>(i0)];
    const int a1 = lv.colOf[static_cast<std::size_t>(i1)];
    const int b0 = lv.rowOf[static_cast<std::size_t>(j0)];
    const int b1 = lv.rowOf[static_cast<std::size_t>(j1)];
    const int w = a1 - a0 + 1;
    const int h = b1 - b0 + 1;

    MeshBuffer mesh;
    std::vector<std::uint32_t> index(static_cast<std::size_t>(w) * h, kNoVertex);
    std::vector<osg::Vec3> normals(index.size());
    std::vector<osg::Vec4> colors(index.size());
    for (int b = b0; b <= b1; ++b) {
        for (int a = a0; a <= a1; ++a) {
            const int i = lv.cols[a];
            const int j = lv.rows[b];
            const float fine = ground.vertexZ(i, j);
            const float z = lv.at(a, b);
            if (!std::isfinite(z) || !std::isfinite(fine)) {
                continue;
            }
            // Central differences of the full-resolution ground over the level's step; an
            // unknown neighbour falls back to this vertex.
            auto nb = [&](int di, int dj) {
                const float e = ground.vertexZ(i + di, j + dj);
                return std::isfinite(e) ? static_cast<double>(e) : static_cast<double>(fine);
            };
            const double dzdx = (nb(s, 0) - nb(-s, 0)) / (2.0 * s * spacing);
            const double dzdy = (nb(0, -s) - nb(0, s)) / (2.0 * s * spacing);  // row 0 is north
            osg::Vec3 normal(static_cast<float>(-dzdx), static_cast<float>(-dzdy), 1.0f);
            normal.normalize();
            // Coloured by the full-resolution height, so a lowered vertex keeps its colour.
            const osg::Vec4 color = toVec4(terrainColor(static_cast<float>((fine - lo) / range)));
            const std::size_t k = static_cast<std::size_t>(b - b0) * w + (a - a0);
            index[k] = mesh.addVertex(
                osg::Vec3(static_cast<float>(ground.vertexX(i)), static_cast<float>(ground.vertexY(j)), z),
                normal, color);
            normals[k] = normal;
            colors[k] = color;
        }
    }
    auto vertexAt = [&](int a, int b) { return index[static_cast<std::size_t>(b) * w + a]; };
    // Two triangles per grid square, counter-clockwise seen from above, split along the
    // south-west to north-east diagonal (Ground::z follows the same split). Squares with an
    // unknown corner are left out.
    for (int b = 0; b + 1 < h; ++b) {
        for (int a = 0; a + 1 < w; ++a) {
            const std::uint32_t nw = vertexAt(a, b);
            const std::uint32_t ne = vertexAt(a + 1, b);
            const std::uint32_t sw = vertexAt(a, b + 1);
            const std::uint32_t se = vertexAt(a + 1, b + 1);
            if (nw == kNoVertex || ne == kNoVertex || sw == kNoVertex || se == kNoVertex) {
                continue;
            }
            mesh.addQuad(sw, se, ne, nw);
        }
    }
    // Skirts: a strip from each inner edge straight down, with the edge's normals and colours.
    auto edge = [&](int aFrom, int bFrom, int da, int db, int n) {
        std::uint32_t prevTop = kNoVertex;
        std::uint32_t prevBottom = kNoVertex;
        for (int t = 0; t < n; ++t) {
            const int a = aFrom + t * da;
            const int b = bFrom + t * db;
            const std::uint32_t top = vertexAt(a, b);
            std::uint32_t bottom = kNoVertex;
            if (top != kNoVertex) {
                const std::size_t k = static_cast<std::size_t>(b) * w + a;
                const osg::Vec3 p(static_cast<float>(ground.vertexX(lv.cols[a0 + a])),
                                  static_cast<float>(ground.vertexY(lv.rows[b0 + b])),
                                  static_cast<float>(lv.at(a0 + a, b0 + b) - skirt));
                bottom = mesh.addVertex(p, normals[k], colors[k]);
                if (prevTop != kNoVertex) {
                    mesh.addQuad(prevTop, top, bottom, prevBottom);
                }
            }
            prevTop = top;
            prevBottom = bottom;
        }
    };
    if (skirtEdges[0]) {
        edge(0, 0, 0, 1, h);  // west
    }
    if (skirtEdges[1]) {
        edge(w - 1, 0, 0, 1, h);  // east
    }
    if (skirtEdges[2]) {
        edge(0, 0, 1, 0, w);  // north
    }
    if (skirtEdges[3]) {
        edge(0, h - 1, 1, 0, w);  // south
    }
    if (mesh.empty()) {
        return {};
    }
    return mesh.finish("terrain");
}

osg::ref_ptr<osg::Node> terrainTiles(const Ground& ground, const SceneOptions& options) {
    const int cols = ground.cols();
    const int rows = ground.rows();
    const double spacing = ground.spacing();
    Box2 box;
    box.add(Vec2{ground.vertexX(0), ground.vertexY(rows - 1)});
    box.add(Vec2{ground.vertexX(cols - 1), ground.vertexY(0)});
    const TileGrid grid = TileGrid::over(box, options);
    const int align = kSteps.back();
    const std::vector<int> colCuts = TileGrid::cuts(cols, grid.nx, align);
    const std::vector<int> rowCuts = TileGrid::cuts(rows, grid.ny, align);

    // Levels: only those a tile is big enough for (at least 4 of the level's cells a side).
    std::vector<Level> levels;
    int smallestTile = std::numeric_limits<int>::max();
    for (const std::vector<int>* c : {&colCuts, &rowCuts}) {
        for (std::size_t k = 0; k + 1 < c->size(); ++k) {
            smallestTile = std::min(smallestTile, (*c)[k + 1] - (*c)[k]);
        }
    }
    for (const int step : kSteps) {
        if (step == 1 || (options.terrainLod && smallestTile >= 4 * step)) {
            levels.push_back(makeLevel(ground, step));
        }
    }
    // Skirt depth: the largest error of any level anywhere (a coarse edge lies between the
    // full-resolution edge and that far below it).
    std::vector<std::vector<double>> error(levels.size());
    double skirt = kMinSkirt;
    for (std::size_t l = 0; l < levels.size(); ++l) {
        for (std::size_t ty = 0; ty + 1 < rowCuts.size(); ++ty) {
            for (std::size_t tx = 0; tx + 1 < colCuts.size(); ++tx) {
                const double e =
                    levelError(ground, levels[l], colCuts[tx], colCuts[tx + 1], rowCuts[ty], rowCuts[ty + 1]);
                error[l].push_back(e);
                skirt = std::max(skirt, e + 0.5);
            }
        }
    }

    osg::ref_ptr<osg::Group> group = new osg::Group;
    std::size_t tile = 0;
    for (std::size_t ty = 0; ty + 1 < rowCuts.size(); ++ty) {
        for (std::size_t tx = 0; tx + 1 < colCuts.size(); ++tx, ++tile) {
            const int i0 = colCuts[tx];
            const int i1 = colCuts[tx + 1];
            const int j0 = rowCuts[ty];
            const int j1 = rowCuts[ty + 1];
            // Skirts along the edges shared with another tile (none around the raster).
            const std::array<bool, 4> skirts{
                levels.size() > 1 && tx > 0, levels.size() > 1 && tx + 2 < colCuts.size(),
                levels.size() > 1 && ty > 0, levels.size() > 1 && ty + 2 < rowCuts.size()};
            if (levels.size() == 1) {
                if (osg::ref_ptr<osg::Geometry> g =
                        tileMesh(ground, levels[0], i0, i1, j0, j1, skirts, skirt)) {
                    group->addChild(g.get());
                }
                continue;
            }
            // The levels this tile has (a level with no known cell ends the list).
            std::vector<osg::ref_ptr<osg::Geometry>> meshes;
            for (const Level& lv : levels) {
                osg::ref_ptr<osg::Geometry> g = tileMesh(ground, lv, i0, i1, j0, j1, skirts, skirt);
                if (!g) {
                    break;
                }
                meshes.push_back(g);
            }
            osg::ref_ptr<osg::LOD> lod = new osg::LOD;
            lod->setName("terrain tile");
            const double side = std::max(i1 - i0, j1 - j0) * spacing;
            double from = 0.0;
            for (std::size_t l = 0; l < meshes.size(); ++l) {
                double to = std::numeric_limits<float>::max();
                if (l + 1 < meshes.size()) {
                    const double radius = meshes[l]->getBound().radius();  // with its heights
                    to = std::max(from, radius + std::max(levels[l + 1].step * side,
                                                          kPixelsPerRadian * error[l + 1][tile]));
                }
                lod->addChild(meshes[l].get(), static_cast<float>(from), static_cast<float>(to));
                from = to;
            }
            if (lod->getNumChildren() > 0) {
                group->addChild(lod.get());
            }
        }
    }
    return group;
}

osg::ref_ptr<osg::Geometry> groundPlane(const CityModel& city) {
    Box2 box = city.extent;
    if (box.empty()) {
        box.add(Vec2{-500.0, -500.0});
        box.add(Vec2{500.0, 500.0});
    }
    const double margin = 0.25 * std::max({box.width(), box.height(), 100.0});
    const auto x0 = static_cast<float>(box.min.x - margin);
    const auto y0 = static_cast<float>(box.min.y - margin);
    const auto x1 = static_cast<float>(box.max.x + margin);
    const auto y1 = static_cast<float>(box.max.y + margin);
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    const osg::Vec4 c = toVec4(groundColor());
    MeshBuffer mesh;
    mesh.addQuad(mesh.addVertex({x0, y0, 0.0f}, up, c), mesh.addVertex({x1, y0, 0.0f}, up, c),
                 mesh.addVertex({x1, y1, 0.0f}, up, c), mesh.addVertex({x0, y1, 0.0f}, up, c));
    return mesh.finish("ground");
}

}  // namespace

osg::ref_ptr<osg::Node> buildTerrainLayer(const CityModel& city, const Ground& ground,
                                          const SceneOptions& options) {
    osg::ref_ptr<osg::Group> layer;
    if (ground.hasTerrain()) {
        layer = terrainTiles(ground, options)->asGroup();
    } else {
        layer = new osg::Group;
        layer->addChild(groundPlane(city).get());
    }
    layer->setName("terrain");
    // Push the ground back in depth so areas and roads drawn just above it win.
    osg::StateSet* ss = layer->getOrCreateStateSet();
    ss->setAttributeAndModes(new osg::PolygonOffset(2.0f, 4.0f), osg::StateAttribute::ON);
    // Drawn first: the areas painted over it rely on its depth (see buildAreaLayer).
    ss->setRenderBinDetails(-2, "RenderBin");
    return layer;
}

}  // namespace ct::render::detail
