#pragma once
/// Plain 2D geometry in the model's local metric frame (metres east and north of the origin).

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

namespace ct {

struct Vec2 {
    double x = 0.0;  ///< m east of the model origin
    double y = 0.0;  ///< m north of the model origin
};

inline Vec2 operator+(Vec2 a, Vec2 b) {
    return {a.x + b.x, a.y + b.y};
}
inline Vec2 operator-(Vec2 a, Vec2 b) {
    return {a.x - b.x, a.y - b.y};
}
inline Vec2 operator*(Vec2 a, double s) {
    return {a.x * s, a.y * s};
}
inline double dot(Vec2 a, Vec2 b) {
    return a.x * b.x + a.y * b.y;
}
inline double cross(Vec2 a, Vec2 b) {
    return a.x * b.y - a.y * b.x;
}
inline double length(Vec2 a) {
    return std::hypot(a.x, a.y);
}
inline double distance(Vec2 a, Vec2 b) {
    return length(a - b);
}

/// Axis-aligned box; empty until the first point is added.
struct Box2 {
    Vec2 min{1e300, 1e300};
    Vec2 max{-1e300, -1e300};
    [[nodiscard]] bool empty() const { return min.x > max.x; }
    void add(Vec2 p) {
        min = {std::min(min.x, p.x), std::min(min.y, p.y)};
        max = {std::max(max.x, p.x), std::max(max.y, p.y)};
    }
    void add(const Box2& b) {
        if (!b.empty()) {
            add(b.min);
            add(b.max);
        }
    }
    [[nodiscard]] double width() const { return empty() ? 0.0 : max.x - min.x; }
    [[nodiscard]] double height() const { return empty() ? 0.0 : max.y - min.y; }
};

/// Length of a polyline in m.
double polylineLength(std::span<const Vec2> pts);

/// Signed area of a ring (positive when counter-clockwise), m^2. The ring may or may not repeat
/// its first point at the end.
double signedArea(std::span<const Vec2> ring);

/// Area centroid of a simple ring; the vertex mean when the area is (near) zero.
Vec2 ringCentroid(std::span<const Vec2> ring);

/// True when two non-adjacent edges of the ring cross (a "bow-tie"). O(n^2) for small rings,
/// fine for building footprints (the loader caps the check at a few hundred vertices).
bool ringSelfIntersects(std::span<const Vec2> ring);

/// Distance from p to the segment ab, and the parameter t in [0,1] of the closest point.
double pointSegmentDistance(Vec2 p, Vec2 a, Vec2 b, double* tOut = nullptr);

/// True when p lies inside the ring (even-odd rule).
bool pointInRing(Vec2 p, std::span<const Vec2> ring);

}  // namespace ct
