#pragma once
/// Vehicles as instanced boxes: one draw call for any number of vehicles.
///
/// A unit box is drawn once per vehicle with per-instance vertex attributes (position, heading,
/// size, colour; osg::VertexAttribDivisor 1) and a GLSL 1.20 shader that places, turns and
/// lights each instance with the scene's sun (GL light 0). The layer keeps the bound of all
/// instances current, so OSG neither culls them wrongly nor clips them at the near/far planes.
///
/// Threading: update() changes OSG arrays; call it on the rendering thread between frames (the
/// GUI thread in citytwin-gui), never while a frame is being drawn.

#include <cstddef>
#include <memory>
#include <span>

#include <osg/Node>
#include <osg/ref_ptr>

#include "citytwin/traffic/vehicle_type.h"

namespace ct::render {

/// One vehicle to draw. The position is the middle of its front bumper on the road surface.
struct VehicleInstance {
    float x = 0.0f;        ///< m, local frame
    float y = 0.0f;        ///< m
    float z = 0.0f;        ///< m
    float heading = 0.0f;  ///< rad, counter-clockwise from +x (east)
    traffic::VehicleClass vclass = traffic::VehicleClass::Car;
};

/// Body size of a class: length (m, the simulation's default length of the class), width and
/// height (m).
struct VehicleSize {
    float length = 4.5f;
    float width = 1.9f;
    float height = 1.5f;
};
VehicleSize vehicleSize(traffic::VehicleClass vclass);

class VehicleLayer {
public:
    VehicleLayer();
    ~VehicleLayer();
    VehicleLayer(const VehicleLayer&) = delete;
    VehicleLayer& operator=(const VehicleLayer&) = delete;

    /// The node to add to the scene (its node mask leaves it out of picking).
    [[nodiscard]] osg::Node* node() const;

    /// Replaces the vehicles drawn.
    void update(std::span<const VehicleInstance> vehicles);
    [[nodiscard]] std::size_t count() const;

    /// Draws every vehicle `factor` times its size (>= 1; lengths grow at most 1.5 times so
    /// queues do not overlap much), to keep them visible in a view of the whole town.
    void setExaggeration(float factor);
    /// s, drives the emergency vehicles' flashing.
    void setTime(double seconds);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ct::render
