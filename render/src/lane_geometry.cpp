// Lanes of the traffic network as 3D polylines in the scene's frame.

#include "citytwin/render/lane_geometry.h"

#include <algorithm>
#include <cmath>

#include "ground.h"

namespace ct::render {

namespace {

/// Vehicles stand this far above the road surface's base lift, over every class's extra lift
/// (road_layer.cpp lifts bigger roads by up to 0.02 m per class rank).
constexpr double kVehicleLift = 0.3;

/// The lane width the traffic network used for its junction sizes (NetworkBuildOptions).
constexpr double kNetworkLaneWidth = 3.5;

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

/// `shape` with repeated points dropped and no segment longer than `maxStep` (0 = as is).
std::vector<Vec2> resample(std::span<const Vec2> shape, double maxStep) {
    std::vector<Vec2> out;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (!out.empty()) {
            const double len = distance(out.back(), shape[i]);
            if (len <= 1e-6) {
                continue;
            }
            const int pieces = maxStep > 0.0 ? static_cast<int>(std::ceil(len / maxStep)) : 1;
            const Vec2 a = out.back();
            for (int k = 1; k < pieces; ++k) {
                out.push_back(a + (shape[i] - a) * (static_cast<double>(k) / pieces));
            }
        }
        out.push_back(shape[i]);
    }
    return out;
}

/// The polyline moved `offset` m to its left (negative: right), mitred at the bends like the
/// road ribbons, so a lane stays in the middle of its strip of ribbon.
std::vector<Vec2> offsetPolyline(const std::vector<Vec2>& pts, double offset) {
    const std::size_t n = pts.size();
    std::vector<Vec2> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 nIn = i > 0 ? leftNormal(pts[i - 1], pts[i]) : Vec2{};
        const Vec2 nOut = i + 1 < n ? leftNormal(pts[i], pts[i + 1]) : Vec2{};
        Vec2 m = nIn + nOut;
        double d = offset;
        if (i == 0) {
            m = nOut;
        } else if (i + 1 == n) {
            m = nIn;
        } else if (length(m) < 1e-6) {
            m = nIn;
        } else {
            m = m * (1.0 / length(m));
            d = offset / std::max(dot(m, nIn), 0.35);
        }
        out[i] = pts[i] + m * d;
    }
    return out;
}

/// Junction radii exactly as traffic::buildTrafficNetwork computes them: half the widest road
/// crossing a junction of degree 3 or more, at most 30 % of its shortest link.
std::vector<double> junctionRadii(const RoadNetwork& r) {
    std::vector<double> radius(r.nodeCount(), 0.0);
    for (std::uint32_t n = 0; n < r.nodeCount(); ++n) {
        if (r.nodeDegree(NodeId{n}) < 3) {
            continue;
        }
        double widest = 0.0;
        double shortest = 1e9;
        for (auto links : {r.incoming(NodeId{n}), r.outgoing(NodeId{n})}) {
            for (LinkId l : links) {
                const LinkId rev = r.linkReverse[l.index()];
                const double total = r.linkLanes[l.index()] + (rev.valid() ? r.linkLanes[rev.index()] : 0);
                widest = std::max(widest, total);
                shortest = std::min(shortest, static_cast<double>(r.linkLength[l.index()]));
            }
        }
        radius[n] = std::min(0.5 * widest * kNetworkLaneWidth, 0.3 * shortest);
    }
    return radius;
}

}  // namespace

