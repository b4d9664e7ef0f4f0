#pragma once
/// Runs the utilities beside a traffic simulation: before each traffic step, advances the
/// utilities when the traffic reaches their clock and switches the signals that lost (or
/// regained) power, so a dark junction is an all-way stop in the traffic.
///
/// Used by `citytwin run` and by the desktop app, so both run the same coupled model.

#include <cstddef>
#include <vector>

#include "citytwin/traffic/simulation.h"
#include "citytwin/utility/utility_simulation.h"

namespace ct::utility {

struct CouplingUpdate {
    bool advanced = false;                ///< the utilities took a step
    std::vector<UtilityLogEntry> newLog;  ///< log entries of that step
    bool darkChanged = false;             ///< the set of dark signals changed
    std::size_t darkSignals = 0;          ///< dark signals now
};

class TrafficCoupling {
public:
    /// Both simulations must outlive the coupling. `darkSignalsStop` false leaves the signals
    /// working whatever the power (to study the utilities alone).
    TrafficCoupling(UtilitySimulation& utilities, traffic::Simulation& traffic, double step,
                    bool darkSignalsStop = true);

    /// Call before every traffic step.
    CouplingUpdate beforeTrafficStep();

    [[nodiscard]] const std::vector<NodeId>& darkSignals() const { return m_dark; }
    [[nodiscard]] std::size_t peakDarkSignals() const { return m_peakDark; }

private:
    UtilitySimulation& m_utilities;
    traffic::Simulation& m_traffic;
    double m_step;
    bool m_darkSignalsStop;
    std::size_t m_shownLog = 0;
    std::vector<NodeId> m_dark;
    std::size_t m_peakDark = 0;
};

}  // namespace ct::utility
