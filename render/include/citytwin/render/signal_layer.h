#pragma once
/// Traffic signals: at every signalised junction, a short bar at the stop line of each
/// connection, coloured by the connection's state at the simulated time (green, yellow, red).
/// Connections that leave the same lane share its width, right turns on the right. One merged
/// geometry: one draw call for all signals; colours change in place.
///
/// The states come from the network's fixed-time programs (TrafficNetwork::stateAt), so the
/// layer needs only the simulated time, not the simulation.
///
/// Threading: setTime() changes OSG arrays; call it on the rendering thread between frames.

#include <cstddef>
#include <memory>

#include <osg/Node>

#include "citytwin/render/lane_geometry.h"
#include "citytwin/render/palette.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::render {

class SignalLayer {
public:
    /// Keeps a pointer to `net`, which must outlive the layer.
    SignalLayer(const traffic::TrafficNetwork& net, const LaneGeometry& lanes,
                const SceneOptions& options = {});
    ~SignalLayer();
    SignalLayer(const SignalLayer&) = delete;
    SignalLayer& operator=(const SignalLayer&) = delete;

    /// The node to add to the scene (left out of picking).
    [[nodiscard]] osg::Node* node() const;
    /// Signalised connections drawn.
    [[nodiscard]] std::size_t signalCount() const;
    /// Colours every signal for its state at simulation time `t` (s).
    void setTime(double t);
    /// The state shown for the k-th signal drawn, and its connection.
    [[nodiscard]] traffic::LinkState stateOf(std::size_t k) const;
    [[nodiscard]] std::uint32_t connectionOf(std::size_t k) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::render
