#include "citytwin/traffic/router.h"

#include <algorithm>
#include <queue>

namespace ct::traffic {

Router::Router(const TrafficNetwork& net) : m_net(net) {
    for (float s : net.linkSpeed) {
        m_maxSpeed = std::max(m_maxSpeed, static_cast<double>(s));
    }
    m_dist.assign(net.linkCount(), 0.0);
    m_parent.assign(net.linkCount(), UINT32_MAX);
    m_stamp.assign(net.linkCount(), 0);
}

double Router::cost(std::uint32_t l) const {
    if (m_costs != nullptr) {
        return (*m_costs)[l];
    }
    return m_net.linkLength[l] / std::max(0.1f, m_net.linkSpeed[l]);
}

std::vector<LinkId> Router::route(LinkId from, LinkId to) {
    m_settled = 0;
    auto closed = [&](std::uint32_t l) {
        return m_closed != nullptr && !m_closed->empty() && (*m_closed)[l] != 0;
    };
    if (!from.valid() || !to.valid() || closed(from.index()) || closed(to.index())) {
        return {};
    }
    if (++m_epoch == 0) {
        std::fill(m_stamp.begin(), m_stamp.end(), 0);
        m_epoch = 1;
    }
    const Vec2 goal = m_net.nodePos[m_net.linkTo[to.index()].index()];
    auto h = [&](std::uint32_t l) {
        return distance(m_net.nodePos[m_net.linkTo[l].index()], goal) / m_maxSpeed;
    };
    // Labels are "arrival at the end of link l"; the key orders by (f, link id) for determinism.
    using Entry = std::pair<double, std::uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
    const std::uint32_t s = from.index();
    m_stamp[s] = m_epoch;
    m_dist[s] = cost(s);
    m_parent[s] = UINT32_MAX;
    open.emplace(m_dist[s] + h(s), s);
    while (!open.empty()) {
        const auto [f, l] = open.top();
        open.pop();
        if (f > m_dist[l] + h(l) + 1e-9) {
            continue;  // stale entry
        }
        ++m_settled;
        if (l == to.index()) {
            std::vector<LinkId> path;
            for (std::uint32_t x = l; x != UINT32_MAX; x = m_parent[x]) {
                path.emplace_back(x);
            }
            std::reverse(path.begin(), path.end());
            return path;
        }
        for (std::uint32_t t = m_net.turnOffset[l]; t < m_net.turnOffset[l + 1]; ++t) {
            const std::uint32_t next = m_net.turnTo[t].index();
            if (closed(next)) {
                continue;
            }
            const double d = m_dist[l] + cost(next);
            if (m_stamp[next] != m_epoch || d < m_dist[next] - 1e-12) {
                m_stamp[next] = m_epoch;
                m_dist[next] = d;
                m_parent[next] = l;
                open.emplace(d + h(next), next);
            }
        }
    }
    return {};
}

}  // namespace ct::traffic
