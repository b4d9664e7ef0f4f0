#include "drape.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace ct::render::detail {

namespace {

constexpr double kTolerance = 0.05;    ///< m, how far the ground may leave a draped triangle's plane
constexpr int kMaxDepth = 24;          ///< bisection depth limit (a 2^12 reduction of edge length)
constexpr double kMaxEdgeCells = 4.0;  ///< longest edge kept whole, in grid spacings

/// Sutherland-Hodgman: clips the convex polygon `poly` to the left side of the directed line a->b.
std::vector<Vec2> clipHalfPlane(const std::vector<Vec2>& poly, Vec2 a, Vec2 b) {
    std::vector<Vec2> out;
    const std::size_t n = poly.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 p = poly[i];
        const Vec2 q = poly[(i + 1) % n];
        const double sp = cross(b - a, p - a);
        const double sq = cross(b - a, q - a);
        if (sp >= 0.0) {
            out.push_back(p);
        }
        if ((sp >= 0.0) != (sq >= 0.0)) {
            const double t = sp / (sp - sq);
            out.push_back(p + (q - p) * t);
        }
    }
    return out;
}

}  // namespace

Draper::Draper(MeshBuffer& mesh, const Ground& ground)
    : m_mesh(mesh), m_ground(ground), m_spacing(ground.spacing()) {}

void Draper::triangle(Vec2 a, Vec2 b, Vec2 c, double lift, const osg::Vec4& color, bool levelNormals) {
    m_lift = lift;
    m_color = color;
    m_levelNormals = levelNormals;
    split({a, m_ground.z(a)}, {b, m_ground.z(b)}, {c, m_ground.z(c)}, 0);
}

bool Draper::bent(const Corner& a, const Corner& b, const Corner& c) const {
    // Compare the ground with the triangle's plane at the edge midpoints and the centroid.
    const std::array<std::pair<Vec2, double>, 4> probes{{
        {(a.p + b.p) * 0.5, 0.5 * (a.z + b.z)},
        {(b.p + c.p) * 0.5, 0.5 * (b.z + c.z)},
        {(c.p + a.p) * 0.5, 0.5 * (c.z + a.z)},
        {(a.p + b.p + c.p) * (1.0 / 3.0), (a.z + b.z + c.z) / 3.0},
    }};
    return std::any_of(probes.begin(), probes.end(), [&](const auto& probe) {
        return std::abs(m_ground.z(probe.first) - probe.second) > kTolerance;
    });
}

void Draper::split(Corner a, Corner b, Corner c, int depth) {
    if (!m_ground.hasTerrain()) {
        emit(a, b, c);
        return;
    }
    const double ab = distance(a.p, b.p);
    const double bc = distance(b.p, c.p);
    const double ca = distance(c.p, a.p);
    const double longest = std::max({ab, bc, ca});
    const bool tooLong = longest > kMaxEdgeCells * m_spacing;
    if (!tooLong && !bent(a, b, c)) {
        emit(a, b, c);
        return;
    }
    if ((!tooLong && longest <= 2.0 * m_spacing) || depth >= kMaxDepth) {
        clipToFacets(a, b, c);  // small and bent: follow the mesh exactly
        return;
    }
    // Rotate so that ab is the longest edge (keeps the winding), then halve it. When two edges
    // tie for longest, ab must win if it is one of them: rotating between equals never ends.
    if (ab != longest) {
        if (bc == longest) {
            split(b, c, a, depth);
        } else {
            split(c, a, b, depth);
        }
        return;
    }
    const Vec2 mid = (a.p + b.p) * 0.5;
    const Corner m{mid, m_ground.z(mid)};
    split(a, m, c, depth + 1);
    split(m, b, c, depth + 1);
}

void Draper::clipToFacets(const Corner& a, const Corner& b, const Corner& c) {
    // The grid squares under the triangle's bounding box; outside the grid the ground is the
    // extended edge, where a plain triangle is as good as any.
    Box2 box;
    box.add(a.p);
    box.add(b.p);
    box.add(c.p);
    const double s = m_spacing;
    const double fx0 = (box.min.x - m_ground.vertexX(0)) / s;
    const double fx1 = (box.max.x - m_ground.vertexX(0)) / s;
    const double fy0 = (m_ground.vertexY(0) - box.max.y) / s;
    const double fy1 = (m_ground.vertexY(0) - box.min.y) / s;
    if (fx0 < 0.0 || fy0 < 0.0 || fx1 > m_ground.cols() - 1 || fy1 > m_ground.rows() - 1) {
        emit(a, b, c);
        return;
    }
    const int i0 = static_cast<int>(fx0);
    const int i1 = std::min(static_cast<int>(fx1), m_ground.cols() - 2);
    const int j0 = static_cast<int>(fy0);
    const int j1 = std::min(static_cast<int>(fy1), m_ground.rows() - 2);
    for (int j = j0; j <= j1; ++j) {
        for (int i = i0; i <= i1; ++i) {
            const Vec2 nw{m_ground.vertexX(i), m_ground.vertexY(j)};
            const Vec2 ne{m_ground.vertexX(i + 1), m_ground.vertexY(j)};
            const Vec2 sw{m_ground.vertexX(i), m_ground.vertexY(j + 1)};
            const Vec2 se{m_ground.vertexX(i + 1), m_ground.vertexY(j + 1)};
            // The two facets of the square, as the mesh splits it (counter-clockwise).
            for (const std::array<Vec2, 3>& facet :
                 {std::array<Vec2, 3>{sw, se, ne}, std::array<Vec2, 3>{sw, ne, nw}}) {
                std::vector<Vec2> poly{a.p, b.p, c.p};
                for (int e = 0; e < 3 && poly.size() >= 3; ++e) {
                    poly = clipHalfPlane(poly, facet[e], facet[(e + 1) % 3]);
                }
                if (poly.size() < 3) {
                    continue;
                }
                // A convex piece on one plane facet: a fan, heights from the ground.
                const std::uint32_t first = vertex(poly[0], m_ground.z(poly[0]));
                std::uint32_t prev = vertex(poly[1], m_ground.z(poly[1]));
                for (std::size_t k = 2; k < poly.size(); ++k) {
                    const std::uint32_t next = vertex(poly[k], m_ground.z(poly[k]));
                    m_mesh.addTriangle(first, prev, next);
                    prev = next;
                }
            }
        }
    }
}

void Draper::emit(const Corner& a, const Corner& b, const Corner& c) {
    m_mesh.addTriangle(vertex(a.p, a.z), vertex(b.p, b.z), vertex(c.p, c.z));
}

std::uint32_t Draper::vertex(Vec2 p, double z) {
    // Land takes the terrain's normals, so it is shaded like the hills under it; water lies
    // level, whatever the banks of its bed do.
    return m_mesh.addVertex(
        osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(z + m_lift)),
        m_levelNormals ? osg::Vec3(0.0f, 0.0f, 1.0f) : m_ground.normal(p), m_color);
}

}  // namespace ct::render::detail
