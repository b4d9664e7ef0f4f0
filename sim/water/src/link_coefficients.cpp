// The global gradient algorithm: Newton coefficients of pipes, pumps and valves, and the
// status checks of valves, check valves, pumps and tanks.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "citytwin/water/hydraulic_solver.h"
#include "solver_constants.h"

namespace ct::water {

using namespace detail;

namespace {

// Piecewise-linear curve value and slope at x, extrapolating the end segments.
void curveAt(const Curve& c, double x, double& y, double& slope) {
    const std::size_t n = c.x.size();
    if (n < 2) {
        y = n == 1 ? c.y[0] : 0.0;
        slope = 0.0;
        return;
    }
    std::size_t i = 1;
    while (i < n - 1 && x > c.x[i]) {
        ++i;
    }
    slope = (c.y[i] - c.y[i - 1]) / (c.x[i] - c.x[i - 1]);
    y = c.y[i - 1] + slope * (x - c.x[i - 1]);
}

}  // namespace

HydraulicSolver::Coeff HydraulicSolver::pipeCoeff(std::uint32_t k, double q) const {
    const double aq = std::abs(q);
    const double sign = q < 0.0 ? -1.0 : 1.0;
    const double r = m_hwResistance[k];
    double h = 0.0;
    double g = 0.0;
    switch (m_settings.options.headLoss) {
        case HeadLossFormula::HazenWilliams:
            // Linear below a small flow, where the 1.852 power law has a vanishing slope.
            if (aq < kLowFlow) {
                g = r * std::pow(kLowFlow, kHazenWilliamsExponent - 1.0);
                h = g * q;
            } else {
                const double rq = r * std::pow(aq, kHazenWilliamsExponent - 1.0);
                h = sign * rq * aq;
                g = kHazenWilliamsExponent * rq;
            }
            break;
        case HeadLossFormula::DarcyWeisbach: {
            const double d = m_net.linkDiameter[k];
            const double nu = m_settings.options.viscosity;
            const double re = 4.0 * aq / (std::numbers::pi * d * nu);
            if (re <= 2000.0) {
                g = 16.0 * std::numbers::pi * r * d * nu;  // f = 64/Re makes h linear in Q
                h = g * q;
            } else {
                double dfdRe = 0.0;
                const double f = darcyFriction(m_net.linkRoughness[k] / d, re, &dfdRe);
                h = sign * f * r * aq * aq;
                g = r * aq * (2.0 * f + re * dfdRe);
            }
            break;
        }
        case HeadLossFormula::ChezyManning:
            if (aq < kLowFlow) {
                g = r * kLowFlow;
                h = g * q;
            } else {
                h = sign * r * aq * aq;
                g = 2.0 * r * aq;
            }
            break;
    }
    const double m = m_minorLoss[k];
    h += m * q * aq;
    g += 2.0 * m * aq;
    g = std::max(g, kGradientMin);
    return Coeff{1.0 / g, h / g};
}

HydraulicSolver::Coeff HydraulicSolver::pumpCoeff(std::uint32_t k, double q, double speed) const {
    const Pump& p = m_net.pumps[static_cast<std::size_t>(m_net.linkPump[k])];
    double h = 0.0;  // head loss = minus the head gain
    double g = 0.0;
    switch (p.kind) {
        case PumpCurveKind::PowerFunction: {
            // gain = s^2 a - b s^(2-c) q^c; linear below a small flow.
            const double bs = p.b * std::pow(speed, 2.0 - p.c);
            const double q0 = std::max(q, kLowFlow);
            g = std::max(p.c * bs * std::pow(q0, p.c - 1.0), kGradientMin);
            if (q < kLowFlow) {
                h = -(speed * speed * p.a) + g * q;
            } else {
                h = -(speed * speed * p.a - bs * std::pow(q, p.c));
            }
            break;
        }
        case PumpCurveKind::Custom: {
            // gain = s^2 H(q/s) on the piecewise-linear curve.
            double y = 0.0;
            double slope = 0.0;
            curveAt(m_net.curves[static_cast<std::size_t>(p.headCurve)], q / speed, y, slope);
            h = -(speed * speed * y);
            g = std::max(-speed * slope, kGradientMin);
            break;
        }
        case PumpCurveKind::ConstantPower: {
            // gain = W / (rho g q), continued linearly below a small flow.
            const double w = p.power * speed * speed * speed;
            const double q0 = std::max(q, 1e-4);
            const double gain = w / (kWaterDensity * kGravity * q0);
            g = gain / q0;
            h = -gain + g * std::min(q - q0, 0.0);
            break;
        }
    }
    return Coeff{1.0 / g, h / g};
}

double HydraulicSolver::openValveLoss(std::uint32_t k, double q) const {
    double m = m_minorLoss[k];
    if (m_net.linkKind[k] == LinkKind::Tcv && std::isfinite(m_net.linkSetting[k])) {
        m = minorLossCoefficient(m_net.linkSetting[k], m_net.linkDiameter[k], m_settings.gravity);
    }
    return m * q * std::abs(q);
}

HydraulicSolver::Coeff HydraulicSolver::valveOpenCoeff(std::uint32_t k, double q, double extraK) const {
    double m = m_minorLoss[k];
    if (extraK >= 0.0) {
        m = minorLossCoefficient(extraK, m_net.linkDiameter[k], m_settings.gravity);
    }
    if (m <= 0.0) {
        return Coeff{1.0 / kGradientMin, q};  // a valve without losses: h = gmin q
    }
    const double aq = std::abs(q);
    const double g = std::max(2.0 * m * aq, kGradientMin);
    return Coeff{1.0 / g, m * q * aq / g};
}

HydraulicSolver::Coeff HydraulicSolver::linkCoeff(std::uint32_t k, const HydraulicState& s) const {
    const double q = s.flow[k];
    switch (m_net.linkKind[k]) {
        case LinkKind::Pipe:
        case LinkKind::CheckValvePipe:
            return pipeCoeff(k, q);
        case LinkKind::Pump: {
            const double speed = std::isnan(s.setting[k]) ? 1.0 : s.setting[k];
            return pumpCoeff(k, q, speed);
        }
        case LinkKind::Tcv: {
            const double kk = s.setting[k];
            return valveOpenCoeff(k, q, std::isfinite(kk) ? kk : -1.0);
        }
        case LinkKind::Pbv: {
            const double set = s.setting[k];
            if (s.linkState[k] == LinkState::Active && std::isfinite(set) &&
                std::abs(openValveLoss(k, q)) <= set) {
                return Coeff{kBig, kBig * set};  // holds a head loss equal to the setting
            }
            return valveOpenCoeff(k, q, -1.0);
        }
        case LinkKind::Gpv: {
            double y = 0.0;
            double slope = 0.0;
            const std::int32_t c = m_net.linkCurve[k];
            curveAt(m_net.curves[static_cast<std::size_t>(c)], std::abs(q), y, slope);
            const double m = m_minorLoss[k];
            const double h = (q < 0.0 ? -y : y) + m * q * std::abs(q);
            const double g = std::max(slope + 2.0 * m * std::abs(q), kGradientMin);
            return Coeff{1.0 / g, h / g};
        }
        case LinkKind::Prv:
        case LinkKind::Psv:
        case LinkKind::Fcv:
            return valveOpenCoeff(k, q, -1.0);
    }
    return Coeff{};
}

int HydraulicSolver::checkValves(HydraulicState& s) const {
    int changes = 0;
    const std::size_t nl = m_net.linkCount();
    for (std::size_t k = 0; k < nl; ++k) {
        const LinkKind kind = m_net.linkKind[k];
        if ((kind != LinkKind::Prv && kind != LinkKind::Psv && kind != LinkKind::Fcv) ||
            s.status[k] != LinkStatus::Active) {
            continue;
        }
        const std::uint32_t n1 = m_net.linkFrom[k];
        const std::uint32_t n2 = m_net.linkTo[k];
        if (s.isolated[n1] || s.isolated[n2]) {
            continue;
        }
        const double h1 = s.head[n1];
        const double h2 = s.head[n2];
        const double q = s.flow[k];
        LinkState& st = s.linkState[k];
        const LinkState before = st;
        const double hml = openValveLoss(static_cast<std::uint32_t>(k), q);
        if (kind == LinkKind::Prv) {
            const double hset = m_net.nodeElevation[n2] + s.setting[k];
            if (st == LinkState::Active) {
                if (q < -kFlowTol) {
                    st = LinkState::ClosedCheck;
                } else if (h1 - hml < hset - kHeadTol) {
                    st = LinkState::Open;
                }
            } else if (st == LinkState::Open) {
                if (q < -kFlowTol) {
                    st = LinkState::ClosedCheck;
                } else if (h2 >= hset + kHeadTol) {
                    st = LinkState::Active;
                }
            } else if (st == LinkState::ClosedCheck) {
                if (h1 >= hset + kHeadTol && h2 < hset - kHeadTol) {
                    st = LinkState::Active;
                } else if (h1 < hset - kHeadTol && h1 > h2 + kHeadTol) {
                    st = LinkState::Open;
                }
            }
        } else if (kind == LinkKind::Psv) {
            const double hset = m_net.nodeElevation[n1] + s.setting[k];
            if (st == LinkState::Active) {
                if (q < -kFlowTol) {
                    st = LinkState::ClosedCheck;
                } else if (h2 + hml > hset + kHeadTol) {
                    st = LinkState::Open;
                }
            } else if (st == LinkState::Open) {
                if (q < -kFlowTol) {
                    st = LinkState::ClosedCheck;
                } else if (h1 < hset - kHeadTol) {
                    st = LinkState::Active;
                }
            } else if (st == LinkState::ClosedCheck) {
                if (h2 > hset + kHeadTol && h1 > h2 + kHeadTol) {
                    st = LinkState::Open;
                } else if (h1 >= hset + kHeadTol && h1 > h2 + kHeadTol) {
                    st = LinkState::Active;
                }
            }
        } else {
            const double set = s.setting[k];
            if (h1 - h2 < -kHeadTol || q < -kFlowTol) {
                st = LinkState::OpenFcv;
            } else if ((st == LinkState::OpenFcv || st == LinkState::ClosedCheck) && q >= set) {
                st = LinkState::Active;
            }
        }
        changes += st != before ? 1 : 0;
    }
    return changes;
}

int HydraulicSolver::checkLinks(HydraulicState& s) const {
    int changes = 0;
    const std::size_t nl = m_net.linkCount();
    for (std::size_t k = 0; k < nl; ++k) {
        const LinkKind kind = m_net.linkKind[k];
        LinkState& st = s.linkState[k];
        const LinkState before = st;
        const std::uint32_t n1 = m_net.linkFrom[k];
        const std::uint32_t n2 = m_net.linkTo[k];
        if (s.isolated[n1] || s.isolated[n2] || st == LinkState::Closed) {
            continue;
        }
        const double dh = s.head[n1] - s.head[n2];
        const double q = s.flow[k];
        if (kind == LinkKind::CheckValvePipe) {
            if (std::abs(dh) > kHeadTol) {
                st = (dh < -kHeadTol || q < -kFlowTol) ? LinkState::ClosedCheck : LinkState::Open;
            } else if (q < -kFlowTol) {
                st = LinkState::ClosedCheck;
            }
        } else if (kind == LinkKind::Pump && (st == LinkState::Open || st == LinkState::ClosedHead)) {
            const Pump& p = m_net.pumps[static_cast<std::size_t>(m_net.linkPump[k])];
            const double speed = std::isnan(s.setting[k]) ? 1.0 : s.setting[k];
            if (p.kind != PumpCurveKind::ConstantPower) {
                const double shutoff = speed * speed * p.shutoffHead;
                if (st == LinkState::Open && -dh > shutoff + kHeadTol) {
                    st = LinkState::ClosedHead;
                } else if (st == LinkState::ClosedHead && -dh < shutoff - kHeadTol) {
                    st = LinkState::Open;
                }
            }
        }
        changes += st != before ? 1 : 0;
    }

    // Full tanks take no more water, empty tanks give none.
    for (const Tank& t : m_net.tanks) {
        const std::uint32_t n = t.node;
        const double level = s.head[n] - m_net.nodeElevation[n];
        const bool full = !t.canOverflow && level >= t.maxLevel - kHeadTol;
        const bool empty = level <= t.minLevel + kHeadTol;
        for (std::uint32_t j = m_net.nodeLinkOffset[n]; j < m_net.nodeLinkOffset[n + 1]; ++j) {
            const std::uint32_t k = m_net.nodeLinks[j];
            LinkState& st = s.linkState[k];
            if (st == LinkState::Closed) {
                continue;
            }
            const LinkState before = st;
            const bool toTank = m_net.linkTo[k] == n;
            const std::uint32_t other = toTank ? m_net.linkFrom[k] : m_net.linkTo[k];
            const double inflow = toTank ? s.flow[k] : -s.flow[k];
            const bool pump = m_net.linkKind[k] == LinkKind::Pump;
            if (st == LinkState::ClosedFull) {
                // Reopen when water would leave the tank (a pump into the tank never does).
                if (!full || (!(pump && toTank) && s.head[other] < s.head[n] - kHeadTol)) {
                    st = initialLinkState(m_net.linkKind[k], s.status[k], s.setting[k]);
                }
            } else if (st == LinkState::ClosedEmpty) {
                if (!empty || (!(pump && !toTank) && s.head[other] > s.head[n] + kHeadTol)) {
                    st = initialLinkState(m_net.linkKind[k], s.status[k], s.setting[k]);
                }
            } else if (!isClosed(st)) {
                if (full && inflow > kFlowTol) {
                    st = LinkState::ClosedFull;
                } else if (empty && inflow < -kFlowTol) {
                    st = LinkState::ClosedEmpty;
                }
            }
            changes += st != before ? 1 : 0;
        }
    }
    return changes;
}

double HydraulicSolver::maxHeadError(const HydraulicState& s) const {
    double worst = 0.0;
    for (std::size_t k = 0; k < m_net.linkCount(); ++k) {
        const Coeff& c = m_coeff[k];
        if (c.p <= 0.0 || c.p >= kBig || isClosed(s.linkState[k])) {
            continue;
        }
        const Coeff now = linkCoeff(static_cast<std::uint32_t>(k), s);
        const double h = now.y / now.p;
        const double dh = s.head[m_net.linkFrom[k]] - s.head[m_net.linkTo[k]];
        worst = std::max(worst, std::abs(h - dh));
    }
    return worst;
}

}  // namespace ct::water
