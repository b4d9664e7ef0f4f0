// Reading a SUMO .net.xml into raw records (see sumo_net_reader.h).
#include "sumo_net_reader.h"

#include <optional>
#include <string>
#include <utility>

#include "sumo_xml.h"

namespace ct::traffic::sumo_detail {

namespace {

/// Whether passenger cars may use a lane with these allow/disallow lists.
bool passengerAllowed(std::optional<std::string_view> allow, std::optional<std::string_view> disallow) {
    auto has = [](std::string_view list, std::string_view what) {
        for (std::string_view t : splitBlanks(list)) {
            if (t == what || t == "all") {
                return true;
            }
        }
        return false;
    };
    if (allow) {
        return has(*allow, "passenger");
    }
    if (disallow) {
        return !has(*disallow, "passenger");
    }
    return true;
}

bool validSignalLetter(char c) {
    return std::string_view("GgyYrRuoOs").find(c) != std::string_view::npos;
}

/// Collects the elements into a RawNet; an element it cannot use gives a warning and is skipped.
class NetHandler : public XmlHandler {
public:
    NetHandler(const std::string& file, RawNet& out, DiagnosticReport& report)
        : m_diag(file, report), m_out(out) {}

    bool rootOk = false;

    void start(std::string_view name, const XmlAttrs& a, int line) override {
        if (m_depth++ == 0) {
            rootOk = name == "net";
            if (!rootOk) {
                diag(Severity::Error, "sumo.not_a_net", line,
                     "the root element is <" + std::string(name) + ">, not <net>: not a SUMO network",
                     "load stopped");
            }
            m_out.version = a.str("version");
            return;
        }
        if (!rootOk) {
            return;
        }
        if (name == "location") {
            readLocation(a, line);
        } else if (name == "edge") {
            readEdge(a, line);
        } else if (name == "lane") {
            readLane(a, line);
        } else if (name == "junction") {
            readJunction(a, line);
        } else if (name == "connection") {
            readConnection(a, line);
        } else if (name == "tlLogic") {
            readTl(a, line);
        } else if (name == "phase") {
            readPhase(a, line);
        }
    }

    void end(std::string_view name) override {
        --m_depth;
        if (name == "edge") {
            m_edge = EdgeKind::None;
        } else if (name == "tlLogic") {
            m_inTl = false;
        }
    }

    void diag(Severity s, std::string code, int line, std::string message, std::string action) {
        m_diag.add(s, std::move(code), line, std::move(message), std::move(action));
    }
    void warn(std::string code, int line, std::string message, std::string action = "skipped") {
        m_diag.warn(std::move(code), line, std::move(message), std::move(action));
    }

private:
    enum class EdgeKind { None, Normal, Internal, Skipped };
    DiagSink m_diag;
    RawNet& m_out;
    int m_depth = 0;
    EdgeKind m_edge = EdgeKind::None;
    bool m_inTl = false;

    /// A required attribute; a warning naming it when absent.
    std::optional<std::string_view> need(const XmlAttrs& a, std::string_view key, std::string_view element,
                                         int line) {
        const auto v = a.get(key);
        if (!v) {
            warn("sumo.missing_attribute", line,
                 "<" + std::string(element) + "> has no " + std::string(key) + " attribute");
        }
        return v;
    }
    /// A numeric attribute: `out` unchanged when absent; false (with a warning) when malformed.
    bool number(const XmlAttrs& a, std::string_view key, double& out, std::string_view element, int line,
                bool required = false) {
        const auto v = a.get(key);
        if (!v) {
            if (required) {
                warn("sumo.missing_attribute", line,
                     "<" + std::string(element) + "> has no " + std::string(key) + " attribute");
            }
            return !required;
        }
        const auto x = parseNumber(*v);
        if (!x) {
            warn("sumo.bad_number", line,
                 "<" + std::string(element) + "> " + std::string(key) + "=\"" + std::string(*v) +
                     "\" is not a number");
            return false;
        }
        out = *x;
        return true;
    }
    bool integer(const XmlAttrs& a, std::string_view key, long long& out, std::string_view element,
                 int line) {
        const auto v = a.get(key);
        if (!v) {
            return true;
        }
        const auto x = parseInteger(*v);
        if (!x) {
            warn("sumo.bad_number", line,
                 "<" + std::string(element) + "> " + std::string(key) + "=\"" + std::string(*v) +
                     "\" is not an integer");
            return false;
        }
        out = *x;
        return true;
    }

