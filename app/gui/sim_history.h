#pragma once
/// What the GUI remembers of a run, from the snapshots it is shown: for the inspector's charts,
/// every link's mean speed, every junction's queue and every vehicle's speed and delay at regular
/// moments of simulated time; for the timeline, whole snapshots of those moments.
///
/// Bounded memory: at most `maxRecords` records (when full, every second one goes and the
/// interval doubles, so the whole run stays covered ever more coarsely), a ring of at most
/// `maxSnapshots` snapshots and `maxSnapshotBytes` (the oldest go first), and at most
/// `maxVehiclePoints` vehicle points (the series of vehicles seen longest ago go first).
/// Plain C++: no Qt, no OSG. One thread at a time (the GUI thread).

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim_snapshot.h"

namespace ct::traffic {
struct TrafficNetwork;
}

namespace ct::gui {

struct HistoryOptions {
    double interval = 10.0;                      ///< s of simulated time between records
    std::size_t maxRecords = 2160;               ///< records (6 h at 10 s)
    std::size_t maxSnapshots = 1080;             ///< snapshots for the timeline (3 h at 10 s)
    std::size_t maxSnapshotBytes = 256u << 20u;  ///< their memory, about
    std::size_t maxVehiclePoints = 2'000'000;    ///< points of all vehicle series together
    double queueSpeed = 1.0;                     ///< m/s: slower vehicles count as queued
};

class SimHistory {
public:
    explicit SimHistory(HistoryOptions options = {});

    /// Forgets everything (a new scenario).
    void clear();
    /// Records `snap` when its time has reached the next record time (the first snapshot of a
    /// run always is); a snapshot earlier than the last record means a new run and starts over.
    /// `net` is the network the run is on (for the junction queues). With `always`, any snapshot
    /// later than the last record is recorded, due or not (a recording read back from a file).
    /// True when recorded.
    bool offer(const std::shared_ptr<const SimSnapshot>& snap, const traffic::TrafficNetwork& net,
               bool always = false);

    /// Records held.
    [[nodiscard]] std::size_t size() const { return m_times.size(); }
    /// s of simulated time between records now (grows as records are thinned).
    [[nodiscard]] double interval() const { return m_interval; }
    /// s of simulated time of each record, ascending.
    [[nodiscard]] const std::vector<double>& times() const { return m_times; }
    /// s after midnight at simulated time 0 (of the run recorded).
    [[nodiscard]] double clockStart() const { return m_clockStart; }
    /// The mean speed of a link at each record (m/s; NaN where no vehicle drove lately), as the
    /// recorded snapshot had it. Empty for an unknown link.
    [[nodiscard]] std::vector<float> linkSpeeds(std::uint32_t link) const;
    /// Vehicles queued (slower than queueSpeed on the lanes into the junction) at each record.
    [[nodiscard]] std::vector<float> junctionQueue(std::uint32_t node) const;

    struct VehiclePoint {
        double time = 0.0;   ///< s of simulated time
        float speed = 0.0f;  ///< m/s
        float delay = 0.0f;  ///< s lost so far against driving at the desired speed
    };
    /// A vehicle's speed and delay at each record while it was on the road (null: never seen,
    /// or forgotten to stay within memory).
    [[nodiscard]] const std::vector<VehiclePoint>* vehicle(std::uint32_t trip) const;

    /// Snapshots kept for the timeline, oldest first.
    [[nodiscard]] std::size_t snapshotCount() const { return m_snapshots.size(); }
    [[nodiscard]] const std::shared_ptr<const SimSnapshot>& snapshot(std::size_t i) const {
        return m_snapshots[i];
    }
    /// The index of the kept snapshot nearest to simulated time `t` (0 when none).
    [[nodiscard]] std::size_t snapshotNear(double t) const;
    /// Memory held, about (bytes).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    void thin();
    static std::size_t bytesOf(const SimSnapshot& s);

    HistoryOptions m_options;
    double m_interval;
    double m_nextAt = 0.0;
    double m_clockStart = 0.0;
    bool m_started = false;
    std::vector<double> m_times;
    std::vector<std::vector<float>> m_linkSpeed;      ///< per record, per link
    std::vector<std::vector<std::uint16_t>> m_queue;  ///< per record, per node
    std::unordered_map<std::uint32_t, std::vector<VehiclePoint>> m_vehicles;
    std::deque<std::uint32_t> m_vehicleOrder;  ///< trips in the order first seen
    std::size_t m_vehiclePoints = 0;
    std::deque<std::shared_ptr<const SimSnapshot>> m_snapshots;
    std::size_t m_snapshotBytes = 0;
};

}  // namespace ct::gui
