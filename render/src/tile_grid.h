#pragma once
// Private: a fixed grid of tiles over the city, so that the large static layers (buildings,
// roads) are one drawable per tile instead of one for the whole city. OSG culls each tile on
// its own against the view frustum, so a close view draws only the tiles it sees, while the
// number of draw calls stays bounded by the number of tiles, whatever the size of the city.

#include <algorithm>
#include <cmath>
#include <vector>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"

namespace ct::render::detail {

struct TileGrid {
    Vec2 origin{0.0, 0.0};
    double sizeX = 1.0;  ///< m, width of a tile
    double sizeY = 1.0;  ///< m, height of a tile
    int nx = 1;          ///< tiles west to east
    int ny = 1;          ///< tiles south to north

    [[nodiscard]] int count() const { return nx * ny; }

    /// The tile holding `p`; points outside the grid go to the nearest tile on its edge.
    [[nodiscard]] int index(Vec2 p) const {
        const auto cell = [](double v, double size, int n) {
            const double k = std::floor(v / size);
            return std::isfinite(k) ? static_cast<int>(std::clamp(k, 0.0, static_cast<double>(n - 1))) : 0;
        };
        return cell(p.y - origin.y, sizeY, ny) * nx + cell(p.x - origin.x, sizeX, nx);
    }

    /// A grid over `box` of tiles at least `options.tileSize` wide (the whole box when it is
    /// smaller), at most `options.maxTilesPerSide` a side.
    static TileGrid over(const Box2& box, const SceneOptions& options) {
        TileGrid g;
        if (box.empty()) {
            return g;
        }
        const double tile = std::max(options.tileSize, 1.0);
        const int maxSide = std::clamp(options.maxTilesPerSide, 1, 64);
        auto side = [&](double extent) {
            return std::clamp(static_cast<int>(std::floor(extent / tile)), 1, maxSide);
        };
        g.origin = box.min;
        g.nx = side(box.width());
        g.ny = side(box.height());
        g.sizeX = std::max(box.width() / g.nx, 1e-6);
        g.sizeY = std::max(box.height() / g.ny, 1e-6);
        return g;
    }

    /// Cuts the grid lines 0 .. lines-1 of a raster (a DEM) into at most `parts` runs that share
    /// their end lines: run k spans lines cut[k] to cut[k+1], both included, so neighbouring
    /// tiles share the vertices of their common edge. Every cut but the last (lines-1) is a
    /// multiple of `align`, so that every align-th line of a tile is every align-th line of the
    /// raster. Fewer runs when the raster is too small for `parts` runs of `align` lines.
    static std::vector<int> cuts(int lines, int parts, int align) {
        std::vector<int> out{0};
        align = std::max(align, 1);
        parts = std::clamp(parts, 1, std::max((lines - 1) / align, 1));
        for (int k = 1; k < parts; ++k) {
            const double at = static_cast<double>(k) * (lines - 1) / parts;
            const int cut = static_cast<int>(std::lround(at / align)) * align;
            if (cut > out.back() && cut < lines - 1) {
                out.push_back(cut);
            }
        }
        out.push_back(std::max(lines - 1, 1));
        return out;
    }

    /// The grid of a city's static layers: over its buildings' centroids and road nodes.
    static TileGrid ofCity(const CityModel& city, const SceneOptions& options) {
        Box2 box;
        for (const Vec2& c : city.buildings.centroid) {
            box.add(c);
        }
        for (const Vec2& p : city.roads.nodePos) {
            box.add(p);
        }
        return over(box, options);
    }
};

}  // namespace ct::render::detail
