// Extended-period simulation: patterns, controls, rules, tank levels and the time step.
#include "citytwin/water/water_simulation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "solver_constants.h"

namespace ct::water {

using namespace detail;

namespace {

std::int64_t roundSeconds(double s) {
    if (!std::isfinite(s) || s > 1e15) {
        return std::numeric_limits<std::int64_t>::max();
    }
    return static_cast<std::int64_t>(std::floor(s + 0.5));
}

bool compare(double x, RuleRelation r, double v) {
    const double tol = 1e-6 * std::max(1.0, std::abs(v));
    switch (r) {
        case RuleRelation::Eq:
            return std::abs(x - v) <= tol;
        case RuleRelation::Ne:
            return std::abs(x - v) > tol;
        case RuleRelation::Lt:
            return x < v;
        case RuleRelation::Le:
            return x <= v + tol;
        case RuleRelation::Gt:
            return x > v;
        case RuleRelation::Ge:
            return x >= v - tol;
    }
    return false;
}

LinkStatus reportedStatus(LinkState s) {
    if (isClosed(s)) {
        return LinkStatus::Closed;
    }
    return s == LinkState::Active ? LinkStatus::Active : LinkStatus::Open;
}

}  // namespace

WaterSimulation::WaterSimulation(const WaterNetwork& net)
    : WaterSimulation(net, SolverSettings{net.options, kHazenWilliamsSi, kGravity}) {}

WaterSimulation::WaterSimulation(const WaterNetwork& net, const SolverSettings& settings)
    : m_net(net), m_solver(net, settings), m_state(m_solver.initialState()), m_duration(net.times.duration) {
    m_tankVolume.reserve(net.tanks.size());
    for (const Tank& t : net.tanks) {
        m_tankVolume.push_back(net.tankVolume(t, t.initLevel));
    }
}

double WaterSimulation::tankInflow(std::size_t tank) const {
    const std::uint32_t n = m_net.tanks[tank].node;
    double q = 0.0;
    for (std::uint32_t j = m_net.nodeLinkOffset[n]; j < m_net.nodeLinkOffset[n + 1]; ++j) {
        const std::uint32_t k = m_net.nodeLinks[j];
        q += m_net.linkTo[k] == n ? m_state.flow[k] : -m_state.flow[k];
    }
    return q;
}

bool WaterSimulation::linkChange(std::uint32_t k, std::optional<LinkStatus> status, double setting,
                                 LinkStatus& newStatus, double& newSetting) const {
    const LinkKind kind = m_net.linkKind[k];
    newStatus = m_state.status[k];
    newSetting = m_state.setting[k];
    if (status) {
        newStatus = *status;
        if (kind == LinkKind::Pump && newStatus == LinkStatus::Open && !(newSetting > 0.0)) {
            newSetting = 1.0;
        }
    } else if (kind == LinkKind::Pump) {
        newSetting = setting;
        newStatus = setting > 0.0 ? LinkStatus::Open : LinkStatus::Closed;
    } else if (isValve(kind)) {
        newSetting = setting;
        newStatus = kind == LinkKind::Tcv || kind == LinkKind::Gpv ? LinkStatus::Open : LinkStatus::Active;
    }
    const bool sameSetting =
        newSetting == m_state.setting[k] || (std::isnan(newSetting) && std::isnan(m_state.setting[k]));
    return newStatus != m_state.status[k] || !sameSetting;
}

bool WaterSimulation::changeLink(std::uint32_t k, std::optional<LinkStatus> status, double setting) {
    LinkStatus newStatus = LinkStatus::Open;
    double newSetting = 0.0;
    if (!linkChange(k, status, setting, newStatus, newSetting)) {
        return false;
    }
    m_state.status[k] = newStatus;
    m_state.setting[k] = newSetting;
    m_state.linkState[k] = initialLinkState(m_net.linkKind[k], newStatus, newSetting);
    return true;
}

void WaterSimulation::setLinkStatus(std::uint32_t link, LinkStatus status) {
    if (link < m_net.linkCount()) {
        changeLink(link, status, 0.0);
    }
}

void WaterSimulation::setLinkSetting(std::uint32_t link, double setting) {
    if (link < m_net.linkCount()) {
        changeLink(link, std::nullopt, setting);
    }
}

void WaterSimulation::setLeak(std::uint32_t node, double area, double dischargeCoefficient) {
    if (node < m_net.nodeCount() && m_net.nodeKind[node] == NodeKind::Junction) {
        m_state.leakCoefficient[node] =
            std::max(0.0, dischargeCoefficient * area * std::sqrt(2.0 * kGravity));
    }
}

void WaterSimulation::applyControls() {
    const std::int64_t clock = (m_time + m_net.times.startClock) % 86400;
    for (const Control& c : m_net.controls) {
        bool fire = false;
        switch (c.condition) {
            case ControlCondition::AtTime:
                fire = m_time == static_cast<std::int64_t>(c.threshold);
                break;
            case ControlCondition::AtClockTime:
                fire = clock == static_cast<std::int64_t>(c.threshold);
                break;
            case ControlCondition::NodeAbove:
            case ControlCondition::NodeBelow: {
                const bool above = c.condition == ControlCondition::NodeAbove;
                const std::int32_t t = m_net.nodeTank[c.node];
                if (t >= 0) {
                    // Tanks: compared in volume, with one second of inflow as tolerance (EPANET).
                    const Tank& tank = m_net.tanks[static_cast<std::size_t>(t)];
                    const double z = m_net.nodeElevation[c.node];
                    const double v = m_tankVolume[static_cast<std::size_t>(t)];
                    const double vt = m_net.tankVolume(tank, c.threshold - z);
                    const double tol = m_solved ? std::abs(tankInflow(static_cast<std::size_t>(t))) : 0.0;
                    fire = above ? v >= vt - tol : v <= vt + tol;
                } else if (m_solved || m_net.nodeKind[c.node] == NodeKind::Reservoir) {
                    const double h = m_state.head[c.node];
                    fire = above ? h > c.threshold : h < c.threshold;
                }
                break;
            }
        }
        if (fire && changeLink(c.link, c.status, c.setting)) {
            Diagnostic d;
            d.severity = Severity::Info;
            d.code = "water.control";
            d.file = m_net.sourceFile;
            d.line = c.line;
            d.message = "control on link '" + m_net.linkName[c.link] +
                        "' applied at t = " + std::to_string(m_time) + " s";
            d.action = std::string("link ") + toString(m_state.status[c.link]);
            m_diagnostics.add(std::move(d));
        }
    }
}

std::vector<std::pair<std::uint32_t, const RuleAction*>> WaterSimulation::ruleActions(
    std::int64_t atTime, const std::vector<double>& head) const {
    std::vector<std::pair<std::uint32_t, const RuleAction*>> out;
    if (m_net.rules.empty()) {
        return out;
    }
    const std::int64_t clock = (atTime + m_net.times.startClock) % 86400;
    const std::int64_t step = m_net.times.ruleStep;
    auto value = [&](const RulePremise& p) -> double {
        switch (p.object) {
            case RuleObject::Node:
                switch (p.attribute) {
                    case RuleAttribute::Head:
                        return head[p.index];
                    case RuleAttribute::Pressure:
                        return head[p.index] - m_net.nodeElevation[p.index];
                    default:
                        return m_state.demandDelivered[p.index] + m_state.emitterFlow[p.index];
                }
            case RuleObject::Link:
                switch (p.attribute) {
                    case RuleAttribute::Flow:
                        return m_state.flow[p.index];
                    case RuleAttribute::Status:
                        return static_cast<double>(reportedStatus(m_state.linkState[p.index]));
                    default:
                        return m_state.setting[p.index];
                }
            case RuleObject::System: {
                if (p.attribute == RuleAttribute::Demand) {
                    double total = 0.0;
                    for (double d : m_state.demandDelivered) {
                        total += d;
                    }
                    return total;
                }
                return static_cast<double>(p.attribute == RuleAttribute::ClockTime ? clock : atTime);
            }
        }
        return 0.0;
    };
    auto holds = [&](const RulePremise& p) {
        if (p.object == RuleObject::System &&
            (p.attribute == RuleAttribute::Time || p.attribute == RuleAttribute::ClockTime) &&
            p.relation == RuleRelation::Eq) {
            // A time "equals" v when v falls within the last rule step.
            const double now = value(p);
            double v = p.value;
            if (p.attribute == RuleAttribute::ClockTime && v > now) {
                v -= 86400.0;
            }
            return v <= now && v > now - static_cast<double>(step);
        }
        return compare(value(p), p.relation, p.value);
    };
    struct Chosen {
        double priority;
        const RuleAction* action;
    };
    std::map<std::uint32_t, Chosen> chosen;  // by link: the highest-priority action (first on ties)
    for (const Rule& rule : m_net.rules) {
        bool result = true;
        for (std::size_t i = 0; i < rule.premises.size(); ++i) {
            const RulePremise& p = rule.premises[i];
            if (i == 0) {
                result = holds(p);
            } else if (p.orWithPrevious) {
                result = result || holds(p);
            } else {
                result = result && holds(p);
            }
        }
        const auto& actions = result ? rule.thenActions : rule.elseActions;
        for (const RuleAction& a : actions) {
            const auto it = chosen.find(a.link);
            if (it == chosen.end() || rule.priority > it->second.priority) {
                chosen[a.link] = Chosen{rule.priority, &a};
            }
        }
    }
    for (const auto& [link, c] : chosen) {
        out.emplace_back(link, c.action);
    }
    return out;
}

bool WaterSimulation::rulesWouldChange(std::int64_t atTime, const std::vector<double>& head) const {
    LinkStatus status = LinkStatus::Open;
    double setting = 0.0;
    for (const auto& [link, action] : ruleActions(atTime, head)) {
        if (linkChange(link, action->status, action->setting, status, setting)) {
            return true;
        }
    }
    return false;
}

void WaterSimulation::applyRules() {
    for (const auto& [link, action] : ruleActions(m_time, m_state.head)) {
        if (changeLink(link, action->status, action->setting)) {
            Diagnostic d;
            d.severity = Severity::Info;
            d.code = "water.rule";
            d.file = m_net.sourceFile;
            d.message =
                "rule action on link '" + m_net.linkName[link] + "' at t = " + std::to_string(m_time) + " s";
            d.action = std::string("link ") + toString(m_state.status[link]);
            m_diagnostics.add(std::move(d));
        }
    }
}

SolveStats WaterSimulation::solveNow() {
    applyPatterns(m_net, m_time, m_state);
    for (std::size_t i = 0; i < m_net.tanks.size(); ++i) {
        const Tank& t = m_net.tanks[i];
        m_state.head[t.node] = m_net.nodeElevation[t.node] + m_net.tankLevel(t, m_tankVolume[i]);
    }
    applyControls();
    applyRules();
    m_lastStats = m_solver.solve(m_state);
    m_solved = true;
    if (!m_lastStats.converged) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.code = m_lastStats.factorisationFailed ? "water.singular" : "water.unbalanced";
        d.file = m_net.sourceFile;
        d.message = (m_lastStats.factorisationFailed
                         ? std::string("the system could not be solved")
                         : "no convergence in " + std::to_string(m_lastStats.iterations) + " trials") +
                    " at t = " + std::to_string(m_time) + " s";
        d.action = "last iterate kept";
        m_diagnostics.add(std::move(d));
    }
    return m_lastStats;
}

