#include "citytwin/traffic/sumo_export.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace ct::traffic {

namespace {

/// A number with up to `digits` decimals, trailing zeros dropped ("13.89", "2.5", "300").
std::string num(double v, int digits = 2) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%.*f", digits, v);
    std::string s(buf.data());
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') {
            s.pop_back();
        }
        if (s.back() == '.') {
            s.pop_back();
        }
    }
    return s == "-0" ? "0" : s;
}

/// Text for an attribute value in double quotes.
std::string esc(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\n':
            case '\r':
            case '\t':
                out += ' ';
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string header(const char* root, const char* xsd) {
    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<!-- written by CityTwin (citytwin export-sumo): the traffic network as CityTwin builds it -->\n";
    // No schema location: netconvert would validate against it and, without SUMO_HOME, look the
    // schema up on the web. The format is SUMO's `xsd` (sumo.dlr.de/xsd).
    s += std::string("<") + root + " version=\"1.9\"> <!-- " + xsd + " -->\n";
    return s;
}

const char* nodeType(JunctionControl c) {
    switch (c) {
        case JunctionControl::Signal:
            return "traffic_light";
        case JunctionControl::AllWayStop:
            return "allway_stop";
        case JunctionControl::Priority:
        case JunctionControl::None:
            break;
    }
    return "priority";
}

const char* sumoVClass(VehicleClass c) {
    switch (c) {
        case VehicleClass::Bus:
            return "bus";
        case VehicleClass::Truck:
            return "truck";
        case VehicleClass::Emergency:
            return "emergency";
        default:
            return "passenger";
    }
}

}  // namespace

std::string sumoEdgeId(LinkId l) {
    return "L" + std::to_string(l.index());
}

std::string sumoNodeId(NodeId n) {
    return "N" + std::to_string(n.index());
}

