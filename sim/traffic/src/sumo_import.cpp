// SUMO .net.xml import: the file is read once into raw records (SAX), then the TrafficNetwork
// arrays are filled the way buildTrafficNetwork fills them: normal lanes grouped by link, then one
// internal lane per connection, connections sorted by from-lane (CSR), per-node connection lists,
// signal programs, and finally computeConflicts().
#include "citytwin/traffic/sumo_import.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "sumo_net_reader.h"
#include "sumo_xml.h"

namespace ct::traffic {

using namespace sumo_detail;

// ---------------------------------------------------------------------------------------------
// Name lookups

LinkId SumoNetwork::findEdge(std::string_view id) const {
    const auto it = edgeIndex.find(std::string(id));
    return it == edgeIndex.end() ? LinkId{} : LinkId{it->second};
}

LaneId SumoNetwork::findLane(std::string_view id) const {
    const auto it = laneIndex.find(std::string(id));
    return it == laneIndex.end() ? LaneId{} : LaneId{it->second};
}

NodeId SumoNetwork::findJunction(std::string_view id) const {
    const auto it = junctionIndex.find(std::string(id));
    return it == junctionIndex.end() ? NodeId{} : NodeId{it->second};
}

const std::string& SumoNetwork::edgeIdString(LinkId l) const {
    static const std::string kEmpty;
    return l.valid() && l.index() < edgeIds.size() ? edgeIds[l.index()] : kEmpty;
}

std::string SumoNetwork::laneIdString(LaneId l) const {
    if (!l.valid() || l.index() >= laneIds.size()) {
        return {};
    }
    if (!laneIds[l.index()].empty() || !net.isInternal(l)) {
        return laneIds[l.index()];
    }
    const std::uint32_t c = net.laneConnection[l.index()];
    return laneIds[net.connFrom[c].index()] + "->" + laneIds[net.connTo[c].index()];
}

std::span<const Vec2> SumoNetwork::laneShape(LaneId l) const {
    if (!l.valid() || l.index() + 1 >= laneShapeOffset.size()) {
        return {};
    }
    return {laneShapePoints.data() + laneShapeOffset[l.index()],
            laneShapeOffset[l.index() + 1] - laneShapeOffset[l.index()]};
}

namespace {

std::optional<TurnDirection> turnFromSumo(std::string_view dir) {
    if (dir == "s") {
        return TurnDirection::Straight;
    }
    if (dir == "r" || dir == "R") {
        return TurnDirection::Right;
    }
    if (dir == "l" || dir == "L") {
        return TurnDirection::Left;
    }
    if (dir == "t" || dir == "T") {
        return TurnDirection::UTurn;
    }
    return std::nullopt;
}

/// Unsignalised right of way from a connection's state letter (SUMO's LinkState).
std::optional<LinkState> baseStateFromSumo(char c) {
    switch (c) {
        case 'M':
        case '=':
        case 'G':
        case 'O':  // at a signal that is off: no control
            return LinkState::PriorityGreen;
        case 'm':
        case 'w':  // all-way stop: every approach yields to the others
        case 'Z':  // zipper merge
        case 'g':
        case 'o':  // blinking: yield
            return LinkState::YieldGreen;
        case 's':
            return LinkState::Stop;
        default:
            return std::nullopt;
    }
}

// ---------------------------------------------------------------------------------------------
// Building

/// A connection on its way into the arrays.
struct PendingConn {
    LaneId from, to;
    NodeId node;
    TurnDirection dir = TurnDirection::Straight;
    LinkState base = LinkState::PriorityGreen;
    double length = 0.0, speed = 0.0;   // m, m/s of the internal lane
    std::string viaId;                  // the first via lane
    std::vector<std::string> viaChain;  // all via lanes
    std::vector<Vec2> shape;
    std::uint32_t program = UINT32_MAX;  // the tlLogic controlling it
    long long linkIndex = -1;
    int line = 0;
};

class NetBuilder {
public:
    NetBuilder(RawNet& raw, const std::string& file, DiagnosticReport& report, const SumoImportOptions& o)
        : m_h(raw), m_diag(file, report), m_opt(o) {}

