// Roads as flat ribbons of their lane width, following the terrain, with round junctions;
// one merged mesh per tile of the city's grid (a ribbon in the tile of its midpoint, a
// junction in the tile of its node), so that close views draw only the tiles they see.

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <osg/Geode>
#include <osg/Group>

#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

/// Extra lift per class rank, m: where ribbons overlap at junctions the bigger road wins.
double classLift(RoadClass c) {
    return 0.02 * (kRoadClassCount - static_cast<int>(c));
}

/// The shape of one road resampled so that no segment is longer than `maxStep` (0 = as is),
/// with the height of each point.
struct Polyline3 {
    std::vector<Vec2> points;
    std::vector<double> z;
    std::vector<osg::Vec3> normal;  ///< the ground's, so roads shade like the slope they lie on
};

Polyline3 resample(std::span<const Vec2> shape, const Ground& ground, double maxStep, bool bridge,
                   double lift) {
    Polyline3 out;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) {
            const double len = distance(shape[i - 1], shape[i]);
            if (len <= 0.0) {
                continue;  // repeated vertex
            }
            const int pieces = maxStep > 0.0 ? static_cast<int>(std::ceil(len / maxStep)) : 1;
            for (int k = 1; k < pieces; ++k) {
                out.points.push_back(shape[i - 1] +
                                     (shape[i] - shape[i - 1]) * (static_cast<double>(k) / pieces));
            }
        }
        out.points.push_back(shape[i]);
    }
    out.z.resize(out.points.size());
    out.normal.assign(out.points.size(), osg::Vec3(0.0f, 0.0f, 1.0f));
    if (bridge && out.points.size() >= 2) {
        // A bridge spans the valley in a straight line between the ground at its ends.
        const double z0 = ground.z(out.points.front());
        const double z1 = ground.z(out.points.back());
        const double total = polylineLength(out.points);
        double along = 0.0;
        for (std::size_t i = 0; i < out.points.size(); ++i) {
            if (i > 0) {
                along += distance(out.points[i - 1], out.points[i]);
            }
            const double t = total > 0.0 ? along / total : 0.0;
            out.z[i] = z0 + (z1 - z0) * t + lift;
        }
    } else {
        for (std::size_t i = 0; i < out.points.size(); ++i) {
            out.z[i] = ground.z(out.points[i]) + lift;
            out.normal[i] = ground.normal(out.points[i]);
        }
    }
    return out;
}

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

/// One ribbon of half width `hw` along the polyline, mitred at the bends. With `ground`, each
/// edge of the ribbon sits `lift` above the ground under it (roads across a slope); without,
/// at the height of the centre line (bridges).
void addRibbon(MeshBuffer& mesh, const Polyline3& line, double hw, const Ground* ground, double lift,
               const osg::Vec4& color) {
    const std::size_t n = line.points.size();
    if (n < 2) {
        return;
    }
    std::uint32_t prevLeft = 0;
    std::uint32_t prevRight = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Vec2 nIn = i > 0 ? leftNormal(line.points[i - 1], line.points[i]) : Vec2{};
        const Vec2 nOut = i + 1 < n ? leftNormal(line.points[i], line.points[i + 1]) : Vec2{};
        Vec2 m = nIn + nOut;
        double offset = hw;
        if (i == 0) {
            m = nOut;
        } else if (i + 1 == n) {
            m = nIn;
        } else if (length(m) < 1e-6) {
            m = nIn;  // a hairpin: no sensible mitre
        } else {
            m = m * (1.0 / length(m));
            // Mitre length, limited so sharp bends do not spike.
            offset = hw / std::max(dot(m, nIn), 0.35);
        }
        const Vec2 p = line.points[i];
        const auto z = static_cast<float>(line.z[i]);
        const Vec2 l = p + m * offset;
        const Vec2 r = p - m * offset;
        const osg::Vec3& up = line.normal[i];
        const auto zl = ground != nullptr ? static_cast<float>(ground->z(l) + lift) : z;
        const auto zr = ground != nullptr ? static_cast<float>(ground->z(r) + lift) : z;
        const std::uint32_t left =
            mesh.addVertex(osg::Vec3(static_cast<float>(l.x), static_cast<float>(l.y), zl), up, color);
        const std::uint32_t right =
            mesh.addVertex(osg::Vec3(static_cast<float>(r.x), static_cast<float>(r.y), zr), up, color);
        if (i > 0) {
            mesh.addQuad(prevRight, right, left, prevLeft);
        }
        prevLeft = left;
        prevRight = right;
    }
}

/// A disc lying on the ground, to round off road ends and fill the gaps between ribbons at
/// junctions.
void addDisc(MeshBuffer& mesh, const Ground& ground, Vec2 c, double lift, double radius,
             const osg::Vec4& color) {
    constexpr int kSegments = 16;
    auto at = [&](Vec2 p) {
        return osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y),
                         static_cast<float>(ground.z(p) + lift));
    };
    const osg::Vec3 up = ground.normal(c);
    const std::uint32_t centre = mesh.addVertex(at(c), up, color);
    const auto first = static_cast<std::uint32_t>(mesh.vertexCount());
    for (int k = 0; k < kSegments; ++k) {
        const double a = 2.0 * std::numbers::pi * k / kSegments;
        mesh.addVertex(at(c + Vec2{radius * std::cos(a), radius * std::sin(a)}), up, color);
    }
    for (std::uint32_t k = 0; k < kSegments; ++k) {
        mesh.addTriangle(centre, first + k, first + (k + 1) % kSegments);
    }
}