std::int64_t WaterSimulation::nextStep() const {
    const TimeOptions& t = m_net.times;
    if (m_time >= m_duration) {
        return 0;
    }
    std::int64_t dt = t.hydraulicStep;
    auto cut = [&](std::int64_t candidate) {
        if (candidate > 0 && candidate < dt) {
            dt = candidate;
        }
    };
    cut(t.patternStep - ((m_time + t.patternStart) % t.patternStep));
    cut(m_time < t.reportStart ? t.reportStart - m_time
                               : t.reportStep - ((m_time - t.reportStart) % t.reportStep));
    cut(m_duration - m_time);

    // Tanks filling or emptying, or reaching a control level.
    for (std::size_t i = 0; i < m_net.tanks.size(); ++i) {
        const Tank& tank = m_net.tanks[i];
        const double q = tankInflow(i);
        const double v = m_tankVolume[i];
        if (q > 0.0) {
            cut(roundSeconds((m_net.tankVolume(tank, tank.maxLevel) - v) / q));
        } else if (q < 0.0) {
            cut(roundSeconds((m_net.tankVolume(tank, tank.minLevel) - v) / q));
        }
    }
    const std::int64_t clock = (m_time + t.startClock) % 86400;
    for (const Control& c : m_net.controls) {
        LinkStatus ns = LinkStatus::Open;
        double nset = 0.0;
        if (!linkChange(c.link, c.status, c.setting, ns, nset)) {
            continue;  // a control that would change nothing does not shorten the step (EPANET)
        }
        if (c.condition == ControlCondition::AtTime) {
            cut(static_cast<std::int64_t>(c.threshold) - m_time);
        } else if (c.condition == ControlCondition::AtClockTime) {
            cut((static_cast<std::int64_t>(c.threshold) - clock + 86400) % 86400);
        } else if (m_net.nodeTank[c.node] >= 0) {
            const auto i = static_cast<std::size_t>(m_net.nodeTank[c.node]);
            const Tank& tank = m_net.tanks[i];
            const double q = tankInflow(i);
            const double v = m_tankVolume[i];
            const double vt = m_net.tankVolume(tank, c.threshold - m_net.nodeElevation[c.node]);
            if ((q > 0.0 && v < vt) || (q < 0.0 && v > vt)) {
                cut(roundSeconds((vt - v) / q));
            }
        }
    }

    // Rules: checked every rule step within the period with projected tank levels.
    if (!m_net.rules.empty()) {
        std::vector<double> head = m_state.head;
        for (std::int64_t tr = t.ruleStep; tr < dt; tr += t.ruleStep) {
            for (std::size_t i = 0; i < m_net.tanks.size(); ++i) {
                const Tank& tank = m_net.tanks[i];
                const double vmin = m_net.tankVolume(tank, tank.minLevel);
                const double vmax = m_net.tankVolume(tank, tank.maxLevel);
                const double v =
                    std::clamp(m_tankVolume[i] + tankInflow(i) * static_cast<double>(tr), vmin, vmax);
                head[tank.node] = m_net.nodeElevation[tank.node] + m_net.tankLevel(tank, v);
            }
            if (rulesWouldChange(m_time + tr, head)) {
                dt = tr;
                break;
            }
        }
    }
    return dt;
}

