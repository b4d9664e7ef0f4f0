#pragma once
/// Simulation outputs in formats users open in their own tools: CSV files with the fields of
/// SUMO's outputs where one exists, and network KPIs over time.

#include <string>
#include <vector>

#include "citytwin/traffic/simulation.h"

namespace ct::traffic {

/// Network KPIs over one interval.
struct KpiSample {
    double begin = 0.0, end = 0.0;   ///< s
    double running = 0.0;            ///< mean vehicles on the network
    double meanSpeed = 0.0;          ///< m/s, distance-weighted over running vehicles
    double delayIndex = 1.0;         ///< actual / free-flow travel time of the time driven (>= 1)
    double vehicleHoursDelay = 0.0;  ///< h of time loss in the interval
    double throughput = 0.0;         ///< arrivals per hour
    double co2 = 0.0;                ///< kg emitted in the interval
    std::uint64_t arrivedTotal = 0;  ///< trips completed so far
};

/// Accumulates StepStats into KPI intervals.
class KpiRecorder {
public:
    explicit KpiRecorder(double interval) : m_interval(interval) {}
    /// Call after each step.
    void record(const Simulation& sim, double step);
    /// Closes the last partial interval.
    void finish(const Simulation& sim);
    [[nodiscard]] const std::vector<KpiSample>& samples() const { return m_samples; }
    /// KPIs over the whole run so far.
    [[nodiscard]] KpiSample total() const;

private:
    void close(const Simulation& sim);
    double m_interval;
    double m_begin = 0.0, m_time = 0.0;
    double m_vehSeconds = 0.0, m_distance = 0.0, m_loss = 0.0, m_co2 = 0.0;
    std::uint32_t m_arrivals = 0;
    std::vector<KpiSample> m_samples;
};

/// Names for links in outputs (SUMO edge ids, OSM way ids...); empty = the link index.
using LinkNames = std::vector<std::string>;

/// tripinfo.csv: id, vType, outcome, depart, departDelay, arrival, duration, routeLength,
/// waitingTime, timeLoss, co2_g, teleports, reroutes (times s, lengths m).
std::string tripinfoCsv(const std::vector<TripResult>& trips);
/// link_stats.csv: one row per link and interval: flow (veh/h), density (veh/km), mean speed
/// (km/h), travel time (s).
std::string linkStatsCsv(const TrafficNetwork& net, const std::vector<LinkInterval>& intervals,
                         const LinkNames& names);
std::string kpiCsv(const std::vector<KpiSample>& samples);
std::string detectorsCsv(const Simulation& sim, const TrafficNetwork& net, const LinkNames& names);

/// Derived per-link figures of one interval.
struct LinkFigures {
    double flow = 0.0;        ///< veh/h entering
    double density = 0.0;     ///< veh/km over all lanes
    double speed = 0.0;       ///< m/s, time-mean of vehicles on the link (0 when empty)
    double travelTime = 0.0;  ///< s: length / speed, or free-flow time when empty
};
LinkFigures linkFigures(const TrafficNetwork& net, const LinkInterval& in, std::uint32_t link);

}  // namespace ct::traffic