/// The point halfway along a polyline (its first point when it has no length).
Vec2 halfway(std::span<const Vec2> shape) {
    if (shape.empty()) {
        return {};
    }
    double left = 0.5 * polylineLength(shape);
    for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
        const double len = distance(shape[i], shape[i + 1]);
        if (len > 0.0 && left <= len) {
            return shape[i] + (shape[i + 1] - shape[i]) * (left / len);
        }
        left -= len;
    }
    return shape.back();
}

}  // namespace

osg::ref_ptr<osg::Node> buildRoadLayer(const CityModel& city, const Ground& ground,
                                       const SceneOptions& options, const TileGrid& grid, PickTables* pick) {
    const RoadNetwork& net = city.roads;
    std::vector<MeshBuffer> meshes(static_cast<std::size_t>(grid.count()));
    std::vector<PickTables::Table> tables(meshes.size());
    const double step = ground.spacing();  // follow the terrain mesh; 0 = no resampling

    // Per node: the widest road touching it and its class, for the junction discs.
    std::vector<double> nodeRadius(net.nodeCount(), 0.0);
    std::vector<RoadClass> nodeClass(net.nodeCount(), RoadClass::Service);
    std::vector<bool> nodeOnGround(net.nodeCount(), false);  // touched by a road that is no bridge

    for (std::uint32_t li = 0; li < net.linkCount(); ++li) {
        const LinkId link(li);
        const LinkId rev = net.linkReverse[li];
        if (rev.valid() && rev.index() < li) {
            continue;  // a two-way road is drawn once, with the lanes of both directions
        }
        const int lanes = net.linkLanes[li] + (rev.valid() ? net.linkLanes[rev.index()] : 0);
        const double hw = 0.5 * options.laneWidth * std::max(lanes, 1);
        const RoadClass cls = net.linkClass[li];
        const bool bridge = net.hasFlag(link, link_flags::kBridge);
        const Polyline3 line =
            resample(net.shape(link), ground, step, bridge, options.roadLift + classLift(cls));
        const auto tile = static_cast<std::size_t>(grid.index(halfway(net.shape(link))));
        MeshBuffer& mesh = meshes[tile];
        tables[tile].first.push_back(mesh.triangleCount());
        tables[tile].item.push_back(li);
        addRibbon(mesh, line, hw, bridge ? nullptr : &ground, options.roadLift + classLift(cls),
                  toVec4(roadColor(cls)));

        for (NodeId n : {net.linkFrom[li], net.linkTo[li]}) {
            if (!n.valid() || n.index() >= net.nodeCount()) {
                continue;
            }
            nodeOnGround[n.index()] = nodeOnGround[n.index()] || !bridge;
            if (hw > nodeRadius[n.index()] ||
                (hw == nodeRadius[n.index()] &&
                 static_cast<int>(cls) < static_cast<int>(nodeClass[n.index()]))) {
                nodeRadius[n.index()] = hw;
                nodeClass[n.index()] = cls;
            }
        }
    }

    // Junction discs sit just below the ribbons, so they only show in the gaps.
    for (std::size_t n = 0; n < net.nodeCount(); ++n) {
        if (nodeRadius[n] <= 0.0 || !nodeOnGround[n]) {
            continue;
        }
        const Vec2 p = net.nodePos[n];
        const auto tile = static_cast<std::size_t>(grid.index(p));
        MeshBuffer& mesh = meshes[tile];
        tables[tile].first.push_back(mesh.triangleCount());
        tables[tile].item.push_back(PickTables::kJunctionBit | static_cast<std::uint32_t>(n));
        addDisc(mesh, ground, p, options.roadLift - 0.05, nodeRadius[n], toVec4(roadColor(nodeClass[n])));
    }

    osg::ref_ptr<osg::Group> group = new osg::Group;
    group->setName("roads");
    for (std::size_t t = 0; t < meshes.size(); ++t) {
        if (meshes[t].empty()) {
            continue;
        }
        osg::ref_ptr<osg::Geode> geode = new osg::Geode;
        geode->setName("roads tile " + std::to_string(t % static_cast<std::size_t>(grid.nx)) + "," +
                       std::to_string(t / static_cast<std::size_t>(grid.nx)));
        osg::ref_ptr<osg::Geometry> geom = meshes[t].finish("roads");
        geode->addDrawable(geom.get());
        group->addChild(geode.get());
        if (pick != nullptr) {
            tables[t].drawable = geom.get();
            pick->roads.push_back(std::move(tables[t]));
        }
    }
    return group;
}

}  // namespace ct::render::detail