void WaterSimulation::moveTanks(std::int64_t dt) {
    for (std::size_t i = 0; i < m_net.tanks.size(); ++i) {
        const Tank& tank = m_net.tanks[i];
        const double vmin = m_net.tankVolume(tank, tank.minLevel);
        const double vmax = m_net.tankVolume(tank, tank.maxLevel);
        m_tankVolume[i] = std::clamp(m_tankVolume[i] + tankInflow(i) * static_cast<double>(dt), vmin, vmax);
    }
}

std::int64_t WaterSimulation::advance() {
    const std::int64_t dt = nextStep();
    if (dt <= 0) {
        return 0;
    }
    moveTanks(dt);
    m_time += dt;
    return dt;
}

bool WaterSimulation::isReportTime() const {
    const TimeOptions& t = m_net.times;
    return m_time >= t.reportStart && (m_time - t.reportStart) % t.reportStep == 0;
}

WaterReport WaterSimulation::report() const {
    const std::size_t nn = m_net.nodeCount();
    const std::size_t nl = m_net.linkCount();
    WaterReport r;
    r.time = m_time;
    r.head = m_state.head;
    r.pressure.resize(nn);
    r.leakFlow.resize(nn);
    for (std::size_t i = 0; i < nn; ++i) {
        r.pressure[i] =
            m_net.nodeKind[i] == NodeKind::Reservoir ? 0.0 : m_state.head[i] - m_net.nodeElevation[i];
        r.leakFlow[i] = m_state.emitterFlow[i] + m_state.leakFlow[i];
    }
    r.demandRequested = m_state.demandRequested;
    r.demandDelivered = m_state.demandDelivered;
    r.isolated = m_state.isolated;
    r.flow = m_state.flow;
    r.velocity.assign(nl, 0.0);
    r.headLoss.resize(nl);
    for (std::size_t k = 0; k < nl; ++k) {
        const double d = m_net.linkDiameter[k];
        if (m_net.linkKind[k] != LinkKind::Pump && d > 0.0) {
            r.velocity[k] = std::abs(m_state.flow[k]) / (0.25 * std::numbers::pi * d * d);
        }
        r.headLoss[k] = m_state.head[m_net.linkFrom[k]] - m_state.head[m_net.linkTo[k]];
    }
    r.linkState = m_state.linkState;
    r.setting = m_state.setting;
    r.tankVolume = m_tankVolume;
    r.tankLevel.resize(m_net.tanks.size());
    for (std::size_t i = 0; i < m_net.tanks.size(); ++i) {
        r.tankLevel[i] = m_net.tankLevel(m_net.tanks[i], m_tankVolume[i]);
    }
    r.stats = m_lastStats;
    return r;
}