LaneGeometry::LaneGeometry(const CityModel& city, const traffic::TrafficNetwork& net,
                           const SceneOptions& options) {
    const RoadNetwork& roads = city.roads;
    const detail::Ground ground(city.terrain, options);
    const double lift = options.roadLift + kVehicleLift;
    const double width = options.laneWidth;
    const std::vector<double> radius = junctionRadii(roads);
    const std::size_t laneCount = net.laneCount();
    m_offset.reserve(laneCount + 1);
    m_begin.assign(laneCount, 0.0);
    m_end.assign(laneCount, 0.0);
    m_laneLength.assign(laneCount, 1.0);
    for (std::size_t lane = 0; lane < laneCount; ++lane) {
        m_laneLength[lane] = std::max(1e-3, static_cast<double>(net.laneLength[lane]));
    }
    m_lateral.assign(laneCount, 0.0);

    // Normal lanes: the link's shape moved sideways, cut back at the junctions.
    for (std::uint32_t lane = 0; lane < net.normalLaneCount && lane < laneCount; ++lane) {
        const LinkId link = net.laneLink[lane];
        std::vector<Vec2> pts;
        if (link.valid() && link.index() < roads.linkCount()) {
            pts = resample(roads.shape(link), ground.spacing());
        }
        if (pts.size() < 2) {
            addPolyline({}, {});  // nothing to follow: the lane sits at the origin
            continue;
        }
        const std::uint32_t li = link.index();
        const int lanes = std::max<int>(roads.linkLanes[li], 1);
        const int index = net.laneIndex[lane];
        const bool twoWay = roads.linkReverse[li].valid();
        const double right = twoWay ? (lanes - index - 0.5) * width : (0.5 * lanes - index - 0.5) * width;
        m_lateral[lane] = right;
        const std::vector<Vec2> path = offsetPolyline(pts, -right);

        // Heights: on the ground, or straight between the ends for a bridge.
        std::vector<double> zs(path.size());
        const bool bridge = roads.hasFlag(link, link_flags::kBridge);
        const double z0 = ground.z(pts.front());
        const double z1 = ground.z(pts.back());
        const double centreLength = polylineLength(pts);
        double along = 0.0;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (i > 0) {
                along += distance(pts[i - 1], pts[i]);
            }
            const double t = centreLength > 0.0 ? along / centreLength : 0.0;
            zs[i] = (bridge ? z0 + (z1 - z0) * t : ground.z(path[i])) + lift;
        }
        const double total = addPolyline(path, zs);

        // The lane runs between the junction edges; the arc length on the offset path is taken
        // in proportion to the centreline's.
        const double linkLength = roads.linkLength[li];
        const double rFrom = radius[roads.linkFrom[li].index()];
        const double rTo = radius[roads.linkTo[li].index()];
        const double expected = std::max(1.0, linkLength - rFrom - rTo);
        m_begin[lane] = 0.0;
        m_end[lane] = total;
        if (linkLength > 0.0 && std::abs(expected - net.laneLength[lane]) < 0.5 &&
            linkLength - rFrom - rTo > 1.0) {
            m_begin[lane] = total * rFrom / linkLength;
            m_end[lane] = total * (linkLength - rTo) / linkLength;
        }
    }

    // Internal lanes: a cubic curve tangent to the lanes it joins.
    for (std::size_t lane = net.normalLaneCount; lane < laneCount; ++lane) {
        addJoin(net, lane);
    }
}

LaneGeometry::LaneGeometry(const traffic::TrafficNetwork& net, std::span<const std::uint32_t> offset,
                           std::span<const Vec2> points, const SceneOptions& options) {
    const detail::Ground ground(Terrain{}, options);
    const double lift = options.roadLift + kVehicleLift;
    const std::size_t laneCount = net.laneCount();
    m_offset.reserve(laneCount + 1);
    m_begin.assign(laneCount, 0.0);
    m_end.assign(laneCount, 0.0);
    m_laneLength.assign(laneCount, 1.0);
    m_lateral.assign(laneCount, 0.0);
    for (std::size_t lane = 0; lane < laneCount; ++lane) {
        m_laneLength[lane] = std::max(1e-3, static_cast<double>(net.laneLength[lane]));
    }
    auto shapeOf = [&](std::size_t lane) -> std::vector<Vec2> {
        if (lane + 1 >= offset.size() || offset[lane] > offset[lane + 1] ||
            offset[lane + 1] > points.size()) {
            return {};
        }
        return resample(points.subspan(offset[lane], offset[lane + 1] - offset[lane]), 0.0);
    };
    auto add = [&](std::size_t lane, const std::vector<Vec2>& pts) {
        std::vector<double> zs(pts.size());
        for (std::size_t i = 0; i < pts.size(); ++i) {
            zs[i] = ground.z(pts[i]) + lift;
        }
        m_end[lane] = addPolyline(pts, zs);
    };
    for (std::uint32_t lane = 0; lane < net.normalLaneCount && lane < laneCount; ++lane) {
        std::vector<Vec2> pts = shapeOf(lane);
        if (pts.empty()) {
            addPolyline({}, {});
            continue;
        }
        add(lane, pts);
        const LinkId link = net.laneLink[lane];
        if (link.valid() && link.index() + 1 < net.linkLaneOffset.size()) {
            const std::uint32_t lanes =
                net.linkLaneOffset[link.index() + 1] - net.linkLaneOffset[link.index()];
            m_lateral[lane] = (0.5 * lanes - net.laneIndex[lane] - 0.5) * options.laneWidth;
        }
    }
    for (std::size_t lane = net.normalLaneCount; lane < laneCount; ++lane) {
        std::vector<Vec2> pts = shapeOf(lane);
        if (pts.size() >= 2) {
            add(lane, pts);
        } else {
            addJoin(net, lane);
        }
    }
}

