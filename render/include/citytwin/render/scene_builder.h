#pragma once
/// Building the static 3D scene of a city: terrain, land use and water, roads, buildings and
/// facilities, in the model's local frame (x east, y north, z up, metres).
///
/// The scene is built once from a finished, read-only CityModel and does not keep a reference
/// to it. Building touches no OpenGL state, so it may run on any thread; the returned graph
/// belongs to the caller and must be used by one rendering thread at a time.
///
/// Draw calls do not grow with the size of the city: each layer is one merged geometry with
/// per-vertex colours (only facility labels are one drawable each).

#include <cstdint>
#include <string>
#include <vector>

#include <osg/Drawable>
#include <osg/Node>
#include <osg/Vec3d>
#include <osg/ref_ptr>

#include "citytwin/render/scene_stats.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

struct SceneOptions {
    double verticalScale = 1.0;  ///< exaggeration of terrain elevations (buildings keep their height)
    int maxTerrainSize = 1024;   ///< the DEM is decimated so neither side exceeds this many vertices
    double laneWidth = 3.5;      ///< m, width of one lane of a road ribbon
    double roadLift = 0.4;       ///< m, roads float this far above the ground to avoid z-fighting
    bool drawLandUse = true;     ///< draw land-use zones, parks, farmland and forest (water always)
    bool drawLabels = true;      ///< draw facility names
    /// Facilities drawn with a screen-size pin and a label (a few draw calls each), by kind
    /// (hospitals, fire stations, police, shelters, schools) then in order; the rest share one
    /// mesh of map-size pins without labels, so draw calls stop growing with the city.
    std::size_t maxLabelledFacilities = 24;
    std::string fontPath;  ///< TrueType font for labels; empty = DejaVu Sans if installed
};

/// A camera placement: eye, the point looked at, and the up direction, in scene coordinates.
struct HomeView {
    osg::Vec3d eye;
    osg::Vec3d center;
    osg::Vec3d up{0.0, 0.0, 1.0};
};

/// Which object each triangle of the pickable merged meshes belongs to, so that a ray hit
/// (drawable + triangle index, as osgUtil::LineSegmentIntersector reports it) names a building,
/// a link or a junction. Ranges are sorted: object k owns the triangles from first[k] up to
/// first[k+1] (or the end).
struct PickTables {
    const osg::Drawable* buildings = nullptr;  ///< the buildings' mesh, owned by the scene
    std::vector<std::uint32_t> buildingFirst;  ///< first triangle of each drawn building
    std::vector<std::uint32_t> buildingId;     ///< its BuildingId index
    const osg::Drawable* roads = nullptr;      ///< the roads' mesh, owned by the scene
    std::vector<std::uint32_t> roadFirst;      ///< first triangle of each ribbon or junction disc
    std::vector<std::uint32_t> roadItem;       ///< a link index, or kJunctionBit | node index
    static constexpr std::uint32_t kJunctionBit = 0x80000000u;
};

/// Node masks: the static scene is pickable; dynamic layers (vehicles, overlays, highlights)
/// clear this bit so rays pass through them to the city.
inline constexpr unsigned kPickableMask = 0x1u;
inline constexpr unsigned kDynamicMask = 0xfffffffeu;

/// The result of building a scene.
struct SceneBuild {
    /// The scene root. It carries its own lights (GL lights 0 and 1) and material: render it
    /// with the view's lighting mode set to NO_LIGHT, or the view's headlight replaces the sun.
    osg::ref_ptr<osg::Node> root;
    HomeView home;     ///< oblique view of the whole city for a 30 degree, 16:10 camera
    SceneStats stats;  ///< what the scene holds
    PickTables pick;   ///< triangle ranges of the pickable meshes
};

/// Builds the scene of `city`. Never throws on odd data: degenerate footprints, rings and
/// roads are skipped, unknown terrain cells are left out of the mesh.
SceneBuild buildCityScene(const CityModel& city, const SceneOptions& options = {});

/// An oblique view of the city from the south-south-west, looking down 42 degrees, framing the
/// built-up area (nearly all buildings; the extent when there are few) for a perspective camera
/// with vertical field of view `fovYDeg` and width/height ratio `aspect`.
HomeView homeView(const CityModel& city, const SceneOptions& options, double fovYDeg, double aspect);

}  // namespace ct::render
