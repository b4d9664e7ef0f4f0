// EPANET .inp reader: lexing, section dispatch and the network sections.
#include "citytwin/water/inp_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "inp_parser.h"

namespace ct::water {

namespace detail {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::optional<double> parseNumber(std::string_view token) {
    if (token.empty()) {
        return std::nullopt;
    }
    if (token.front() == '+') {
        token.remove_prefix(1);
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc{} || end != token.data() + token.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> parseTime(const std::vector<std::string>& tokens, std::size_t i, bool clock,
                                      std::size_t* used) {
    if (i >= tokens.size()) {
        return std::nullopt;
    }
    const std::string& t = tokens[i];
    std::size_t consumed = 1;
    double seconds = 0.0;
    if (t.find(':') != std::string::npos) {
        // h:mm or h:mm:ss
        double parts[3] = {0.0, 0.0, 0.0};
        std::size_t start = 0;
        int n = 0;
        while (n < 3) {
            const std::size_t colon = t.find(':', start);
            const auto v = parseNumber(std::string_view(t).substr(
                start, colon == std::string::npos ? std::string::npos : colon - start));
            if (!v || *v < 0.0) {
                return std::nullopt;
            }
            parts[n++] = *v;
            if (colon == std::string::npos) {
                break;
            }
            start = colon + 1;
        }
        if (n < 2) {
            return std::nullopt;
        }
        seconds = parts[0] * 3600.0 + parts[1] * 60.0 + parts[2];
    } else {
        const auto v = parseNumber(t);
        if (!v || *v < 0.0) {
            return std::nullopt;
        }
        seconds = *v * 3600.0;
        if (i + 1 < tokens.size() && !clock) {
            const std::string unit = upper(tokens[i + 1]);
            if (unit.rfind("SEC", 0) == 0) {
                seconds = *v;
                consumed = 2;
            } else if (unit.rfind("MIN", 0) == 0) {
                seconds = *v * 60.0;
                consumed = 2;
            } else if (unit.rfind("HOUR", 0) == 0 || unit == "HRS" || unit == "HR") {
                consumed = 2;
            } else if (unit.rfind("DAY", 0) == 0) {
                seconds = *v * 86400.0;
                consumed = 2;
            }
        }
    }
    if (clock && i + consumed < tokens.size()) {
        const std::string ampm = upper(tokens[i + consumed]);
        if (ampm == "AM" || ampm == "PM") {
            if (seconds >= 13.0 * 3600.0) {
                return std::nullopt;
            }
            if (seconds >= 12.0 * 3600.0) {
                seconds -= 12.0 * 3600.0;  // 12 AM is midnight, 12 PM is noon
            }
            if (ampm == "PM") {
                seconds += 12.0 * 3600.0;
            }
            ++consumed;
        }
    }
    if (used != nullptr) {
        *used = consumed;
    }
    return static_cast<std::int64_t>(std::llround(seconds));
}

void InpParser::error(const InpLine& line, const std::string& code, const std::string& message,
                      const std::string& action) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = code;
    d.file = m_file;
    d.line = line.number;
    d.message = message;
    d.action = action;
    m_report.add(std::move(d));
}

void InpParser::warning(int line, const std::string& code, const std::string& message,
                        const std::string& action) {
    Diagnostic d;
    d.severity = Severity::Warning;
    d.code = code;
    d.file = m_file;
    d.line = line;
    d.message = message;
    d.action = action;
    m_report.add(std::move(d));
}

void InpParser::info(int line, const std::string& code, const std::string& message,
                     const std::string& action) {
    Diagnostic d;
    d.severity = Severity::Info;
    d.code = code;
    d.file = m_file;
    d.line = line;
    d.message = message;
    d.action = action;
    m_report.add(std::move(d));
}

bool InpParser::needTokens(const InpLine& line, std::size_t count, const char* what) {
    if (line.tokens.size() >= count) {
        return true;
    }
    error(line, "water.inp.missing_field",
          std::string(what) + " needs at least " + std::to_string(count) + " fields, found " +
              std::to_string(line.tokens.size()));
    return false;
}

std::optional<double> InpParser::number(const InpLine& line, std::size_t i, const char* what) {
    if (i >= line.tokens.size()) {
        error(line, "water.inp.missing_field", std::string("missing ") + what);
        return std::nullopt;
    }
    const auto v = parseNumber(line.tokens[i]);
    if (!v) {
        error(line, "water.inp.not_a_number",
              std::string(what) + " '" + line.tokens[i] + "' is not a number");
    }
    return v;
}

std::optional<std::uint32_t> InpParser::node(const InpLine& line, std::size_t i) {
    if (i >= line.tokens.size()) {
        error(line, "water.inp.missing_field", "missing node ID");
        return std::nullopt;
    }
    const auto n = m_net.findNode(line.tokens[i]);
    if (!n) {
        error(line, "water.inp.unknown_node", "unknown node '" + line.tokens[i] + "'");
    }
    return n;
}

std::optional<std::uint32_t> InpParser::link(const InpLine& line, std::size_t i) {
    if (i >= line.tokens.size()) {
        error(line, "water.inp.missing_field", "missing link ID");
        return std::nullopt;
    }
    const auto k = m_net.findLink(line.tokens[i]);
    if (!k) {
        error(line, "water.inp.unknown_link", "unknown link '" + line.tokens[i] + "'");
    }
    return k;
}

std::optional<std::int32_t> InpParser::pattern(const InpLine& line, std::size_t i) {
    if (i >= line.tokens.size() || line.tokens[i] == "*") {
        return -1;
    }
    const auto p = m_net.findPattern(line.tokens[i]);
    if (!p) {
        error(line, "water.inp.unknown_pattern", "unknown pattern '" + line.tokens[i] + "'");
        return std::nullopt;
    }
    return static_cast<std::int32_t>(*p);
}

std::optional<std::int32_t> InpParser::curve(const InpLine& line, std::size_t i, CurveUse use) {
    if (i >= line.tokens.size() || line.tokens[i] == "*") {
        return -1;
    }
    const auto c = m_net.findCurve(line.tokens[i]);
    if (!c) {
        error(line, "water.inp.unknown_curve", "unknown curve '" + line.tokens[i] + "'");
        return std::nullopt;
    }
    CurveUse& u = m_curveUse[*c];
    if (u != CurveUse::Unused && u != use) {
        error(line, "water.inp.curve_reuse",
              "curve '" + line.tokens[i] + "' is used for two different purposes");
        return std::nullopt;
    }
    u = use;
    return static_cast<std::int32_t>(*c);
}

bool InpParser::nameIsFree(const InpLine& line, const std::string& name, bool isNode) {
    const bool taken = isNode ? m_net.findNode(name).has_value() : m_net.findLink(name).has_value();
    if (taken) {
        error(line, isNode ? "water.inp.duplicate_node" : "water.inp.duplicate_link",
              std::string(isNode ? "node" : "link") + " '" + name + "' is defined twice",
              "second definition skipped");
    }
    return !taken;
}

void InpParser::splitSections(std::string_view text) {
    int number = 0;
    std::size_t pos = 0;
    InpSection* current = nullptr;
    bool warnedOutside = false;
    while (pos <= text.size()) {
        const std::size_t eol = text.find('\n', pos);
        std::string_view raw =
            text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.remove_suffix(1);
        }
        // Split off the comment (a ';' outside quotes), then tokens: blanks separate, quotes group.
        InpLine line;
        line.number = number;
        bool quoted = false;
        std::string token;
        bool inToken = false;
        std::size_t i = 0;
        for (; i < raw.size(); ++i) {
            const char c = raw[i];
            if (c == '"') {
                quoted = !quoted;
                inToken = true;
                continue;
            }
            if (!quoted && c == ';') {
                break;
            }
            if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
                if (inToken) {
                    line.tokens.push_back(std::move(token));
                    token.clear();
                    inToken = false;
                }
                continue;
            }
            token.push_back(c);
            inToken = true;
        }
        if (inToken) {
            line.tokens.push_back(std::move(token));
        }
        line.raw = std::string(raw.substr(0, i));
        if (i < raw.size()) {
            std::string_view comment = raw.substr(i + 1);
            while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.front()))) {
                comment.remove_prefix(1);
            }
            line.comment = std::string(comment);
        }
        if (line.tokens.empty()) {
            continue;
        }
        if (line.tokens[0].front() == '[') {
            std::string name = upper(line.tokens[0]);
            name.erase(std::remove(name.begin(), name.end(), '['), name.end());
            name.erase(std::remove(name.begin(), name.end(), ']'), name.end());
            if (name == "END") {
                return;
            }
            m_sections.push_back(InpSection{name, number, {}});
            current = &m_sections.back();
            continue;
        }
        if (current == nullptr) {
            if (!warnedOutside) {
                warning(number, "water.inp.outside_section", "data before the first [SECTION] header",
                        "lines ignored");
                warnedOutside = true;
            }
            continue;
        }
        current->lines.push_back(std::move(line));
    }
}

