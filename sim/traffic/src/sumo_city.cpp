// The city model of a SUMO network: its edges and junctions as a RoadNetwork (roads only).
#include "citytwin/traffic/sumo_city.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_map>

namespace ct::traffic {

namespace {

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

/// The polyline moved `offset` m to its left, mitred at the bends.
std::vector<Vec2> offsetLeft(std::span<const Vec2> pts, double offset) {
    const std::size_t n = pts.size();
    std::vector<Vec2> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 nIn = i > 0 ? leftNormal(pts[i - 1], pts[i]) : Vec2{};
        const Vec2 nOut = i + 1 < n ? leftNormal(pts[i], pts[i + 1]) : Vec2{};
        Vec2 m = i == 0 ? nOut : i + 1 == n ? nIn : nIn + nOut;
        double d = offset;
        if (i > 0 && i + 1 < n) {
            if (length(m) < 1e-6) {
                m = nIn;
            } else {
                m = m * (1.0 / length(m));
                d = offset / std::max(dot(m, nIn), 0.35);
            }
        }
        out[i] = pts[i] + m * d;
    }
    return out;
}

/// The OSM way id of an edge id netconvert made from OpenStreetMap ("-4711#2", "4711"); -1 else.
std::int64_t osmWay(std::string_view id) {
    if (!id.empty() && id.front() == '-') {
        id.remove_prefix(1);
    }
    const std::size_t hash = id.find('#');
    const std::string_view digits = id.substr(0, hash);
    std::int64_t way = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), way);
    return ec == std::errc{} && end == digits.data() + digits.size() && !digits.empty() ? way : -1;
}

RoadClass classFromSpeed(double speed, int lanes) {
    if (speed >= 27.0) {
        return RoadClass::Motorway;
    }
    if (speed >= 21.5) {
        return RoadClass::Trunk;
    }
    if (speed >= 16.0) {
        return RoadClass::Primary;
    }
    if (speed >= 13.0) {
        return lanes >= 2 ? RoadClass::Secondary : RoadClass::Tertiary;
    }
    return speed >= 6.0 ? RoadClass::Residential : RoadClass::LivingStreet;
}

}  // namespace

std::optional<RoadClass> roadClassFromSumoType(std::string_view type) {
    type = type.substr(0, type.find('|'));  // "highway.primary|railway.tram": the road part
    constexpr std::string_view kPrefix = "highway.";
    if (type.substr(0, kPrefix.size()) != kPrefix) {
        return std::nullopt;
    }
    return roadClassFromString(type.substr(kPrefix.size()));
}

std::vector<Vec2> sumoEdgeCentreLine(const SumoNetwork& sumo, LinkId link, double laneWidth) {
    const TrafficNetwork& net = sumo.net;
    if (!link.valid() || link.index() >= net.linkCount()) {
        return {};
    }
    const std::uint32_t first = net.linkLaneOffset[link.index()];
    const std::uint32_t last = net.linkLaneOffset[link.index() + 1];
    std::vector<std::span<const Vec2>> shapes;
    for (std::uint32_t l = first; l < last; ++l) {
        const std::span<const Vec2> s = sumo.laneShape(LaneId{l});
        if (s.size() >= 2) {
            shapes.push_back(s);
        }
    }
    if (shapes.empty()) {
        return {net.nodePos[net.linkFrom[link.index()].index()],
                net.nodePos[net.linkTo[link.index()].index()]};
    }
    const bool same = std::all_of(shapes.begin(), shapes.end(),
                                  [&](std::span<const Vec2> s) { return s.size() == shapes.front().size(); });
    if (same) {
        std::vector<Vec2> out(shapes.front().size(), Vec2{});
        for (std::span<const Vec2> s : shapes) {
            for (std::size_t i = 0; i < s.size(); ++i) {
                out[i] = out[i] + s[i] * (1.0 / static_cast<double>(shapes.size()));
            }
        }
        return out;
    }
    return offsetLeft(shapes.front(), 0.5 * static_cast<double>(last - first - 1) * laneWidth);
}

