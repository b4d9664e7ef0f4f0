#pragma once
/// Extended-period simulation: a sequence of quasi-steady solves with tank levels moved
/// explicitly between them, demand patterns, simple controls and rules, as in EPANET.
///
/// Time is an integer number of seconds since the start. Each period: patterns, controls and
/// rules are applied at the current time, the network is solved, and the next step is the
/// hydraulic step shortened to the next pattern change, report time, timed control, or the
/// moment a tank fills, empties or crosses a control level. Rules are checked every rule step
/// within a period with tank levels projected, as EPANET does.
///
/// Scenario events (a burst, a closed valve, a pump outage) are set between steps with
/// setLinkStatus() and setLeak(). One thread at a time.

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/water_network.h"

namespace ct::water {

/// The solution at one instant. Node arrays by node, link arrays by link, tank arrays by tank.
struct WaterReport {
    std::int64_t time = 0;                ///< s since the start
    std::vector<double> head;             ///< m
    std::vector<double> pressure;         ///< m of water column (head - elevation)
    std::vector<double> demandRequested;  ///< m^3/s
    std::vector<double> demandDelivered;  ///< m^3/s
    std::vector<double> leakFlow;         ///< m^3/s out of emitters, leaks and bursts
    std::vector<std::uint8_t> isolated;   ///< 1 when cut off from every source
    std::vector<double> flow;             ///< m^3/s, + from linkFrom to linkTo
    std::vector<double> velocity;         ///< m/s, |Q| / area (0 for pumps)
    std::vector<double> headLoss;         ///< m, head at from minus head at to
    std::vector<LinkState> linkState;
    std::vector<double> setting;     ///< SI (pump speed, valve setting), NaN when none
    std::vector<double> tankLevel;   ///< m above the tank bottom
    std::vector<double> tankVolume;  ///< m^3
    SolveStats stats;
};

/// Totals of a run.
struct RunSummary {
    int solves = 0;
    int reports = 0;
    int iterations = 0;
    int unconverged = 0;
    double solveSeconds = 0.0;     ///< s of wall time in the solver
    double requestedVolume = 0.0;  ///< m^3 of demand over the run (0 for a single period)
    double deliveredVolume = 0.0;  ///< m^3 delivered over the run
    double minPressure = 0.0;      ///< m, lowest junction pressure at a report time (not isolated)
    double maxPressure = 0.0;      ///< m, highest junction pressure at a report time
    std::size_t maxIsolated = 0;   ///< most junctions cut off at once
    bool stopped = false;          ///< stopped early: a solve failed, UNBALANCED STOP
    std::int64_t endTime = 0;      ///< s
};

class WaterSimulation {
public:
    /// `net` must outlive the simulation.
    explicit WaterSimulation(const WaterNetwork& net);
    WaterSimulation(const WaterNetwork& net, const SolverSettings& settings);

    [[nodiscard]] std::int64_t time() const { return m_time; }
    [[nodiscard]] std::int64_t duration() const { return m_duration; }
    void setDuration(std::int64_t seconds) { m_duration = seconds < 0 ? 0 : seconds; }

    /// Applies patterns, controls and rules at the current time, then solves.
    SolveStats solveNow();
    /// After solveNow(): picks the next step, moves the tanks over it and advances the clock.
    /// Returns the step in s, 0 when the duration has been reached.
    std::int64_t advance();
    /// Runs from now to the duration; `onReport` gets each report-time solution.
    RunSummary run(const std::function<void(const WaterReport&)>& onReport);

    /// True when the current time is a report time.
    [[nodiscard]] bool isReportTime() const;
    /// The solution of the last solve.
    [[nodiscard]] WaterReport report() const;

    /// Sets a link's status as a control would (OPEN, CLOSED, or ACTIVE for valves).
    void setLinkStatus(std::uint32_t link, LinkStatus status);
    /// Sets a link's setting as a control would (pump speed, valve setting in SI).
    void setLinkSetting(std::uint32_t link, double setting);
    /// A leak or burst at a junction: orifice flow Cd A sqrt(2 g p) for an area A (m^2); 0 removes it.
    void setLeak(std::uint32_t node, double area, double dischargeCoefficient = 0.75);

    [[nodiscard]] const HydraulicState& state() const { return m_state; }
    [[nodiscard]] const WaterNetwork& network() const { return m_net; }
    /// Run-time warnings: non-converged solves, cut-off junctions, controls that fired.
    [[nodiscard]] const DiagnosticReport& diagnostics() const { return m_diagnostics; }

private:
    void applyControls();
    void applyRules();
    /// The actions the rules take at `atTime` with node heads `head`, one per link (priority wins).
    [[nodiscard]] std::vector<std::pair<std::uint32_t, const RuleAction*>> ruleActions(
        std::int64_t atTime, const std::vector<double>& head) const;
    [[nodiscard]] bool rulesWouldChange(std::int64_t atTime, const std::vector<double>& head) const;
    /// What a control action would make of a link; true when that differs from now.
    bool linkChange(std::uint32_t link, std::optional<LinkStatus> status, double setting,
                    LinkStatus& newStatus, double& newSetting) const;
    bool changeLink(std::uint32_t link, std::optional<LinkStatus> status, double setting);
    [[nodiscard]] double tankInflow(std::size_t tank) const;
    [[nodiscard]] std::int64_t nextStep() const;
    void moveTanks(std::int64_t dt);

    const WaterNetwork& m_net;
    HydraulicSolver m_solver;
    HydraulicState m_state;
    SolveStats m_lastStats;
    std::int64_t m_time = 0;
    std::int64_t m_duration = 0;
    std::vector<double> m_tankVolume;  // m^3 by tank
    DiagnosticReport m_diagnostics;
    bool m_solved = false;
};

}  // namespace ct::water
