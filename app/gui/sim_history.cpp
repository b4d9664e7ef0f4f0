#include "sim_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "citytwin/traffic/traffic_network.h"

namespace ct::gui {

SimHistory::SimHistory(HistoryOptions options) : m_options(options), m_interval(options.interval) {}

void SimHistory::clear() {
    m_interval = m_options.interval;
    m_nextAt = 0.0;
    m_started = false;
    m_times.clear();
    m_linkSpeed.clear();
    m_queue.clear();
    m_vehicles.clear();
    m_vehicleOrder.clear();
    m_vehiclePoints = 0;
    m_snapshots.clear();
    m_snapshotBytes = 0;
}

std::size_t SimHistory::bytesOf(const SimSnapshot& s) {
    return sizeof(SimSnapshot) + s.vehicles.capacity() * sizeof(VehicleSnap) +
           s.linkSpeed.capacity() * sizeof(float) + s.kpis.capacity() * sizeof(traffic::KpiSample);
}

bool SimHistory::offer(const std::shared_ptr<const SimSnapshot>& snap, const traffic::TrafficNetwork& net,
                       bool always) {
    if (!snap) {
        return false;
    }
    const SimSnapshot& s = *snap;
    if (m_started && !m_times.empty() && s.time < m_times.back() - 1e-9) {
        clear();  // a new run
    }
    if (m_started && !always && s.time < m_nextAt - 1e-9) {
        return false;
    }
    if (m_started && !m_times.empty() && std::abs(s.time - m_times.back()) < 1e-9) {
        return false;  // the same moment again (a pause)
    }
    m_started = true;
    m_clockStart = s.clockStart;
    m_times.push_back(s.time);
    m_nextAt = (std::floor(s.time / m_interval + 1e-9) + 1.0) * m_interval;

    m_linkSpeed.push_back(s.linkSpeed);

    // Queues: slow vehicles on the normal lanes into each junction.
    std::vector<std::uint16_t> queue(net.nodeCount(), 0);
    for (const VehicleSnap& v : s.vehicles) {
        if (v.lane >= net.normalLaneCount || v.speed >= m_options.queueSpeed) {
            continue;
        }
        const LinkId link = net.laneLink[v.lane];
        if (link.valid() && link.index() < net.linkCount()) {
            const NodeId to = net.linkTo[link.index()];
            if (to.valid() && to.index() < queue.size() && queue[to.index()] < 0xffff) {
                ++queue[to.index()];
            }
        }
    }
    m_queue.push_back(std::move(queue));

    // Vehicles.
    for (const VehicleSnap& v : s.vehicles) {
        auto [it, inserted] = m_vehicles.try_emplace(v.trip);
        if (inserted) {
            m_vehicleOrder.push_back(v.trip);
        }
        it->second.push_back({s.time, v.speed, v.delay});
        ++m_vehiclePoints;
    }
    // Forget the vehicles seen longest ago (most have arrived) to stay within bounds.
    while (m_vehiclePoints > m_options.maxVehiclePoints && !m_vehicleOrder.empty()) {
        const auto it = m_vehicles.find(m_vehicleOrder.front());
        m_vehicleOrder.pop_front();
        if (it != m_vehicles.end()) {
            m_vehiclePoints -= it->second.size();
            m_vehicles.erase(it);
        }
    }

    // The timeline's ring.
    m_snapshots.push_back(snap);
    m_snapshotBytes += bytesOf(s);
    while (m_snapshots.size() > 1 &&
           (m_snapshots.size() > m_options.maxSnapshots || m_snapshotBytes > m_options.maxSnapshotBytes)) {
        m_snapshotBytes -= bytesOf(*m_snapshots.front());
        m_snapshots.pop_front();
    }

    if (m_times.size() >= m_options.maxRecords) {
        thin();
    }
    return true;
}

void SimHistory::thin() {
    // Keep every second record (the first and the newest always) and double the interval.
    std::vector<double> times;
    std::vector<std::vector<float>> speeds;
    std::vector<std::vector<std::uint16_t>> queues;
    const std::size_t n = m_times.size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 2 == 0 || i + 1 == n) {
            times.push_back(m_times[i]);
            speeds.push_back(std::move(m_linkSpeed[i]));
            queues.push_back(std::move(m_queue[i]));
        }
    }
    m_times = std::move(times);
    m_linkSpeed = std::move(speeds);
    m_queue = std::move(queues);
    m_interval *= 2.0;
    m_nextAt = (std::floor(m_times.back() / m_interval + 1e-9) + 1.0) * m_interval;
}

std::vector<float> SimHistory::linkSpeeds(std::uint32_t link) const {
    std::vector<float> out;
    out.reserve(m_linkSpeed.size());
    for (const std::vector<float>& r : m_linkSpeed) {
        if (link >= r.size()) {
            return {};
        }
        out.push_back(r[link]);
    }
    return out;
}

std::vector<float> SimHistory::junctionQueue(std::uint32_t node) const {
    std::vector<float> out;
    out.reserve(m_queue.size());
    for (const std::vector<std::uint16_t>& r : m_queue) {
        if (node >= r.size()) {
            return {};
        }
        out.push_back(static_cast<float>(r[node]));
    }
    return out;
}

const std::vector<SimHistory::VehiclePoint>* SimHistory::vehicle(std::uint32_t trip) const {
    const auto it = m_vehicles.find(trip);
    return it != m_vehicles.end() ? &it->second : nullptr;
}

std::size_t SimHistory::snapshotNear(double t) const {
    std::size_t best = 0;
    double bestGap = std::numeric_limits<double>::max();
    for (std::size_t i = 0; i < m_snapshots.size(); ++i) {
        const double gap = std::abs(m_snapshots[i]->time - t);
        if (gap < bestGap) {
            bestGap = gap;
            best = i;
        }
    }
    return best;
}

std::size_t SimHistory::memoryBytes() const {
    std::size_t bytes = m_snapshotBytes + m_times.capacity() * sizeof(double) +
                        m_vehiclePoints * sizeof(VehiclePoint) + m_vehicles.size() * 64;
    for (const auto& r : m_linkSpeed) {
        bytes += r.capacity() * sizeof(float);
    }
    for (const auto& r : m_queue) {
        bytes += r.capacity() * sizeof(std::uint16_t);
    }
    return bytes;
}

}  // namespace ct::gui