    std::optional<SumoNetwork> build() {
        m_out.location = m_h.location;
        m_out.version = m_h.version;
        addNodes();
        addLinks();
        if (m_out.net.linkCount() == 0) {
            m_diag.add(Severity::Error, "sumo.no_edges", -1, "the network has no edge that cars may use",
                       "load stopped");
            return std::nullopt;
        }
        addPrograms();
        std::vector<PendingConn> conns = readConnections();
        addConnections(conns);
        addNodeLists(conns);
        TrafficNetwork& net = m_out.net;
        computeConflicts(net);
        return std::move(m_out);
    }

private:
    RawNet& m_h;
    DiagSink m_diag;
    const SumoImportOptions& m_opt;
    SumoNetwork m_out;
    std::vector<std::vector<std::uint32_t>> m_sumoLane;  // per link: SUMO lane index -> LaneId
    std::unordered_map<std::string, std::uint32_t> m_tlIndex;

    void addShape(const std::vector<Vec2>& s) {
        m_out.laneShapePoints.insert(m_out.laneShapePoints.end(), s.begin(), s.end());
        m_out.laneShapeOffset.push_back(static_cast<std::uint32_t>(m_out.laneShapePoints.size()));
    }

    void addNodes() {
        TrafficNetwork& net = m_out.net;
        for (const RawJunction& j : m_h.junctions) {
            if (!m_out.junctionIndex.emplace(j.id, static_cast<std::uint32_t>(net.nodePos.size())).second) {
                m_diag.warn("sumo.duplicate_id", j.line, "junction '" + j.id + "' is defined twice");
                continue;
            }
            m_out.junctionIds.push_back(j.id);
            m_out.junctionTypes.push_back(j.type);
            m_out.junctionShapePoints.insert(m_out.junctionShapePoints.end(), j.shape.begin(), j.shape.end());
            m_out.junctionShapeOffset.push_back(static_cast<std::uint32_t>(m_out.junctionShapePoints.size()));
            net.nodePos.push_back(j.pos);
        }
    }

    void addLinks() {
        TrafficNetwork& net = m_out.net;
        net.linkLaneOffset.assign(1, 0);
        m_out.laneShapeOffset.assign(1, 0);
        std::size_t lanesLeftOut = 0, edgesLeftOut = 0;
        for (RawEdge& e : m_h.edges) {
            const NodeId from = m_out.findJunction(e.from), to = m_out.findJunction(e.to);
            if (!from.valid() || !to.valid()) {
                m_diag.warn("sumo.unknown_junction", e.line,
                            "edge '" + e.id + "' joins junction '" + (from.valid() ? e.to : e.from) +
                                "', which does not exist");
                continue;
            }
            if (m_out.edgeIndex.count(e.id) != 0) {
                m_diag.warn("sumo.duplicate_id", e.line, "edge '" + e.id + "' is defined twice");
                continue;
            }
            std::stable_sort(e.lanes.begin(), e.lanes.end(),
                             [](const RawLane& x, const RawLane& y) { return x.index < y.index; });
            std::vector<const RawLane*> kept;
            for (const RawLane& l : e.lanes) {
                if (l.passenger || !m_opt.passengerLanesOnly) {
                    kept.push_back(&l);
                } else {
                    ++lanesLeftOut;
                }
            }
            if (kept.size() > 255) {
                m_diag.warn("sumo.unsupported", e.line, "edge '" + e.id + "' has more than 255 lanes",
                            "lanes 255+ left out");
                kept.resize(255);
            }
            if (kept.empty()) {
                edgesLeftOut += e.lanes.empty() ? 0 : 1;
                if (e.lanes.empty()) {
                    m_diag.warn("sumo.no_lanes", e.line, "edge '" + e.id + "' has no (valid) lane");
                }
                continue;
            }
            const LinkId link{static_cast<std::uint32_t>(net.linkFrom.size())};
            m_out.edgeIndex.emplace(e.id, link.index());
            m_out.edgeIds.push_back(e.id);
            m_out.edgeNames.push_back(e.name);
            m_out.edgeTypes.push_back(e.type);
            net.linkFrom.push_back(from);
            net.linkTo.push_back(to);
            net.linkLength.push_back(static_cast<float>(kept.front()->length));
            float speed = 0.0f;
            auto& map = m_sumoLane.emplace_back();
            for (std::size_t k = 0; k < kept.size(); ++k) {
                const RawLane& l = *kept[k];
                const auto id = static_cast<std::uint32_t>(net.laneLength.size());
                speed = std::max(speed, static_cast<float>(l.speed));
                net.laneLink.push_back(link);
                net.laneIndex.push_back(static_cast<std::uint8_t>(k));
                net.laneLength.push_back(static_cast<float>(std::max(0.1, l.length)));
                net.laneSpeed.push_back(static_cast<float>(l.speed));
                net.laneConnection.push_back(UINT32_MAX);
                m_out.laneIds.push_back(l.id);
                m_out.laneIndex.emplace(l.id, id);
                addShape(l.shape);
                if (l.index >= 0 && l.index < 4096) {
                    if (map.size() <= static_cast<std::size_t>(l.index)) {
                        map.resize(static_cast<std::size_t>(l.index) + 1, UINT32_MAX);
                    }
                    map[static_cast<std::size_t>(l.index)] = id;
                }
            }
            net.linkSpeed.push_back(speed);
            net.linkLaneOffset.push_back(static_cast<std::uint32_t>(net.laneLength.size()));
        }
        net.normalLaneCount = static_cast<std::uint32_t>(net.laneLength.size());
        if (lanesLeftOut > 0) {
            m_diag.add(Severity::Info, "sumo.lanes_left_out", -1,
                       std::to_string(lanesLeftOut) + " lanes passenger cars may not use (" +
                           std::to_string(edgesLeftOut) + " whole edges) are not simulated",
                       "left out");
        }
    }

