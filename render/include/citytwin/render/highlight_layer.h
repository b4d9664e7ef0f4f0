#pragma once
/// The highlight of the selected object: bright outlines drawn over everything (no depth test),
/// so a selected building, link, vehicle or facility stays visible behind others; and a selected
/// vehicle's route.
///
/// Threading: the show and clear calls change OSG geometry; call them on the rendering thread
/// between frames.

#include <cstddef>
#include <memory>
#include <span>

#include <osg/Node>

#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/ids.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

class HighlightLayer {
public:
    /// Keeps a pointer to `city`, which must outlive the layer.
    explicit HighlightLayer(const CityModel& city, const SceneOptions& options = {});
    ~HighlightLayer();
    HighlightLayer(const HighlightLayer&) = delete;
    HighlightLayer& operator=(const HighlightLayer&) = delete;

    /// The node to add to the scene (left out of picking).
    [[nodiscard]] osg::Node* node() const;

    void clear();
    /// Outlines a building: footprint, roof and corners.
    void showBuilding(BuildingId b);
    /// Outlines the strip of a directed link's lanes, with an arrow-like tip at its end.
    void showLink(LinkId l);
    /// A ring of `radius` m and a short pole around a point (a vehicle, a facility); call again
    /// to move it.
    void showMarker(double x, double y, double z, double radius);
    /// Outlines a junction: a ring around the node.
    void showJunction(NodeId n);

    /// Draws a route along the middle of its links' lanes, apart from the outline above (a
    /// selected vehicle keeps both): the links from index `current` on in routeColor(), those
    /// before it in routeDrivenColor(). An empty route hides it.
    void showRoute(std::span<const LinkId> links, std::size_t current);
    void clearRoute();
    /// Line segments of the route drawn now (0 when hidden).
    [[nodiscard]] std::size_t routeSegments() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::render
