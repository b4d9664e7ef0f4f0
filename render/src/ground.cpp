#include "ground.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ct::render::detail {

Ground::Ground(const Terrain& terrain, const SceneOptions& options) {
    const auto cells = static_cast<std::size_t>(std::max(terrain.width, 0)) * std::max(terrain.height, 0);
    if (terrain.empty() || terrain.width < 2 || terrain.height < 2 || terrain.elevation.size() != cells ||
        !(terrain.cellSize > 0.0)) {
        return;
    }
    // Decimate big grids: every `step`-th cell centre becomes a vertex.
    const int maxSize = std::max(options.maxTerrainSize, 2);
    const int step = std::max(1, (std::max(terrain.width, terrain.height) + maxSize - 1) / maxSize);
    const int cols = (terrain.width - 1) / step + 1;
    const int rows = (terrain.height - 1) / step + 1;
    if (cols < 2 || rows < 2) {
        return;
    }
    std::vector<float> z(static_cast<std::size_t>(cols) * rows);
    double sum = 0.0;
    std::size_t known = 0;
    double lo = std::numeric_limits<double>::max();
    double hi = std::numeric_limits<double>::lowest();
    for (int j = 0; j < rows; ++j) {
        for (int i = 0; i < cols; ++i) {
            const float e = terrain.at(i * step, j * step);
            const float s = std::isfinite(e) ? static_cast<float>(e * options.verticalScale) : NAN;
            z[static_cast<std::size_t>(j) * cols + i] = s;
            if (std::isfinite(s)) {
                sum += s;
                ++known;
                lo = std::min(lo, static_cast<double>(s));
                hi = std::max(hi, static_cast<double>(s));
            }
        }
    }
    if (known == 0) {
        return;  // a grid without a single known cell is no terrain
    }
    m_cols = cols;
    m_rows = rows;
    m_spacing = terrain.cellSize * step;
    m_x0 = terrain.originX + 0.5 * terrain.cellSize;
    m_y0 = terrain.originY - 0.5 * terrain.cellSize;
    m_z = std::move(z);
    m_meanZ = sum / static_cast<double>(known);
    m_minZ = lo;
    m_maxZ = hi;
}

float Ground::vertexZ(int i, int j) const {
    i = std::clamp(i, 0, m_cols - 1);
    j = std::clamp(j, 0, m_rows - 1);
    return m_z[static_cast<std::size_t>(j) * m_cols + i];
}

double Ground::z(Vec2 p) const {
    if (m_cols == 0) {
        return 0.0;
    }
    // Grid coordinates, clamped onto the grid: outside it the edge continues.
    const double fx = std::clamp((p.x - m_x0) / m_spacing, 0.0, static_cast<double>(m_cols - 1));
    const double fy = std::clamp((m_y0 - p.y) / m_spacing, 0.0, static_cast<double>(m_rows - 1));
    const int i = std::min(static_cast<int>(fx), m_cols - 2);
    const int j = std::min(static_cast<int>(fy), m_rows - 2);
    const double u = fx - i;          // east, from the west side of the square
    const double v = 1.0 - (fy - j);  // north, from the south side
    const double nw = vertexZ(i, j);
    const double ne = vertexZ(i + 1, j);
    const double sw = vertexZ(i, j + 1);
    const double se = vertexZ(i + 1, j + 1);
    if (std::isfinite(nw) && std::isfinite(ne) && std::isfinite(sw) && std::isfinite(se)) {
        // The mesh splits each square along its south-west to north-east diagonal.
        return u >= v ? sw + u * (se - sw) + v * (ne - se) : sw + v * (nw - sw) + u * (ne - nw);
    }
    // A square with unknown corners is not drawn: use what is known around it.
    double sum = 0.0;
    int n = 0;
    for (const double c : {nw, ne, sw, se}) {
        if (std::isfinite(c)) {
            sum += c;
            ++n;
        }
    }
    return n > 0 ? sum / n : m_meanZ;
}

osg::Vec3 Ground::normal(Vec2 p) const {
    if (m_cols == 0) {
        return {0.0f, 0.0f, 1.0f};
    }
    const double h = m_spacing;
    const double dzdx = (z({p.x + h, p.y}) - z({p.x - h, p.y})) / (2.0 * h);
    const double dzdy = (z({p.x, p.y + h}) - z({p.x, p.y - h})) / (2.0 * h);
    osg::Vec3 n(static_cast<float>(-dzdx), static_cast<float>(-dzdy), 1.0f);
    n.normalize();
    return n;
}

}  // namespace ct::render::detail
