#pragma once
/// Colour-by-data for road links: each directed link as a strip over its own lanes (the right
/// half of a two-way road), coloured per link, drawn just above the road ribbons without lighting.
/// One merged geometry: one draw call for any number of links; colours change in place.
///
/// Threading: setColors() changes OSG arrays; call it on the rendering thread between frames.

#include <cstddef>
#include <memory>
#include <span>

#include <osg/Node>

#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

class LinkOverlay {
public:
    LinkOverlay(const CityModel& city, const SceneOptions& options = {});
    ~LinkOverlay();
    LinkOverlay(const LinkOverlay&) = delete;
    LinkOverlay& operator=(const LinkOverlay&) = delete;

    /// The node to add to the scene (left out of picking).
    [[nodiscard]] osg::Node* node() const;
    /// One colour per link (indexed by LinkId); missing entries keep their colour.
    void setColors(std::span<const Rgb> colors);
    /// Links drawn (drivable links with a shape).
    [[nodiscard]] std::size_t linkCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::render
