// Picking: a ray through the static scene, and nearest projected points for moving objects.

#include "citytwin/render/picking.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <osgUtil/IntersectionVisitor>
#include <osgUtil/LineSegmentIntersector>

#include "citytwin/sim/city_model.h"

namespace ct::render {

namespace {

/// The object owning triangle `t` in a table of first triangles (sorted).
std::optional<std::size_t> owner(const std::vector<std::uint32_t>& first, unsigned t) {
    if (first.empty() || t < first.front()) {
        return std::nullopt;
    }
    const auto it = std::upper_bound(first.begin(), first.end(), t);
    return static_cast<std::size_t>(it - first.begin()) - 1;
}

/// Which side of a link's shape a point lies on: true when left of the direction of travel.
bool leftOf(std::span<const Vec2> shape, Vec2 p) {
    double best = std::numeric_limits<double>::max();
    bool left = false;
    for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
        const Vec2 a = shape[i];
        const Vec2 d = shape[i + 1] - a;
        const double len2 = dot(d, d);
        const double t = len2 > 0.0 ? std::clamp(dot(p - a, d) / len2, 0.0, 1.0) : 0.0;
        const double dist = distance(a + d * t, p);
        if (dist < best) {
            best = dist;
            left = cross(d, p - a) > 0.0;
        }
    }
    return left;
}

}  // namespace

ScenePick pickScene(const SceneBuild& scene, const CityModel& city, osg::Camera& camera, double x, double y) {
    ScenePick out;
    const osg::Viewport* vp = camera.getViewport();
    if (vp == nullptr || !scene.root) {
        return out;
    }
    // Window coordinates run up from the bottom in OSG.
    const double wx = vp->x() + x;
    const double wy = vp->y() + vp->height() - y;
    osg::ref_ptr<osgUtil::LineSegmentIntersector> ray =
        new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, wx, wy);
    osgUtil::IntersectionVisitor visitor(ray.get());
    visitor.setTraversalMask(kPickableMask);
    camera.accept(visitor);
    if (!ray->containsIntersections()) {
        return out;
    }
    const PickTables& t = scene.pick;

    const osg::Vec3d eye = osg::Vec3d(0, 0, 0) * osg::Matrixd::inverse(camera.getViewMatrix());
    // The nearest hit on something pickable; terrain, water and pins are looked through.
    for (const osgUtil::LineSegmentIntersector::Intersection& hit : ray->getIntersections()) {
        const osg::Drawable* d = hit.drawable.get();
        const osg::Vec3d point = hit.getWorldIntersectPoint();
        if (const PickTables::Table* b = PickTables::find(t.buildings, d)) {
            if (auto k = owner(b->first, hit.primitiveIndex)) {
                out.kind = PickKind::Building;
                out.id = b->item[*k];
            }
        } else if (const PickTables::Table* r = PickTables::find(t.roads, d)) {
            if (auto k = owner(r->first, hit.primitiveIndex)) {
                const std::uint32_t item = r->item[*k];
                if ((item & PickTables::kJunctionBit) != 0) {
                    out.kind = PickKind::Junction;
                    out.id = item & ~PickTables::kJunctionBit;
                } else {
                    out.kind = PickKind::Link;
                    out.id = item;
                    // A two-way road is one ribbon: the side of the centre line picks the direction.
                    const LinkId rev =
                        item < city.roads.linkCount() ? city.roads.linkReverse[item] : LinkId{};
                    if (rev.valid() && leftOf(city.roads.shape(LinkId(item)), Vec2{point.x(), point.y()})) {
                        out.id = rev.index();
                    }
                }
            }
        } else {
            // The ground or anything else opaque hides what lies behind it.
            const std::string& name = d != nullptr ? d->getName() : std::string();
            if (name == "terrain" || name == "ground") {
                break;
            }
            continue;
        }
        if (out.kind != PickKind::None) {
            out.point = point;
            out.distance = (point - eye).length();
            break;
        }
    }
    return out;
}

std::optional<osg::Vec2d> projectToWindow(const osg::Camera& camera, const osg::Vec3d& world) {
    const osg::Viewport* vp = camera.getViewport();
    if (vp == nullptr) {
        return std::nullopt;
    }
    const osg::Vec3d eyePoint = world * camera.getViewMatrix();
    if (eyePoint.z() >= 0.0) {
        return std::nullopt;  // behind the camera (it looks down -z)
    }
    const osg::Vec3d w =
        world * camera.getViewMatrix() * camera.getProjectionMatrix() * vp->computeWindowMatrix();
    return osg::Vec2d(w.x() - vp->x(), vp->height() - (w.y() - vp->y()));
}

std::optional<PointPick> pickNearestPoint(const osg::Camera& camera, std::span<const osg::Vec3d> points,
                                          double x, double y, double maxPixels) {
    std::optional<PointPick> best;
    const osg::Matrixd view = camera.getViewMatrix();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::optional<osg::Vec2d> w = projectToWindow(camera, points[i]);
        if (!w) {
            continue;
        }
        const double px = std::hypot(w->x() - x, w->y() - y);
        if (px <= maxPixels && (!best || px < best->pixels)) {
            best = PointPick{i, px, (points[i] * view).length()};
        }
    }
    return best;
}

}  // namespace ct::render