RunSummary WaterSimulation::run(const std::function<void(const WaterReport&)>& onReport) {
    RunSummary sum;
    double minP = std::numeric_limits<double>::infinity();
    double maxP = -std::numeric_limits<double>::infinity();
    for (;;) {
        const SolveStats stats = solveNow();
        ++sum.solves;
        sum.iterations += stats.iterations;
        sum.solveSeconds += stats.seconds;
        sum.maxIsolated = std::max(sum.maxIsolated, stats.isolatedJunctions);
        if (!stats.converged) {
            ++sum.unconverged;
            if (stats.factorisationFailed || m_net.options.unbalancedExtraTrials < 0) {
                sum.stopped = true;
            }
        }
        if (isReportTime() || sum.stopped) {
            const WaterReport r = report();
            for (std::size_t i = 0; i < m_net.nodeCount(); ++i) {
                if (m_net.nodeKind[i] == NodeKind::Junction && !r.isolated[i]) {
                    minP = std::min(minP, r.pressure[i]);
                    maxP = std::max(maxP, r.pressure[i]);
                }
            }
            if (onReport) {
                onReport(r);
            }
            ++sum.reports;
        }
        if (sum.stopped) {
            break;
        }
        double requested = 0.0;
        double delivered = 0.0;
        for (std::size_t i = 0; i < m_net.nodeCount(); ++i) {
            if (m_net.nodeKind[i] == NodeKind::Junction) {
                requested += std::max(0.0, m_state.demandRequested[i]);
                delivered += std::max(0.0, m_state.demandDelivered[i]);
            }
        }
        const std::int64_t dt = advance();
        sum.requestedVolume += requested * static_cast<double>(dt);
        sum.deliveredVolume += delivered * static_cast<double>(dt);
        if (dt == 0) {
            break;
        }
    }
    sum.minPressure = std::isfinite(minP) ? minP : 0.0;
    sum.maxPressure = std::isfinite(maxP) ? maxP : 0.0;
    sum.endTime = m_time;
    return sum;
}

}  // namespace ct::water