void InpParser::readTitle(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!m_net.title.empty()) {
            m_net.title += '\n';
        }
        std::string_view t = line.raw;
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) {
            t.remove_suffix(1);
        }
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) {
            t.remove_prefix(1);
        }
        m_net.title += t;
    }
}

void InpParser::readJunctions(const InpSection& s) {
    const double lf = m_units.lengthFactor();
    const double qf = m_units.flowFactor();
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 2, "a junction") || !nameIsFree(line, line.tokens[0], true)) {
            continue;
        }
        const auto elev = number(line, 1, "elevation");
        std::optional<double> demand = 0.0;
        if (line.tokens.size() > 2) {
            demand = number(line, 2, "demand");
        }
        const auto pat = pattern(line, 3);
        if (!elev || !demand || !pat) {
            continue;
        }
        m_net.addJunction(line.tokens[0], *elev * lf, *demand * qf, *pat);
    }
}

void InpParser::readReservoirs(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 2, "a reservoir") || !nameIsFree(line, line.tokens[0], true)) {
            continue;
        }
        const auto head = number(line, 1, "head");
        const auto pat = pattern(line, 2);
        if (!head || !pat) {
            continue;
        }
        m_net.addReservoir(line.tokens[0], *head * m_units.lengthFactor(), *pat);
    }
}

