#include "citytwin/utility/traffic_coupling.h"

#include <algorithm>

namespace ct::utility {

TrafficCoupling::TrafficCoupling(UtilitySimulation& utilities, traffic::Simulation& traffic, double step,
                                 bool darkSignalsStop)
    : m_utilities(utilities),
      m_traffic(traffic),
      m_step(std::max(step, 1.0)),
      m_darkSignalsStop(darkSignalsStop) {}

CouplingUpdate TrafficCoupling::beforeTrafficStep() {
    CouplingUpdate u;
    if (m_traffic.time() < m_utilities.time() - 1e-9) {
        return u;
    }
    m_utilities.advanceTo(m_utilities.time() + m_step);
    u.advanced = true;
    const auto& log = m_utilities.log();
    u.newLog.assign(log.begin() + static_cast<std::ptrdiff_t>(m_shownLog), log.end());
    m_shownLog = log.size();
    if (m_darkSignalsStop) {
        std::vector<NodeId> now = m_utilities.darkSignals();
        if (now != m_dark) {
            for (NodeId n : m_dark) {
                m_traffic.setSignalDark(n, false);
            }
            for (NodeId n : now) {
                m_traffic.setSignalDark(n, true);
            }
            m_dark = std::move(now);
            m_peakDark = std::max(m_peakDark, m_dark.size());
            u.darkChanged = true;
        }
    }
    u.darkSignals = m_dark.size();
    return u;
}

}  // namespace ct::utility