    /// One program per signal: as in SUMO, of several programs of one tlLogic id the one loaded
    /// last runs.
    void addPrograms() {
        std::unordered_map<std::string, std::size_t> last;
        for (std::size_t i = 0; i < m_h.tls.size(); ++i) {
            const RawTl& t = m_h.tls[i];
            if (t.phases.empty()) {
                m_diag.warn("sumo.bad_state", t.line, "tlLogic '" + t.id + "' has no phase",
                            "ignored; without a program its connections use their own right of way");
                continue;
            }
            const auto [it, fresh] = last.emplace(t.id, i);
            if (!fresh) {
                m_diag.add(Severity::Info, "sumo.tl_program", t.line,
                           "tlLogic '" + t.id + "' program '" + t.programID + "' follows program '" +
                               m_h.tls[it->second].programID + "'",
                           "the last program runs (as in SUMO)");
                it->second = i;
            }
        }
        for (std::size_t i = 0; i < m_h.tls.size(); ++i) {
            RawTl& t = m_h.tls[i];
            const auto it = last.find(t.id);
            if (it == last.end() || it->second != i) {
                continue;
            }
            if (t.type != "static") {
                m_diag.warn("sumo.actuated", t.line,
                            "tlLogic '" + t.id + "' is of type '" + t.type +
                                "'; only fixed-time programs are simulated",
                            "run as fixed-time with the phase durations");
            }
            // Every phase must have a letter per link index; SUMO rejects the file otherwise.
            std::size_t width = 0;
            for (const auto& p : t.phases) {
                width = std::max(width, p.states.size());
            }
            bool padded = false;
            for (auto& p : t.phases) {
                padded = padded || p.states.size() < width;
                p.states.resize(width, 'r');
            }
            if (padded) {
                m_diag.warn("sumo.bad_state", t.line, "tlLogic '" + t.id + "': phases of different lengths",
                            "short phases padded with 'r'");
            }
            SignalProgram prog;
            prog.phases = std::move(t.phases);
            // SUMO delays the phases by the offset: at time t the program is at (t - offset).
            prog.offset = -t.offset;
            m_tlIndex.emplace(t.id, static_cast<std::uint32_t>(m_out.net.programs.size()));
            m_out.net.programs.push_back(std::move(prog));
            m_out.tlIds.push_back(t.id);
            m_out.tlProgramIds.push_back(t.programID);
        }
    }