    void readLocation(const XmlAttrs& a, int line) {
        if (const auto off = a.get("netOffset")) {
            const auto p = parseShape(*off);
            if (p && p->size() == 1) {
                m_out.location.netOffset = p->front();
            } else {
                warn("sumo.bad_number", line, "netOffset=\"" + std::string(*off) + "\" is not a point x,y",
                     "netOffset set to 0,0");
            }
        }
        auto box = [&](std::string_view key, std::array<double, 4>& out) {
            const auto v = a.get(key);
            if (!v) {
                return;
            }
            std::size_t k = 0, b = 0;
            bool ok = true;
            for (std::size_t i = 0; i <= v->size() && ok; ++i) {
                if (i == v->size() || (*v)[i] == ',') {
                    const auto x = parseNumber(v->substr(b, i - b));
                    ok = x.has_value() && k < 4;
                    if (ok) {
                        out[k++] = *x;
                    }
                    b = i + 1;
                }
            }
            if (!ok || k != 4) {
                out = {};
                warn("sumo.bad_number", line,
                     std::string(key) + "=\"" + std::string(*v) + "\" is not 4 numbers", "set to 0,0,0,0");
            }
        };
        box("convBoundary", m_out.location.convBoundary);
        box("origBoundary", m_out.location.origBoundary);
        m_out.location.projParameter = a.str("projParameter", "!");
    }

    void readEdge(const XmlAttrs& a, int line) {
        const auto id = need(a, "id", "edge", line);
        const std::string function = a.str("function");
        m_edge = EdgeKind::Skipped;
        if (!id) {
            return;
        }
        if (function == "internal") {
            m_edge = EdgeKind::Internal;
            return;
        }
        if (function == "crossing" || function == "walkingarea") {
            return;  // pedestrian areas: not for vehicles
        }
        if (!function.empty() && function != "normal" && function != "connector") {
            warn("sumo.unsupported", line,
                 "edge '" + std::string(*id) + "' has function \"" + function + "\"");
            return;
        }
        const auto from = need(a, "from", "edge", line);
        const auto to = need(a, "to", "edge", line);
        if (!from || !to) {
            return;
        }
        m_edge = EdgeKind::Normal;
        m_out.edges.push_back(
            {std::string(*id), std::string(*from), std::string(*to), {}, line, a.str("name"), a.str("type")});
    }

    void readLane(const XmlAttrs& a, int line) {
        if (m_edge != EdgeKind::Normal && m_edge != EdgeKind::Internal) {
            return;
        }
        const auto id = need(a, "id", "lane", line);
        double speed = 13.89, length = 0.0;
        long long index = 0;
        if (!id || !number(a, "speed", speed, "lane", line, true) ||
            !number(a, "length", length, "lane", line, true) || !integer(a, "index", index, "lane", line)) {
            return;
        }
        if (speed <= 0.0 || length < 0.0) {
            warn("sumo.bad_number", line,
                 "lane '" + std::string(*id) + "' has a speed <= 0 or a negative length");
            return;
        }
        std::vector<Vec2> shape;
        if (const auto s = a.get("shape")) {
            auto p = parseShape(*s);
            if (!p) {
                warn("sumo.bad_number", line, "lane '" + std::string(*id) + "' has a malformed shape",
                     "shape ignored");
            } else {
                shape = std::move(*p);
            }
        }
        if (m_edge == EdgeKind::Internal) {
            m_out.internalLanes[std::string(*id)] = {speed, length, std::move(shape)};
            return;
        }
        RawLane l;
        l.id = std::string(*id);
        l.index = index;
        l.speed = speed;
        l.length = length;
        l.shape = std::move(shape);
        l.passenger = passengerAllowed(a.get("allow"), a.get("disallow"));
        m_out.edges.back().lanes.push_back(std::move(l));
    }

