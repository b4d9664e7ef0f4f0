// Overloads, cascades and N-1 contingencies on top of solvePowerFlow.
#include "citytwin/power/contingency.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>

namespace ct::power {

std::vector<BranchLoading> findOverloads(const PowerNetwork& net, const PowerFlowResult& result,
                                         double thresholdPct) {
    std::vector<BranchLoading> out;
    for (std::size_t k = 0; k < net.branches.size() && k < result.branchOn.size(); ++k) {
        const double rate = net.branches[k].rateAMVA;
        if (!result.branchOn[k] || !(rate > 0)) {
            continue;
        }
        const double flow = result.branchFlowMVA(k);
        const double pct = 100.0 * flow / rate;
        if (pct > thresholdPct) {
            out.push_back({static_cast<int>(k), flow, rate, pct});
        }
    }
    return out;
}

CascadeResult runCascade(const PowerNetwork& net, const CascadeOptions& options) {
    CascadeResult out;
    out.finalNetwork = net;
    std::vector<int> overloadedFor(net.branches.size(), 0);  // consecutive overloaded steps per branch
    for (int step = 0; step < std::max(1, options.maxSteps); ++step) {
        out.finalFlow = solvePowerFlow(out.finalNetwork, options.flow);
        out.steps = step + 1;
        const std::vector<BranchLoading> over =
            findOverloads(out.finalNetwork, out.finalFlow, options.overloadThresholdPct);
        if (over.empty()) {
            out.stable = true;
            break;
        }
        std::vector<std::uint8_t> isOver(net.branches.size(), 0);
        for (const BranchLoading& o : over) {
            isOver[static_cast<std::size_t>(o.branch)] = 1;
        }
        for (std::size_t k = 0; k < overloadedFor.size(); ++k) {
            overloadedFor[k] = isOver[k] ? overloadedFor[k] + 1 : 0;
        }
        // Trip together every branch overloaded for longer than the delay.
        for (const BranchLoading& o : over) {
            if (overloadedFor[static_cast<std::size_t>(o.branch)] > options.tripDelaySteps) {
                out.finalNetwork.branches[static_cast<std::size_t>(o.branch)].inService = false;
                overloadedFor[static_cast<std::size_t>(o.branch)] = 0;
                out.trips.push_back({step, o.branch, o.flowMVA, o.rateAMVA});
            }
        }
    }
    out.loadLostMW = out.finalFlow.loadLostMW;
    return out;
}

bool ContingencyResult::hasViolation() const {
    return !solved || newIslands > 0 || loadLostMW > 0 || !overloads.empty() || !voltageViolations.empty();
}

namespace {

ContingencyResult assess(const PowerNetwork& base, int baseIslands, int branch,
                         const ContingencyOptions& options) {
    PowerNetwork net = base;
    net.branches[static_cast<std::size_t>(branch)].inService = false;
    const PowerFlowResult r = solvePowerFlow(net, options.flow);
    ContingencyResult c;
    c.branch = branch;
    c.solved = r.converged;
    c.iterations = r.iterations;
    c.islands = static_cast<int>(r.islands.size());
    c.newIslands = std::max(0, c.islands - baseIslands);
    c.loadLostMW = r.loadLostMW;
    for (const IslandResult& isl : r.islands) {
        c.usedDc = c.usedDc || (isl.usedDc && options.flow.method == PowerFlowMethod::Ac);
        if (!isl.energised) {
            c.darkBuses += static_cast<int>(isl.buses.size());
        }
        // Voltage limits only mean something where the island was solved with AC.
        if (!isl.energised || isl.usedDc || !isl.converged) {
            continue;
        }
        for (int b : isl.buses) {
            const double vm = r.vmPu[static_cast<std::size_t>(b)];
            if (vm < options.vminPu || vm > options.vmaxPu) {
                c.voltageViolations.push_back({b, vm});
            }
        }
    }
    c.overloads = findOverloads(net, r, options.overloadThresholdPct);
    return c;
}

}  // namespace

NMinus1Report runNMinus1(const PowerNetwork& net, const ContingencyOptions& options) {
    NMinus1Report report;
    report.base = solvePowerFlow(net, options.flow);
    const int baseIslands = static_cast<int>(report.base.islands.size());
    std::vector<int> candidates;
    for (std::size_t k = 0; k < net.branches.size(); ++k) {
        if (net.branches[k].inService) {
            candidates.push_back(static_cast<int>(k));
        }
    }
    // Each case writes only its own slot, so the list is in branch order at any thread count.
    report.cases.resize(candidates.size());
    auto one = [&](std::size_t i) { report.cases[i] = assess(net, baseIslands, candidates[i], options); };
    if (options.threads <= 1) {
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            one(i);
        }
    } else {
        tbb::task_arena arena(options.threads);
        arena.execute(
            [&] { tbb::parallel_for(std::size_t{0}, candidates.size(), [&](std::size_t i) { one(i); }); });
    }
    return report;
}

}  // namespace ct::power