    /// The internal lane of a connection: its via lane, and the lanes chained to it through
    /// internal junctions, joined.
    void followVia(PendingConn& p, const RawConn& c) {
        const TrafficNetwork& net = m_out.net;
        std::string via = c.via;
        p.viaId = via;
        p.speed = std::min(net.laneSpeed[p.from.index()], net.laneSpeed[p.to.index()]);
        if (via.empty()) {
            const auto a = m_out.laneShape(p.from), b = m_out.laneShape(p.to);
            if (!a.empty() && !b.empty()) {
                p.shape = {a.back(), b.front()};
                p.length = distance(a.back(), b.front());
            }
            p.length = std::max(p.length, m_opt.minInternalLength);
            return;
        }
        p.speed = std::numeric_limits<double>::infinity();
        for (int guard = 0; !via.empty() && guard < 16; ++guard) {
            const auto it = m_h.internalLanes.find(via);
            if (it == m_h.internalLanes.end()) {
                m_diag.warn(
                    "sumo.unknown_lane", c.line, "via lane '" + via + "' does not exist",
                    guard == 0 ? "the connection gets a direct internal lane" : "the via chain ends there");
                break;
            }
            p.viaChain.push_back(via);
            p.length += it->second.length;
            p.speed = std::min(p.speed, it->second.speed);
            p.shape.insert(p.shape.end(), it->second.shape.begin(), it->second.shape.end());
            const auto next = m_h.internalNext.find(via);
            via = next == m_h.internalNext.end() ? std::string() : next->second;
        }
        if (!std::isfinite(p.speed)) {
            p.speed = std::min(net.laneSpeed[p.from.index()], net.laneSpeed[p.to.index()]);
        }
        p.length = std::max(p.length, m_opt.minInternalLength);
    }

    LaneId sumoLane(LinkId link, long long index) const {
        const auto& map = m_sumoLane[link.index()];
        return index >= 0 && static_cast<std::size_t>(index) < map.size()
                   ? LaneId{map[static_cast<std::size_t>(index)]}
                   : LaneId{};
    }

    std::vector<PendingConn> readConnections() {
        const TrafficNetwork& net = m_out.net;
        std::vector<PendingConn> out;
        std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
        std::size_t leftOut = 0;
        for (const RawConn& c : m_h.connections) {
            const LinkId from = m_out.findEdge(c.from), to = m_out.findEdge(c.to);
            if (!from.valid() || !to.valid()) {
                // Edges left out on purpose (sidewalks, crossings) are not news; unknown ones are.
                const std::string& name = from.valid() ? c.to : c.from;
                const bool known = std::any_of(m_h.edges.begin(), m_h.edges.end(),
                                               [&](const RawEdge& e) { return e.id == name; });
                if (known || name.empty() || name.front() == ':') {
                    ++leftOut;
                } else {
                    m_diag.warn("sumo.unknown_edge", c.line,
                                "connection names edge '" + name + "', which does not exist");
                }
                continue;
            }
            PendingConn p;
            p.from = sumoLane(from, c.fromLane);
            p.to = sumoLane(to, c.toLane);
            p.line = c.line;
            if (!p.from.valid() || !p.to.valid()) {
                ++leftOut;  // a lane left out (or a lane index the edge does not have)
                continue;
            }
            p.node = net.linkTo[from.index()];
            if (net.linkFrom[to.index()] != p.node) {
                m_diag.warn("sumo.bad_connection", c.line,
                            "connection from '" + c.from + "' to '" + c.to +
                                "': the edges do not meet at a junction");
                continue;
            }
            if (!seen.emplace(p.from.index(), p.to.index()).second) {
                m_diag.warn("sumo.duplicate_id", c.line,
                            "a second connection from lane '" + m_out.laneIds[p.from.index()] +
                                "' to lane '" + m_out.laneIds[p.to.index()] + "'");
                continue;
            }
            const auto dir = turnFromSumo(c.dir);
            if (!dir) {
                m_diag.warn("sumo.bad_state", c.line,
                            "connection dir=\"" + c.dir + "\" is not s, r, R, l, L or t",
                            "taken as straight");
            }
            p.dir = dir.value_or(TurnDirection::Straight);
            if (!c.state.empty()) {
                const auto st = baseStateFromSumo(c.state.front());
                if (!st) {
                    m_diag.warn("sumo.bad_state", c.line,
                                "connection state=\"" + c.state + "\" is not a known right of way",
                                "taken as priority");
                }
                p.base = st.value_or(LinkState::PriorityGreen);
            }
            if (!c.tl.empty()) {
                const auto it = m_tlIndex.find(c.tl);
                const std::size_t width =
                    it == m_tlIndex.end() ? 0 : m_out.net.programs[it->second].phases.front().states.size();
                if (it == m_tlIndex.end()) {
                    m_diag.warn("sumo.unknown_tl", c.line,
                                "connection names tlLogic '" + c.tl + "', which does not exist",
                                "uses its own right of way");
                } else if (c.linkIndex < 0 || static_cast<std::size_t>(c.linkIndex) >= width) {
                    m_diag.warn("sumo.bad_link_index", c.line,
                                "linkIndex " + std::to_string(c.linkIndex) + " is outside the " +
                                    std::to_string(width) + " states of tlLogic '" + c.tl + "'",
                                "uses its own right of way");
                } else {
                    p.program = it->second;
                    p.linkIndex = c.linkIndex;
                }
            }
            followVia(p, c);
            out.push_back(std::move(p));
        }
        if (leftOut > 0) {
            m_diag.add(Severity::Info, "sumo.connections_left_out", -1,
                       std::to_string(leftOut) + " connections to or from lanes left out are not simulated",
                       "left out");
        }
        // CSR by from-lane: connections sorted by their from-lane (stable: file order within).
        std::stable_sort(out.begin(), out.end(), [](const PendingConn& a, const PendingConn& b) {
            return a.from.index() < b.from.index();
        });
        return out;
    }

