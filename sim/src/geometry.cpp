#include "citytwin/sim/geometry.h"

#include <algorithm>

namespace ct {

double polylineLength(std::span<const Vec2> pts) {
    double len = 0.0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
        len += distance(pts[i - 1], pts[i]);
    }
    return len;
}

double signedArea(std::span<const Vec2> ring) {
    const std::size_t n = ring.size();
    if (n < 3) {
        return 0.0;
    }
    // Shoelace formula around the first vertex, which keeps precision for small rings far from 0.
    double twice = 0.0;
    const Vec2 o = ring[0];
    for (std::size_t i = 1; i + 1 < n; ++i) {
        twice += cross(ring[i] - o, ring[i + 1] - o);
    }
    return 0.5 * twice;
}

Vec2 ringCentroid(std::span<const Vec2> ring) {
    const std::size_t n = ring.size();
    if (n == 0) {
        return {};
    }
    const Vec2 o = ring[0];
    double a2 = 0.0;
    Vec2 acc{};
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const Vec2 p = ring[i] - o;
        const Vec2 q = ring[i + 1] - o;
        const double c = cross(p, q);
        a2 += c;
        acc = acc + (p + q) * c;
    }
    if (std::abs(a2) < 1e-9) {
        Vec2 mean{};
        for (const Vec2& p : ring) {
            mean = mean + p;
        }
        return mean * (1.0 / static_cast<double>(n));
    }
    return o + acc * (1.0 / (3.0 * a2));
}

namespace {
bool segmentsCross(Vec2 a, Vec2 b, Vec2 c, Vec2 d) {
    const double d1 = cross(b - a, c - a);
    const double d2 = cross(b - a, d - a);
    const double d3 = cross(d - c, a - c);
    const double d4 = cross(d - c, b - c);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}
}  // namespace

bool ringSelfIntersects(std::span<const Vec2> ring) {
    const std::size_t n = ring.size();
    if (n < 4) {
        return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 a = ring[i];
        const Vec2 b = ring[(i + 1) % n];
        for (std::size_t j = i + 2; j < n; ++j) {
            if (i == 0 && j == n - 1) {
                continue;  // adjacent through the closing edge
            }
            if (segmentsCross(a, b, ring[j], ring[(j + 1) % n])) {
                return true;
            }
        }
    }
    return false;
}

double pointSegmentDistance(Vec2 p, Vec2 a, Vec2 b, double* tOut) {
    const Vec2 ab = b - a;
    const double len2 = dot(ab, ab);
    double t = len2 > 0.0 ? dot(p - a, ab) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    if (tOut != nullptr) {
        *tOut = t;
    }
    return distance(p, a + ab * t);
}

bool pointInRing(Vec2 p, std::span<const Vec2> ring) {
    bool inside = false;
    const std::size_t n = ring.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const Vec2 a = ring[i];
        const Vec2 b = ring[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
            inside = !inside;
        }
    }
    return inside;
}

}  // namespace ct
