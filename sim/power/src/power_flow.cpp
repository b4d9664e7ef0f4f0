// Power flow driver: islands, slack choice, the AC (Newton-Raphson with optional Q limits) or DC
// solve of each island, and the result arrays.
#include "citytwin/power/power_flow.h"

#include <Eigen/SparseCholesky>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "citytwin/power/islands.h"
#include "solver_detail.h"

namespace ct::power {

using detail::BranchAdmittance;
using detail::Complex;
using detail::SparseComplex;

const char* toString(PowerFlowMethod m) {
    return m == PowerFlowMethod::Ac ? "AC" : "DC";
}

double PowerFlowResult::branchFlowMVA(std::size_t k) const {
    if (k >= pfMW.size()) {
        return 0;
    }
    return std::max(std::hypot(pfMW[k], qfMVAr[k]), std::hypot(ptMW[k], qtMVAr[k]));
}

int PowerFlowResult::energisedIslandCount() const {
    return static_cast<int>(
        std::count_if(islands.begin(), islands.end(), [](const IslandResult& i) { return i.energised; }));
}

int PowerFlowResult::darkIslandCount() const {
    return static_cast<int>(islands.size()) - energisedIslandCount();
}

namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

template <class T>
T& at(std::vector<T>& v, int i) {
    return v[static_cast<std::size_t>(i)];
}
template <class T>
const T& at(const std::vector<T>& v, int i) {
    return v[static_cast<std::size_t>(i)];
}

// What every island solve shares.
struct Context {
    const PowerNetwork& net;
    const PowerFlowOptions& opt;
    std::vector<std::vector<int>> gensAt;      // in-service generators per bus, in generator order
    std::vector<std::vector<int>> branchesOf;  // in-service branches per island
    std::vector<int> local;                    // bus index -> index inside its island
    PowerFlowResult& res;
};

// The island's slack: its first reference bus with generation, else the bus of its largest
// generator (by Pmax, then Pg; the lower index on a tie); -1 without generation.
int chooseSlack(const Context& c, const std::vector<int>& buses) {
    int best = -1, bestGen = -1;
    for (int b : buses) {
        if (!at(c.gensAt, b).empty() && at(c.net.buses, b).type == BusType::Ref) {
            return b;
        }
        for (int g : at(c.gensAt, b)) {
            const PowerGen& gen = at(c.net.gens, g);
            if (bestGen < 0) {
                best = b;
                bestGen = g;
                continue;
            }
            const PowerGen& cur = at(c.net.gens, bestGen);
            if (gen.pmaxMW > cur.pmaxMW || (gen.pmaxMW == cur.pmaxMW && gen.pgMW > cur.pgMW)) {
                best = b;
                bestGen = g;
            }
        }
    }
    return best;
}

// Branch flows of the island from the complex bus voltages (per unit, indexed by local bus).
void acBranchFlows(Context& c, const std::vector<int>& branches, const Eigen::VectorXcd& v) {
    const double base = c.net.baseMVA;
    for (int k : branches) {
        const PowerBranch& br = at(c.net.branches, k);
        const BranchAdmittance a = detail::branchAdmittance(br);
        const Complex vf = v[at(c.local, br.from)];
        const Complex vt = v[at(c.local, br.to)];
        const Complex sf = vf * std::conj(a.yff * vf + a.yft * vt) * base;
        const Complex st = vt * std::conj(a.ytf * vf + a.ytt * vt) * base;
        at(c.res.pfMW, k) = sf.real();
        at(c.res.qfMVAr, k) = sf.imag();
        at(c.res.ptMW, k) = st.real();
        at(c.res.qtMVAr, k) = st.imag();
        at(c.res.branchOn, k) = 1;
    }
}

// Splits the reactive output `qTotal` (MVAr) of a bus between its generators that are not held at
// a limit: in proportion to their Q ranges (MATPOWER pfsoln), or equally when a range is not finite.
void shareQ(Context& c, const std::vector<int>& gens, const std::vector<std::uint8_t>& fixed, double qTotal) {
    std::vector<int> free;
    for (int g : gens) {
        if (at(fixed, g)) {
            qTotal -= at(c.res.genQMVAr, g);
        } else {
            free.push_back(g);
        }
    }
    if (free.empty()) {
        return;
    }
    double qmin = 0, qmax = 0;
    bool finiteRanges = true;
    for (int g : free) {
        const PowerGen& gen = at(c.net.gens, g);
        finiteRanges = finiteRanges && std::isfinite(gen.qminMVAr) && std::isfinite(gen.qmaxMVAr) &&
                       std::abs(gen.qminMVAr) < 1e9 && std::abs(gen.qmaxMVAr) < 1e9;
        qmin += gen.qminMVAr;
        qmax += gen.qmaxMVAr;
    }
    if (free.size() == 1 || !finiteRanges || qmax - qmin < 1e-9) {
        for (int g : free) {
            at(c.res.genQMVAr, g) = qTotal / static_cast<double>(free.size());
        }
        return;
    }
    const double share = (qTotal - qmin) / (qmax - qmin);
    for (int g : free) {
        const PowerGen& gen = at(c.net.gens, g);
        at(c.res.genQMVAr, g) = gen.qminMVAr + share * (gen.qmaxMVAr - gen.qminMVAr);
    }
}

using SparseReal = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

// Solves the symmetric system of the DC model: sparse LDL^T (AMD ordering), which is several times
// faster than LU here; a network with negative reactances (series capacitors) can make it
// indefinite enough to fail, and then LU with partial pivoting is used.
bool solveSymmetric(const SparseReal& a, const Eigen::VectorXd& b, Eigen::VectorXd& x) {
    Eigen::SimplicialLDLT<SparseReal> ldlt(a);
    if (ldlt.info() == Eigen::Success) {
        x = ldlt.solve(b);
        if (ldlt.info() == Eigen::Success && x.allFinite()) {
            return true;
        }
    }
    Eigen::SparseLU<SparseReal, Eigen::COLAMDOrdering<int>> lu(a);
    if (lu.info() != Eigen::Success) {
        return false;
    }
    x = lu.solve(b);
    return lu.info() == Eigen::Success && x.allFinite();
}

// DC power flow of one island (MATPOWER makeBdc / dcpf): B theta = P - Pshift - Gs, slack angle held.
bool solveIslandDc(Context& c, const std::vector<int>& buses, int slack, IslandResult& ir) {
    const PowerNetwork& net = c.net;
    const int n = static_cast<int>(buses.size());
    const double base = net.baseMVA;
    const std::vector<int>& branches = at(c.branchesOf, at(c.res.busIsland, buses.front()));
    const int ls = at(c.local, slack);

    // Series susceptances and the injections equivalent to the phase shifters.
    Eigen::VectorXd pbus = Eigen::VectorXd::Zero(n);
    std::vector<double> bser;
    bser.reserve(branches.size());
    for (int k : branches) {
        const PowerBranch& br = at(net.branches, k);
        if (br.xPu == 0.0) {
            ir.converged = false;
            c.res.message = "branch " + std::to_string(at(net.buses, br.from).number) + "-" +
                            std::to_string(at(net.buses, br.to).number) +
                            " has x = 0, which the DC model cannot use";
            return false;
        }
        const double b = 1.0 / (br.xPu * br.tap());
        bser.push_back(b);
        const double pfinj = -b * br.shiftDeg * kDegToRad;
        pbus[at(c.local, br.from)] -= pfinj;
        pbus[at(c.local, br.to)] += pfinj;
    }
    for (int li = 0; li < n; ++li) {
        const int b = buses[static_cast<std::size_t>(li)];
        double p = -at(net.buses, b).pdMW - at(net.buses, b).gsMW;
        for (int g : at(c.gensAt, b)) {
            p += at(net.gens, g).pgMW;
        }
        pbus[li] += p / base;
    }

    // Reduced system without the slack row and column.
    const double thetaSlack = c.opt.flatStart ? 0.0 : at(net.buses, slack).vaDeg * kDegToRad;
    auto red = [ls](int li) { return li < ls ? li : li - 1; };
    Eigen::VectorXd theta = Eigen::VectorXd::Constant(n, thetaSlack);
    if (n > 1) {
        std::vector<Eigen::Triplet<double, int>> trip;
        Eigen::VectorXd rhs(n - 1);
        for (int li = 0; li < n; ++li) {
            if (li != ls) {
                rhs[red(li)] = pbus[li];
            }
        }
        for (std::size_t e = 0; e < branches.size(); ++e) {
            const PowerBranch& br = at(net.branches, branches[e]);
            const int f = at(c.local, br.from), t = at(c.local, br.to);
            const double b = bser[e];
            if (f != ls) {
                trip.emplace_back(red(f), red(f), b);
            }
            if (t != ls) {
                trip.emplace_back(red(t), red(t), b);
            }
            if (f != ls && t != ls) {
                trip.emplace_back(red(f), red(t), -b);
                trip.emplace_back(red(t), red(f), -b);
            } else if (f == ls) {
                rhs[red(t)] += b * thetaSlack;
            } else {
                rhs[red(f)] += b * thetaSlack;
            }
        }
        SparseReal bred(n - 1, n - 1);
        bred.setFromTriplets(trip.begin(), trip.end());
        bred.makeCompressed();
        Eigen::VectorXd x;
        if (!solveSymmetric(bred, rhs, x)) {
            ir.converged = false;
            c.res.message = "the DC susceptance matrix of the island of bus " +
                            std::to_string(at(net.buses, slack).number) + " is singular";
            return false;
        }
        for (int li = 0; li < n; ++li) {
            if (li != ls) {
                theta[li] = x[red(li)];
            }
        }
    }

    // Flows, then the slack generator as the balance of its bus.
    for (std::size_t e = 0; e < branches.size(); ++e) {
        const int k = branches[e];
        const PowerBranch& br = at(net.branches, k);
        const double pf =
            bser[e] * (theta[at(c.local, br.from)] - theta[at(c.local, br.to)] - br.shiftDeg * kDegToRad) *
            base;
        at(c.res.pfMW, k) = pf;
        at(c.res.ptMW, k) = -pf;
        at(c.res.qfMVAr, k) = 0;
        at(c.res.qtMVAr, k) = 0;
        at(c.res.branchOn, k) = 1;
    }
    for (int li = 0; li < n; ++li) {
        const int b = buses[static_cast<std::size_t>(li)];
        at(c.res.vmPu, b) = 1.0;
        at(c.res.vaDeg, b) = theta[li] * kRadToDeg;
        at(c.res.busTypeUsed, b) =
            b == slack ? BusType::Ref : (at(c.gensAt, b).empty() ? BusType::Pq : BusType::Pv);
        for (int g : at(c.gensAt, b)) {
            at(c.res.genPMW, g) = at(net.gens, g).pgMW;
            at(c.res.genQMVAr, g) = 0;
            at(c.res.genOn, g) = 1;
        }
    }
    double out = at(net.buses, slack).pdMW + at(net.buses, slack).gsMW;
    for (int k : branches) {
        const PowerBranch& br = at(net.branches, k);
        out += br.from == slack ? at(c.res.pfMW, k) : 0.0;
        out += br.to == slack ? at(c.res.ptMW, k) : 0.0;
    }
    const std::vector<int>& sg = at(c.gensAt, slack);
    for (std::size_t i = 1; i < sg.size(); ++i) {
        out -= at(net.gens, sg[i]).pgMW;
    }
    at(c.res.genPMW, sg.front()) = out;
    ir.converged = true;
    ir.usedDc = true;
    return true;
}

// Admittance matrix of an island (MATPOWER makeYbus): branch blocks, bus shunts, and an explicit
// diagonal for every bus so that the Jacobian pattern always has one.
SparseComplex islandYbus(const Context& c, const std::vector<int>& buses, const std::vector<int>& branches) {
    const int n = static_cast<int>(buses.size());
    std::vector<Eigen::Triplet<Complex, int>> trip;
    trip.reserve(branches.size() * 4 + buses.size());
    for (int li = 0; li < n; ++li) {
        const PowerBus& b = at(c.net.buses, buses[static_cast<std::size_t>(li)]);
        trip.emplace_back(li, li, Complex(b.gsMW, b.bsMVAr) / c.net.baseMVA);
    }
    for (int k : branches) {
        const PowerBranch& br = at(c.net.branches, k);
        const BranchAdmittance a = detail::branchAdmittance(br);
        const int f = at(c.local, br.from), t = at(c.local, br.to);
        trip.emplace_back(f, f, a.yff);
        trip.emplace_back(f, t, a.yft);
        trip.emplace_back(t, f, a.ytf);
        trip.emplace_back(t, t, a.ytt);
    }
    SparseComplex ybus(n, n);
    ybus.setFromTriplets(trip.begin(), trip.end());
    ybus.makeCompressed();
    return ybus;
}

// The per-island state of an AC solve (indexed by the bus's place in the island).
struct AcState {
    std::vector<BusType> role;  // Ref (the slack), Pv or Pq
    Eigen::VectorXcd sbus;      // specified injections, p.u.
    Eigen::VectorXcd v;         // voltages, p.u.
};

// Bus roles, specified injections and starting voltages (MATPOWER runpf/bustypes): a PV or
// reference bus without an in-service generator is PQ; a generator at a PQ bus is a negative load;
// a generator bus starts at its set point.
AcState initialState(Context& c, const std::vector<int>& buses, int slack) {
    const int n = static_cast<int>(buses.size());
    AcState st{std::vector<BusType>(buses.size(), BusType::Pq), Eigen::VectorXcd(n), Eigen::VectorXcd(n)};
    for (int li = 0; li < n; ++li) {
        const int b = buses[static_cast<std::size_t>(li)];
        const PowerBus& bus = at(c.net.buses, b);
        const std::vector<int>& gens = at(c.gensAt, b);
        Complex s(-bus.pdMW, -bus.qdMVAr);
        for (int g : gens) {
            s += Complex(at(c.net.gens, g).pgMW, at(c.net.gens, g).qgMVAr);
            at(c.res.genQMVAr, g) = at(c.net.gens, g).qgMVAr;
        }
        st.sbus[li] = s / c.net.baseMVA;
        if (b == slack) {
            at(st.role, li) = BusType::Ref;
        } else if (!gens.empty() && (bus.type == BusType::Pv || bus.type == BusType::Ref)) {
            at(st.role, li) = BusType::Pv;
        }
        double vm = c.opt.flatStart ? 1.0 : bus.vmPu;
        const double va = c.opt.flatStart ? 0.0 : bus.vaDeg * kDegToRad;
        if (!gens.empty()) {
            vm = at(c.net.gens, gens.front()).vgPu;
        }
        st.v[li] = std::polar(vm, va);
    }
    return st;
}

// Generator outputs from a converged solution: the slack's first generator balances P; PV and
// slack buses share their Q among the generators not held at a limit.
void generatorOutputs(Context& c, const std::vector<int>& buses, const AcState& st, const SparseComplex& ybus,
                      const std::vector<std::uint8_t>& qFixed) {
    const double base = c.net.baseMVA;
    const Eigen::VectorXcd sinj = st.v.cwiseProduct((ybus * st.v).conjugate());
    for (std::size_t li = 0; li < buses.size(); ++li) {
        const std::vector<int>& gens = at(c.gensAt, buses[li]);
        for (int g : gens) {
            at(c.res.genPMW, g) = at(c.net.gens, g).pgMW;
        }
        if (st.role[li] == BusType::Pq) {
            continue;
        }
        const PowerBus& bus = at(c.net.buses, buses[li]);
        const Complex s = sinj[static_cast<Eigen::Index>(li)];
        if (st.role[li] == BusType::Ref) {
            double p = s.real() * base + bus.pdMW;
            for (std::size_t i = 1; i < gens.size(); ++i) {
                p -= at(c.net.gens, gens[i]).pgMW;
            }
            at(c.res.genPMW, gens.front()) = p;
        }
        shareQ(c, gens, qFixed, s.imag() * base + bus.qdMVAr);
    }
}

// PV buses with a generator outside [Qmin, Qmax] (MATPOWER's opf.violation margin); the violating
// generators are set to their limit in the result.
std::vector<int> clampToQLimits(Context& c, const std::vector<int>& buses, const AcState& st) {
    constexpr double kViolationMVAr = 5e-6;
    std::vector<int> switched;
    for (std::size_t li = 0; li < buses.size(); ++li) {
        if (st.role[li] != BusType::Pv) {
            continue;
        }
        bool any = false;
        for (int g : at(c.gensAt, buses[li])) {
            const PowerGen& gen = at(c.net.gens, g);
            double& q = at(c.res.genQMVAr, g);
            if (q > gen.qmaxMVAr + kViolationMVAr) {
                q = gen.qmaxMVAr;
                any = true;
            } else if (q < gen.qminMVAr - kViolationMVAr) {
                q = gen.qminMVAr;
                any = true;
            }
        }
        if (any) {
            switched.push_back(static_cast<int>(li));
        }
    }
    return switched;
}

// AC power flow of one island, with PV-to-PQ switching when Q limits are enforced.
bool solveIslandAc(Context& c, const std::vector<int>& buses, int slack, IslandResult& ir) {
    const PowerNetwork& net = c.net;
    const int n = static_cast<int>(buses.size());
    const std::vector<int>& branches = at(c.branchesOf, at(c.res.busIsland, buses.front()));
    const SparseComplex ybus = islandYbus(c, buses, branches);
    AcState st = initialState(c, buses, slack);
    std::vector<std::uint8_t> qFixed(net.gens.size(), 0);
    const std::string where = "island of bus " + std::to_string(at(net.buses, slack).number) + ": ";

    bool ok = false;
    for (;;) {
        std::vector<int> pv, pq;
        for (int li = 0; li < n; ++li) {
            if (at(st.role, li) == BusType::Pv) {
                pv.push_back(li);
            } else if (at(st.role, li) == BusType::Pq) {
                pq.push_back(li);
            }
        }
        const detail::NewtonOutcome nr =
            detail::newtonRaphson(ybus, st.sbus, st.v, pv, pq, c.opt.tolerancePu, c.opt.maxIterations);
        ir.iterations += nr.iterations;
        ir.maxMismatchPu = nr.maxMismatchPu;
        if (!nr.converged) {
            c.res.message = where + nr.message;
            break;
        }
        generatorOutputs(c, buses, st, ybus, qFixed);
        const std::vector<int> switched =
            c.opt.enforceQLimits ? clampToQLimits(c, buses, st) : std::vector<int>{};
        if (switched.empty()) {
            ok = true;
            break;
        }
        if (ir.qLimitRounds >= c.opt.maxQLimitRounds) {
            c.res.message = where + "generator Q limits still violated after " +
                            std::to_string(ir.qLimitRounds) + " rounds";
            break;
        }
        // Hold every generator of a switched bus at its present output; the bus becomes PQ.
        ++ir.qLimitRounds;
        for (int li : switched) {
            const int b = buses[static_cast<std::size_t>(li)];
            at(st.role, li) = BusType::Pq;
            double q = -at(net.buses, b).qdMVAr;
            for (int g : at(c.gensAt, b)) {
                at(qFixed, g) = 1;
                q += at(c.res.genQMVAr, g);
            }
            st.sbus[li] = Complex(st.sbus[li].real(), q / net.baseMVA);
        }
    }

    if (!ok && c.opt.dcFallback) {
        ir.iterations = 0;
        ir.maxMismatchPu = 0;
        return solveIslandDc(c, buses, slack, ir);
    }
    // Report what there is, even unconverged (a diagnosis aid), unless it blew up.
    const bool finite = st.v.allFinite();
    for (int li = 0; li < n; ++li) {
        const int b = buses[static_cast<std::size_t>(li)];
        at(c.res.vmPu, b) = finite ? std::abs(st.v[li]) : 0.0;
        at(c.res.vaDeg, b) = finite ? std::arg(st.v[li]) * kRadToDeg : 0.0;
        at(c.res.busTypeUsed, b) = at(st.role, li);
        for (int g : at(c.gensAt, b)) {
            at(c.res.genOn, g) = 1;
        }
    }
    if (finite) {
        acBranchFlows(c, branches, st.v);
    }
    ir.converged = ok;
    return ok;
}

}  // namespace