double LaneGeometry::addPolyline(const std::vector<Vec2>& pts, const std::vector<double>& zs) {
    double s = 0.0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (i > 0) {
            s += distance(pts[i - 1], pts[i]);
        }
        m_x.push_back(pts[i].x);
        m_y.push_back(pts[i].y);
        m_z.push_back(zs[i]);
        m_s.push_back(s);
    }
    m_offset.push_back(static_cast<std::uint32_t>(m_x.size()));
    return s;
}

void LaneGeometry::addJoin(const traffic::TrafficNetwork& net, std::size_t lane) {
    const std::uint32_t c = net.laneConnection[lane];
    if (c >= net.connectionCount()) {
        addPolyline({}, {});
        return;
    }
    const traffic::LaneId from = net.connFrom[c];
    const LanePose a = at(from, net.laneLength[from.index()]);
    const LanePose b = at(net.connTo[c], 0.0);
    const Vec2 p0{a.x, a.y};
    const Vec2 p3{b.x, b.y};
    const double chord = distance(p0, p3);
    const double k = std::max(0.4 * chord, 1.0);
    const Vec2 p1 = p0 + Vec2{std::cos(a.heading), std::sin(a.heading)} * k;
    const Vec2 p2 = p3 - Vec2{std::cos(b.heading), std::sin(b.heading)} * k;
    constexpr int kPieces = 12;
    std::vector<Vec2> pts;
    std::vector<double> zs;
    for (int i = 0; i <= kPieces; ++i) {
        const double t = static_cast<double>(i) / kPieces;
        const double u = 1.0 - t;
        pts.push_back(p0 * (u * u * u) + p1 * (3.0 * u * u * t) + p2 * (3.0 * u * t * t) + p3 * (t * t * t));
        zs.push_back(a.z + (b.z - a.z) * t);
    }
    const double total = addPolyline(pts, zs);
    m_begin[lane] = 0.0;
    m_end[lane] = total;
}

LanePose LaneGeometry::at(traffic::LaneId lane, double pos) const {
    LanePose out;
    const std::size_t l = lane.index();
    if (!lane.valid() || l + 1 >= m_offset.size()) {
        return out;
    }
    const std::uint32_t first = m_offset[l];
    const std::uint32_t last = m_offset[l + 1];  // one past
    if (last <= first) {
        return out;
    }
    if (last - first == 1) {
        out.x = m_x[first];
        out.y = m_y[first];
        out.z = m_z[first];
        return out;
    }
    const double t = std::clamp(pos / m_laneLength[l], 0.0, 1.0);
    const double s = m_begin[l] + t * (m_end[l] - m_begin[l]);
    // The segment [i, i+1] holding arc length s.
    const auto begin = m_s.begin() + first;
    const auto end = m_s.begin() + last;
    auto it = std::upper_bound(begin + 1, end - 1, s);
    auto i = static_cast<std::size_t>(it - m_s.begin()) - 1;
    // Skip zero-length segments for the heading.
    std::size_t j = i + 1;
    const double segLen = m_s[j] - m_s[i];
    const double f = segLen > 1e-9 ? std::clamp((s - m_s[i]) / segLen, 0.0, 1.0) : 0.0;
    out.x = m_x[i] + f * (m_x[j] - m_x[i]);
    out.y = m_y[i] + f * (m_y[j] - m_y[i]);
    out.z = m_z[i] + f * (m_z[j] - m_z[i]);
    while (segLen <= 1e-9 && j + 1 < last) {
        ++i;
        ++j;
        if (m_s[j] - m_s[i] > 1e-9) {
            break;
        }
    }
    out.heading = std::atan2(m_y[j] - m_y[i], m_x[j] - m_x[i]);
    return out;
}

double LaneGeometry::lateralOffset(traffic::LaneId lane) const {
    return lane.valid() && lane.index() < m_lateral.size() ? m_lateral[lane.index()] : 0.0;
}

}  // namespace ct::render
