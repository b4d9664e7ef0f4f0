// Vehicles: one unit box drawn once per vehicle (hardware instancing), placed by a shader.

#include "citytwin/render/vehicle_layer.h"

#include <algorithm>
#include <array>

#include <osg/BufferObject>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Program>
#include <osg/Shader>
#include <osg/Uniform>
#include <osg/VertexAttribDivisor>

#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"

namespace ct::render {

namespace {

// Vertex attribute slots of the per-instance data; 0, 2 and 3 are OSG's vertex, normal, colour.
constexpr unsigned kPoseSlot = 6;
constexpr unsigned kSizeSlot = 7;
constexpr unsigned kColorSlot = 5;

constexpr const char* kVertexShader = R"(#version 120
attribute vec4 instPose;   // x, y, z of the front bumper (m), heading (rad)
attribute vec3 instSize;   // length, width, height (m)
attribute vec4 instColor;  // rgb, a = 1 for an emergency vehicle
uniform float sizeScale;   // >= 1: vehicles drawn bigger in a view of the whole town
uniform float flashTime;   // s
varying vec4 color;
void main() {
    vec3 size = instSize * vec3(min(sizeScale, 1.5), sizeScale, sizeScale);
    vec3 p = gl_Vertex.xyz * size;
    float c = cos(instPose.w);
    float s = sin(instPose.w);
    vec3 world = vec3(c * p.x - s * p.y, s * p.x + c * p.y, p.z) + instPose.xyz;
    vec3 n = vec3(c * gl_Normal.x - s * gl_Normal.y, s * gl_Normal.x + c * gl_Normal.y, gl_Normal.z);
    gl_Position = gl_ModelViewProjectionMatrix * vec4(world, 1.0);
    vec3 eyeNormal = normalize(gl_NormalMatrix * n);
    vec3 sun = normalize(gl_LightSource[0].position.xyz);
    float light = 0.6 + 0.4 * max(dot(eyeNormal, sun), 0.0);
    vec3 body = instColor.rgb;
    if (instColor.a > 0.5 && gl_Normal.z > 0.5) {
        // The roof of an emergency vehicle flashes blue and white.
        body = fract(flashTime * 1.5) < 0.5 ? vec3(0.1, 0.3, 1.0) : vec3(1.0, 1.0, 1.0);
        light = 1.0;
    }
    color = vec4(body * light, 1.0);
}
)";

constexpr const char* kFragmentShader = R"(#version 120
varying vec4 color;
void main() {
    gl_FragColor = color;
}
)";

/// The bound of all instances, kept by update(): OSG would compute it from the unit box alone.
class InstanceBound : public osg::Drawable::ComputeBoundingBoxCallback {
public:
    osg::BoundingBox box;
    osg::BoundingBox computeBound(const osg::Drawable&) const override { return box; }
};

/// The unit box: x from -1 (rear) to 0 (front bumper), y from -0.5 to 0.5, z from 0 to 1;
/// five faces (no floor), four vertices each so every face has its own normal.
osg::ref_ptr<osg::Geometry> unitBox(osg::DrawElementsUShort** elements) {
    auto* vertices = new osg::Vec3Array;
    auto* normals = new osg::Vec3Array;
    auto* indices = new osg::DrawElementsUShort(GL_TRIANGLES);
    auto face = [&](const osg::Vec3& n, std::array<osg::Vec3, 4> corners) {
        const auto first = static_cast<unsigned short>(vertices->size());
        for (const osg::Vec3& c : corners) {
            vertices->push_back(c);
            normals->push_back(n);
        }
        for (const int k : {0, 1, 2, 0, 2, 3}) {
            indices->push_back(static_cast<unsigned short>(first + k));
        }
    };
    face({1, 0, 0}, {{{0, -0.5f, 0}, {0, 0.5f, 0}, {0, 0.5f, 1}, {0, -0.5f, 1}}});
    face({-1, 0, 0}, {{{-1, 0.5f, 0}, {-1, -0.5f, 0}, {-1, -0.5f, 1}, {-1, 0.5f, 1}}});
    face({0, 1, 0}, {{{0, 0.5f, 0}, {-1, 0.5f, 0}, {-1, 0.5f, 1}, {0, 0.5f, 1}}});
    face({0, -1, 0}, {{{-1, -0.5f, 0}, {0, -0.5f, 0}, {0, -0.5f, 1}, {-1, -0.5f, 1}}});
    face({0, 0, 1}, {{{-1, -0.5f, 1}, {0, -0.5f, 1}, {0, 0.5f, 1}, {-1, 0.5f, 1}}});
    osg::ref_ptr<osg::Geometry> geom = new osg::Geometry;
    geom->setVertexArray(vertices);
    geom->setNormalArray(normals, osg::Array::BIND_PER_VERTEX);
    geom->addPrimitiveSet(indices);
    *elements = indices;
    return geom;
}

/// A per-instance array in its own dynamic vertex buffer object.
template <class Array>
osg::ref_ptr<Array> instanceArray() {
    osg::ref_ptr<Array> array = new Array;
    osg::ref_ptr<osg::VertexBufferObject> vbo = new osg::VertexBufferObject;
    vbo->setUsage(GL_DYNAMIC_DRAW_ARB);
    array->setVertexBufferObject(vbo.get());
    array->setBinding(osg::Array::BIND_PER_VERTEX);
    array->setNormalize(false);
    return array;
}

}  // namespace