PowerFlowResult solvePowerFlow(const PowerNetwork& net, const PowerFlowOptions& options) {
    PowerFlowResult res;
    res.method = options.method;
    const std::size_t nb = net.buses.size(), ng = net.gens.size(), nl = net.branches.size();
    res.vmPu.assign(nb, 0.0);
    res.vaDeg.assign(nb, 0.0);
    res.busIsland.assign(nb, -1);
    res.busEnergised.assign(nb, 0);
    res.busTypeUsed.assign(nb, BusType::Isolated);
    res.genPMW.assign(ng, 0.0);
    res.genQMVAr.assign(ng, 0.0);
    res.genOn.assign(ng, 0);
    res.pfMW.assign(nl, 0.0);
    res.qfMVAr.assign(nl, 0.0);
    res.ptMW.assign(nl, 0.0);
    res.qtMVAr.assign(nl, 0.0);
    res.branchOn.assign(nl, 0);

    DiagnosticReport check;
    if (!validateNetwork(net, check, net.name)) {
        res.message = "invalid network: " + format(check.items().front());
        return res;
    }

    const Islands islands = findIslands(net);
    Context c{net, options, {}, {}, std::vector<int>(nb, -1), res};
    c.gensAt.resize(nb);
    for (std::size_t g = 0; g < ng; ++g) {
        const PowerGen& gen = net.gens[g];
        if (gen.inService && at(net.buses, gen.bus).type != BusType::Isolated) {
            at(c.gensAt, gen.bus).push_back(static_cast<int>(g));
        }
    }
    c.branchesOf.resize(static_cast<std::size_t>(islands.count()));
    for (std::size_t k = 0; k < nl; ++k) {
        const PowerBranch& br = net.branches[k];
        const int isl = at(islands.busIsland, br.from);
        if (br.inService && isl >= 0 && at(islands.busIsland, br.to) == isl) {
            at(c.branchesOf, isl).push_back(static_cast<int>(k));
        }
    }
    res.busIsland = islands.busIsland;

    res.converged = true;
    for (int i = 0; i < islands.count(); ++i) {
        IslandResult ir;
        ir.buses = at(islands.members, i);
        for (std::size_t li = 0; li < ir.buses.size(); ++li) {
            at(c.local, ir.buses[li]) = static_cast<int>(li);
            ir.loadMW += at(net.buses, ir.buses[li]).pdMW;
        }
        ir.slackBus = chooseSlack(c, ir.buses);
        ir.energised = ir.slackBus >= 0;
        if (ir.energised) {
            for (int b : ir.buses) {
                at(res.busEnergised, b) = 1;
            }
            const bool ok = options.method == PowerFlowMethod::Dc
                                ? solveIslandDc(c, ir.buses, ir.slackBus, ir)
                                : solveIslandAc(c, ir.buses, ir.slackBus, ir);
            res.converged = res.converged && ok;
            res.iterations = std::max(res.iterations, ir.iterations);
            res.maxMismatchPu = std::max(res.maxMismatchPu, ir.maxMismatchPu);
            res.loadServedMW += ir.loadMW;
        } else {
            res.loadLostMW += ir.loadMW;
        }
        res.islands.push_back(std::move(ir));
    }
    for (const PowerBus& b : net.buses) {
        if (b.type == BusType::Isolated) {
            res.loadLostMW += b.pdMW;
        }
    }
    if (res.converged) {
        res.message.clear();
    }

    for (std::size_t k = 0; k < nl; ++k) {
        res.lossMW += res.pfMW[k] + res.ptMW[k];
        res.lossMVAr += res.qfMVAr[k] + res.qtMVAr[k];
    }
    for (std::size_t g = 0; g < ng; ++g) {
        res.generationMW += res.genPMW[g];
        res.generationMVAr += res.genQMVAr[g];
    }
    return res;
}