    void addConnections(const std::vector<PendingConn>& conns) {
        TrafficNetwork& net = m_out.net;
        const std::uint32_t nl = net.normalLaneCount;
        net.laneConnOffset.assign(nl + 1, 0);
        for (std::uint32_t c = 0; c < conns.size(); ++c) {
            const PendingConn& p = conns[c];
            ++net.laneConnOffset[p.from.index() + 1];
            net.connFrom.push_back(p.from);
            net.connTo.push_back(p.to);
            net.connVia.push_back(LaneId{static_cast<std::uint32_t>(net.laneLength.size())});
            net.connDir.push_back(p.dir);
            net.connNode.push_back(p.node);
            net.connBaseState.push_back(p.base);
            // The internal lane of the connection.
            net.laneLink.emplace_back();
            net.laneIndex.push_back(0);
            net.laneLength.push_back(static_cast<float>(p.length));
            net.laneSpeed.push_back(static_cast<float>(p.speed));
            net.laneConnection.push_back(c);
            m_out.laneIds.push_back(p.viaId);
            for (const std::string& v : p.viaChain) {
                m_out.laneIndex.emplace(v, net.connVia.back().index());
            }
            addShape(p.shape);
        }
        for (std::uint32_t l = 0; l < nl; ++l) {
            net.laneConnOffset[l + 1] += net.laneConnOffset[l];
        }
        // Link-level turns for routing: the links reached from each link, first-seen order.
        const std::size_t nLinks = net.linkCount();
        std::vector<std::vector<LinkId>> turns(nLinks);
        for (const PendingConn& p : conns) {
            auto& t = turns[net.laneLink[p.from.index()].index()];
            const LinkId to = net.laneLink[p.to.index()];
            if (std::find(t.begin(), t.end(), to) == t.end()) {
                t.push_back(to);
            }
        }
        net.turnOffset.assign(1, 0);
        for (const auto& t : turns) {
            net.turnTo.insert(net.turnTo.end(), t.begin(), t.end());
            net.turnOffset.push_back(static_cast<std::uint32_t>(net.turnTo.size()));
        }
    }