VehicleSize vehicleSize(traffic::VehicleClass vclass) {
    const auto length = static_cast<float>(traffic::defaultVehicleType(vclass).length);
    switch (vclass) {
        case traffic::VehicleClass::Bus:
            return {length, 2.55f, 3.1f};
        case traffic::VehicleClass::Truck:
            return {length, 2.55f, 3.4f};
        case traffic::VehicleClass::Emergency:
            return {length, 2.1f, 2.4f};
        case traffic::VehicleClass::Car:
        case traffic::VehicleClass::Count:
            break;
    }
    return {length, 1.85f, 1.5f};
}

struct VehicleLayer::Impl {
    osg::ref_ptr<osg::Geode> geode;
    osg::ref_ptr<osg::Geometry> geom;
    osg::DrawElementsUShort* elements = nullptr;  // owned by geom
    osg::ref_ptr<osg::Vec4Array> pose;
    osg::ref_ptr<osg::Vec3Array> size;
    osg::ref_ptr<osg::Vec4Array> color;
    osg::ref_ptr<osg::Uniform> sizeScale;
    osg::ref_ptr<osg::Uniform> flashTime;
    osg::ref_ptr<InstanceBound> bound;
    std::size_t count = 0;
    float scale = 1.0f;
};

VehicleLayer::VehicleLayer() : m(std::make_unique<Impl>()) {
    Impl& p = *m;
    p.geom = unitBox(&p.elements);
    p.geom->setName("vehicles");
    // Changing every frame: vertex buffer objects, no display list.
    p.geom->setUseDisplayList(false);
    p.geom->setUseVertexBufferObjects(true);
    p.geom->setDataVariance(osg::Object::DYNAMIC);
    p.pose = instanceArray<osg::Vec4Array>();
    p.size = instanceArray<osg::Vec3Array>();
    p.color = instanceArray<osg::Vec4Array>();
    p.geom->setVertexAttribArray(kPoseSlot, p.pose.get());
    p.geom->setVertexAttribArray(kSizeSlot, p.size.get());
    p.geom->setVertexAttribArray(kColorSlot, p.color.get());
    p.bound = new InstanceBound;
    p.geom->setComputeBoundingBoxCallback(p.bound.get());

    osg::StateSet* ss = p.geom->getOrCreateStateSet();
    osg::ref_ptr<osg::Program> program = new osg::Program;
    program->setName("vehicles");
    program->addShader(new osg::Shader(osg::Shader::VERTEX, kVertexShader));
    program->addShader(new osg::Shader(osg::Shader::FRAGMENT, kFragmentShader));
    program->addBindAttribLocation("instPose", kPoseSlot);
    program->addBindAttribLocation("instSize", kSizeSlot);
    program->addBindAttribLocation("instColor", kColorSlot);
    ss->setAttributeAndModes(program.get(), osg::StateAttribute::ON);
    for (const unsigned slot : {kPoseSlot, kSizeSlot, kColorSlot}) {
        ss->setAttribute(new osg::VertexAttribDivisor(slot, 1));
    }
    p.sizeScale = new osg::Uniform("sizeScale", 1.0f);
    p.flashTime = new osg::Uniform("flashTime", 0.0f);
    ss->addUniform(p.sizeScale.get());
    ss->addUniform(p.flashTime.get());
    ss->setMode(GL_LIGHTING, osg::StateAttribute::OFF);

    p.geode = new osg::Geode;
    p.geode->setName("vehicles");
    p.geode->addDrawable(p.geom.get());
    p.geode->setNodeMask(0);  // nothing to draw yet (0 instances would draw one box)
}

VehicleLayer::~VehicleLayer() = default;

osg::Node* VehicleLayer::node() const {
    return m->geode.get();
}

std::size_t VehicleLayer::count() const {
    return m->count;
}

void VehicleLayer::update(std::span<const VehicleInstance> vehicles) {
    Impl& p = *m;
    p.pose->resize(vehicles.size());
    p.size->resize(vehicles.size());
    p.color->resize(vehicles.size());
    osg::BoundingBox box;
    float longest = 0.0f;
    for (std::size_t i = 0; i < vehicles.size(); ++i) {
        const VehicleInstance& v = vehicles[i];
        (*p.pose)[i].set(v.x, v.y, v.z, v.heading);
        const VehicleSize s = vehicleSize(v.vclass);
        (*p.size)[i].set(s.length, s.width, s.height);
        const Rgb c = vehicleColor(v.vclass);
        (*p.color)[i].set(c.r, c.g, c.b, v.vclass == traffic::VehicleClass::Emergency ? 1.0f : 0.0f);
        box.expandBy(v.x, v.y, v.z);
        longest = std::max(longest, s.length);
    }
    if (box.valid()) {
        // Room for the bodies around their front bumpers, at the largest exaggeration.
        const float r = longest * 1.5f + 4.0f * p.scale;
        box.expandBy(box._min - osg::Vec3(r, r, 0.0f));
        box.expandBy(box._max + osg::Vec3(r, r, 4.0f * p.scale));
    }
    p.bound->box = box;
    p.pose->dirty();
    p.size->dirty();
    p.color->dirty();
    p.elements->setNumInstances(static_cast<int>(vehicles.size()));
    p.geom->dirtyBound();
    p.count = vehicles.size();
    p.geode->setNodeMask(vehicles.empty() ? 0u : kDynamicMask);
}

void VehicleLayer::setExaggeration(float factor) {
    m->scale = std::max(1.0f, factor);
    m->sizeScale->set(m->scale);
}

void VehicleLayer::setTime(double seconds) {
    m->flashTime->set(static_cast<float>(seconds));
}

}  // namespace ct::render
