#pragma once
/// Where a point of a traffic lane lies in the scene: lanes of the traffic network turned into
/// 3D polylines, so a vehicle at (lane, position) can be drawn at world coordinates.
///
/// Plain geometry (no OSG types in the interface, no GL): built once per city and network, then
/// read-only, so any thread may call at() concurrently (the simulation worker does, to publish
/// vehicle positions as world coordinates).
///
/// Normal lanes follow their link's shape, offset to the right of the direction of travel
/// (right-hand traffic) to the middle of the lane as the road layer draws it: a two-way road's
/// ribbon is centred on the shape with the forward lanes right of it, a one-way road's ribbon is
/// centred on its lanes; lane 0 is the rightmost. A lane starts and ends where the traffic network
/// cut it back for the junctions at its ends (traffic::buildTrafficNetwork). Internal lanes are
/// cubic curves from the end of their incoming lane to the start of their outgoing lane, tangent
/// to both. Heights follow the drawn ground (bridges span straight between their ends) at the
/// same lift as the roads.
///
/// A network imported with its own lane geometry (a SUMO network) gives the lanes' centre lines
/// directly: each lane follows its polyline (SUMO's lane shapes, internal lanes their via lanes'
/// shapes), on flat ground; a lane without a shape falls back to the cubic curve (internal) or to
/// the origin (normal).

#include <cstdint>
#include <span>
#include <vector>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::render {

/// A point on a lane and the direction of travel there.
struct LanePose {
    double x = 0.0;        ///< m, local frame (east)
    double y = 0.0;        ///< m, local frame (north)
    double z = 0.0;        ///< m, the road surface
    double heading = 0.0;  ///< rad, direction of travel, counter-clockwise from +x (east)
};

class LaneGeometry {
public:
    /// `net` must have been built from `city.roads` (its normal lanes refer to the city's links).
    /// Links and lanes that do not match (a network from elsewhere) fall back to the link's
    /// whole shape, never to a crash.
    LaneGeometry(const CityModel& city, const traffic::TrafficNetwork& net, const SceneOptions& options = {});

    /// Lanes along explicit centre lines: the points of lane l are
    /// `points[offset[l] .. offset[l+1])` (CSR, m, the scene's frame), for the normal and the
    /// internal lanes of `net` (SumoNetwork::laneShapeOffset / laneShapePoints). Missing or
    /// degenerate shapes never crash: see above. A lateral offset is the lane's distance right of
    /// the middle of its link's lanes at `options.laneWidth`.
    LaneGeometry(const traffic::TrafficNetwork& net, std::span<const std::uint32_t> offset,
                 std::span<const Vec2> points, const SceneOptions& options = {});

    /// The pose `pos` m from the start of `lane` (clamped to the lane). An unknown lane gives
    /// the origin.
    [[nodiscard]] LanePose at(traffic::LaneId lane, double pos) const;

    /// m, how far right of its link's shape the middle of a normal lane lies (negative: left).
    [[nodiscard]] double lateralOffset(traffic::LaneId lane) const;

    [[nodiscard]] std::size_t laneCount() const { return m_laneLength.size(); }

private:
    /// Appends the polyline of the next lane; returns its length.
    double addPolyline(const std::vector<Vec2>& pts, const std::vector<double>& zs);
    /// Appends the next lane, internal lane `lane` of `net`, as a cubic curve from the end of its
    /// incoming lane to the start of its outgoing lane (both must be added already).
    void addJoin(const traffic::TrafficNetwork& net, std::size_t lane);

    // Each lane is a polyline in CSR form; `at` maps a lane position to an arc length on it.
    std::vector<std::uint32_t> m_offset{0};  ///< into the point columns, size laneCount()+1
    std::vector<double> m_x, m_y, m_z;       ///< m, polyline points
    std::vector<double> m_s;                 ///< m, arc length of each point from its polyline's start
    std::vector<double> m_begin, m_end;      ///< m, arc lengths where the lane starts and ends, per lane
    std::vector<double> m_laneLength;        ///< m, the network's lane length, per lane
    std::vector<double> m_lateral;           ///< m, lateral offset per lane (0 for internal lanes)
};

}  // namespace ct::render
