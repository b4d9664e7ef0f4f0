#include "citytwin/render/triangulate.h"

#include <algorithm>
#include <cmath>

namespace ct::render {

namespace {

/// Twice the signed area of triangle abc (positive when counter-clockwise).
double orient(Vec2 a, Vec2 b, Vec2 c) {
    return cross(b - a, c - a);
}

/// True when p lies inside or on the edge of the counter-clockwise triangle abc.
bool inTriangle(Vec2 p, Vec2 a, Vec2 b, Vec2 c, double eps) {
    return orient(a, b, p) >= -eps && orient(b, c, p) >= -eps && orient(c, a, p) >= -eps;
}

}  // namespace

std::vector<std::uint32_t> triangulateRing(std::span<const Vec2> ring) {
    std::vector<std::uint32_t> out;
    std::size_t n = ring.size();
    if (n >= 2 && distance(ring.front(), ring[n - 1]) == 0.0) {
        --n;  // a closed ring repeats its first point
    }
    if (n < 3) {
        return out;
    }

    // The working polygon: indices of distinct consecutive vertices.
    std::vector<std::uint32_t> poly;
    poly.reserve(n);
    Box2 box;
    for (std::size_t i = 0; i < n; ++i) {
        if (poly.empty() || distance(ring[poly.back()], ring[i]) > 0.0) {
            poly.push_back(static_cast<std::uint32_t>(i));
            box.add(ring[i]);
        }
    }
    while (poly.size() > 1 && distance(ring[poly.back()], ring[poly.front()]) == 0.0) {
        poly.pop_back();
    }
    if (poly.size() < 3) {
        return out;
    }
    if (signedArea(ring.first(n)) < 0.0) {
        std::reverse(poly.begin(), poly.end());
    }

    // Areas below eps count as zero: collinear within rounding for the polygon's size.
    const double diag = std::hypot(box.width(), box.height());
    const double eps = 1e-12 * diag * diag;
    out.reserve((poly.size() - 2) * 3);

    std::size_t i = 0;  // where the search for the next ear starts; carrying it on keeps O(n^2)
    std::size_t misses = 0;
    while (poly.size() > 3) {
        const std::size_t m = poly.size();
        const std::size_t ip = (i + m - 1) % m;
        const std::size_t in = (i + 1) % m;
        const Vec2 a = ring[poly[ip]];
        const Vec2 b = ring[poly[i]];
        const Vec2 c = ring[poly[in]];
        const double area = orient(a, b, c);

        bool ear = false;
        if (std::abs(area) <= eps) {
            // A collinear (or spike) vertex: drop it without emitting a sliver.
            poly.erase(poly.begin() + static_cast<std::ptrdiff_t>(i));
            misses = 0;
            i = i % poly.size();
            continue;
        }
        if (area > 0.0) {
            ear = true;
            for (std::size_t k = 0; k < m && ear; ++k) {
                if (k == ip || k == i || k == in) {
                    continue;
                }
                const Vec2 p = ring[poly[k]];
                // Vertices coinciding with a corner (touching rings) do not block the ear.
                if (distance(p, a) == 0.0 || distance(p, b) == 0.0 || distance(p, c) == 0.0) {
                    continue;
                }
                ear = !inTriangle(p, a, b, c, eps);
            }
        }
        if (ear) {
            out.insert(out.end(), {poly[ip], poly[i], poly[in]});
            poly.erase(poly.begin() + static_cast<std::ptrdiff_t>(i));
            misses = 0;
            i = (i + m - 2) % (m - 1);  // step back: the previous vertex may have become an ear
            continue;
        }
        if (++misses > m) {
            // No ear left: the ring is not simple. Fan the rest so the area is still covered.
            for (std::size_t k = 1; k + 1 < poly.size(); ++k) {
                if (orient(ring[poly[0]], ring[poly[k]], ring[poly[k + 1]]) > 0.0) {
                    out.insert(out.end(), {poly[0], poly[k], poly[k + 1]});
                } else {
                    out.insert(out.end(), {poly[0], poly[k + 1], poly[k]});
                }
            }
            return out;
        }
        i = (i + 1) % m;
    }
    if (orient(ring[poly[0]], ring[poly[1]], ring[poly[2]]) > eps) {
        out.insert(out.end(), {poly[0], poly[1], poly[2]});
    }
    return out;
}

}  // namespace ct::render