void InpParser::readTanks(const InpSection& s) {
    const double lf = m_units.lengthFactor();
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 7, "a tank") || !nameIsFree(line, line.tokens[0], true)) {
            continue;
        }
        const auto elev = number(line, 1, "elevation");
        const auto init = number(line, 2, "initial level");
        const auto minL = number(line, 3, "minimum level");
        const auto maxL = number(line, 4, "maximum level");
        const auto diam = number(line, 5, "diameter");
        const auto minV = number(line, 6, "minimum volume");
        const auto vc = curve(line, 7, CurveUse::TankVolume);
        if (!elev || !init || !minL || !maxL || !diam || !minV || !vc) {
            continue;
        }
        Tank t;
        t.initLevel = *init * lf;
        t.minLevel = *minL * lf;
        t.maxLevel = *maxL * lf;
        t.diameter = *diam * lf;
        t.volumeCurve = *vc;
        const double area = 0.25 * 3.14159265358979323846 * t.diameter * t.diameter;
        // EPANET: a zero minimum volume means a cylinder down to the bottom.
        t.minVolume = *minV > 0.0 ? *minV * m_units.volumeFactor() : area * t.minLevel;
        if (line.tokens.size() > 8) {
            const std::string o = upper(line.tokens[8]);
            if (o == "YES" || o == "TRUE") {
                t.canOverflow = true;
            } else if (o != "NO" && o != "FALSE") {
                error(line, "water.inp.bad_keyword",
                      "overflow must be YES or NO, not '" + line.tokens[8] + "'");
                continue;
            }
        }
        m_net.addTank(line.tokens[0], *elev * lf, t);
    }
}