    void readJunction(const XmlAttrs& a, int line) {
        const auto id = need(a, "id", "junction", line);
        if (!id) {
            return;
        }
        const std::string type = a.str("type", "priority");
        if (type == "internal") {
            return;  // a waiting position inside a junction: part of a connection's via chain
        }
        RawJunction j{std::string(*id), type, {}, line, {}};
        if (!number(a, "x", j.pos.x, "junction", line, true) ||
            !number(a, "y", j.pos.y, "junction", line, true)) {
            return;
        }
        if (const auto s = a.get("shape")) {
            if (auto p = parseShape(*s)) {
                j.shape = std::move(*p);  // only drawn: a malformed outline is simply not kept
            }
        }
        m_out.junctions.push_back(std::move(j));
    }

    void readConnection(const XmlAttrs& a, int line) {
        const auto from = need(a, "from", "connection", line);
        const auto to = need(a, "to", "connection", line);
        if (!from || !to) {
            return;
        }
        RawConn c;
        c.from = std::string(*from);
        c.to = std::string(*to);
        c.via = a.str("via");
        c.tl = a.str("tl");
        c.dir = a.str("dir", "s");
        c.state = a.str("state");
        c.line = line;
        if (!integer(a, "fromLane", c.fromLane, "connection", line) ||
            !integer(a, "toLane", c.toLane, "connection", line) ||
            !integer(a, "linkIndex", c.linkIndex, "connection", line)) {
            return;
        }
        if (!a.get("fromLane") || !a.get("toLane")) {
            warn("sumo.missing_attribute", line, "<connection> needs fromLane and toLane");
            return;
        }
        if (!c.from.empty() && c.from.front() == ':') {
            // Within a junction: the next piece of a via chain (through an internal junction).
            if (!c.via.empty()) {
                m_out.internalNext[c.from + "_" + std::to_string(c.fromLane)] = c.via;
            }
            return;
        }
        m_out.connections.push_back(std::move(c));
    }

    void readTl(const XmlAttrs& a, int line) {
        const auto id = need(a, "id", "tlLogic", line);
        if (!id) {
            return;
        }
        RawTl t;
        t.id = std::string(*id);
        t.programID = a.str("programID", "0");
        t.type = a.str("type", "static");
        t.line = line;
        if (!number(a, "offset", t.offset, "tlLogic", line)) {
            t.offset = 0.0;
        }
        m_out.tls.push_back(std::move(t));
        m_inTl = true;
    }

    void readPhase(const XmlAttrs& a, int line) {
        if (!m_inTl) {
            return;
        }
        double duration = 0.0;
        const auto state = need(a, "state", "phase", line);
        if (!number(a, "duration", duration, "phase", line, true) || !state) {
            return;
        }
        if (duration <= 0.0) {
            warn("sumo.bad_number", line,
                 "a phase of tlLogic '" + m_out.tls.back().id + "' lasts " + std::to_string(duration) + " s");
            return;
        }
        std::string st(*state);
        for (char& ch : st) {
            if (!validSignalLetter(ch)) {
                warn("sumo.bad_state", line,
                     "tlLogic '" + m_out.tls.back().id + "': unknown signal state letter '" +
                         std::string(1, ch) + "'",
                     "read as 'r'");
                ch = 'r';
            }
        }
        m_out.tls.back().phases.push_back({duration, std::move(st)});
    }
};

}  // namespace

bool readRawNet(std::string_view text, const std::string& file, RawNet& out, DiagnosticReport& report) {
    NetHandler h(file, out, report);
    return parseXmlText(text, file, h, report) && h.rootOk;
}

bool readRawNetFile(const std::string& path, RawNet& out, DiagnosticReport& report) {
    NetHandler h(path, out, report);
    return parseXmlFile(path, h, report) && h.rootOk;
}

}  // namespace ct::traffic::sumo_detail
