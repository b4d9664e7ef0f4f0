#pragma once
/// Demand generated from the city model: commuter trips from homes to jobs by a gravity model,
/// departing after a time-of-day profile with a morning peak.

#include <cstdint>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/traffic/trip.h"

namespace ct::traffic {

struct CommuterDemand {
    double carTripsPerResident = 0.30;  ///< car commute trips per resident over the whole profile
    double scale = 1.0;                 ///< multiplies the number of trips
    double begin = 0.0;                 ///< s, first departure (simulation time)
    double end = 3600.0;                ///< s, last departure
    double peak = 1800.0;               ///< s, time of the departure peak
    double peakWidth =
        1200.0;  ///< s, standard deviation of the peak (a normal profile truncated to [begin, end])
    double distanceDecay = 2500.0;  ///< m, gravity model: attraction x exp(-distance / decay)
    double zoneSize = 500.0;        ///< m, zones of the gravity model are squares of this size
    double truckShare = 0.05;       ///< share of trips made by trucks
    /// Share of the day's commuting that departs between begin and end; the profile is the
    /// normal curve's mass in that window (so a one-hour window gets the peak hour's share).
    [[nodiscard]] double windowShare() const;
};

/// Trips from residential buildings (by residents) to buildings with jobs (by jobs, damped by
/// distance between zones). Deterministic in `seed`; trip ids are "h<building>_<k>". Origins
/// and destinations are the buildings' access links; trips whose origin equals the
/// destination link are dropped.
std::vector<Trip> generateCommuterTrips(const CityModel& city, const CommuterDemand& d, std::uint64_t seed);

}  // namespace ct::traffic
