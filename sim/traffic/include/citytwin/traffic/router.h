#pragma once
/// Fastest paths over the link graph with turn connections.
///
/// A* on links (a path is a sequence of links, each a turn connection away from the previous),
/// with link costs in seconds and the straight-line distance at the network's top speed as the
/// admissible heuristic. One Router per thread: it keeps its search buffers.

#include <cstdint>
#include <vector>

#include "citytwin/traffic/traffic_network.h"

namespace ct::traffic {

class Router {
public:
    explicit Router(const TrafficNetwork& net);

    /// Links that may not be used (closed). Indexed by LinkId; empty = none closed.
    void setClosed(const std::vector<std::uint8_t>* closed) { m_closed = closed; }
    /// Travel time per link in s; nullptr = free flow (length / speed limit).
    void setCosts(const std::vector<float>* costs) { m_costs = costs; }
    [[nodiscard]] const std::vector<float>* costs() const { return m_costs; }

    /// The fastest path from the start of `from` to the end of `to`, both included; empty when
    /// there is none. Deterministic: ties go to the lower link id.
    std::vector<LinkId> route(LinkId from, LinkId to);

    /// Number of links settled by the last search (for profiling).
    [[nodiscard]] std::size_t lastSettled() const { return m_settled; }

private:
    [[nodiscard]] double cost(std::uint32_t l) const;
    const TrafficNetwork& m_net;
    const std::vector<std::uint8_t>* m_closed = nullptr;
    const std::vector<float>* m_costs = nullptr;
    double m_maxSpeed = 1.0;
    std::vector<double> m_dist;
    std::vector<std::uint32_t> m_parent;
    std::vector<std::uint32_t> m_stamp;
    std::uint32_t m_epoch = 0;
    std::size_t m_settled = 0;
};

}  // namespace ct::traffic
