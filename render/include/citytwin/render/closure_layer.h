#pragma once
/// Closed road links: a red-and-white striped strip over the closed direction's lanes and a
/// red-and-white barrier standing across its entry, so a closure (a scenario event or an edit in
/// the app) reads at a glance over any road colouring. Rebuilt only when the set changes.
///
/// Threading: setClosed() changes OSG geometry; call it on the rendering thread between frames.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <osg/Node>

#include "citytwin/render/scene_builder.h"

namespace ct {
struct CityModel;
}

namespace ct::render {

class ClosureLayer {
public:
    /// Keeps a pointer to `city`, which must outlive the layer.
    explicit ClosureLayer(const CityModel& city, const SceneOptions& options = {});
    ~ClosureLayer();
    ClosureLayer(const ClosureLayer&) = delete;
    ClosureLayer& operator=(const ClosureLayer&) = delete;

    /// The node to add to the scene (left out of picking).
    [[nodiscard]] osg::Node* node() const;
    /// Draws as closed the links whose entry is non-zero (indexed by LinkId); links beyond the
    /// span are open. Cheap when nothing changed.
    void setClosed(std::span<const std::uint8_t> closed);
    /// Links drawn as closed now.
    [[nodiscard]] std::size_t closedCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::render
