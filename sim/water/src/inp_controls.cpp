// EPANET .inp reader: [OPTIONS], [TIMES], [STATUS], [CONTROLS] and [RULES].
#include <algorithm>
#include <cmath>

#include "inp_parser.h"

namespace ct::water::detail {

namespace {

std::string joinFrom(const std::vector<std::string>& tokens, std::size_t i) {
    std::string out;
    for (; i < tokens.size(); ++i) {
        if (!out.empty()) {
            out += ' ';
        }
        out += tokens[i];
    }
    return out;
}

}  // namespace

void InpParser::readOptions(const InpSection& s) {
    // Pass 1: what fixes the units of everything else, wherever it stands in the section.
    for (const InpLine& line : s.lines) {
        const std::string key = upper(line.tokens[0]);
        const std::string v1 = line.tokens.size() > 1 ? upper(line.tokens[1]) : std::string();
        if (key == "UNITS") {
            const auto u = parseFlowUnits(v1);
            if (!u) {
                error(line, "water.inp.bad_keyword", "unknown flow units '" + v1 + "'", "GPM assumed");
                continue;
            }
            m_units.flow = *u;
            m_units.pressure = isUsCustomary(*u) ? PressureUnits::Psi : PressureUnits::Meters;
        } else if (key == "SPECIFIC" && v1 == "GRAVITY") {
            const auto v = number(line, 2, "specific gravity");
            if (v && *v > 0.0) {
                m_units.specificGravity = *v;
                m_net.options.specificGravity = *v;
            }
        }
    }
    for (const InpLine& line : s.lines) {
        const std::string key = upper(line.tokens[0]);
        const std::string v1 = line.tokens.size() > 1 ? upper(line.tokens[1]) : std::string();
        if (key == "PRESSURE" && v1 != "EXPONENT" && !v1.empty()) {
            const auto p = parsePressureUnits(v1);
            if (!p) {
                error(line, "water.inp.bad_keyword", "unknown pressure units '" + v1 + "'");
            } else {
                m_units.pressure = *p;
            }
        }
    }
    // Pass 2: the rest, converted with those units.
    HydraulicOptions& o = m_net.options;
    const double pf = m_units.pressureFactor();
    for (const InpLine& line : s.lines) {
        const std::string key = upper(line.tokens[0]);
        const std::string v1 = line.tokens.size() > 1 ? upper(line.tokens[1]) : std::string();
        auto num = [&](std::size_t i, const char* what) { return number(line, i, what); };
        if (key == "UNITS" || (key == "SPECIFIC" && v1 == "GRAVITY") ||
            (key == "PRESSURE" && v1 != "EXPONENT")) {
            continue;
        }
        if (key == "HEADLOSS") {
            if (v1 == "H-W") {
                o.headLoss = HeadLossFormula::HazenWilliams;
            } else if (v1 == "D-W") {
                o.headLoss = HeadLossFormula::DarcyWeisbach;
            } else if (v1 == "C-M") {
                o.headLoss = HeadLossFormula::ChezyManning;
            } else {
                error(line, "water.inp.bad_keyword", "HEADLOSS must be H-W, D-W or C-M, not '" + v1 + "'");
            }
        } else if (key == "VISCOSITY") {
            // EPANET: above 1e-3 the value is relative to water at 20 C, else absolute.
            if (const auto v = num(1, "viscosity"); v && *v > 0.0) {
                o.viscosity =
                    *v > 1e-3 ? *v * 1.1e-5 * kFootM * kFootM : *v * (m_units.us() ? kFootM * kFootM : 1.0);
            }
        } else if (key == "TRIALS") {
            if (const auto v = num(1, "trials"); v && *v >= 1.0) {
                o.maxTrials = static_cast<int>(*v);
            }
        } else if (key == "ACCURACY") {
            if (const auto v = num(1, "accuracy"); v && *v > 0.0) {
                o.accuracy = *v;
            }
        } else if (key == "HEADERROR") {
            if (const auto v = num(1, "head error"); v && *v >= 0.0) {
                o.headError = *v * m_units.lengthFactor();
            }
        } else if (key == "FLOWCHANGE") {
            if (const auto v = num(1, "flow change"); v && *v >= 0.0) {
                o.flowChange = *v * m_units.flowFactor();
            }
        } else if (key == "UNBALANCED") {
            if (v1 == "STOP") {
                o.unbalancedExtraTrials = -1;
            } else if (v1 == "CONTINUE") {
                o.unbalancedExtraTrials = 0;
                if (line.tokens.size() > 2) {
                    if (const auto v = num(2, "extra trials")) {
                        o.unbalancedExtraTrials = static_cast<int>(std::max(0.0, *v));
                    }
                }
            } else {
                error(line, "water.inp.bad_keyword", "UNBALANCED must be STOP or CONTINUE");
            }
        } else if (key == "PATTERN") {
            if (line.tokens.size() > 1) {
                m_defaultPatternName = line.tokens[1];
                m_defaultPatternLine = line.number;
            }
        } else if (key == "DEMAND" && v1 == "MULTIPLIER") {
            if (const auto v = num(2, "demand multiplier"); v && *v >= 0.0) {
                o.demandMultiplier = *v;
            }
        } else if (key == "DEMAND" && v1 == "MODEL") {
            const std::string m = line.tokens.size() > 2 ? upper(line.tokens[2]) : std::string();
            if (m == "DDA") {
                o.demandModel = DemandModel::DemandDriven;
            } else if (m == "PDA") {
                o.demandModel = DemandModel::PressureDriven;
            } else {
                error(line, "water.inp.bad_keyword", "DEMAND MODEL must be DDA or PDA");
            }
        } else if (key == "MINIMUM" && v1 == "PRESSURE") {
            if (const auto v = num(2, "minimum pressure")) {
                o.minimumPressure = *v * pf;
            }
        } else if (key == "REQUIRED" && v1 == "PRESSURE") {
            if (const auto v = num(2, "required pressure")) {
                o.requiredPressure = *v * pf;
            }
        } else if (key == "PRESSURE" && v1 == "EXPONENT") {
            if (const auto v = num(2, "pressure exponent"); v && *v > 0.0) {
                o.pressureExponent = *v;
            }
        } else if (key == "EMITTER" && v1 == "EXPONENT") {
            if (const auto v = num(2, "emitter exponent"); v && *v > 0.0) {
                o.emitterExponent = *v;
            }
        } else if (key == "CHECKFREQ") {
            if (const auto v = num(1, "check frequency"); v && *v >= 1.0) {
                o.checkFrequency = static_cast<int>(*v);
            }
        } else if (key == "MAXCHECK") {
            if (const auto v = num(1, "max check"); v && *v >= 1.0) {
                o.maxCheck = static_cast<int>(*v);
            }
        } else if (key == "DAMPLIMIT") {
            if (const auto v = num(1, "damp limit"); v && *v >= 0.0) {
                o.dampLimit = *v;
            }
        } else if (key == "QUALITY") {
            if (v1 != "NONE" && !v1.empty()) {
                warning(line.number, "water.inp.unsupported", "water quality (" + v1 + ") is not simulated",
                        "ignored");
            }
        } else if (key == "HYDRAULICS") {
            warning(line.number, "water.inp.unsupported", "hydraulics files (USE/SAVE) are not supported",
                    "ignored; hydraulics are computed");
        } else if (key == "DIFFUSIVITY" || key == "TOLERANCE" || key == "MAP" || key == "SEGMENTS" ||
                   key == "VERIFY" || key == "BACKFLOW" || (key == "EMITTER" && v1 == "BACKFLOW")) {
            info(line.number, "water.inp.option_ignored",
                 "option " + joinFrom(line.tokens, 0) + " does not affect hydraulics here", "ignored");
        } else {
            warning(line.number, "water.inp.unknown_option",
                    "unknown option '" + joinFrom(line.tokens, 0) + "'", "ignored");
        }
    }
}

void InpParser::readTimes(const InpSection& s) {
    TimeOptions& t = m_net.times;
    for (const InpLine& line : s.lines) {
        const std::string key = upper(line.tokens[0]);
        const std::string v1 = line.tokens.size() > 1 ? upper(line.tokens[1]) : std::string();
        std::int64_t* target = nullptr;
        std::size_t at = 2;
        bool clock = false;
        if (key == "DURATION") {
            target = &t.duration;
            at = 1;
        } else if (key == "HYDRAULIC" && v1 == "TIMESTEP") {
            target = &t.hydraulicStep;
        } else if (key == "PATTERN" && v1 == "TIMESTEP") {
            target = &t.patternStep;
        } else if (key == "PATTERN" && v1 == "START") {
            target = &t.patternStart;
        } else if (key == "REPORT" && v1 == "TIMESTEP") {
            target = &t.reportStep;
        } else if (key == "REPORT" && v1 == "START") {
            target = &t.reportStart;
        } else if (key == "RULE" && v1 == "TIMESTEP") {
            target = &t.ruleStep;
        } else if (key == "START" && v1 == "CLOCKTIME") {
            target = &t.startClock;
            clock = true;
        } else if (key == "QUALITY" && v1 == "TIMESTEP") {
            info(line.number, "water.inp.option_ignored", "QUALITY TIMESTEP: water quality is not simulated",
                 "ignored");
            continue;
        } else if (key == "STATISTIC") {
            if (v1 != "NONE") {
                warning(line.number, "water.inp.unsupported", "STATISTIC " + v1 + " is not computed",
                        "full time series reported");
            }
            continue;
        } else {
            warning(line.number, "water.inp.unknown_option",
                    "unknown time option '" + joinFrom(line.tokens, 0) + "'", "ignored");
            continue;
        }
        const auto v = parseTime(line.tokens, at, clock);
        if (!v) {
            error(line, "water.inp.bad_time", "'" + joinFrom(line.tokens, at) + "' is not a time");
            continue;
        }
        *target = *v;
    }
    if (t.hydraulicStep <= 0) {
        t.hydraulicStep = 3600;
    }
    if (t.patternStep <= 0) {
        t.patternStep = 3600;
    }
    if (t.reportStep <= 0) {
        t.reportStep = 3600;
    }
    // EPANET: the hydraulic step never exceeds the pattern or report step.
    t.hydraulicStep = std::min({t.hydraulicStep, t.patternStep, t.reportStep});
    t.ruleStep = std::max<std::int64_t>(1, std::min(t.ruleStep, t.hydraulicStep));
    t.startClock %= 86400;
}

std::optional<double> InpParser::settingToSi(const InpLine& line, std::uint32_t k, double value) {
    switch (m_net.linkKind[k]) {
        case LinkKind::Pipe:
        case LinkKind::CheckValvePipe:
        case LinkKind::Gpv:
            error(line, "water.inp.bad_value", "link '" + m_net.linkName[k] + "' takes no numeric setting");
            return std::nullopt;
        case LinkKind::Pump:
            if (value < 0.0) {
                error(line, "water.inp.bad_value", "pump speed must be >= 0");
                return std::nullopt;
            }
            return value;
        case LinkKind::Prv:
        case LinkKind::Psv:
        case LinkKind::Pbv:
            return value * m_units.pressureFactor();
        case LinkKind::Fcv:
            return value * m_units.flowFactor();
        case LinkKind::Tcv:
            return value;
    }
    return value;
}

bool InpParser::statusOrSetting(const InpLine& line, std::size_t i, std::uint32_t k,
                                std::optional<LinkStatus>& status, double& setting) {
    if (i >= line.tokens.size()) {
        error(line, "water.inp.missing_field", "missing status or setting");
        return false;
    }
    const std::string v = upper(line.tokens[i]);
    if (v == "OPEN") {
        status = LinkStatus::Open;
        return true;
    }
    if (v == "CLOSED") {
        status = LinkStatus::Closed;
        return true;
    }
    if (v == "ACTIVE") {
        if (!isValve(m_net.linkKind[k])) {
            error(line, "water.inp.bad_value", "only valves can be ACTIVE");
            return false;
        }
        status = LinkStatus::Active;
        return true;
    }
    const auto n = parseNumber(line.tokens[i]);
    if (!n) {
        error(line, "water.inp.bad_keyword", "'" + line.tokens[i] + "' is not OPEN, CLOSED or a setting");
        return false;
    }
    const auto si = settingToSi(line, k, *n);
    if (!si) {
        return false;
    }
    status.reset();
    setting = *si;
    return true;
}

void InpParser::readStatus(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 2, "a status")) {
            continue;
        }
        const auto k = link(line, 0);
        if (!k) {
            continue;
        }
        if (m_net.linkKind[*k] == LinkKind::CheckValvePipe) {
            warning(line.number, "water.inp.cv_status",
                    "the status of check valve '" + line.tokens[0] + "' cannot be set", "ignored");
            continue;
        }
        std::optional<LinkStatus> status;
        double setting = 0.0;
        if (!statusOrSetting(line, 1, *k, status, setting)) {
            continue;
        }
        if (status) {
            m_net.linkStatus[*k] = *status;
        } else if (m_net.linkKind[*k] == LinkKind::Pump) {
            m_net.linkSetting[*k] = setting;
            m_net.linkStatus[*k] = setting > 0.0 ? LinkStatus::Open : LinkStatus::Closed;
        } else {
            m_net.linkSetting[*k] = setting;
            m_net.linkStatus[*k] =
                m_net.linkKind[*k] == LinkKind::Tcv ? LinkStatus::Open : LinkStatus::Active;
        }
    }
}