CityModel sumoCityModel(const SumoNetwork& sumo, const std::string& file, DiagnosticReport& report) {
    const TrafficNetwork& net = sumo.net;
    CityModel city;
    city.meta.name = std::filesystem::path(file).filename().string();
    for (const std::string_view suffix : {".xml", ".net"}) {  // "x.net.xml" -> "x"
        if (city.meta.name.size() > suffix.size() &&
            city.meta.name.compare(city.meta.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            city.meta.name.resize(city.meta.name.size() - suffix.size());
        }
    }
    city.meta.sources = {file};
    const SumoLocation& loc = sumo.location;
    city.meta.crsName = loc.projParameter.empty() || loc.projParameter == "!"
                            ? "SUMO network frame (not projected)"
                            : "SUMO network frame: " + loc.projParameter;
    // netconvert adds netOffset to the projected coordinates: local (0,0) is -netOffset.
    city.meta.originEasting = -loc.netOffset.x;
    city.meta.originNorthing = -loc.netOffset.y;
    const auto& cb = loc.convBoundary;
    const auto& ob = loc.origBoundary;
    if (loc.projParameter != "!" && cb[2] > cb[0] && cb[3] > cb[1] && std::abs(ob[0]) <= 180.0 &&
        std::abs(ob[1]) <= 90.0) {
        // Approximate geographic origin: the boundaries mapped onto each other linearly.
        city.meta.originLonDeg = ob[0] + (0.0 - cb[0]) / (cb[2] - cb[0]) * (ob[2] - ob[0]);
        city.meta.originLatDeg = ob[1] + (0.0 - cb[1]) / (cb[3] - cb[1]) * (ob[3] - ob[1]);
    }

    RoadNetwork& r = city.roads;
    const std::size_t nn = net.nodePos.size();
    const std::size_t nl = net.linkCount();
    r.nodePos = net.nodePos;
    r.nodeFlags.assign(nn, 0);
    for (std::size_t n = 0; n < nn && n < sumo.junctionTypes.size(); ++n) {
        if (sumo.junctionTypes[n].rfind("traffic_light", 0) == 0) {
            r.nodeFlags[n] |= node_flags::kSignalised;
        }
    }
    r.linkFrom = net.linkFrom;
    r.linkTo = net.linkTo;
    r.linkLength = net.linkLength;
    r.linkSpeed = net.linkSpeed;
    r.linkLanes.resize(nl);
    r.linkClass.resize(nl);
    r.linkFlags.assign(nl, link_flags::kOneway);
    r.linkReverse.assign(nl, LinkId{});
    r.linkName.resize(nl);
    r.linkSourceFeature.assign(nl, -1);
    const bool geographic = !loc.projParameter.empty() && loc.projParameter != "!";
    for (std::uint32_t l = 0; l < nl; ++l) {
        const std::uint32_t lanes = net.linkLaneOffset[l + 1] - net.linkLaneOffset[l];
        r.linkLanes[l] = static_cast<std::uint8_t>(std::clamp<std::uint32_t>(lanes, 1, 255));
        const std::string& type = l < sumo.edgeTypes.size() ? sumo.edgeTypes[l] : std::string{};
        r.linkClass[l] = roadClassFromSumoType(type).value_or(classFromSpeed(r.linkSpeed[l], r.linkLanes[l]));
        const std::string& id = sumo.edgeIdString(LinkId{l});
        r.linkName[l] = static_cast<std::uint32_t>(r.names.size());
        r.names.push_back(id);
        if (geographic) {
            r.linkSourceFeature[l] = osmWay(id);
        }
        const std::vector<Vec2> shape = sumoEdgeCentreLine(sumo, LinkId{l});
        r.shapePoints.insert(r.shapePoints.end(), shape.begin(), shape.end());
        r.shapeOffset.push_back(static_cast<std::uint32_t>(r.shapePoints.size()));
    }

    // Adjacency by node.
    auto csr = [&](const std::vector<NodeId>& end, std::vector<std::uint32_t>& offset,
                   std::vector<LinkId>& out) {
        offset.assign(nn + 1, 0);
        for (const NodeId n : end) {
            ++offset[n.index() + 1];
        }
        for (std::size_t n = 0; n < nn; ++n) {
            offset[n + 1] += offset[n];
        }
        out.assign(nl, LinkId{});
        std::vector<std::uint32_t> fill(offset.begin(), offset.end() - 1);
        for (std::uint32_t l = 0; l < nl; ++l) {
            out[fill[end[l].index()]++] = LinkId{l};
        }
    };
    csr(r.linkFrom, r.outOffset, r.outLinks);
    csr(r.linkTo, r.inOffset, r.inLinks);

    // Link-level turns: the network's, with the direction of a connection between the links.
    std::unordered_map<std::uint64_t, TurnDirection> dir;
    for (std::size_t c = 0; c < net.connectionCount(); ++c) {
        const LinkId from = net.laneLink[net.connFrom[c].index()];
        const LinkId to = net.laneLink[net.connTo[c].index()];
        dir.emplace(static_cast<std::uint64_t>(from.index()) << 32 | to.index(), net.connDir[c]);
    }
    r.turnOffset.assign(1, 0);
    for (std::uint32_t l = 0; l < nl; ++l) {
        if (l + 1 < net.turnOffset.size()) {
            for (std::uint32_t k = net.turnOffset[l]; k < net.turnOffset[l + 1]; ++k) {
                const LinkId to = net.turnTo[k];
                const auto it = dir.find(static_cast<std::uint64_t>(l) << 32 | to.index());
                r.turnTo.push_back(to);
                r.turnDir.push_back(it != dir.end() ? it->second : TurnDirection::Straight);
            }
        }
        r.turnOffset.push_back(static_cast<std::uint32_t>(r.turnTo.size()));
    }

    // The largest strongly connected component, as RoadNetworkBuilder marks it.
    std::uint32_t ncomp = 0;
    const std::vector<std::uint32_t> comp = linkComponents(r, &ncomp);
    if (ncomp > 0) {
        std::vector<std::uint32_t> size(ncomp, 0);
        for (const std::uint32_t c : comp) {
            ++size[c];
        }
        const auto main =
            static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
        r.mainComponentLinks = size[main];
        for (std::uint32_t l = 0; l < nl; ++l) {
            if (comp[l] == main) {
                r.linkFlags[l] |= link_flags::kMainComponent;
            }
        }
    }
    city.finish(report);
    // The extent of the roads: junctions that only footways or rails reach (left out) lie
    // outside what is drawn and driven.
    if (!r.shapePoints.empty()) {
        city.extent = Box2{};
        for (const Vec2& p : r.shapePoints) {
            city.extent.add(p);
        }
    }
    return city;
}

}  // namespace ct::traffic
