// A strip over a link's own lanes, following the ground.

#include "link_strip.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ct::render::detail {

namespace {

Vec2 leftNormal(Vec2 a, Vec2 b) {
    const Vec2 d = b - a;
    const double len = length(d);
    return len > 0.0 ? Vec2{-d.y / len, d.x / len} : Vec2{0.0, 0.0};
}

}  // namespace

bool appendLinkStrip(MeshBuffer& mesh, const RoadNetwork& net, LinkId link, const Ground& ground,
                     const SceneOptions& options, double lift, double inset, const osg::Vec4& color,
                     double stripe, const osg::Vec4& stripeColor) {
    const std::uint32_t li = link.index();
    // The strip covers the link's own lanes: right of the centre line of a two-way road (less a
    // small gap, so the two directions read apart), the whole ribbon of a one-way one.
    const double lanes = std::max<int>(net.linkLanes[li], 1) * options.laneWidth;
    const bool twoWay = net.linkReverse[li].valid();
    const double inner = twoWay ? inset : -0.5 * lanes + inset;
    const double outer = twoWay ? lanes - inset : 0.5 * lanes - inset;
    const bool bridge = net.hasFlag(link, link_flags::kBridge);
    const double step = ground.spacing();

    // The shape, resampled to follow the ground (and to end each stripe).
    std::vector<Vec2> pts;
    std::vector<double> at;  // m along the shape of each point
    for (const Vec2 p : net.shape(link)) {
        if (!pts.empty()) {
            const double len = distance(pts.back(), p);
            if (len <= 1e-6) {
                continue;
            }
            const Vec2 a = pts.back();
            const double a0 = at.back();
            std::vector<double> cuts;  // fractions of this segment
            const int pieces = step > 0.0 ? static_cast<int>(std::ceil(len / step)) : 1;
            for (int k = 1; k < pieces; ++k) {
                cuts.push_back(static_cast<double>(k) / pieces);
            }
            if (stripe > 0.0) {
                for (double s = (std::floor(a0 / stripe) + 1.0) * stripe; s < a0 + len - 1e-6; s += stripe) {
                    cuts.push_back((s - a0) / len);
                }
                std::sort(cuts.begin(), cuts.end());
            }
            for (const double c : cuts) {
                pts.push_back(a + (p - a) * c);
                at.push_back(a0 + len * c);
            }
            pts.push_back(p);
            at.push_back(a0 + len);
            continue;
        }
        pts.push_back(p);
        at.push_back(0.0);
    }
    if (pts.size() < 2) {
        return false;
    }
    const double z0 = ground.z(pts.front());
    const double z1 = ground.z(pts.back());
    const double total = at.back();
    std::uint32_t prevIn = 0;
    std::uint32_t prevOut = 0;
    osg::Vec3 prevA;
    osg::Vec3 prevB;
    const osg::Vec3 up(0.0f, 0.0f, 1.0f);
    // The band a piece from point i-1 to i lies in: its middle decides.
    auto colorOf = [&](std::size_t i) {
        if (stripe <= 0.0 || i == 0) {
            return color;
        }
        const auto band = static_cast<long>(std::floor(0.5 * (at[i - 1] + at[i]) / stripe));
        return band % 2 == 0 ? color : stripeColor;
    };
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const double along = at[i];
        const Vec2 nIn = i > 0 ? leftNormal(pts[i - 1], pts[i]) : Vec2{};
        const Vec2 nOut = i + 1 < pts.size() ? leftNormal(pts[i], pts[i + 1]) : Vec2{};
        Vec2 mitre = nIn + nOut;
        double f = 1.0;
        if (i == 0) {
            mitre = nOut;
        } else if (i + 1 == pts.size() || length(mitre) < 1e-6) {
            mitre = nIn;
        } else {
            mitre = mitre * (1.0 / length(mitre));
            f = 1.0 / std::max(dot(mitre, nIn), 0.35);
        }
        // Right of travel = minus the left normal.
        const Vec2 a = pts[i] - mitre * (inner * f);
        const Vec2 b = pts[i] - mitre * (outer * f);
        const double t = total > 0.0 ? along / total : 0.0;
        auto z = [&](Vec2 p) {
            return static_cast<float>((bridge ? z0 + (z1 - z0) * t : ground.z(p)) + options.roadLift + lift);
        };
        const osg::Vec3 pa(static_cast<float>(a.x), static_cast<float>(a.y), z(a));
        const osg::Vec3 pb(static_cast<float>(b.x), static_cast<float>(b.y), z(b));
        if (i > 0) {
            // Each piece has its own vertices at a band boundary, so the bands stay crisp.
            const osg::Vec4 c = colorOf(i);
            if (stripe > 0.0) {
                prevIn = mesh.addVertex(prevA, up, c);
                prevOut = mesh.addVertex(prevB, up, c);
            }
            const std::uint32_t vin = mesh.addVertex(pa, up, c);
            const std::uint32_t vout = mesh.addVertex(pb, up, c);
            mesh.addQuad(prevIn, vin, vout, prevOut);
            prevIn = vin;
            prevOut = vout;
        } else {
            prevIn = mesh.addVertex(pa, up, colorOf(1));
            prevOut = mesh.addVertex(pb, up, colorOf(1));
        }
        prevA = pa;
        prevB = pb;
    }
    return true;
}

}  // namespace ct::render::detail