double maxPowerBalanceMismatchPu(const PowerNetwork& net, const PowerFlowResult& r) {
    const std::size_t nb = net.buses.size();
    std::vector<double> p(nb, 0.0), q(nb, 0.0);
    for (std::size_t i = 0; i < nb; ++i) {
        const PowerBus& b = net.buses[i];
        const double v2 = r.vmPu[i] * r.vmPu[i];
        p[i] = -b.pdMW - b.gsMW * v2;
        q[i] = -b.qdMVAr + b.bsMVAr * v2;
    }
    for (std::size_t g = 0; g < net.gens.size(); ++g) {
        if (r.genOn[g]) {
            p[static_cast<std::size_t>(net.gens[g].bus)] += r.genPMW[g];
            q[static_cast<std::size_t>(net.gens[g].bus)] += r.genQMVAr[g];
        }
    }
    for (std::size_t k = 0; k < net.branches.size(); ++k) {
        if (!r.branchOn[k]) {
            continue;
        }
        const PowerBranch& br = net.branches[k];
        p[static_cast<std::size_t>(br.from)] -= r.pfMW[k];
        q[static_cast<std::size_t>(br.from)] -= r.qfMVAr[k];
        p[static_cast<std::size_t>(br.to)] -= r.ptMW[k];
        q[static_cast<std::size_t>(br.to)] -= r.qtMVAr[k];
    }
    double worst = 0;
    for (std::size_t i = 0; i < nb; ++i) {
        if (r.busEnergised[i]) {
            worst = std::max({worst, std::abs(p[i]), std::abs(q[i])});
        }
    }
    return worst / net.baseMVA;
}

}  // namespace ct::power
