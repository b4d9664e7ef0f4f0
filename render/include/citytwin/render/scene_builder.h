#pragma once
/// Building the static 3D scene of a city: terrain, land use and water, roads, buildings and
/// facilities, in the model's local frame (x east, y north, z up, metres).
///
/// The scene is built once from a finished, read-only CityModel and does not keep a reference
/// to it. Building touches no OpenGL state, so it may run on any thread; the returned graph
/// belongs to the caller and must be used by one rendering thread at a time.
///
/// Draw calls do not grow with the size of the city. Land use is one merged geometry with
/// per-vertex colours; terrain, buildings and roads are one merged geometry per tile of a fixed
/// grid (at most SceneOptions::maxTilesPerSide squared tiles per layer, 64 by default), so that
/// OSG culls the tiles a view does not see, and terrain tiles far away draw a coarser grid;
/// facilities are at most maxLabelledFacilities pins and labels plus one mesh of markers.

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
    /// Buildings and roads are cut into a grid of tiles over the city, one geometry (draw call)
    /// each, so that views culled to a part of the city draw only that part. Tiles are at least
    /// this wide (m; a city smaller than that is one tile) ...
    double tileSize = 500.0;
    /// ... and at most this many a side: a layer is at most maxTilesPerSide^2 draw calls.
    int maxTilesPerSide = 8;
    /// The terrain is cut into tiles the same way (tileSize, maxTilesPerSide). With level of
    /// detail on, each tile draws every 2nd or 4th grid point when far enough away that the
    /// height error stays under about a pixel (and never within two tile sides of the eye);
    /// off, every tile is drawn at full resolution at any distance.
    bool terrainLod = true;
};

/// A camera placement: eye, the point looked at, and the up direction, in scene coordinates.
struct HomeView {
    osg::Vec3d eye;
    osg::Vec3d center;
    osg::Vec3d up{0.0, 0.0, 1.0};
};

/// Which object each triangle of the pickable meshes belongs to, so that a ray hit
/// (drawable + triangle index, as osgUtil::LineSegmentIntersector reports it) names a building,
/// a link or a junction. Buildings and roads are drawn in tiles, one drawable each, so there is
/// one table per tile.
struct PickTables {
    /// The triangle ranges of one drawable: object k owns the triangles from first[k] up to
    /// first[k+1] (or the end); first is sorted.
    struct Table {
        const osg::Drawable* drawable = nullptr;  ///< a tile's mesh, owned by the scene
        std::vector<std::uint32_t> first;         ///< first triangle of each drawn object
        /// buildings: its BuildingId index; roads: a link index, or kJunctionBit | node index
        std::vector<std::uint32_t> item;
        /// buildings only: the mesh (to recolour it, render::recolorBuildings), and each
        /// building's first wall vertex and first roof vertex (its roof runs to the next
        /// building's first vertex, or the end).
        osg::Geometry* geometry = nullptr;
        std::vector<std::uint32_t> firstVertex;
        std::vector<std::uint32_t> roofVertex;
    };
    std::vector<Table> buildings;  ///< one per non-empty tile of the buildings
    std::vector<Table> roads;      ///< one per non-empty tile of the roads (ribbons, junction discs)
    static constexpr std::uint32_t kJunctionBit = 0x80000000u;

    /// The table of `drawable` in `tables`, or null (a linear search: a layer has at most a few
    /// dozen tiles).
    [[nodiscard]] static const Table* find(const std::vector<Table>& tables, const osg::Drawable* drawable) {
        if (drawable == nullptr) {
            return nullptr;
        }
        for (const Table& t : tables) {
            if (t.drawable == drawable) {
                return &t;
            }
        }
        return nullptr;
    }
    /// How many objects the tables hold (e.g. the buildings drawn).
    [[nodiscard]] static std::size_t itemCount(const std::vector<Table>& tables) {
        std::size_t n = 0;
        for (const Table& t : tables) {
            n += t.item.size();
        }
        return n;
    }
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
