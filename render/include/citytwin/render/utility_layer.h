#pragma once
/// The utility networks and the service of the buildings on the map:
/// - water links as lines on the ground: blue in service, grey closed, red at a burst;
/// - power lines, cables and transformers: amber live, dark grey dead;
/// - a coloured cap on the roof of every building without service: black without power, cyan
///   without water, magenta without both.
/// One geometry each, so three draw calls however large the city. Colours change in place; the
/// caps are rebuilt only when the set of buildings without service changes.
///
/// Threading: setState() changes OSG data; call it on the rendering thread between frames.

#include <cstdint>
#include <memory>
#include <vector>

#include <osg/Node>

#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"

namespace ct {
struct CityModel;
}
namespace ct::utility {
struct UtilityModel;
}

namespace ct::render {

/// What the map shows, from a UtilitySimulation (empty vectors keep the current look).
struct UtilityViewState {
    std::vector<std::uint8_t> waterLinkState;  ///< by water link: 0 open, 1 closed, 2 burst
    std::vector<std::uint8_t> branchLive;      ///< by power branch: 1 live
    std::vector<std::uint8_t> buildingHasWater;
    std::vector<std::uint8_t> buildingHasPower;
};

class UtilityLayer {
public:
    /// `city` and `model` are read during construction only.
    UtilityLayer(const CityModel& city, const utility::UtilityModel& model, const SceneOptions& options = {});
    ~UtilityLayer();
    UtilityLayer(const UtilityLayer&) = delete;
    UtilityLayer& operator=(const UtilityLayer&) = delete;

    /// The three layers (left out of picking); add them to the scene and toggle them separately.
    [[nodiscard]] osg::Node* waterNode() const;
    [[nodiscard]] osg::Node* powerNode() const;
    [[nodiscard]] osg::Node* serviceNode() const;

    void setState(const UtilityViewState& state);

    /// Buildings capped now (without water or power).
    [[nodiscard]] std::size_t cappedBuildings() const;
    /// Segments drawn per network.
    [[nodiscard]] std::size_t waterSegments() const;
    [[nodiscard]] std::size_t powerSegments() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

/// Colours of the utility layer (linear RGB), for legends.
Rgb waterInServiceColor();
Rgb waterClosedColor();
Rgb waterBurstColor();
Rgb powerLiveColor();
Rgb powerDeadColor();
Rgb noPowerCapColor();
Rgb noWaterCapColor();
Rgb noServiceCapColor();

}  // namespace ct::render