void InpParser::readPipes(const InpSection& s) {
    const double lf = m_units.lengthFactor();
    const bool dw = m_net.options.headLoss == HeadLossFormula::DarcyWeisbach;
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 6, "a pipe") || !nameIsFree(line, line.tokens[0], false)) {
            continue;
        }
        const auto from = node(line, 1);
        const auto to = node(line, 2);
        const auto len = number(line, 3, "length");
        const auto diam = number(line, 4, "diameter");
        const auto rough = number(line, 5, "roughness");
        std::optional<double> minor = 0.0;
        LinkStatus status = LinkStatus::Open;
        bool cv = false;
        bool bad = false;
        std::size_t next = 6;
        if (line.tokens.size() > 6 && parseNumber(line.tokens[6])) {
            minor = parseNumber(line.tokens[6]);
            next = 7;
        }
        if (line.tokens.size() > next) {
            const std::string st = upper(line.tokens[next]);
            if (st == "CV") {
                cv = true;
            } else if (st == "CLOSED") {
                status = LinkStatus::Closed;
            } else if (st != "OPEN") {
                error(line, "water.inp.bad_keyword",
                      "pipe status must be OPEN, CLOSED or CV, not '" + line.tokens[next] + "'");
                bad = true;
            }
        }
        if (!from || !to || !len || !diam || !rough || !minor || bad) {
            continue;
        }
        const double roughness = dw ? *rough * m_units.roughnessFactor() : *rough;
        m_net.addPipe(line.tokens[0], *from, *to, *len * lf, *diam * m_units.diameterFactor(), roughness,
                      *minor, status, cv);
    }
}

void InpParser::readPumps(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 4, "a pump") || !nameIsFree(line, line.tokens[0], false)) {
            continue;
        }
        const auto from = node(line, 1);
        const auto to = node(line, 2);
        Pump p;
        double speed = 1.0;
        bool bad = !from || !to;
        bool hasCurve = false;
        for (std::size_t i = 3; i < line.tokens.size() && !bad; i += 2) {
            const std::string key = upper(line.tokens[i]);
            if (i + 1 >= line.tokens.size()) {
                error(line, "water.inp.missing_field", "pump keyword " + key + " has no value");
                bad = true;
                break;
            }
            if (key == "HEAD") {
                const auto c = curve(line, i + 1, CurveUse::PumpHead);
                bad = !c || *c < 0;
                if (c && *c < 0) {
                    error(line, "water.inp.unknown_curve", "pump HEAD needs a curve");
                }
                p.headCurve = c.value_or(-1);
                hasCurve = true;
            } else if (key == "POWER") {
                const auto v = number(line, i + 1, "pump power");
                bad = !v || *v <= 0.0;
                if (v && *v <= 0.0) {
                    error(line, "water.inp.bad_value", "pump power must be positive");
                }
                p.kind = PumpCurveKind::ConstantPower;
                p.power = v.value_or(0.0) * m_units.powerFactor();
                hasCurve = true;
            } else if (key == "SPEED") {
                const auto v = number(line, i + 1, "pump speed");
                bad = !v || *v < 0.0;
                speed = v.value_or(1.0);
            } else if (key == "PATTERN") {
                const auto pat = pattern(line, i + 1);
                bad = !pat;
                p.speedPattern = pat.value_or(-1);
            } else {
                error(line, "water.inp.bad_keyword",
                      "pump keyword must be HEAD, POWER, SPEED or PATTERN, not '" + line.tokens[i] + "'");
                bad = true;
            }
        }
        if (!bad && !hasCurve) {
            error(line, "water.inp.missing_field", "pump '" + line.tokens[0] + "' needs HEAD curve or POWER");
            bad = true;
        }
        if (bad) {
            continue;
        }
        m_net.addPump(line.tokens[0], *from, *to, p, speed);
    }
}