SumoPlainNetwork exportSumoPlainNetwork(const RoadNetwork& roads, const TrafficNetwork& net,
                                        const SumoExportOptions& options) {
    SumoPlainNetwork out;
    const std::size_t nn = net.nodeCount(), nl = net.linkCount();

    // Nodes.
    {
        std::ostringstream os;
        os << header("nodes", "nodes_file.xsd");
        double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
        for (std::size_t n = 0; n < nn; ++n) {
            const Vec2 p = net.nodePos[n];
            xmin = n == 0 ? p.x : std::min(xmin, p.x);
            ymin = n == 0 ? p.y : std::min(ymin, p.y);
            xmax = n == 0 ? p.x : std::max(xmax, p.x);
            ymax = n == 0 ? p.y : std::max(ymax, p.y);
        }
        // The local frame as it is: no offset, no projection (netconvert keeps the coordinates).
        os << "    <location netOffset=\"0.00,0.00\" convBoundary=\"" << num(xmin) << ',' << num(ymin) << ','
           << num(xmax) << ',' << num(ymax) << "\" origBoundary=\"" << num(xmin) << ',' << num(ymin) << ','
           << num(xmax) << ',' << num(ymax) << "\" projParameter=\"!\"/>\n";
        for (std::uint32_t n = 0; n < nn; ++n) {
            const NodeId id{n};
            const Vec2 p = net.nodePos[n];
            os << "    <node id=\"" << sumoNodeId(id) << "\" x=\"" << num(p.x) << "\" y=\"" << num(p.y)
               << "\" type=\"" << nodeType(net.nodeControl[n]) << '"';
            if (net.nodeControl[n] == JunctionControl::Signal && net.nodeProgram[n] != UINT32_MAX) {
                os << " tl=\"" << sumoNodeId(id) << '"';
            }
            os << "/>\n";
        }
        os << "</nodes>\n";
        out.nodes = os.str();
    }

    // Edges: one per link, with the road's centreline (SUMO spreads the lanes to its right).
    {
        std::ostringstream os;
        os << header("edges", "edges_file.xsd");
        for (std::uint32_t l = 0; l < nl; ++l) {
            const LinkId id{l};
            const std::uint32_t lanes = net.laneCountOf(id);
            const RoadClass cls = roads.linkClass[l];
            // SUMO picks a priority junction's main road by edge priority first; CityTwin by
            // (class rank, lanes).
            const int priority =
                defaults(cls).rank * 10 + static_cast<int>(std::min<std::uint32_t>(lanes, 9));
            os << "    <edge id=\"" << sumoEdgeId(id) << "\" from=\"" << sumoNodeId(net.linkFrom[l])
               << "\" to=\"" << sumoNodeId(net.linkTo[l]) << "\" priority=\"" << priority << "\" numLanes=\""
               << lanes << "\" speed=\"" << num(net.linkSpeed[l]) << "\" width=\"" << num(options.laneWidth)
               << '"';
            if (options.citytwinLengths && lanes > 0) {
                os << " length=\"" << num(net.laneLength[net.lane(id, 0).index()]) << '"';
            }
            const auto shape = roads.shape(id);
            if (shape.size() > 2) {
                os << " shape=\"";
                for (std::size_t i = 0; i < shape.size(); ++i) {
                    os << (i > 0 ? " " : "") << num(shape[i].x) << ',' << num(shape[i].y);
                }
                os << '"';
            }
            const std::uint32_t name = roads.linkName[l];
            if (name != 0 && name < roads.names.size()) {
                os << " name=\"" << esc(roads.names[name]) << '"';
            }
            // The road class, for readers (SUMO edge types would have to be defined).
            os << ">\n        <param key=\"highway\" value=\"" << toString(cls) << "\"/>\n    </edge>\n";
        }
        os << "</edges>\n";
        out.edges = os.str();
    }

    // Connections: lane to lane, as CityTwin has them, grouped by incoming link.
    {
        std::ostringstream os;
        os << header("connections", "connections_file.xsd");
        for (std::uint32_t l = 0; l < nl; ++l) {
            const LinkId id{l};
            const std::uint32_t first = net.lane(id, 0).index();
            const std::uint32_t end = first + net.laneCountOf(id);
            if (net.laneConnOffset[first] == net.laneConnOffset[end]) {
                // No way on (only where the road network has no turn): say so, or netconvert
                // would guess connections for the edge.
                os << "    <connection from=\"" << sumoEdgeId(id) << "\"/>\n";
                continue;
            }
            for (std::uint32_t lane = first; lane < end; ++lane) {
                for (std::uint32_t c = net.laneConnOffset[lane]; c < net.laneConnOffset[lane + 1]; ++c) {
                    const LaneId to = net.connTo[c];
                    os << "    <connection from=\"" << sumoEdgeId(id) << "\" to=\""
                       << sumoEdgeId(net.laneLink[to.index()]) << "\" fromLane=\""
                       << static_cast<int>(net.laneIndex[lane]) << "\" toLane=\""
                       << static_cast<int>(net.laneIndex[to.index()]) << '"';
                    if (options.citytwinLengths) {
                        const std::uint32_t via = net.connVia[c].index();
                        os << " length=\"" << num(net.laneLength[via]) << "\" speed=\""
                           << num(net.laneSpeed[via]) << '"';
                    }
                    os << "/>\n";
                }
            }
        }
        os << "</connections>\n";
        out.connections = os.str();
    }

    // Signal programs, and which connection each state letter belongs to.
    {
        std::ostringstream os;
        os << header("tlLogics", "tllogic_file.xsd");
        std::ostringstream links;
        for (std::uint32_t n = 0; n < nn; ++n) {
            if (net.nodeControl[n] != JunctionControl::Signal || net.nodeProgram[n] == UINT32_MAX) {
                continue;
            }
            const NodeId id{n};
            const SignalProgram& p = net.programs[net.nodeProgram[n]];
            os << "    <tlLogic id=\"" << sumoNodeId(id) << "\" type=\"static\" programID=\"0\" offset=\""
               << num(p.offset == 0.0 ? 0.0 : -p.offset) << "\">\n";
            for (const SignalProgram::Phase& ph : p.phases) {
                os << "        <phase duration=\"" << num(ph.duration) << "\" state=\"" << esc(ph.states)
                   << "\"/>\n";
            }
            os << "    </tlLogic>\n";
            const auto conns = net.connectionsOfNode(id);
            for (const std::uint32_t c : conns) {
                const LaneId from = net.connFrom[c], to = net.connTo[c];
                links << "    <connection from=\"" << sumoEdgeId(net.laneLink[from.index()]) << "\" to=\""
                      << sumoEdgeId(net.laneLink[to.index()]) << "\" fromLane=\""
                      << static_cast<int>(net.laneIndex[from.index()]) << "\" toLane=\""
                      << static_cast<int>(net.laneIndex[to.index()]) << "\" tl=\"" << sumoNodeId(id)
                      << "\" linkIndex=\"" << net.connIndex[c] << "\"/>\n";
            }
        }
        os << links.str() << "</tlLogics>\n";
        out.tlLogics = os.str();
    }
    return out;
}

