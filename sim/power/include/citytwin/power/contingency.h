#pragma once
/// Outage studies: overloaded branches, cascading trips and the N-1 contingency list.
///
/// A branch is overloaded when its apparent power flow (the larger end, MVA; |P| for DC) exceeds
/// its rateA times the threshold; a rateA of 0 means unlimited. Results are deterministic: cases
/// are listed in branch order whatever the thread count.

#include <vector>

#include "citytwin/power/power_flow.h"
#include "citytwin/power/power_network.h"

namespace ct::power {

struct BranchLoading {
    int branch = -1;        ///< index in PowerNetwork::branches
    double flowMVA = 0;     ///< apparent power flow, the larger end
    double rateAMVA = 0;    ///< the rating it was checked against
    double loadingPct = 0;  ///< 100 * flowMVA / rateAMVA
};

/// The energised branches whose flow exceeds `thresholdPct` percent of rateA, in branch order.
std::vector<BranchLoading> findOverloads(const PowerNetwork& net, const PowerFlowResult& result,
                                         double thresholdPct = 100.0);

struct CascadeOptions {
    PowerFlowOptions flow{.dcFallback = true};  ///< how each step is solved
    /// Steps a branch stays overloaded before it trips: a branch first found overloaded at step s
    /// trips at step s + tripDelaySteps if it is still overloaded at every step until then
    /// (0 trips at once). The caller chooses what a step means in time.
    int tripDelaySteps = 1;
    int maxSteps = 100;                   ///< stop (not stable) after this many steps
    double overloadThresholdPct = 100.0;  ///< loading above which a branch counts as overloaded
};

struct CascadeEvent {
    int step = 0;        ///< the step at which the branch tripped
    int branch = -1;     ///< index in PowerNetwork::branches
    double flowMVA = 0;  ///< its flow in the solve that tripped it
    double rateAMVA = 0;
};

struct CascadeResult {
    std::vector<CascadeEvent> trips;  ///< in order of step, then branch index
    int steps = 0;                    ///< solves done
    bool stable = false;              ///< ended with no overloaded branch (false: maxSteps reached)
    PowerNetwork finalNetwork;        ///< the network with the tripped branches out of service
    PowerFlowResult finalFlow;        ///< the last solve
    double loadLostMW = 0;            ///< demand on dark buses at the end
};

/// Solves, trips overloaded branches after the delay, solves again, until no branch is
/// overloaded or maxSteps. At each step: solve the present topology; count the consecutive steps
/// each branch has been overloaded (reset when it is not); trip those whose count exceeds the
/// delay, all at once.
CascadeResult runCascade(const PowerNetwork& net, const CascadeOptions& options = {});

struct VoltageViolation {
    int bus = -1;  ///< index in PowerNetwork::buses
    double vmPu = 0;
};

struct ContingencyOptions {
    /// AC with DC fallback by default: an outage that makes AC diverge is still assessed.
    PowerFlowOptions flow{.dcFallback = true};
    double vminPu = 0.9;  ///< voltage below this is a violation (AC islands only)
    double vmaxPu = 1.1;  ///< voltage above this is a violation (AC islands only)
    double overloadThresholdPct = 100.0;
    int threads = 1;  ///< worker threads (tbb task arena); 1 runs serially
};

struct ContingencyResult {
    int branch = -1;        ///< the branch taken out
    bool solved = false;    ///< every energised island solved (AC or DC fallback)
    bool usedDc = false;    ///< at least one island needed the DC fallback
    int iterations = 0;     ///< Newton iterations of the slowest island
    int islands = 0;        ///< islands after the outage
    int newIslands = 0;     ///< islands more than in the base case
    int darkBuses = 0;      ///< buses de-energised
    double loadLostMW = 0;  ///< demand on dark buses
    std::vector<BranchLoading> overloads;
    std::vector<VoltageViolation> voltageViolations;

    /// True when the outage causes any overload, voltage violation, new island or lost load, or
    /// could not be solved.
    [[nodiscard]] bool hasViolation() const;
};

struct NMinus1Report {
    PowerFlowResult base;                  ///< the intact network
    std::vector<ContingencyResult> cases;  ///< one per in-service branch, in branch order
};

/// For each in-service branch: take it out, solve, list the violations.
NMinus1Report runNMinus1(const PowerNetwork& net, const ContingencyOptions& options = {});

}  // namespace ct::power