void InpParser::readValves(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 6, "a valve") || !nameIsFree(line, line.tokens[0], false)) {
            continue;
        }
        const auto from = node(line, 1);
        const auto to = node(line, 2);
        const auto diam = number(line, 3, "diameter");
        const std::string type = upper(line.tokens[4]);
        LinkKind kind = LinkKind::Prv;
        if (type == "PRV") {
            kind = LinkKind::Prv;
        } else if (type == "PSV") {
            kind = LinkKind::Psv;
        } else if (type == "PBV") {
            kind = LinkKind::Pbv;
        } else if (type == "FCV") {
            kind = LinkKind::Fcv;
        } else if (type == "TCV") {
            kind = LinkKind::Tcv;
        } else if (type == "GPV") {
            kind = LinkKind::Gpv;
        } else if (type == "PCV") {
            error(line, "water.inp.unsupported", "positional control valves (PCV) are not supported");
            continue;
        } else {
            error(line, "water.inp.bad_keyword", "unknown valve type '" + line.tokens[4] + "'");
            continue;
        }
        std::optional<double> setting;
        if (kind == LinkKind::Gpv) {
            const auto c = curve(line, 5, CurveUse::ValveHeadLoss);
            if (c && *c < 0) {
                error(line, "water.inp.unknown_curve", "a GPV needs a head-loss curve");
            } else if (c) {
                setting = static_cast<double>(*c);
            }
        } else {
            setting = number(line, 5, "valve setting");
        }
        std::optional<double> minor = 0.0;
        if (line.tokens.size() > 6) {
            minor = number(line, 6, "minor loss coefficient");
        }
        if (!from || !to || !diam || !setting || !minor) {
            continue;
        }
        double si = *setting;
        if (kind == LinkKind::Prv || kind == LinkKind::Psv || kind == LinkKind::Pbv) {
            si *= m_units.pressureFactor();
        } else if (kind == LinkKind::Fcv) {
            si *= m_units.flowFactor();
        }
        m_net.addValve(line.tokens[0], *from, *to, kind, *diam * m_units.diameterFactor(), si, *minor);
    }
}

void InpParser::readDemands(const InpSection& s) {
    // The first [DEMANDS] entry of a junction replaces the demand given in [JUNCTIONS].
    std::vector<char> replaced(m_net.nodeCount(), 0);
    std::vector<DemandEntry> added;
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 2, "a demand")) {
            continue;
        }
        const auto n = node(line, 0);
        const auto base = number(line, 1, "demand");
        const auto pat = pattern(line, 2);
        if (!n || !base || !pat) {
            continue;
        }
        if (m_net.nodeKind[*n] != NodeKind::Junction) {
            error(line, "water.inp.not_a_junction",
                  "demand given for '" + line.tokens[0] + "', not a junction");
            continue;
        }
        replaced[*n] = 1;
        added.push_back(DemandEntry{*n, *base * m_units.flowFactor(), *pat, line.comment});
    }
    std::erase_if(m_net.demands, [&](const DemandEntry& d) { return replaced[d.node] != 0; });
    m_net.demands.insert(m_net.demands.end(), added.begin(), added.end());
}

void InpParser::readEmitters(const InpSection& s) {
    const double pf = m_units.pressureFactor();
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 2, "an emitter")) {
            continue;
        }
        const auto n = node(line, 0);
        const auto c = number(line, 1, "emitter coefficient");
        if (!n || !c) {
            continue;
        }
        if (m_net.nodeKind[*n] != NodeKind::Junction || *c < 0.0) {
            error(line, "water.inp.bad_value", "emitters need a junction and a coefficient >= 0");
            continue;
        }
        // q = C p^e in file units; q_SI = qf C (p_m / pf)^e.
        m_net.nodeEmitter[*n] = *c * m_units.flowFactor() / std::pow(pf, m_net.options.emitterExponent);
    }
}

