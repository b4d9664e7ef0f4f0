// Facilities: a coloured pin (pole and diamond) above each, and its name as a screen-facing label.

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <vector>

#include <osg/AutoTransform>
#include <osg/Geode>
#include <osg/LOD>
#include <osgText/Font>
#include <osgText/Text>

#include "layers.h"
#include "mesh_buffer.h"

namespace ct::render::detail {

namespace {

constexpr float kPoleHeight = 26.0f;  ///< px
constexpr float kHeadRadius = 8.0f;   ///< px
constexpr float kLabelSize = 15.0f;   ///< px, character height
/// m from the camera within which shelters' and other facilities' (schools...) names show;
/// hospitals', fire and police stations' show from any distance.
constexpr float kShelterLabelRange = 4000.0f;
constexpr float kOtherLabelRange = 2200.0f;

/// The first font that exists: the option's, else DejaVu Sans; null means OSG's built-in font.
osg::ref_ptr<osgText::Font> labelFont(const std::string& requested) {
    static const std::array<const char*, 2> kFallbacks{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                                       "/usr/share/fonts/TTF/DejaVuSans.ttf"};
    std::error_code ec;
    if (!requested.empty() && std::filesystem::exists(requested, ec)) {
        return osgText::readRefFontFile(requested);
    }
    for (const char* path : kFallbacks) {
        if (std::filesystem::exists(path, ec)) {
            return osgText::readRefFontFile(path);
        }
    }
    return nullptr;
}

/// A pin: a thin square pole from the ground to `top`, then an octahedron of radius r above.
void addPin(MeshBuffer& mesh, Vec2 p, double ground, double top, double r, const osg::Vec4& color) {
    const auto x = static_cast<float>(p.x);
    const auto y = static_cast<float>(p.y);
    const auto z0 = static_cast<float>(ground);
    const auto z1 = static_cast<float>(top);
    const auto w = static_cast<float>(0.2 * r);
    // Pole: four side faces.
    const std::array<osg::Vec2, 4> corner{{{-w, -w}, {w, -w}, {w, w}, {-w, w}}};
    for (std::size_t k = 0; k < 4; ++k) {
        const osg::Vec2 a = corner[k];
        const osg::Vec2 b = corner[(k + 1) % 4];
        osg::Vec3 n(b.y() - a.y(), a.x() - b.x(), 0.0f);
        n.normalize();
        mesh.addQuad(mesh.addVertex({x + a.x(), y + a.y(), z0}, n, color),
                     mesh.addVertex({x + b.x(), y + b.y(), z0}, n, color),
                     mesh.addVertex({x + b.x(), y + b.y(), z1}, n, color),
                     mesh.addVertex({x + a.x(), y + a.y(), z1}, n, color));
    }
    // Head: eight triangles with flat normals.
    const auto rf = static_cast<float>(r);
    const osg::Vec3 c(x, y, z1 + rf);
    const std::array<osg::Vec3, 4> ring{{{rf, 0, 0}, {0, rf, 0}, {-rf, 0, 0}, {0, -rf, 0}}};
    for (const float s : {1.0f, -1.0f}) {
        const osg::Vec3 apex(0.0f, 0.0f, s * rf);
        for (std::size_t k = 0; k < 4; ++k) {
            osg::Vec3 a = ring[k];
            osg::Vec3 b = ring[(k + 1) % 4];
            if (s < 0.0f) {
                std::swap(a, b);  // keep the winding outward on the lower half
            }
            osg::Vec3 n = (b - a) ^ (apex - a);
            n.normalize();
            mesh.addTriangle(mesh.addVertex(c + a, n, color), mesh.addVertex(c + b, n, color),
                             mesh.addVertex(c + apex, n, color));
        }
    }
}

}  // namespace

osg::ref_ptr<osg::Node> buildFacilityLayer(const CityModel& city, const Ground& ground,
                                           const SceneOptions& options) {
    const Facilities& fs = city.facilities;
    const std::size_t count = std::min({fs.kind.size(), fs.position.size(), fs.name.size()});

    osg::ref_ptr<osg::Group> group = new osg::Group;
    group->setName("facilities");
    osg::ref_ptr<osgText::Font> font = options.drawLabels ? labelFont(options.fontPath) : nullptr;
    // Labels are unlit, drawn last and over everything, so buildings never hide a name.
    osg::ref_ptr<osg::StateSet> labelState = new osg::StateSet;
    labelState->setMode(GL_LIGHTING, osg::StateAttribute::OFF);
    labelState->setMode(GL_DEPTH_TEST, osg::StateAttribute::OFF);
    labelState->setRenderBinDetails(100, "RenderBin");

    // The facilities that get a screen-size pin and a label: the most important first.
    std::vector<std::size_t> order(count);
    for (std::size_t i = 0; i < count; ++i) {
        order[i] = i;
    }
    auto rank = [&](std::size_t i) {
        switch (fs.kind[i]) {
            case FacilityKind::Hospital:
                return 0;
            case FacilityKind::FireStation:
                return 1;
            case FacilityKind::Police:
                return 2;
            case FacilityKind::Shelter:
                return 3;
            default:
                return 4;
        }
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    std::vector<std::uint8_t> labelled(count, 0);
    for (std::size_t k = 0; k < order.size() && k < options.maxLabelledFacilities; ++k) {
        labelled[order[k]] = 1;
    }
    // The others: map-size pins (30 m poles, 6 m heads) in one mesh.
    MeshBuffer markers;
    for (std::size_t i = 0; i < count; ++i) {
        if (labelled[i] != 0 ||
            static_cast<std::size_t>(fs.kind[i]) >= static_cast<std::size_t>(FacilityKind::Count)) {
            continue;
        }
        double roof = 0.0;
        if (i < fs.building.size() && fs.building[i].valid() &&
            fs.building[i].index() < city.buildings.height.size()) {
            roof = city.buildings.height[fs.building[i].index()];
        }
        const double base = ground.z(fs.position[i]) + roof;
        addPin(markers, fs.position[i], base, base + 30.0, 6.0, toVec4(facilityColor(fs.kind[i])));
    }
    if (!markers.empty()) {
        osg::ref_ptr<osg::Geode> geode = new osg::Geode;
        geode->setName("facility markers");
        geode->addDrawable(markers.finish("facility markers"));
        group->addChild(geode.get());
    }

    // One pin mesh per kind, shared by all facilities of that kind.
    std::array<osg::ref_ptr<osg::Geode>, static_cast<std::size_t>(FacilityKind::Count)> pins;
    for (std::size_t i = 0; i < count; ++i) {
        const auto kind = static_cast<std::size_t>(fs.kind[i]);
        if (kind >= pins.size() || labelled[i] == 0) {
            continue;
        }
        if (!pins[kind]) {
            MeshBuffer mesh;
            addPin(mesh, Vec2{}, 0.0, kPoleHeight, kHeadRadius, toVec4(facilityColor(fs.kind[i])));
            pins[kind] = new osg::Geode;
            pins[kind]->setName(std::string("pin ") + toString(fs.kind[i]));
            pins[kind]->addDrawable(mesh.finish("facility pin"));
            // The screen-size scale would shrink the normals and darken the lighting.
            pins[kind]->getOrCreateStateSet()->setMode(GL_RESCALE_NORMAL, osg::StateAttribute::ON);
        }

        // Stand on the roof of the facility's building, when it has one.
        const Vec2 p = fs.position[i];
        double roof = 0.0;
        if (i < fs.building.size() && fs.building[i].valid() &&
            fs.building[i].index() < city.buildings.height.size()) {
            roof = city.buildings.height[fs.building[i].index()];
        }
        // Pins keep their size on screen: one unit under the transform is one pixel.
        osg::ref_ptr<osg::AutoTransform> anchor = new osg::AutoTransform;
        anchor->setName(fs.name[i]);
        anchor->setPosition(osg::Vec3d(p.x, p.y, ground.z(p) + roof));
        anchor->setAutoScaleToScreen(true);
        anchor->addChild(pins[kind].get());

        if (options.drawLabels && !fs.name[i].empty()) {
            // The label turns to face the screen (its local xy plane is the screen's) and, like
            // the pin, keeps its size: one unit is one pixel. It sits just above the pin's head.
            osg::ref_ptr<osgText::Text> text = new osgText::Text;
            if (font) {
                text->setFont(font.get());
            }
            text->setText(fs.name[i], osgText::String::ENCODING_UTF8);
            text->setCharacterSize(kLabelSize);
            text->setAlignment(osgText::Text::CENTER_BOTTOM);
            text->setPosition(osg::Vec3(0.0f, kPoleHeight + 2.0f * kHeadRadius + 3.0f, 0.0f));
            text->setColor(osg::Vec4(1.0f, 1.0f, 1.0f, 1.0f));
            text->setBackdropType(osgText::Text::OUTLINE);
            text->setBackdropColor(osg::Vec4(0.1f, 0.1f, 0.12f, 1.0f));
            text->setUseDisplayList(false);
            osg::ref_ptr<osg::Geode> label = new osg::Geode;
            label->setStateSet(labelState.get());
            label->addDrawable(text.get());
            osg::ref_ptr<osg::AutoTransform> facing = new osg::AutoTransform;
            facing->setPosition(anchor->getPosition());
            facing->setAutoScaleToScreen(true);
            facing->setAutoRotateMode(osg::AutoTransform::ROTATE_TO_SCREEN);
            facing->addChild(label.get());
            // Seen from afar, only the emergency services keep their names (a town has dozens
            // of schools, whose names would pile up on each other); the rest appear closer in.
            const int r = rank(i);
            const float range = r <= 2 ? 1e9f : (r == 3 ? kShelterLabelRange : kOtherLabelRange);
            osg::ref_ptr<osg::LOD> near = new osg::LOD;
            near->setName("label range");
            near->setCenterMode(osg::LOD::USER_DEFINED_CENTER);
            near->setCenter(anchor->getPosition());
            near->setRadius(50.0);
            near->addChild(facing.get(), 0.0f, range);
            group->addChild(near.get());
        }
        group->addChild(anchor.get());
    }
    return group;
}

}  // namespace ct::render::detail
