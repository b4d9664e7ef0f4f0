#include "sim_snapshot.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ct::gui {

namespace {

VehicleSnap blend(const VehicleSnap* a, const VehicleSnap& b, double alpha, double maxJump) {
    VehicleSnap v = b;
    if (a == nullptr || alpha >= 1.0) {
        return v;
    }
    const double jump = std::hypot(b.x - a->x, b.y - a->y);
    if (jump > maxJump) {
        return v;
    }
    const auto t = static_cast<float>(std::clamp(alpha, 0.0, 1.0));
    v.x = a->x + (b.x - a->x) * t;
    v.y = a->y + (b.y - a->y) * t;
    v.z = a->z + (b.z - a->z) * t;
    v.speed = a->speed + (b.speed - a->speed) * t;
    // Turn the short way round.
    const double d = std::remainder(static_cast<double>(b.heading) - a->heading, 2.0 * std::numbers::pi);
    v.heading = static_cast<float>(a->heading + d * t);
    return v;
}

}  // namespace

const VehicleSnap* findVehicle(const std::vector<VehicleSnap>& vehicles, std::uint32_t trip) {
    const auto it = std::lower_bound(vehicles.begin(), vehicles.end(), trip,
                                     [](const VehicleSnap& v, std::uint32_t t) { return v.trip < t; });
    return it != vehicles.end() && it->trip == trip ? &*it : nullptr;
}

const VehicleSnap* SimSnapshot::find(std::uint32_t trip) const {
    return findVehicle(vehicles, trip);
}

std::vector<VehicleSnap> interpolateVehicles(const std::vector<VehicleSnap>* prev,
                                             const std::vector<VehicleSnap>& next, double alpha,
                                             double maxJump) {
    std::vector<VehicleSnap> out;
    out.reserve(next.size());
    // Both lists are sorted by trip: one merge pass.
    std::size_t i = 0;
    const std::size_t n = prev != nullptr ? prev->size() : 0;
    for (const VehicleSnap& b : next) {
        while (i < n && (*prev)[i].trip < b.trip) {
            ++i;
        }
        const VehicleSnap* a = i < n && (*prev)[i].trip == b.trip ? &(*prev)[i] : nullptr;
        out.push_back(blend(a, b, alpha, maxJump));
    }
    return out;
}

}  // namespace ct::gui
