#pragma once
/// Picking: which object of the city lies under a pixel of the view.
///
/// Static objects (buildings, links, junctions) are found by a ray through the scene
/// (osgUtil::LineSegmentIntersector) and the scene's PickTables; moving or point-like objects
/// (vehicles, facilities) by projecting their positions to the screen and taking the nearest.
/// Window coordinates are pixels of the camera's viewport with y running down, as Qt gives them.

#include <cstdint>
#include <optional>
#include <span>

#include <osg/Camera>
#include <osg/Vec3d>

#include "citytwin/render/scene_builder.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

enum class PickKind : std::uint8_t { None, Building, Link, Junction };

struct ScenePick {
    PickKind kind = PickKind::None;
    std::uint32_t id = 0;   ///< BuildingId, LinkId or NodeId index
    osg::Vec3d point;       ///< m, where the ray hit
    double distance = 0.0;  ///< m from the eye
};

/// The building, link or junction under the pixel (x, y), or kind None. Only nodes with
/// kPickableMask take part. A hit on a two-way road's ribbon names the direction on whose side
/// of the centre line it lies.
ScenePick pickScene(const SceneBuild& scene, const CityModel& city, osg::Camera& camera, double x, double y);

/// Window position (y down) of a world point; nullopt behind the camera.
std::optional<osg::Vec2d> projectToWindow(const osg::Camera& camera, const osg::Vec3d& world);

/// Index of the point nearest to (x, y) on screen within `maxPixels`, and its distance from the
/// eye; nullopt when none is that close.
struct PointPick {
    std::size_t index = 0;
    double pixels = 0.0;    ///< distance on screen
    double distance = 0.0;  ///< m from the eye
};
std::optional<PointPick> pickNearestPoint(const osg::Camera& camera, std::span<const osg::Vec3d> points,
                                          double x, double y, double maxPixels);

}  // namespace ct::render
