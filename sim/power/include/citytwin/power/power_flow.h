#pragma once
/// Steady-state power flow of a PowerNetwork: AC (Newton-Raphson, polar, sparse) or DC.
///
/// The network is first split into islands over the in-service branches. Each island with at
/// least one in-service generator gets a slack bus (its reference bus, else the bus of its largest
/// generator by Pmax) and is solved on its own; an island without generation is de-energised.
/// Conventions follow MATPOWER (runpf, rundcpf): per-unit mismatches on `baseMVA`, constant-power
/// loads, shunts in the admittance matrix, the slack's first generator takes the slack power,
/// reactive output shared between the generators of a bus in proportion to their Q ranges.
///
/// Pure function of its inputs: no globals, no threads; safe to call from several threads on
/// different (or the same const) networks.

#include <cstdint>
#include <string>
#include <vector>

#include "citytwin/power/power_network.h"

namespace ct::power {

enum class PowerFlowMethod : std::uint8_t { Ac, Dc };

const char* toString(PowerFlowMethod m);

struct PowerFlowOptions {
    PowerFlowMethod method = PowerFlowMethod::Ac;
    /// Convergence: the largest |P| or |Q| mismatch at any bus, per unit of baseMVA (MATPOWER's
    /// pf.tol default).
    double tolerancePu = 1e-8;
    /// Newton iterations allowed per solve (MATPOWER's pf.nr.max_it default).
    int maxIterations = 10;
    /// Enforce generator reactive limits: a PV bus whose generators leave [Qmin, Qmax] becomes a
    /// PQ bus with the violating generators held at their limit, and the island is solved again
    /// (MATPOWER's pf.enforce_q_lims = 1). The slack bus is never switched.
    bool enforceQLimits = false;
    /// Rounds of PV-to-PQ switching allowed with enforceQLimits.
    int maxQLimitRounds = 50;
    /// AC only: an island that does not converge is solved with the DC method instead (its result
    /// is flagged `usedDc`) rather than reported as failed.
    bool dcFallback = false;
    /// Start every bus at 1 p.u. and 0 degrees (generator set points still apply) instead of the
    /// voltages stored in the case.
    bool flatStart = false;
};

/// One connected component of in-service buses and branches.
struct IslandResult {
    std::vector<int> buses;    ///< bus indices, ascending
    int slackBus = -1;         ///< bus index of the slack; -1 when the island has no generation
    bool energised = false;    ///< false: no in-service generator, every bus is dark
    bool converged = false;    ///< solved (always true for a DC solve that was not singular)
    bool usedDc = false;       ///< solved with the DC method (requested, or the AC fallback)
    int iterations = 0;        ///< Newton iterations, summed over Q-limit rounds (0 for DC)
    int qLimitRounds = 0;      ///< PV-to-PQ switching rounds done
    double maxMismatchPu = 0;  ///< final largest mismatch, per unit (0 for DC)
    double loadMW = 0;         ///< real demand on the island's buses
};

/// The solution. Per-bus arrays are indexed like PowerNetwork::buses, per-generator arrays like
/// PowerNetwork::gens and per-branch arrays like PowerNetwork::branches. Dark buses have
/// vmPu = vaDeg = 0; out-of-service or dark branches carry no flow.
struct PowerFlowResult {
    PowerFlowMethod method = PowerFlowMethod::Ac;
    bool converged = false;    ///< every energised island solved
    std::string message;       ///< why not, when not converged; empty otherwise
    int iterations = 0;        ///< the largest Newton iteration count of any island
    double maxMismatchPu = 0;  ///< the largest final mismatch of any island, per unit

    // Buses.
    std::vector<double> vmPu;                ///< voltage magnitude, p.u. (1 for a DC solve)
    std::vector<double> vaDeg;               ///< voltage angle, degrees
    std::vector<int> busIsland;              ///< island index, -1 for an Isolated bus
    std::vector<std::uint8_t> busEnergised;  ///< 1 when the bus is in an energised island
    std::vector<BusType> busTypeUsed;        ///< the role the bus had in the solve (Isolated when dark)

    // Generators.
    std::vector<double> genPMW;       ///< real output, MW (0 when out of service or dark)
    std::vector<double> genQMVAr;     ///< reactive output, MVAr
    std::vector<std::uint8_t> genOn;  ///< 1 when in service and on an energised bus

    // Branches.
    std::vector<double> pfMW;            ///< real power into the branch at the from end, MW
    std::vector<double> qfMVAr;          ///< reactive power into the branch at the from end, MVAr
    std::vector<double> ptMW;            ///< real power into the branch at the to end, MW
    std::vector<double> qtMVAr;          ///< reactive power into the branch at the to end, MVAr
    std::vector<std::uint8_t> branchOn;  ///< 1 when in service with both ends energised

    std::vector<IslandResult> islands;  ///< in order of their lowest bus index

    // Totals.
    double lossMW = 0;          ///< sum over branches of pfMW + ptMW
    double lossMVAr = 0;        ///< sum over branches of qfMVAr + qtMVAr
    double generationMW = 0;    ///< sum of genPMW
    double generationMVAr = 0;  ///< sum of genQMVAr
    double loadServedMW = 0;    ///< demand on energised buses
    double loadLostMW = 0;      ///< demand on dark buses

    /// Apparent power flow of a branch, MVA: the larger of the two ends.
    [[nodiscard]] double branchFlowMVA(std::size_t branch) const;
    /// Number of energised and of dark islands.
    [[nodiscard]] int energisedIslandCount() const;
    [[nodiscard]] int darkIslandCount() const;
};

/// Solves the power flow of `net` (see the file comment). Never throws on bad data: a network
/// that fails validateNetwork() gives converged = false with the reason in `message`.
PowerFlowResult solvePowerFlow(const PowerNetwork& net, const PowerFlowOptions& options = {});

/// Largest absolute P and Q mismatch over the energised buses, per unit of baseMVA, recomputed
/// from the solution: generation - demand - shunt - sum of branch flows out of the bus. This is the
/// power balance check, independent of the solver's own bookkeeping. AC results only.
double maxPowerBalanceMismatchPu(const PowerNetwork& net, const PowerFlowResult& result);

}  // namespace ct::power
