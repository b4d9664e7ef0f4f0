#pragma once
/// Uniform-grid spatial indexes for nearest-item queries in the local frame.
///
/// Results are deterministic: ties in distance go to the lowest item index.

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "citytwin/sim/geometry.h"
#include "citytwin/sim/road_network.h"

namespace ct {

/// Points (e.g. nodes, building centroids) in grid cells.
class PointIndex {
public:
    PointIndex(std::span<const Vec2> points, double cellSize);
    /// Indexes of points within `radius` of p, sorted by index.
    [[nodiscard]] std::vector<std::uint32_t> within(Vec2 p, double radius) const;

private:
    [[nodiscard]] std::int64_t key(std::int64_t ix, std::int64_t iy) const {
        return (ix << 32) ^ (iy & 0xffffffff);
    }
    std::span<const Vec2> m_points;
    double m_cell;
    std::unordered_map<std::int64_t, std::vector<std::uint32_t>> m_cells;  // lookup only, never iterated
};

/// The segments of selected road links, for "nearest link to a point" queries.
class LinkIndex {
public:
    /// Indexes the links for which `accept(link)` is true.
    LinkIndex(const RoadNetwork& net, const std::function<bool(LinkId)>& accept, double cellSize = 100.0);

    struct Hit {
        LinkId link;
        double distance = 0.0;  ///< m
        double offset = 0.0;    ///< m along the link of the closest point
    };
    /// The nearest indexed link within maxDistance m; invalid link when none.
    [[nodiscard]] Hit nearest(Vec2 p, double maxDistance) const;
    [[nodiscard]] bool empty() const { return m_cells.empty(); }

private:
    struct Seg {
        LinkId link;
        std::uint32_t index;  // segment index within the link's shape
    };
    [[nodiscard]] std::int64_t key(std::int64_t ix, std::int64_t iy) const {
        return (ix << 32) ^ (iy & 0xffffffff);
    }
    const RoadNetwork& m_net;
    double m_cell;
    std::unordered_map<std::int64_t, std::vector<Seg>> m_cells;  // lookup only, never iterated
};

}  // namespace ct