    /// Per-node connection lists, junction control and signal state indexes. A connection that a
    /// node's signal does not control (no tl, or a bad linkIndex) keeps its own right of way as a
    /// constant letter appended to every phase of the node's program.
    void addNodeLists(const std::vector<PendingConn>& conns) {
        TrafficNetwork& net = m_out.net;
        const std::size_t nn = net.nodePos.size(), nc = conns.size();
        net.nodeProgram.assign(nn, UINT32_MAX);
        for (const PendingConn& p : conns) {
            std::uint32_t& prog = net.nodeProgram[p.node.index()];
            if (p.program != UINT32_MAX && prog == UINT32_MAX) {
                prog = p.program;
            } else if (p.program != UINT32_MAX && prog != p.program) {
                m_diag.warn(
                    "sumo.unknown_tl", p.line,
                    "junction '" + m_out.junctionIds[p.node.index()] + "' has connections of two signals",
                    "this connection keeps its own right of way");
            }
        }
        net.connIndex.assign(nc, 0);
        m_out.connLinkIndex.assign(nc, -1);
        for (std::uint32_t c = 0; c < nc; ++c) {
            const PendingConn& p = conns[c];
            const std::uint32_t prog = net.nodeProgram[p.node.index()];
            if (prog == UINT32_MAX) {
                continue;
            }
            auto& phases = net.programs[prog].phases;
            std::size_t index = 0;
            if (p.program == prog) {
                index = static_cast<std::size_t>(p.linkIndex);
                m_out.connLinkIndex[c] = static_cast<std::int32_t>(p.linkIndex);
            } else {
                index = phases.front().states.size();
                for (auto& ph : phases) {
                    ph.states.push_back(toChar(p.base));
                }
            }
            if (index >= UINT16_MAX) {
                m_diag.warn("sumo.bad_link_index", p.line, "more than 65535 links at one signal",
                            "no signal control");
                index = UINT16_MAX;
            }
            net.connIndex[c] = static_cast<std::uint16_t>(index);
        }
        // Node lists: connection id order; at signals by signal index, so that the k-th connection
        // of the node reads the k-th letter of a phase (as for generated programs).
        net.nodeConnOffset.assign(nn + 1, 0);
        for (const PendingConn& p : conns) {
            ++net.nodeConnOffset[p.node.index() + 1];
        }
        for (std::size_t n = 0; n < nn; ++n) {
            net.nodeConnOffset[n + 1] += net.nodeConnOffset[n];
        }
        net.nodeConns.resize(nc);
        std::vector<std::uint32_t> fill(net.nodeConnOffset.begin(), net.nodeConnOffset.end() - 1);
        for (std::uint32_t c = 0; c < nc; ++c) {
            net.nodeConns[fill[conns[c].node.index()]++] = c;
        }
        net.nodeControl.assign(nn, JunctionControl::None);
        for (std::uint32_t n = 0; n < nn; ++n) {
            const auto first = net.nodeConns.begin() + net.nodeConnOffset[n];
            const auto last = net.nodeConns.begin() + net.nodeConnOffset[n + 1];
            if (first == last) {
                continue;
            }
            if (net.nodeProgram[n] != UINT32_MAX) {
                net.nodeControl[n] = JunctionControl::Signal;
                std::stable_sort(first, last, [&](std::uint32_t a, std::uint32_t b) {
                    return net.connIndex[a] < net.connIndex[b];
                });
                continue;
            }
            const std::string& type = m_out.junctionTypes[n];
            if (type == "allway_stop") {
                net.nodeControl[n] = JunctionControl::AllWayStop;
            } else if (type == "unregulated" || type == "dead_end" || type == "district" ||
                       type == "rail_crossing" || type == "rail_signal") {
                net.nodeControl[n] = JunctionControl::None;
            } else {
                net.nodeControl[n] = JunctionControl::Priority;
            }
            for (auto it = first; it != last; ++it) {
                net.connIndex[*it] =
                    static_cast<std::uint16_t>(std::min<std::ptrdiff_t>(it - first, UINT16_MAX));
            }
        }
    }
};

}  // namespace

std::optional<SumoNetwork> parseSumoNetwork(std::string_view xml, const std::string& file,
                                            DiagnosticReport& report, const SumoImportOptions& options) {
    RawNet raw;
    if (!readRawNet(xml, file, raw, report)) {
        return std::nullopt;
    }
    return NetBuilder(raw, file, report, options).build();
}

std::optional<SumoNetwork> readSumoNetwork(const std::string& path, DiagnosticReport& report,
                                           const SumoImportOptions& options) {
    RawNet raw;
    if (!readRawNetFile(path, raw, report)) {
        return std::nullopt;
    }
    return NetBuilder(raw, path, report, options).build();
}

}  // namespace ct::traffic
