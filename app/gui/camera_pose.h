#pragma once
/// Where the 3D view's camera is, as the orbit manipulator keeps it: the point looked at, the
/// distance from it and the direction of view (heading and tilt, the horizon always level).
/// Plain C++: no Qt, no OSG. Camera flights interpolate between two poses.

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ct::gui {

struct CameraPose {
    double cx = 0.0;          ///< m, the point looked at (city's local frame: x east, y north, z up)
    double cy = 0.0;          ///< m
    double cz = 0.0;          ///< m
    double distance = 100.0;  ///< m from the eye to that point
    double heading = 0.0;     ///< deg, compass direction of view: 0 north, 90 east
    double tilt = 0.0;        ///< deg from straight down: 0 top-down, 90 horizontal

    friend bool operator==(const CameraPose&, const CameraPose&) = default;
};

/// Smooth start and stop: 0 -> 0, 1 -> 1, zero slope at both ends.
inline double easeInOut(double t) {
    t = std::clamp(t, 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

/// The pose a share `t` (0..1) of the way from `a` to `b`: the point looked at moves along the
/// straight line, the distance geometrically (zooming feels even), the heading turns the short
/// way round and the tilt linearly. When the point travels far compared with the distances, the
/// camera rises on the way (up to twice as far at the middle), so the user keeps their bearings.
inline CameraPose interpolatePose(const CameraPose& a, const CameraPose& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    CameraPose p;
    p.cx = a.cx + (b.cx - a.cx) * t;
    p.cy = a.cy + (b.cy - a.cy) * t;
    p.cz = a.cz + (b.cz - a.cz) * t;
    const double d0 = std::max(a.distance, 1e-3);
    const double d1 = std::max(b.distance, 1e-3);
    const double travel = std::hypot(b.cx - a.cx, b.cy - a.cy);
    const double rise = std::min(1.0, travel / (4.0 * std::max(d0, d1)));
    p.distance = std::exp(std::log(d0) + (std::log(d1) - std::log(d0)) * t) *
                 (1.0 + rise * std::sin(std::numbers::pi * t));
    const double turn = std::remainder(b.heading - a.heading, 360.0);
    p.heading = std::fmod(a.heading + turn * t + 360.0, 360.0);
    p.tilt = a.tilt + (b.tilt - a.tilt) * t;
    return p;
}

}  // namespace ct::gui
