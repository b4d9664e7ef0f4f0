#pragma once
/// Quasi-steady hydraulics by the global gradient algorithm (Todini and Pilati 1988).
///
/// Newton's method on link flows and junction heads; each iteration solves the symmetric
/// positive-definite system A H = F in junction heads with a sparse Cholesky (LDL^T)
/// factorisation whose AMD ordering and symbolic analysis are done once per network; only the
/// numeric factorisation is repeated. Valves, pumps, check valves and full or empty tanks change
/// link states between iterations as in EPANET. Junctions cut off from every source (by closed
/// links) are taken out of the system: they get no water and a head equal to their elevation.
///
/// A solver belongs to one thread; several solvers may share one WaterNetwork.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include "citytwin/water/head_loss.h"
#include "citytwin/water/water_network.h"

namespace ct::water {

/// What the solver made of a link after the status checks.
enum class LinkState : std::uint8_t {
    Closed,       ///< closed by its status or a control
    Open,         ///< open (fully open for valves)
    Active,       ///< a valve regulating (PRV, PSV, FCV, PBV)
    ClosedCheck,  ///< a check valve or pump stopping reverse flow
    ClosedHead,   ///< a pump that cannot deliver the head asked of it
    ClosedFull,   ///< feeding a full tank
    ClosedEmpty,  ///< drawing from an empty tank
    OpenFcv,      ///< an FCV that cannot reach its setting, fully open
};
const char* toString(LinkState s);
inline bool isClosed(LinkState s) {
    return s == LinkState::Closed || s == LinkState::ClosedCheck || s == LinkState::ClosedHead ||
           s == LinkState::ClosedFull || s == LinkState::ClosedEmpty;
}

/// The mutable state of one network at one instant: inputs set by the caller before a solve,
/// outputs written by it. All arrays have one entry per node or per link.
struct HydraulicState {
    // Inputs.
    std::vector<double> head;             ///< m by node: set for reservoirs and tanks; junctions are solved
    std::vector<double> demandRequested;  ///< m^3/s by node (junctions), after patterns and multiplier
    std::vector<double> leakCoefficient;  ///< m^3/s per m^0.5 by node: Cd A sqrt(2g) of leaks and bursts
    std::vector<LinkStatus> status;       ///< by link: the status set by the user or a control
    std::vector<double> setting;          ///< by link, SI: pump speed, valve setting (NaN: none)

    // Outputs (flows are also the starting point of the next solve).
    std::vector<double> flow;             ///< m^3/s by link, positive from linkFrom to linkTo
    std::vector<LinkState> linkState;     ///< by link
    std::vector<double> demandDelivered;  ///< m^3/s by node
    std::vector<double> emitterFlow;      ///< m^3/s by node, EPANET emitters
    std::vector<double> leakFlow;         ///< m^3/s by node, leaks and bursts
    std::vector<std::uint8_t> isolated;   ///< by node: 1 when cut off from every source
    bool started = false;                 ///< false until the first solve sets starting flows
};

/// Statistics of one solve.
struct SolveStats {
    int iterations = 0;
    bool converged = false;
    double relativeChange = 0.0;  ///< sum |dQ| / sum |Q| of the last iteration
    double seconds = 0.0;         ///< wall time of the solve
    int statusChanges = 0;
    std::size_t isolatedJunctions = 0;
    bool factorisationFailed = false;
};

struct SolverSettings {
    HydraulicOptions options;                  ///< usually the network's
    double hazenWilliamsK = kHazenWilliamsSi;  ///< SI constant of the Hazen-Williams formula
    double gravity = kGravity;                 ///< m/s^2 in Darcy-Weisbach and minor losses

    /// The network's options with EPANET's rounded constants (Hazen-Williams 4.727 in US units,
    /// g = 32.2 ft/s^2), for comparisons with EPANET to the last millimetre.
    static SolverSettings epanet(const HydraulicOptions& options);
};

class HydraulicSolver {
public:
    /// Analyses the network's sparsity pattern (AMD ordering, symbolic factorisation) once.
    /// `net` must outlive the solver.
    explicit HydraulicSolver(const WaterNetwork& net);
    HydraulicSolver(const WaterNetwork& net, const SolverSettings& settings);

    /// A state with the initial statuses, settings, tank levels, reservoir heads and the base
    /// demands (no patterns applied).
    [[nodiscard]] HydraulicState initialState() const;

    /// Solves for junction heads and link flows. Never throws; a failed factorisation or a
    /// non-converged solve is reported in the stats and leaves finite values in `state`.
    SolveStats solve(HydraulicState& state);

    [[nodiscard]] const SolverSettings& settings() const { return m_settings; }
    [[nodiscard]] const WaterNetwork& network() const { return m_net; }

private:
    struct Coeff {
        double p = 0.0;  // 1 / (dh/dQ), m^2/s
        double y = 0.0;  // h / (dh/dQ), m^3/s
    };
    void setup();
    void startState(HydraulicState& s) const;
    Coeff linkCoeff(std::uint32_t k, const HydraulicState& s) const;
    Coeff pipeCoeff(std::uint32_t k, double q) const;
    Coeff pumpCoeff(std::uint32_t k, double q, double speed) const;
    Coeff valveOpenCoeff(std::uint32_t k, double q, double extraK) const;
    double openValveLoss(std::uint32_t k, double q) const;
    void findIsolated(HydraulicState& s);
    void assemble(const HydraulicState& s);
    double updateFlows(HydraulicState& s, double relax, double& maxChange);
    int checkValves(HydraulicState& s) const;
    int checkLinks(HydraulicState& s) const;
    double maxHeadError(const HydraulicState& s) const;

    const WaterNetwork& m_net;
    SolverSettings m_settings;
    std::vector<std::int32_t> m_row;           // junction row by node, -1 for fixed-grade nodes
    std::vector<std::int32_t> m_diagPos;       // value index of each row's diagonal
    std::vector<std::int32_t> m_offPos;        // value index of each link's off-diagonal, -1 if none
    std::vector<double> m_hwResistance;        // pipes (H-W r, Manning r, or D-W 8L/(g pi^2 d^5))
    std::vector<double> m_minorLoss;           // m of h = m Q^2 by link
    std::vector<Coeff> m_coeff;                // by link, this iteration
    std::vector<double> m_xflow;               // net inflow by node from current flows, m^3/s
    std::vector<std::uint8_t> m_fixedByValve;  // by node: head held by an active PRV / PSV
    Eigen::SparseMatrix<double, Eigen::ColMajor, int> m_a;
    Eigen::VectorXd m_f;
    Eigen::VectorXd m_h;
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double, Eigen::ColMajor, int>, Eigen::Lower,
                          Eigen::AMDOrdering<int>>
        m_ldlt;
    bool m_analysed = false;
    int m_switches = 0;                 // node elements that left a barrier region this iteration
    std::vector<Coeff> m_demandCoeff;   // PDA demand element by node
    std::vector<Coeff> m_emitterCoeff;  // emitter element by node
    std::vector<Coeff> m_leakCoeff;     // leak element by node
};

}  // namespace ct::water

namespace ct::water {

/// Sets the time-varying inputs of `state` at `time` (s since the start): junction demands
/// (base x pattern x demand multiplier), reservoir heads (x head pattern) and the speed of pumps
/// with a speed pattern. Tank heads, statuses and leaks are left alone.
void applyPatterns(const WaterNetwork& net, std::int64_t time, HydraulicState& state);

}  // namespace ct::water