void InpParser::readControls(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        // LINK id status IF NODE id ABOVE|BELOW value | AT TIME t | AT CLOCKTIME t [AM|PM]
        if (!needTokens(line, 6, "a control")) {
            continue;
        }
        if (upper(line.tokens[0]) != "LINK") {
            error(line, "water.inp.bad_control", "a control starts with LINK");
            continue;
        }
        const auto k = link(line, 1);
        if (!k) {
            continue;
        }
        Control c;
        c.link = *k;
        c.line = line.number;
        if (!statusOrSetting(line, 2, *k, c.status, c.setting)) {
            continue;
        }
        const std::string word = upper(line.tokens[3]);
        const std::string what = upper(line.tokens[4]);
        if (word == "IF" && what == "NODE") {
            if (!needTokens(line, 8, "a node control")) {
                continue;
            }
            const auto n = node(line, 5);
            const std::string dir = upper(line.tokens[6]);
            const auto v = number(line, 7, "control value");
            if (!n || !v) {
                continue;
            }
            if (dir != "ABOVE" && dir != "BELOW") {
                error(line, "water.inp.bad_control", "expected ABOVE or BELOW, not '" + line.tokens[6] + "'");
                continue;
            }
            c.node = *n;
            c.condition = dir == "ABOVE" ? ControlCondition::NodeAbove : ControlCondition::NodeBelow;
            // Junctions: a pressure; tanks: a level; reservoirs: a head. Stored as a head.
            const double z = m_net.nodeElevation[*n];
            switch (m_net.nodeKind[*n]) {
                case NodeKind::Junction:
                    c.threshold = z + *v * m_units.pressureFactor();
                    break;
                case NodeKind::Tank:
                    c.threshold = z + *v * m_units.lengthFactor();
                    break;
                case NodeKind::Reservoir:
                    c.threshold = *v * m_units.lengthFactor();
                    break;
            }
        } else if (word == "AT" && (what == "TIME" || what == "CLOCKTIME")) {
            const bool clock = what == "CLOCKTIME";
            const auto t = parseTime(line.tokens, 5, clock);
            if (!t) {
                error(line, "water.inp.bad_time", "'" + joinFrom(line.tokens, 5) + "' is not a time");
                continue;
            }
            c.condition = clock ? ControlCondition::AtClockTime : ControlCondition::AtTime;
            c.threshold = static_cast<double>(clock ? *t % 86400 : *t);
        } else {
            error(line, "water.inp.bad_control", "expected IF NODE, AT TIME or AT CLOCKTIME");
            continue;
        }
        m_net.controls.push_back(c);
    }
}

