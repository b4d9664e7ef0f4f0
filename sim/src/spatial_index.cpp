#include "citytwin/sim/spatial_index.h"

#include <algorithm>
#include <cmath>

namespace ct {

namespace {
std::int64_t cellOf(double v, double cell) {
    return static_cast<std::int64_t>(std::floor(v / cell));
}
}  // namespace

PointIndex::PointIndex(std::span<const Vec2> points, double cellSize) : m_points(points), m_cell(cellSize) {
    for (std::uint32_t i = 0; i < points.size(); ++i) {
        m_cells[key(cellOf(points[i].x, m_cell), cellOf(points[i].y, m_cell))].push_back(i);
    }
}

std::vector<std::uint32_t> PointIndex::within(Vec2 p, double radius) const {
    std::vector<std::uint32_t> out;
    const std::int64_t x0 = cellOf(p.x - radius, m_cell), x1 = cellOf(p.x + radius, m_cell);
    const std::int64_t y0 = cellOf(p.y - radius, m_cell), y1 = cellOf(p.y + radius, m_cell);
    for (std::int64_t ix = x0; ix <= x1; ++ix) {
        for (std::int64_t iy = y0; iy <= y1; ++iy) {
            auto it = m_cells.find(key(ix, iy));
            if (it == m_cells.end()) {
                continue;
            }
            for (std::uint32_t i : it->second) {
                if (distance(m_points[i], p) <= radius) {
                    out.push_back(i);
                }
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

LinkIndex::LinkIndex(const RoadNetwork& net, const std::function<bool(LinkId)>& accept, double cellSize)
    : m_net(net), m_cell(cellSize) {
    for (std::uint32_t l = 0; l < net.linkCount(); ++l) {
        const LinkId id{l};
        if (!accept(id)) {
            continue;
        }
        const auto shape = net.shape(id);
        for (std::uint32_t s = 0; s + 1 < shape.size(); ++s) {
            // Register the segment in every cell its bounding box touches.
            const Vec2 a = shape[s], b = shape[s + 1];
            const std::int64_t x0 = cellOf(std::min(a.x, b.x), m_cell),
                               x1 = cellOf(std::max(a.x, b.x), m_cell);
            const std::int64_t y0 = cellOf(std::min(a.y, b.y), m_cell),
                               y1 = cellOf(std::max(a.y, b.y), m_cell);
            for (std::int64_t ix = x0; ix <= x1; ++ix) {
                for (std::int64_t iy = y0; iy <= y1; ++iy) {
                    m_cells[key(ix, iy)].push_back({id, s});
                }
            }
        }
    }
}

LinkIndex::Hit LinkIndex::nearest(Vec2 p, double maxDistance) const {
    Hit best;
    best.distance = maxDistance;
    const std::int64_t cx = cellOf(p.x, m_cell), cy = cellOf(p.y, m_cell);
    const auto maxRing = static_cast<std::int64_t>(std::ceil(maxDistance / m_cell)) + 1;
    // Search rings of cells outwards; stop once a ring is farther than the best hit so far.
    for (std::int64_t r = 0; r <= maxRing; ++r) {
        if (best.link.valid() && static_cast<double>(r - 1) * m_cell > best.distance) {
            break;
        }
        for (std::int64_t ix = cx - r; ix <= cx + r; ++ix) {
            for (std::int64_t iy = cy - r; iy <= cy + r; ++iy) {
                if (std::max(std::abs(ix - cx), std::abs(iy - cy)) != r) {
                    continue;
                }
                auto it = m_cells.find(key(ix, iy));
                if (it == m_cells.end()) {
                    continue;
                }
                for (const Seg& s : it->second) {
                    const auto shape = m_net.shape(s.link);
                    double t = 0.0;
                    const double d = pointSegmentDistance(p, shape[s.index], shape[s.index + 1], &t);
                    const bool better =
                        d < best.distance || (d == best.distance && best.link.valid() && s.link < best.link);
                    if (better || (!best.link.valid() && d <= best.distance)) {
                        best.link = s.link;
                        best.distance = d;
                        best.offset = polylineLength(shape.subspan(0, s.index + 1)) +
                                      t * distance(shape[s.index], shape[s.index + 1]);
                    }
                }
            }
        }
    }
    return best;
}

}  // namespace ct