void InpParser::readPatterns(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        const std::string& name = line.tokens[0];
        auto p = m_net.findPattern(name);
        if (!p) {
            p = m_net.addPattern(name, {});
        }
        for (std::size_t i = 1; i < line.tokens.size(); ++i) {
            const auto v = number(line, i, "pattern factor");
            if (v) {
                m_net.patterns[*p].factors.push_back(*v);
            }
        }
    }
}

void InpParser::readCurves(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 3, "a curve point")) {
            continue;
        }
        const auto x = number(line, 1, "curve x");
        const auto y = number(line, 2, "curve y");
        if (!x || !y) {
            continue;
        }
        auto c = m_net.findCurve(line.tokens[0]);
        if (!c) {
            c = m_net.addCurve(line.tokens[0], {}, {});
            m_curveUse.push_back(CurveUse::Unused);
            m_curveLine.push_back(line.number);
        }
        Curve& curveRef = m_net.curves[*c];
        if (!curveRef.x.empty() && *x <= curveRef.x.back()) {
            error(line, "water.inp.curve_order", "curve '" + line.tokens[0] + "' x values must increase");
            continue;
        }
        curveRef.x.push_back(*x);
        curveRef.y.push_back(*y);
    }
}

void InpParser::readCoordinates(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 3, "a coordinate")) {
            continue;
        }
        const auto n = node(line, 0);
        const auto x = number(line, 1, "x");
        const auto y = number(line, 2, "y");
        if (n && x && y) {
            m_net.nodeX[*n] = *x;
            m_net.nodeY[*n] = *y;
        }
    }
}

void InpParser::readVertices(const InpSection& s) {
    for (const InpLine& line : s.lines) {
        if (!needTokens(line, 3, "a vertex")) {
            continue;
        }
        const auto k = link(line, 0);
        const auto x = number(line, 1, "x");
        const auto y = number(line, 2, "y");
        if (k && x && y) {
            m_vertices[*k].push_back(*x);
            m_vertices[*k].push_back(*y);
        }
    }
}

void InpParser::convertCurves() {
    const double qf = m_units.flowFactor();
    const double lf = m_units.lengthFactor();
    const double vf = m_units.volumeFactor();
    for (std::size_t c = 0; c < m_net.curves.size(); ++c) {
        Curve& curveRef = m_net.curves[c];
        double fx = 1.0;
        double fy = 1.0;
        switch (m_curveUse[c]) {
            case CurveUse::PumpHead:
            case CurveUse::ValveHeadLoss:
                fx = qf;
                fy = lf;
                break;
            case CurveUse::TankVolume:
                fx = lf;
                fy = vf;
                break;
            case CurveUse::Efficiency:
                fx = qf;
                break;
            case CurveUse::Unused:
                break;
        }
        for (double& x : curveRef.x) {
            x *= fx;
        }
        for (double& y : curveRef.y) {
            y *= fy;
        }
    }
}

