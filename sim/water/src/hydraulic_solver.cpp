// The global gradient algorithm: setup, the Newton loop, assembly and the flow update.
#include "citytwin/water/hydraulic_solver.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "solver_constants.h"

namespace ct::water {

using namespace detail;

const char* toString(LinkState s) {
    switch (s) {
        case LinkState::Closed:
            return "closed";
        case LinkState::Open:
            return "open";
        case LinkState::Active:
            return "active";
        case LinkState::ClosedCheck:
            return "closed (check)";
        case LinkState::ClosedHead:
            return "closed (head)";
        case LinkState::ClosedFull:
            return "closed (tank full)";
        case LinkState::ClosedEmpty:
            return "closed (tank empty)";
        case LinkState::OpenFcv:
            return "open (FCV)";
    }
    return "?";
}

void applyPatterns(const WaterNetwork& net, std::int64_t time, HydraulicState& state) {
    const std::size_t nn = net.nodeCount();
    state.demandRequested.assign(nn, 0.0);
    const double mult = net.options.demandMultiplier;
    for (const DemandEntry& d : net.demands) {
        const std::int32_t pat = d.pattern >= 0 ? d.pattern : net.options.defaultPattern;
        state.demandRequested[d.node] += d.base * mult * net.patternFactor(pat, time);
    }
    for (const Reservoir& r : net.reservoirs) {
        state.head[r.node] = net.nodeElevation[r.node] * net.patternFactor(r.headPattern, time);
    }
    for (const Pump& p : net.pumps) {
        if (p.speedPattern >= 0) {
            state.setting[p.link] = net.patternFactor(p.speedPattern, time);
        }
    }
}

SolverSettings SolverSettings::epanet(const HydraulicOptions& options) {
    SolverSettings s;
    s.options = options;
    s.hazenWilliamsK = kHazenWilliamsEpanetSi;
    s.gravity = kGravityEpanet;
    return s;
}

HydraulicSolver::HydraulicSolver(const WaterNetwork& net)
    : HydraulicSolver(net, SolverSettings{net.options, kHazenWilliamsSi, kGravity}) {}

HydraulicSolver::HydraulicSolver(const WaterNetwork& net, const SolverSettings& settings)
    : m_net(net), m_settings(settings) {
    setup();
}

void HydraulicSolver::setup() {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    m_row.assign(nn, -1);
    int rows = 0;
    for (std::size_t i = 0; i < nn; ++i) {
        if (!m_net.isFixedGrade(static_cast<std::uint32_t>(i))) {
            m_row[i] = rows++;
        }
    }

    // Constant parts of the head-loss laws.
    m_hwResistance.assign(nl, 0.0);
    m_minorLoss.assign(nl, 0.0);
    for (std::size_t k = 0; k < nl; ++k) {
        const double d = m_net.linkDiameter[k];
        const double len = m_net.linkLength[k];
        const LinkKind kind = m_net.linkKind[k];
        if (d > 0.0) {
            m_minorLoss[k] = minorLossCoefficient(m_net.linkMinorLoss[k], d, m_settings.gravity);
        }
        if ((kind == LinkKind::Pipe || kind == LinkKind::CheckValvePipe) && d > 0.0) {
            switch (m_settings.options.headLoss) {
                case HeadLossFormula::HazenWilliams:
                    m_hwResistance[k] =
                        hazenWilliamsResistance(m_net.linkRoughness[k], d, len, m_settings.hazenWilliamsK);
                    break;
                case HeadLossFormula::DarcyWeisbach:
                    m_hwResistance[k] =
                        8.0 * len /
                        (m_settings.gravity * std::numbers::pi * std::numbers::pi * std::pow(d, 5.0));
                    break;
                case HeadLossFormula::ChezyManning:
                    m_hwResistance[k] = manningResistance(m_net.linkRoughness[k], d, len);
                    break;
            }
        }
    }

    // Sparsity pattern of the lower triangle: every junction's diagonal, and one entry per pair
    // of junctions joined by a link (parallel links share it).
    std::vector<Eigen::Triplet<double, int>> triplets;
    triplets.reserve(static_cast<std::size_t>(rows) + nl);
    for (int r = 0; r < rows; ++r) {
        triplets.emplace_back(r, r, 1.0);
    }
    for (std::size_t k = 0; k < nl; ++k) {
        const int r1 = m_row[m_net.linkFrom[k]];
        const int r2 = m_row[m_net.linkTo[k]];
        if (r1 >= 0 && r2 >= 0 && r1 != r2) {
            triplets.emplace_back(std::max(r1, r2), std::min(r1, r2), 0.0);
        }
    }
    m_a.resize(rows, rows);
    m_a.setFromTriplets(triplets.begin(), triplets.end());
    m_a.makeCompressed();

    auto position = [&](int row, int col) -> std::int32_t {
        const int* inner = m_a.innerIndexPtr();
        const int begin = m_a.outerIndexPtr()[col];
        const int end = m_a.outerIndexPtr()[col + 1];
        const int* it = std::lower_bound(inner + begin, inner + end, row);
        return static_cast<std::int32_t>(it - inner);
    };
    m_diagPos.assign(static_cast<std::size_t>(rows), 0);
    for (int r = 0; r < rows; ++r) {
        m_diagPos[static_cast<std::size_t>(r)] = position(r, r);
    }
    m_offPos.assign(nl, -1);
    for (std::size_t k = 0; k < nl; ++k) {
        const int r1 = m_row[m_net.linkFrom[k]];
        const int r2 = m_row[m_net.linkTo[k]];
        if (r1 >= 0 && r2 >= 0 && r1 != r2) {
            m_offPos[k] = position(std::max(r1, r2), std::min(r1, r2));
        }
    }
    m_f.resize(rows);
    m_h.resize(rows);
    m_coeff.assign(nl, Coeff{});
    m_xflow.assign(nn, 0.0);
    m_fixedByValve.assign(nn, 0);
    m_demandCoeff.assign(nn, Coeff{});
    m_emitterCoeff.assign(nn, Coeff{});
    m_leakCoeff.assign(nn, Coeff{});
    if (rows > 0) {
        m_ldlt.analyzePattern(m_a);
        m_analysed = true;
    }
}

namespace detail {

LinkState initialLinkState(LinkKind kind, LinkStatus status, double setting) {
    if (status == LinkStatus::Closed) {
        return LinkState::Closed;
    }
    if (kind == LinkKind::Pump) {
        return setting > 0.0 || std::isnan(setting) ? LinkState::Open : LinkState::Closed;
    }
    if ((kind == LinkKind::Prv || kind == LinkKind::Psv || kind == LinkKind::Fcv || kind == LinkKind::Pbv) &&
        status == LinkStatus::Active) {
        return LinkState::Active;
    }
    return LinkState::Open;
}

}  // namespace detail

HydraulicState HydraulicSolver::initialState() const {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    HydraulicState s;
    s.head = m_net.nodeElevation;
    for (const Tank& t : m_net.tanks) {
        s.head[t.node] = m_net.nodeElevation[t.node] + t.initLevel;
    }
    s.leakCoefficient.assign(nn, 0.0);
    s.status = m_net.linkStatus;
    s.setting = m_net.linkSetting;
    applyPatterns(m_net, 0, s);
    s.flow.assign(nl, 0.0);
    s.linkState.assign(nl, LinkState::Open);
    for (std::size_t k = 0; k < nl; ++k) {
        s.linkState[k] = initialLinkState(m_net.linkKind[k], s.status[k], s.setting[k]);
    }
    s.demandDelivered.assign(nn, 0.0);
    s.emitterFlow.assign(nn, 0.0);
    s.leakFlow.assign(nn, 0.0);
    s.isolated.assign(nn, 0);
    return s;
}

void HydraulicSolver::startState(HydraulicState& s) const {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    // Tolerate a caller that filled only some arrays.
    s.head.resize(nn, 0.0);
    s.demandRequested.resize(nn, 0.0);
    s.leakCoefficient.resize(nn, 0.0);
    s.status.resize(nl, LinkStatus::Open);
    s.setting.resize(nl, std::numeric_limits<double>::quiet_NaN());
    s.flow.resize(nl, 0.0);
    s.linkState.resize(nl, LinkState::Open);
    s.demandDelivered.resize(nn, 0.0);
    s.emitterFlow.resize(nn, 0.0);
    s.leakFlow.resize(nn, 0.0);
    s.isolated.assign(nn, 0);

    // Bring each link's solver state in line with its (possibly changed) status. Closures by
    // the solver (check valves, pumps, full or empty tanks) carry over: the status checks reopen
    // them when the heads say so, and a warm start keeps the Newton steps small.
    for (std::size_t k = 0; k < nl; ++k) {
        const LinkKind kind = m_net.linkKind[k];
        LinkState& st = s.linkState[k];
        const LinkState init = initialLinkState(kind, s.status[k], s.setting[k]);
        if (init == LinkState::Closed || st == LinkState::Closed) {
            st = init;
        } else if (init == LinkState::Open && (st == LinkState::Active || st == LinkState::OpenFcv)) {
            st = init;  // a valve fixed open
        } else if (init == LinkState::Active && kind == LinkKind::Pbv) {
            st = init;  // a PBV decides per iteration
        }
        // Otherwise the state of the last solve is the better start (EPANET keeps it too).
    }
    if (!s.started) {
        for (std::size_t k = 0; k < nl; ++k) {
            const double d = m_net.linkDiameter[k];
            double q = 0.25 * std::numbers::pi * d * d * kStartVelocity;
            if (m_net.linkKind[k] == LinkKind::Pump) {
                const Pump& p = m_net.pumps[static_cast<std::size_t>(m_net.linkPump[k])];
                const double speed = std::isnan(s.setting[k]) ? 1.0 : s.setting[k];
                q = p.designFlow * speed;
            }
            s.flow[k] = isClosed(s.linkState[k]) ? 0.0 : q;
        }
        for (std::size_t i = 0; i < nn; ++i) {
            s.demandDelivered[i] = s.demandRequested[i];
            s.emitterFlow[i] = 0.0;
            s.leakFlow[i] = 0.0;
        }
        s.started = true;
    }
}

void HydraulicSolver::findIsolated(HydraulicState& s) {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    std::vector<std::uint8_t> reached(nn, 0);
    std::vector<std::uint32_t> stack;
    auto regulating = [&](std::size_t k) {
        const LinkKind kind = m_net.linkKind[k];
        return s.linkState[k] == LinkState::Active &&
               (kind == LinkKind::Prv || kind == LinkKind::Psv || kind == LinkKind::Fcv);
    };
    for (;;) {
        // Sources: reservoirs, tanks, and the nodes whose head an active PRV or PSV holds.
        std::fill(reached.begin(), reached.end(), 0);
        std::fill(m_fixedByValve.begin(), m_fixedByValve.end(), 0);
        stack.clear();
        for (std::size_t i = 0; i < nn; ++i) {
            if (m_net.isFixedGrade(static_cast<std::uint32_t>(i))) {
                reached[i] = 1;
                stack.push_back(static_cast<std::uint32_t>(i));
            }
        }
        for (std::size_t k = 0; k < nl; ++k) {
            if (!regulating(k) || m_net.linkKind[k] == LinkKind::Fcv) {
                continue;
            }
            const std::uint32_t held =
                m_net.linkKind[k] == LinkKind::Prv ? m_net.linkTo[k] : m_net.linkFrom[k];
            m_fixedByValve[held] = 1;
            if (!reached[held]) {
                reached[held] = 1;
                stack.push_back(held);
            }
        }
        // Flood through links that conduct (open, or a PBV holding its loss).
        while (!stack.empty()) {
            const std::uint32_t u = stack.back();
            stack.pop_back();
            for (std::uint32_t j = m_net.nodeLinkOffset[u]; j < m_net.nodeLinkOffset[u + 1]; ++j) {
                const std::uint32_t k = m_net.nodeLinks[j];
                if (isClosed(s.linkState[k]) || regulating(k)) {
                    continue;
                }
                const std::uint32_t v = m_net.linkFrom[k] == u ? m_net.linkTo[k] : m_net.linkFrom[k];
                if (!reached[v]) {
                    reached[v] = 1;
                    stack.push_back(v);
                }
            }
        }
        // A regulating valve with a dead end cannot work: close it and look again.
        bool changed = false;
        for (std::size_t k = 0; k < nl; ++k) {
            if (regulating(k) && (!reached[m_net.linkFrom[k]] || !reached[m_net.linkTo[k]])) {
                s.linkState[k] = LinkState::ClosedCheck;
                changed = true;
            }
        }
        if (!changed) {
            break;
        }
    }
    for (std::size_t i = 0; i < nn; ++i) {
        s.isolated[i] = reached[i] ? 0 : 1;
    }
}

void HydraulicSolver::assemble(const HydraulicState& s) {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    const HydraulicOptions& o = m_settings.options;
    double* values = m_a.valuePtr();
    std::fill(values, values + m_a.nonZeros(), 0.0);
    m_f.setZero();

    // Net inflow of every node from the current flows, less what leaves it at the node itself.
    std::fill(m_xflow.begin(), m_xflow.end(), 0.0);
    for (std::size_t k = 0; k < nl; ++k) {
        const LinkKind kind = m_net.linkKind[k];
        if (s.linkState[k] == LinkState::Active && (kind == LinkKind::Prv || kind == LinkKind::Psv)) {
            continue;
        }
        m_xflow[m_net.linkFrom[k]] -= s.flow[k];
        m_xflow[m_net.linkTo[k]] += s.flow[k];
    }
    const bool pda = o.demandModel == DemandModel::PressureDriven;
    for (std::size_t i = 0; i < nn; ++i) {
        if (m_row[i] < 0) {
            continue;
        }
        const double dem = (pda && s.demandRequested[i] > 0.0) ? s.demandDelivered[i] : s.demandRequested[i];
        m_xflow[i] -= dem + s.emitterFlow[i] + s.leakFlow[i];
    }

    auto addDiag = [&](std::uint32_t node, double v) {
        values[m_diagPos[static_cast<std::size_t>(m_row[node])]] += v;
    };
    auto addRhs = [&](std::uint32_t node, double v) {
        if (m_row[node] >= 0) {
            m_f[m_row[node]] += v;
        }
    };

    // Links.
    for (std::size_t k = 0; k < nl; ++k) {
        const std::uint32_t n1 = m_net.linkFrom[k];
        const std::uint32_t n2 = m_net.linkTo[k];
        const LinkState st = s.linkState[k];
        const LinkKind kind = m_net.linkKind[k];
        if (s.isolated[n1] || s.isolated[n2] || isClosed(st)) {
            m_coeff[k] = Coeff{0.0, s.flow[k]};
            continue;
        }
        if (st == LinkState::Active &&
            (kind == LinkKind::Prv || kind == LinkKind::Psv || kind == LinkKind::Fcv)) {
            // A regulating valve fixes a flow, and PRV / PSV a head: the held node gets a large
            // diagonal, so the system stays symmetric (EPANET's approach).
            double q = 0.0;
            if (kind == LinkKind::Fcv) {
                q = s.setting[k];
            } else if (kind == LinkKind::Prv) {
                q = -m_xflow[n2];
                const double hset = m_net.nodeElevation[n2] + s.setting[k];
                addDiag(n2, kBig);
                addRhs(n2, kBig * hset);
            } else {
                q = m_xflow[n1];
                const double hset = m_net.nodeElevation[n1] + s.setting[k];
                addDiag(n1, kBig);
                addRhs(n1, kBig * hset);
            }
            m_coeff[k] = Coeff{0.0, s.flow[k] - q};  // so that the update gives Q = q
            if (kind == LinkKind::Fcv) {
                // Its current flow is already in the nodes' net inflow: move it to q.
                addRhs(n1, s.flow[k] - q);
                addRhs(n2, q - s.flow[k]);
            } else if (q > 0.0) {
                addRhs(n1, -q);
                addRhs(n2, q);
            }
            continue;
        }
        const Coeff c = linkCoeff(static_cast<std::uint32_t>(k), s);
        m_coeff[k] = c;
        const int r1 = m_row[n1];
        const int r2 = m_row[n2];
        if (r1 >= 0) {
            values[m_diagPos[static_cast<std::size_t>(r1)]] += c.p;
            m_f[r1] += c.y;
        } else {
            addRhs(n2, c.p * s.head[n1]);
        }
        if (r2 >= 0) {
            values[m_diagPos[static_cast<std::size_t>(r2)]] += c.p;
            m_f[r2] -= c.y;
        } else {
            addRhs(n1, c.p * s.head[n2]);
        }
        if (m_offPos[k] >= 0) {
            values[m_offPos[k]] -= c.p;
        }
    }

    // Nodes: net inflow, and the pressure-dependent outflows (PDA demand, emitters, leaks) as
    // links to a virtual reservoir at the node's elevation.
    const double dp = std::max(o.requiredPressure - o.minimumPressure, 1e-3);
    for (std::size_t i = 0; i < nn; ++i) {
        const int r = m_row[i];
        if (r < 0) {
            continue;
        }
        if (s.isolated[i]) {
            values[m_diagPos[static_cast<std::size_t>(r)]] = 1.0;
            m_f[r] = m_net.nodeElevation[i];
            continue;
        }
        m_f[r] += m_xflow[i];
        const double z = m_net.nodeElevation[i];
        auto element = [&](double q, double head, double gradient) {
            const double g = std::max(gradient, kGradientMin);
            const Coeff c{1.0 / g, head / g};
            values[m_diagPos[static_cast<std::size_t>(r)]] += c.p;
            m_f[r] += c.y + c.p * z;
            (void)q;
            return c;
        };
        // Emitter / leak: h = (q / C)^(1/e) above the elevation, no backflow.
        auto orifice = [&](double q, double coefficient, double exponent) {
            if (q <= 0.0) {
                return element(q, kBarrier * q, kBarrier);
            }
            const double x = q / coefficient;
            const double h = std::pow(x, 1.0 / exponent);
            return element(q, h, h / (exponent * q));
        };
        m_emitterCoeff[i] = Coeff{};
        m_leakCoeff[i] = Coeff{};
        m_demandCoeff[i] = Coeff{};
        if (m_net.nodeEmitter[i] > 0.0) {
            m_emitterCoeff[i] = orifice(s.emitterFlow[i], m_net.nodeEmitter[i], o.emitterExponent);
        }
        if (s.leakCoefficient[i] > 0.0) {
            m_leakCoeff[i] = orifice(s.leakFlow[i], s.leakCoefficient[i], 0.5);
        }
        const double dreq = s.demandRequested[i];
        if (pda && dreq > 0.0) {
            // Wagner: p = Pmin + (Preq - Pmin) (d / D)^(1/e) for 0 <= d <= D, steep outside.
            const double d = s.demandDelivered[i];
            if (d <= 0.0) {
                m_demandCoeff[i] = element(d, o.minimumPressure + kBarrier * d, kBarrier);
            } else if (d >= dreq) {
                m_demandCoeff[i] = element(d, o.requiredPressure + kBarrier * (d - dreq), kBarrier);
            } else {
                const double x = d / dreq;
                const double e = o.pressureExponent;
                const double h = dp * std::pow(x, 1.0 / e);
                m_demandCoeff[i] = element(d, o.minimumPressure + h, h / (e * d));
            }
        }
    }
}

double HydraulicSolver::updateFlows(HydraulicState& s, double relax, double& maxChange) {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    // Heads of junctions from the solution; cut-off junctions sit at their elevation.
    for (std::size_t i = 0; i < nn; ++i) {
        if (m_row[i] >= 0) {
            s.head[i] = s.isolated[i] ? m_net.nodeElevation[i] : m_h[m_row[i]];
        }
    }
    double sumQ = 0.0;
    double sumDq = 0.0;
    maxChange = 0.0;
    for (std::size_t k = 0; k < nl; ++k) {
        const Coeff& c = m_coeff[k];
        const double dh = s.head[m_net.linkFrom[k]] - s.head[m_net.linkTo[k]];
        double dq = c.y - c.p * dh;
        // Closed links and fixed flows are set exactly; relaxation only for the Newton step.
        const bool exact = c.p == 0.0;
        s.flow[k] -= exact ? dq : relax * dq;
        if (exact && std::abs(s.flow[k]) < 1e-300) {
            s.flow[k] = 0.0;
        }
        sumDq += std::abs(dq);
        sumQ += std::abs(s.flow[k]);
        maxChange = std::max(maxChange, std::abs(dq));
    }
    const bool pda = m_settings.options.demandModel == DemandModel::PressureDriven;
    for (std::size_t i = 0; i < nn; ++i) {
        if (m_row[i] < 0) {
            continue;
        }
        if (s.isolated[i]) {
            sumDq += std::abs(s.emitterFlow[i]) + std::abs(s.leakFlow[i]);
            s.emitterFlow[i] = 0.0;
            s.leakFlow[i] = 0.0;
            s.demandDelivered[i] = 0.0;
            continue;
        }
        const double p = s.head[i] - m_net.nodeElevation[i];
        // `direct` gives the flow straight from the law at pressure p. When a Newton step takes
        // an element out of a barrier region (no flow, or full demand), the step from the
        // barrier's steep slope is tiny and would look converged: jump onto the law instead and
        // count it as a switch, so the next iteration restores exact continuity.
        auto update = [&](double& q, const Coeff& c, double lower, double upper, auto direct) {
            if (c.p == 0.0) {
                q = 0.0;
                return;
            }
            const double dq = c.y - c.p * p;
            const double before = q;
            q -= relax * dq;
            if ((before <= lower && q > lower) || (before >= upper && q < upper)) {
                q = direct();
                ++m_switches;
            }
            sumDq += std::abs(before - q);
            sumQ += std::abs(q);
            maxChange = std::max(maxChange, std::abs(before - q));
        };
        const double inf = std::numeric_limits<double>::infinity();
        const HydraulicOptions& o = m_settings.options;
        if (m_net.nodeEmitter[i] > 0.0) {
            const double c = m_net.nodeEmitter[i];
            update(s.emitterFlow[i], m_emitterCoeff[i], 0.0, inf,
                   [&] { return c * std::pow(std::max(p, 0.0), o.emitterExponent); });
        } else {
            s.emitterFlow[i] = 0.0;
        }
        if (s.leakCoefficient[i] > 0.0) {
            const double c = s.leakCoefficient[i];
            update(s.leakFlow[i], m_leakCoeff[i], 0.0, inf, [&] { return c * std::sqrt(std::max(p, 0.0)); });
        } else {
            s.leakFlow[i] = 0.0;
        }
        const double dreq = s.demandRequested[i];
        if (pda && dreq > 0.0) {
            const double dp = std::max(o.requiredPressure - o.minimumPressure, 1e-3);
            update(s.demandDelivered[i], m_demandCoeff[i], 0.0, dreq, [&] {
                const double x = std::clamp((p - o.minimumPressure) / dp, 0.0, 1.0);
                return dreq * std::pow(x, o.pressureExponent);
            });
        } else {
            s.demandDelivered[i] = dreq;
        }
    }
    return sumQ > 0.0 ? sumDq / sumQ : sumDq;
}

SolveStats HydraulicSolver::solve(HydraulicState& s) {
    const auto t0 = std::chrono::steady_clock::now();
    SolveStats stats;
    startState(s);
    findIsolated(s);
    const HydraulicOptions& o = m_settings.options;
    const int extra = std::max(o.unbalancedExtraTrials, 0);
    const int limit = o.maxTrials + extra;
    double relax = 1.0;
    for (int trial = 1; trial <= limit; ++trial) {
        stats.iterations = trial;
        const bool frozen = trial > o.maxTrials;  // UNBALANCED CONTINUE: statuses frozen
        assemble(s);
        if (m_analysed) {
            m_ldlt.factorize(m_a);
            if (m_ldlt.info() != Eigen::Success) {
                stats.factorisationFailed = true;
                break;
            }
            m_h = m_ldlt.solve(m_f);
            if (!m_h.allFinite()) {
                stats.factorisationFailed = true;
                break;
            }
        }
        double maxChange = 0.0;
        m_switches = 0;
        const double rel = updateFlows(s, relax, maxChange);
        stats.relativeChange = rel;
        if (o.dampLimit > 0.0 && rel <= o.dampLimit) {
            relax = 0.6;
        }
        int changes = 0;
        if (!frozen && trial <= o.maxCheck) {
            // Early on, regulating valves are checked every trial and the other links every
            // CHECKFREQ trials; later only at convergence, which also ends status cycles driven
            // by the lag in the valve flows.
            changes += checkValves(s);
            if (o.checkFrequency > 0 && trial % o.checkFrequency == 0) {
                changes += checkLinks(s);
            }
        }
        bool converged = rel <= o.accuracy && m_switches == 0;
        if (converged && o.flowChange > 0.0) {
            converged = maxChange <= o.flowChange;
        }
        if (converged && o.headError > 0.0) {
            converged = maxHeadError(s) <= o.headError;
        }
        if (converged && changes == 0 && !frozen) {
            changes = checkValves(s) + checkLinks(s);
        }
        if (changes > 0) {
            stats.statusChanges += changes;
            findIsolated(s);
            continue;
        }
        if (converged) {
            stats.converged = true;
            break;
        }
    }
    stats.isolatedJunctions = 0;
    for (std::size_t i = 0; i < s.isolated.size(); ++i) {
        stats.isolatedJunctions += (s.isolated[i] && m_row[i] >= 0) ? 1 : 0;
    }
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return stats;
}

}  // namespace ct::water
