#include "citytwin/sim/city_model.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "citytwin/sim/spatial_index.h"

namespace ct {

const char* toString(BuildingUse u) {
    static constexpr const char* kNames[] = {"residential", "commercial", "industrial", "public", "other"};
    return kNames[static_cast<int>(u)];
}
const char* toString(FacilityKind k) {
    static constexpr const char* kNames[] = {"fire_station", "hospital", "police", "shelter", "school"};
    return kNames[static_cast<int>(k)];
}
const char* toString(LandUseKind k) {
    static constexpr const char* kNames[] = {"residential", "commercial", "industrial", "park",
                                             "farmland",    "forest",     "water",      "other"};
    return kNames[static_cast<int>(k)];
}

double Terrain::sample(Vec2 p) const {
    if (empty() || cellSize <= 0.0) {
        return std::nan("");
    }
    // Cell centres sit at half-cell offsets from the grid's west and north edges.
    const double fx = (p.x - originX) / cellSize - 0.5;
    const double fy = (originY - p.y) / cellSize - 0.5;
    if (fx < -0.5 || fy < -0.5 || fx > width - 0.5 || fy > height - 0.5) {
        return std::nan("");
    }
    const int x0 = std::clamp(static_cast<int>(std::floor(fx)), 0, width - 1);
    const int y0 = std::clamp(static_cast<int>(std::floor(fy)), 0, height - 1);
    const int x1 = std::min(x0 + 1, width - 1), y1 = std::min(y0 + 1, height - 1);
    const double tx = std::clamp(fx - x0, 0.0, 1.0), ty = std::clamp(fy - y0, 0.0, 1.0);
    const double a = at(x0, y0), b = at(x1, y0), c = at(x0, y1), d = at(x1, y1);
    return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

void CityModel::finish(DiagnosticReport& report) {
    // Extent of everything drawn or simulated.
    extent = Box2{};
    for (const Vec2& p : roads.nodePos) {
        extent.add(p);
    }
    for (const Vec2& p : buildings.ringPoints) {
        extent.add(p);
    }
    for (const Vec2& p : facilities.position) {
        extent.add(p);
    }

    // Access links: the nearest link a vehicle can use to reach the building, in the main
    // component so that every trip from it can be routed; never a motorway or its ramps.
    const LinkIndex access(roads, [&](LinkId l) {
        const RoadClass c = roads.linkClass[l.index()];
        return roads.hasFlag(l, link_flags::kMainComponent) && c != RoadClass::Motorway &&
               c != RoadClass::MotorwayLink;
    });
    constexpr double kMaxAccessDistance = 1000.0;  // m
    const std::size_t nb = buildings.count();
    buildings.waterNode.resize(nb);  // optional columns: empty ids where a loader gave none
    buildings.powerBus.resize(nb);
    facilities.backupHours.resize(facilities.count(), std::numeric_limits<float>::quiet_NaN());
    buildings.accessLink.assign(nb, LinkId{});
    std::size_t noAccess = 0;
    for (std::size_t i = 0; i < nb; ++i) {
        const LinkIndex::Hit hit = access.nearest(buildings.centroid[i], kMaxAccessDistance);
        buildings.accessLink[i] = hit.link;
        noAccess += hit.link.valid() ? 0 : 1;
    }
    if (noAccess > 0 && roads.linkCount() > 0) {
        std::ostringstream msg;
        msg << noAccess << " of " << nb << " buildings have no drivable road within " << kMaxAccessDistance
            << " m";
        report.add({Severity::Warning, "building.no_access", meta.sources.empty() ? "" : meta.sources.front(),
                    "", -1, -1, msg.str(), "they generate no trips"});
    }

    // Facilities: the building that contains each one, and its access link.
    const PointIndex centroids(buildings.centroid, 100.0);
    const std::size_t nf = facilities.count();
    facilities.building.assign(nf, BuildingId{});
    facilities.accessLink.assign(nf, LinkId{});
    for (std::size_t f = 0; f < nf; ++f) {
        const Vec2 p = facilities.position[f];
        for (std::uint32_t b : centroids.within(p, 250.0)) {
            if (pointInRing(p, buildings.footprint(BuildingId{b}))) {
                facilities.building[f] = BuildingId{b};
                break;
            }
        }
        facilities.accessLink[f] = access.nearest(p, kMaxAccessDistance).link;
    }
}

}  // namespace ct
