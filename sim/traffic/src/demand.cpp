#include "citytwin/traffic/demand.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ct::traffic {

namespace {
double normalCdf(double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}
}  // namespace

double CommuterDemand::windowShare() const {
    return normalCdf((end - peak) / peakWidth) - normalCdf((begin - peak) / peakWidth);
}

std::vector<Trip> generateCommuterTrips(const CityModel& city, const CommuterDemand& d, std::uint64_t seed) {
    const Buildings& b = city.buildings;
    std::vector<Trip> trips;
    if (b.count() == 0 || d.end <= d.begin) {
        return trips;
    }
    // Zones: squares of zoneSize over the extent; a zone's attraction is its jobs.
    const Box2& e = city.extent;
    const int nx = std::max(1, static_cast<int>(std::ceil(e.width() / d.zoneSize)));
    const int ny = std::max(1, static_cast<int>(std::ceil(e.height() / d.zoneSize)));
    auto zoneOf = [&](Vec2 p) {
        const int ix = std::clamp(static_cast<int>((p.x - e.min.x) / d.zoneSize), 0, nx - 1);
        const int iy = std::clamp(static_cast<int>((p.y - e.min.y) / d.zoneSize), 0, ny - 1);
        return iy * nx + ix;
    };
    const int nz = nx * ny;
    std::vector<double> zoneJobs(static_cast<std::size_t>(nz), 0.0);
    std::vector<Vec2> zoneCentre(static_cast<std::size_t>(nz));
    std::vector<std::vector<std::uint32_t>> zoneBuildings(static_cast<std::size_t>(nz));
    std::vector<std::vector<double>> zoneCum(static_cast<std::size_t>(nz));
    for (int z = 0; z < nz; ++z) {
        zoneCentre[static_cast<std::size_t>(z)] = {e.min.x + ((z % nx) + 0.5) * d.zoneSize,
                                                   e.min.y + ((z / nx) + 0.5) * d.zoneSize};
    }
    for (std::uint32_t i = 0; i < b.count(); ++i) {
        if (b.jobs[i] == 0 || !b.accessLink[i].valid()) {
            continue;
        }
        const auto z = static_cast<std::size_t>(zoneOf(b.centroid[i]));
        zoneJobs[z] += b.jobs[i];
        zoneBuildings[z].push_back(i);
        zoneCum[z].push_back(zoneJobs[z]);
    }
    // Gravity rows, computed for the zones that have homes, cumulated for sampling.
    std::map<int, std::vector<double>> rows;
    auto rowFor = [&](int oz) -> const std::vector<double>& {
        auto it = rows.find(oz);
        if (it != rows.end()) {
            return it->second;
        }
        std::vector<double> cum(static_cast<std::size_t>(nz), 0.0);
        double acc = 0.0;
        for (int z = 0; z < nz; ++z) {
            const double dist =
                distance(zoneCentre[static_cast<std::size_t>(oz)], zoneCentre[static_cast<std::size_t>(z)]);
            acc += zoneJobs[static_cast<std::size_t>(z)] * std::exp(-dist / d.distanceDecay);
            cum[static_cast<std::size_t>(z)] = acc;
        }
        return rows.emplace(oz, std::move(cum)).first->second;
    };
    auto pick = [](const std::vector<double>& cum, double u) {
        const double target = u * cum.back();
        return static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), target) - cum.begin());
    };

    const double rate = d.carTripsPerResident * d.scale * d.windowShare();
    const double lo = normalCdf((d.begin - d.peak) / d.peakWidth),
                 hi = normalCdf((d.end - d.peak) / d.peakWidth);
    for (std::uint32_t i = 0; i < b.count(); ++i) {
        if (b.use[i] != BuildingUse::Residential || b.residents[i] == 0 || !b.accessLink[i].valid()) {
            continue;
        }
        // Expected trips from this home; the fraction becomes one more trip by a fair draw.
        const double expected = b.residents[i] * rate;
        auto n = static_cast<std::uint32_t>(expected);
        if (uniform01(seed, 20, i, 0) < expected - n) {
            ++n;
        }
        const int oz = zoneOf(b.centroid[i]);
        const std::vector<double>& row = rowFor(oz);
        if (row.back() <= 0.0) {
            continue;
        }
        for (std::uint32_t k = 0; k < n; ++k) {
            const std::size_t dz = std::min(pick(row, uniform01(seed, 21, i, k)), row.size() - 1);
            const auto& cum = zoneCum[dz];
            if (cum.empty()) {
                continue;
            }
            const std::size_t j = std::min(pick(cum, uniform01(seed, 22, i, k)), cum.size() - 1);
            const std::uint32_t dest = zoneBuildings[dz][j];
            Trip t;
            t.from = b.accessLink[i];
            t.to = b.accessLink[dest];
            if (t.from == t.to) {
                continue;
            }
            // Departure: the truncated normal profile by inverse transform.
            const double u = lo + (hi - lo) * uniform01(seed, 23, i, k);
            double x = 0.0;
            {
                // Invert the normal CDF by bisection (robust, and this is not a hot path).
                double a = -10.0, c = 10.0;
                for (int it = 0; it < 80; ++it) {
                    x = 0.5 * (a + c);
                    (normalCdf(x) < u ? a : c) = x;
                }
            }
            t.depart = std::clamp(std::round(d.peak + x * d.peakWidth), d.begin, d.end);
            t.vclass = uniform01(seed, 24, i, k) < d.truckShare ? VehicleClass::Truck : VehicleClass::Car;
            t.id = "h" + std::to_string(i) + "_" + std::to_string(k);
            trips.push_back(std::move(t));
        }
    }
    std::stable_sort(trips.begin(), trips.end(),
                     [](const Trip& a, const Trip& c) { return a.depart < c.depart; });
    return trips;
}

}  // namespace ct::traffic