std::optional<WaterNetwork> InpParser::parse(std::string_view text) {
    const std::size_t errorsBefore = m_report.errorCount();
    m_net.sourceFile = m_file;
    splitSections(text);

    auto each = [&](const char* name, void (InpParser::*fn)(const InpSection&)) {
        for (const InpSection& s : m_sections) {
            if (s.name == name) {
                (this->*fn)(s);
            }
        }
    };
    // Options first (they fix the units), then what other sections refer to.
    each("OPTIONS", &InpParser::readOptions);
    m_net.inputUnits = m_units;
    each("TIMES", &InpParser::readTimes);
    each("TITLE", &InpParser::readTitle);
    each("PATTERNS", &InpParser::readPatterns);
    if (!m_defaultPatternName.empty()) {
        if (const auto p = m_net.findPattern(m_defaultPatternName)) {
            m_net.options.defaultPattern = static_cast<std::int32_t>(*p);
        } else {
            InpLine where;
            where.number = m_defaultPatternLine;
            error(where, "water.inp.unknown_pattern",
                  "default pattern '" + m_defaultPatternName + "' is not defined", "option ignored");
        }
    }
    each("CURVES", &InpParser::readCurves);
    each("JUNCTIONS", &InpParser::readJunctions);
    each("RESERVOIRS", &InpParser::readReservoirs);
    each("TANKS", &InpParser::readTanks);
    each("PIPES", &InpParser::readPipes);
    each("PUMPS", &InpParser::readPumps);
    each("VALVES", &InpParser::readValves);
    m_vertices.assign(m_net.linkCount(), {});
    each("DEMANDS", &InpParser::readDemands);
    each("EMITTERS", &InpParser::readEmitters);
    each("STATUS", &InpParser::readStatus);
    each("CONTROLS", &InpParser::readControls);
    each("RULES", &InpParser::readRules);
    each("COORDINATES", &InpParser::readCoordinates);
    each("VERTICES", &InpParser::readVertices);

    // Everything else is reported, never dropped silently.
    static const char* const kUsed[] = {"OPTIONS",   "TIMES",       "TITLE",    "PATTERNS", "CURVES",
                                        "JUNCTIONS", "RESERVOIRS",  "TANKS",    "PIPES",    "PUMPS",
                                        "VALVES",    "DEMANDS",     "EMITTERS", "STATUS",   "CONTROLS",
                                        "RULES",     "COORDINATES", "VERTICES"};
    static const char* const kNotHydraulic[] = {"QUALITY", "REACTIONS", "SOURCES",  "MIXING", "ENERGY",
                                                "REPORT",  "LABELS",    "BACKDROP", "TAGS"};
    for (const InpSection& s : m_sections) {
        if (std::find(std::begin(kUsed), std::end(kUsed), s.name) != std::end(kUsed)) {
            continue;
        }
        const bool known =
            std::find(std::begin(kNotHydraulic), std::end(kNotHydraulic), s.name) != std::end(kNotHydraulic);
        const std::string what = known ? "section [" + s.name + "] is not used by the hydraulic engine"
                                       : "unknown section [" + s.name + "]";
        const std::string action = "ignored (" + std::to_string(s.lines.size()) + " data lines)";
        if (known && s.lines.empty()) {
            info(s.headerLine, "water.inp.section_ignored", what, action);
        } else {
            warning(s.headerLine, known ? "water.inp.section_ignored" : "water.inp.unknown_section", what,
                    action);
        }
    }

    // The default pattern: the PATTERN option, else a pattern named "1" (EPANET's rule).
    if (m_net.options.defaultPattern < 0) {
        if (const auto p = m_net.findPattern("1")) {
            m_net.options.defaultPattern = static_cast<std::int32_t>(*p);
        }
    }
    for (Pattern& p : m_net.patterns) {
        if (p.factors.empty()) {
            p.factors.push_back(1.0);
        }
    }
    convertCurves();
    // Vertices in CSR form.
    m_net.vertexOffset.assign(1, 0);
    m_net.vertexX.clear();
    m_net.vertexY.clear();
    for (const auto& v : m_vertices) {
        for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
            m_net.vertexX.push_back(v[i]);
            m_net.vertexY.push_back(v[i + 1]);
        }
        m_net.vertexOffset.push_back(static_cast<std::uint32_t>(m_net.vertexX.size()));
    }
    if (m_net.nodeCount() == 0) {
        m_report.error("water.inp.empty", m_file, "the file defines no nodes");
    }
    if (m_report.errorCount() > errorsBefore) {
        return std::nullopt;
    }
    if (!m_net.finish(m_report) || m_report.errorCount() > errorsBefore) {
        return std::nullopt;
    }
    return std::move(m_net);
}

}  // namespace detail

std::optional<WaterNetwork> parseInp(std::string_view text, const std::string& fileName,
                                     DiagnosticReport& report) {
    detail::InpParser parser(fileName, report);
    return parser.parse(text);
}

std::optional<WaterNetwork> readInpFile(const std::string& path, DiagnosticReport& report) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        report.error("water.inp.unreadable", path, "cannot open the file");
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parseInp(buffer.str(), path, report);
}

}  // namespace ct::water