std::string sumoVehicleTypeXml(const VehicleType& t, const std::string& id) {
    std::ostringstream os;
    const double lo = std::max(0.0, t.speedFactorMean - 2.0 * t.speedFactorDev);
    const double hi = t.speedFactorMean + 2.0 * t.speedFactorDev;
    os << "<vType id=\"" << esc(id) << "\" vClass=\"" << sumoVClass(t.vclass)
       << "\" carFollowModel=\"IDM\" length=\"" << num(t.length) << "\" minGap=\"" << num(t.minGap)
       << "\" accel=\"" << num(t.maxAccel) << "\" decel=\"" << num(t.comfortDecel) << "\" emergencyDecel=\""
       << num(t.emergencyDecel) << "\" tau=\"" << num(t.headway) << "\" delta=\"" << num(t.delta)
       << "\" maxSpeed=\"" << num(t.maxSpeed) << '"';
    if (t.speedFactorDev > 0.0) {
        os << " speedFactor=\"normc(" << num(t.speedFactorMean, 3) << ',' << num(t.speedFactorDev, 3) << ','
           << num(lo, 3) << ',' << num(hi, 3) << ")\"";
    } else {
        os << " speedFactor=\"" << num(t.speedFactorMean, 3) << "\" speedDev=\"0\"";
    }
    os << "/>";
    return os.str();
}

std::string exportSumoTrips(const std::vector<Trip>& trips, const std::vector<VehicleType>& types) {
    std::ostringstream os;
    os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- written by CityTwin (citytwin export-sumo): the scenario's trips; SUMO routes them at "
          "departure -->\n"
          "<routes> <!-- routes_file.xsd -->\n";
    std::array<bool, kVehicleClassCount> used{};
    for (const Trip& t : trips) {
        used[static_cast<std::size_t>(t.vclass)] = true;
    }
    for (int c = 0; c < kVehicleClassCount; ++c) {
        if (!used[static_cast<std::size_t>(c)]) {
            continue;
        }
        const auto vc = static_cast<VehicleClass>(c);
        const VehicleType t = static_cast<std::size_t>(c) < types.size() ? types[static_cast<std::size_t>(c)]
                                                                         : defaultVehicleType(vc);
        os << "    " << sumoVehicleTypeXml(t, std::string(toString(vc))) << '\n';
    }
    std::vector<std::size_t> order(trips.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return trips[a].depart < trips[b].depart; });
    for (const std::size_t i : order) {
        const Trip& t = trips[i];
        std::ostringstream attrs;
        attrs << " id=\"" << esc(t.id) << "\" type=\"" << toString(t.vclass) << "\" depart=\""
              << num(t.depart) << "\" departLane=\"best\"";
        if (t.departPos >= 0.0) {
            attrs << " departPos=\"" << num(t.departPos) << '"';
        }
        if (t.departSpeed > 0.0) {
            attrs << " departSpeed=\"" << num(t.departSpeed) << '"';
        }
        if (!t.route.empty()) {
            os << "    <vehicle" << attrs.str() << ">\n        <route edges=\"";
            for (std::size_t k = 0; k < t.route.size(); ++k) {
                os << (k > 0 ? " " : "") << sumoEdgeId(t.route[k]);
            }
            os << "\"/>\n    </vehicle>\n";
        } else {
            os << "    <trip" << attrs.str() << " from=\"" << sumoEdgeId(t.from) << "\" to=\""
               << sumoEdgeId(t.to) << "\"/>\n";
        }
    }
    os << "</routes>\n";
    return os.str();
}

}  // namespace ct::traffic