void InpParser::readRules(const InpSection& s) {
    enum class Part { None, Premises, Then, Else };
    Part part = Part::None;
    bool ruleBad = false;
    auto relation = [](const std::string& r) -> std::optional<RuleRelation> {
        if (r == "=" || r == "IS") {
            return RuleRelation::Eq;
        }
        if (r == "<>" || r == "NOT") {
            return RuleRelation::Ne;
        }
        if (r == "<" || r == "BELOW") {
            return RuleRelation::Lt;
        }
        if (r == ">" || r == "ABOVE") {
            return RuleRelation::Gt;
        }
        if (r == "<=") {
            return RuleRelation::Le;
        }
        if (r == ">=") {
            return RuleRelation::Ge;
        }
        return std::nullopt;
    };
    auto statusValue = [](const std::string& v) -> std::optional<double> {
        if (v == "OPEN") {
            return static_cast<double>(LinkStatus::Open);
        }
        if (v == "CLOSED") {
            return static_cast<double>(LinkStatus::Closed);
        }
        if (v == "ACTIVE") {
            return static_cast<double>(LinkStatus::Active);
        }
        return std::nullopt;
    };
    auto bad = [&](const InpLine& line, const std::string& message) {
        error(line, "water.inp.bad_rule", message, "rule skipped");
        ruleBad = true;
    };
    auto closeRule = [&]() {
        if (ruleBad && !m_net.rules.empty()) {
            m_net.rules.pop_back();
        }
        ruleBad = false;
    };

    for (const InpLine& line : s.lines) {
        const std::string key = upper(line.tokens[0]);
        if (key == "RULE") {
            closeRule();
            Rule r;
            r.name = line.tokens.size() > 1 ? line.tokens[1] : std::string();
            r.line = line.number;
            m_net.rules.push_back(std::move(r));
            part = Part::Premises;
            continue;
        }
        if (part == Part::None || ruleBad) {
            if (part == Part::None) {
                error(line, "water.inp.bad_rule", "rule clause outside a RULE");
            }
            continue;
        }
        Rule& rule = m_net.rules.back();
        if (key == "PRIORITY") {
            if (const auto v = number(line, 1, "priority")) {
                rule.priority = *v;
            } else {
                ruleBad = true;
            }
            continue;
        }
        if (key == "THEN") {
            part = Part::Then;
        } else if (key == "ELSE") {
            part = Part::Else;
        } else if (key == "IF") {
            part = Part::Premises;
        } else if (key != "AND" && key != "OR") {
            bad(line, "unknown rule keyword '" + line.tokens[0] + "'");
            continue;
        }
        if (key == "OR" && part != Part::Premises) {
            bad(line, "OR is only allowed between conditions");
            continue;
        }
        if (part == Part::Then || part == Part::Else) {
            // LINK id STATUS|SETTING = value
            if (line.tokens.size() < 6) {
                bad(line, "an action reads: LINK id STATUS|SETTING = value");
                continue;
            }
            const std::string obj = upper(line.tokens[1]);
            if (obj != "LINK" && obj != "PIPE" && obj != "PUMP" && obj != "VALVE") {
                bad(line, "an action applies to a LINK, PIPE, PUMP or VALVE");
                continue;
            }
            const auto k = link(line, 2);
            if (!k) {
                ruleBad = true;
                continue;
            }
            RuleAction a;
            a.link = *k;
            const std::string attr = upper(line.tokens[3]);
            const std::string value = upper(line.tokens[5]);
            if (attr == "STATUS") {
                const auto sv = statusValue(value);
                if (!sv) {
                    bad(line, "status must be OPEN, CLOSED or ACTIVE");
                    continue;
                }
                a.status = static_cast<LinkStatus>(static_cast<int>(*sv));
            } else if (attr == "SETTING") {
                const auto n = number(line, 5, "setting");
                const auto si = n ? settingToSi(line, *k, *n) : std::nullopt;
                if (!si) {
                    ruleBad = true;
                    continue;
                }
                a.setting = *si;
            } else {
                bad(line, "an action sets STATUS or SETTING");
                continue;
            }
            (part == Part::Then ? rule.thenActions : rule.elseActions).push_back(a);
            continue;
        }
        // Premise: object [id] attribute relation value
        RulePremise p;
        p.orWithPrevious = key == "OR";
        const std::string obj = line.tokens.size() > 1 ? upper(line.tokens[1]) : std::string();
        std::size_t i = 2;
        if (obj == "NODE" || obj == "JUNCTION" || obj == "RESERVOIR" || obj == "TANK") {
            const auto n = node(line, 2);
            if (!n) {
                ruleBad = true;
                continue;
            }
            p.object = RuleObject::Node;
            p.index = *n;
            i = 3;
        } else if (obj == "LINK" || obj == "PIPE" || obj == "PUMP" || obj == "VALVE") {
            const auto k = link(line, 2);
            if (!k) {
                ruleBad = true;
                continue;
            }
            p.object = RuleObject::Link;
            p.index = *k;
            i = 3;
        } else if (obj == "SYSTEM") {
            p.object = RuleObject::System;
        } else {
            bad(line,
                "a condition starts with NODE, TANK, JUNCTION, RESERVOIR, LINK, PIPE, PUMP, VALVE or SYSTEM");
            continue;
        }
        if (line.tokens.size() < i + 3) {
            bad(line, "a condition reads: object [id] attribute relation value");
            continue;
        }
        const std::string attr = upper(line.tokens[i]);
        const auto rel = relation(upper(line.tokens[i + 1]));
        if (!rel) {
            bad(line, "unknown relation '" + line.tokens[i + 1] + "'");
            continue;
        }
        p.relation = *rel;
        const std::size_t vi = i + 2;
        const std::string vtok = upper(line.tokens[vi]);
        std::optional<double> value;
        if (p.object == RuleObject::Node) {
            const double z = m_net.nodeElevation[p.index];
            const auto n = parseNumber(line.tokens[vi]);
            if (attr == "DEMAND") {
                p.attribute = RuleAttribute::Demand;
                value = n ? std::optional(*n * m_units.flowFactor()) : std::nullopt;
            } else if (attr == "HEAD" || attr == "GRADE") {
                p.attribute = RuleAttribute::Head;
                value = n ? std::optional(*n * m_units.lengthFactor()) : std::nullopt;
            } else if (attr == "LEVEL") {
                p.attribute = RuleAttribute::Head;  // compared as a head: bottom + level
                value = n ? std::optional(z + *n * m_units.lengthFactor()) : std::nullopt;
            } else if (attr == "PRESSURE") {
                p.attribute = RuleAttribute::Pressure;
                value = n ? std::optional(*n * m_units.pressureFactor()) : std::nullopt;
            } else {
                bad(line,
                    "node attribute " + attr + " is not supported (DEMAND, HEAD, GRADE, LEVEL, PRESSURE)");
                continue;
            }
        } else if (p.object == RuleObject::Link) {
            if (attr == "FLOW") {
                p.attribute = RuleAttribute::Flow;
                const auto n = parseNumber(line.tokens[vi]);
                value = n ? std::optional(*n * m_units.flowFactor()) : std::nullopt;
            } else if (attr == "STATUS") {
                p.attribute = RuleAttribute::Status;
                value = statusValue(vtok);
            } else if (attr == "SETTING") {
                p.attribute = RuleAttribute::Setting;
                const auto n = parseNumber(line.tokens[vi]);
                value = n ? settingToSi(line, p.index, *n) : std::nullopt;
            } else {
                bad(line, "link attribute " + attr + " is not supported (FLOW, STATUS, SETTING)");
                continue;
            }
        } else {
            if (attr == "DEMAND") {
                p.attribute = RuleAttribute::Demand;
                const auto n = parseNumber(line.tokens[vi]);
                value = n ? std::optional(*n * m_units.flowFactor()) : std::nullopt;
            } else if (attr == "TIME" || attr == "CLOCKTIME") {
                const bool clock = attr == "CLOCKTIME";
                p.attribute = clock ? RuleAttribute::ClockTime : RuleAttribute::Time;
                const auto t = parseTime(line.tokens, vi, clock);
                value = t ? std::optional(static_cast<double>(*t)) : std::nullopt;
            } else {
                bad(line, "system attribute " + attr + " is not supported (DEMAND, TIME, CLOCKTIME)");
                continue;
            }
        }
        if (!value) {
            bad(line, "bad value '" + line.tokens[vi] + "' in a rule condition");
            continue;
        }
        p.value = *value;
        rule.premises.push_back(p);
    }
    closeRule();
}

}  // namespace ct::water::detail
