// Assembles the city scene from its layers, lights it, and computes the home view.

#include "citytwin/render/scene_builder.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <osg/Group>
#include <osg/Light>
#include <osg/LightModel>
#include <osg/LightSource>
#include <osg/Material>

#include "citytwin/sim/city_model.h"
#include "layers.h"

namespace ct::render {

namespace {

/// Direction towards a light at `azimuthDeg` (clockwise from north) and `altitudeDeg` above
/// the horizon.
osg::Vec3 lightDirection(double azimuthDeg, double altitudeDeg) {
    const double az = azimuthDeg * std::numbers::pi / 180.0;
    const double alt = altitudeDeg * std::numbers::pi / 180.0;
    return {static_cast<float>(std::sin(az) * std::cos(alt)),
            static_cast<float>(std::cos(az) * std::cos(alt)), static_cast<float>(std::sin(alt))};
}

/// A directional light fixed in the world, GL light `number`, switched on in `ss`.
void addLight(osg::Group& root, osg::StateSet& ss, int number, const char* name, const osg::Vec3& direction,
              float intensity) {
    osg::ref_ptr<osg::Light> light = new osg::Light(number);
    light->setPosition(osg::Vec4(direction, 0.0f));  // w = 0: directional
    light->setAmbient(osg::Vec4(0.0f, 0.0f, 0.0f, 1.0f));
    light->setDiffuse(osg::Vec4(intensity, intensity, intensity * 0.95f, 1.0f));
    light->setSpecular(osg::Vec4(0.0f, 0.0f, 0.0f, 1.0f));
    osg::ref_ptr<osg::LightSource> source = new osg::LightSource;
    source->setName(name);
    source->setLight(light.get());
    source->setReferenceFrame(osg::LightSource::RELATIVE_RF);
    source->setStateSetModes(ss, osg::StateAttribute::ON);
    root.addChild(source.get());
}

/// The lighting of the scene: a sun from the west-south-west (GL light 0), so that of the walls
/// the home view sees, the western ones are lit; a weak fill light from the east-south-east
/// (light 1) that keeps the eastern ones from going dark; and an even sky light.
void addLighting(osg::Group& root) {
    osg::StateSet* ss = root.getOrCreateStateSet();
    addLight(root, *ss, 0, "sun", lightDirection(240.0, 45.0), 0.62f);
    addLight(root, *ss, 1, "fill", lightDirection(120.0, 30.0), 0.25f);
    ss->setMode(GL_LIGHTING, osg::StateAttribute::ON);
    osg::ref_ptr<osg::LightModel> model = new osg::LightModel;
    model->setAmbientIntensity(osg::Vec4(0.45f, 0.45f, 0.48f, 1.0f));
    model->setTwoSided(true);  // footprints of the wrong winding still light correctly
    ss->setAttributeAndModes(model.get(), osg::StateAttribute::ON);
    // Vertex colours drive the ambient and diffuse reflectance; nothing shines.
    osg::ref_ptr<osg::Material> material = new osg::Material;
    material->setColorMode(osg::Material::AMBIENT_AND_DIFFUSE);
    material->setSpecular(osg::Material::FRONT_AND_BACK, osg::Vec4(0.0f, 0.0f, 0.0f, 1.0f));
    ss->setAttributeAndModes(material.get(), osg::StateAttribute::ON);
    ss->setMode(GL_CULL_FACE, osg::StateAttribute::OFF);
}

/// The box to frame: where the buildings are (the 3rd to 97th percentile of their centroids,
/// plus a margin), so that a town is not lost among the roads and fields around it; else the
/// city's extent, else the terrain, else a square kilometre.
Box2 frameBox(const CityModel& city) {
    const std::vector<Vec2>& centroids = city.buildings.centroid;
    if (centroids.size() >= 20) {
        std::vector<double> xs;
        std::vector<double> ys;
        xs.reserve(centroids.size());
        ys.reserve(centroids.size());
        for (const Vec2& c : centroids) {
            xs.push_back(c.x);
            ys.push_back(c.y);
        }
        auto quantile = [](std::vector<double>& v, double q) {
            const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
            std::nth_element(v.begin(), v.begin() + k, v.end());
            return v[static_cast<std::size_t>(k)];
        };
        Box2 box;
        box.add(Vec2{quantile(xs, 0.03), quantile(ys, 0.03)});
        box.add(Vec2{quantile(xs, 0.97), quantile(ys, 0.97)});
        const double margin = 0.03 * std::max(box.width(), box.height()) + 10.0;
        box.add(box.min - Vec2{margin, margin});
        box.add(box.max + Vec2{margin, margin});
        return box;
    }
    Box2 box = city.extent;
    const Terrain& t = city.terrain;
    if (box.empty() && !t.empty() && t.cellSize > 0.0) {
        box.add(Vec2{t.originX, t.originY - t.height * t.cellSize});
        box.add(Vec2{t.originX + t.width * t.cellSize, t.originY});
    }
    if (box.empty()) {
        box.add(Vec2{-500.0, -500.0});
        box.add(Vec2{500.0, 500.0});
    }
    return box;
}

}  // namespace

HomeView homeView(const CityModel& city, const SceneOptions& options, double fovYDeg, double aspect) {
    const detail::Ground ground(city.terrain, options);
    const Box2 box = frameBox(city);
    const Vec2 mid = (box.min + box.max) * 0.5;
    const osg::Vec3d centre(mid.x, mid.y, ground.z(mid));

    // Look north-north-east, 42 degrees down.
    constexpr double kHeading = 18.0 * std::numbers::pi / 180.0;
    constexpr double kPitch = 42.0 * std::numbers::pi / 180.0;
    const osg::Vec3d forward(std::sin(kHeading) * std::cos(kPitch), std::cos(kHeading) * std::cos(kPitch),
                             -std::sin(kPitch));
    osg::Vec3d right = forward ^ osg::Vec3d(0.0, 0.0, 1.0);
    right.normalize();
    const osg::Vec3d up = right ^ forward;

    // The distance at which every corner of the box (on the ground, and a storey or three
    // above it) projects inside the view: x / (d + z) <= tan(half fov) for each corner.
    const double tanV = std::tan(0.5 * std::clamp(fovYDeg, 5.0, 150.0) * std::numbers::pi / 180.0);
    const double tanH = tanV * std::max(aspect, 0.1);
    double dist = 50.0;
    for (const Vec2 c : {box.min, Vec2{box.max.x, box.min.y}, box.max, Vec2{box.min.x, box.max.y}}) {
        for (const double lift : {0.0, 10.0}) {
            const osg::Vec3d v = osg::Vec3d(c.x, c.y, ground.z(c) + lift) - centre;
            const double z = v * forward;
            dist = std::max({dist, std::abs(v * right) / tanH - z, std::abs(v * up) / tanV - z});
        }
    }
    dist *= 1.04;  // a small margin around the city
    HomeView view;
    view.center = centre;
    view.eye = centre - forward * dist;
    view.up = up;
    return view;
}

SceneBuild buildCityScene(const CityModel& city, const SceneOptions& options) {
    const detail::Ground ground(city.terrain, options);

    SceneBuild out;
    osg::ref_ptr<osg::Group> root = new osg::Group;
    root->setName(city.meta.name.empty() ? "city" : city.meta.name);
    addLighting(*root);
    root->addChild(detail::buildTerrainLayer(city, ground, options));
    root->addChild(detail::buildAreaLayer(city, ground, options));
    const detail::TileGrid grid = detail::TileGrid::ofCity(city, options);
    root->addChild(detail::buildRoadLayer(city, ground, options, grid, &out.pick));
    root->addChild(detail::buildBuildingLayer(city, ground, options, grid, &out.pick));
    root->addChild(detail::buildFacilityLayer(city, ground, options));

    out.root = root;
    out.home = homeView(city, options, 30.0, 1.6);
    out.stats = collectSceneStats(*root);
    return out;
}

}  // namespace ct::render
