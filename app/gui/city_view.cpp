#include "city_view.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLFramebufferObject>
#include <QWheelEvent>

#include <osg/Group>
#include <osgGA/TerrainManipulator>
#include <osgViewer/Viewer>

#include "citytwin/render/building_colors.h"
#include "citytwin/render/closure_layer.h"
#include "citytwin/render/highlight_layer.h"
#include "citytwin/render/link_overlay.h"
#include "citytwin/render/palette.h"
#include "citytwin/render/picking.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/render/signal_layer.h"
#include "citytwin/render/utility_layer.h"
#include "citytwin/render/vehicle_layer.h"
#include "citytwin/sim/city_model.h"
#include "citytwin/utility/utility_model.h"
#include "sim_snapshot.h"

namespace ct::gui {

struct CityViewPrivate {
    osg::ref_ptr<osgViewer::Viewer> viewer;
    osg::ref_ptr<osgViewer::GraphicsWindowEmbedded> window;
    osg::ref_ptr<osgGA::TerrainManipulator> manipulator;
    std::shared_ptr<const CityModel> city;
    std::shared_ptr<render::SceneBuild> scene;
    bool shiftPan = false;  ///< the left button went down with Shift: it pans like the middle one

    // The scene data: the static city and the dynamic layers above it.
    osg::ref_ptr<osg::Group> top;
    osg::ref_ptr<osg::Group> vehicleGroup;  ///< holds the vehicle layer; its mask is the user's switch
    std::unique_ptr<render::VehicleLayer> vehicles;
    std::unique_ptr<render::LinkOverlay> overlay;
    std::unique_ptr<render::HighlightLayer> highlight;
    std::unique_ptr<render::ClosureLayer> closures;
    const std::vector<std::uint8_t>* closuresShown = nullptr;  ///< the set drawn (held by closuresHeld)
    std::shared_ptr<const std::vector<std::uint8_t>> closuresHeld;
    std::unique_ptr<render::SignalLayer> signalLayer;
    std::unique_ptr<render::UtilityLayer> utilityLayer;
    std::shared_ptr<const utility::UtilityModel> utilities;
    const UtilitySnap* utilityShown = nullptr;  ///< the utility state applied to the layer
    bool showWater = false;
    bool showPower = false;
    bool showService = true;
    std::shared_ptr<const traffic::TrafficNetwork> network;  ///< the signals' network
    std::shared_ptr<const render::LaneGeometry> lanes;
    bool showBuildings = true;
    bool showSignals = true;
    bool showVehicles = true;
    bool showFacilities = true;
    CityView::RoadColoring coloring = CityView::RoadColoring::ByClass;

    // Traffic: the newest snapshot, and where its vehicles started from when it arrived (what was
    // on screen then), so motion stays continuous whatever the timing of snapshots.
    std::shared_ptr<const SimSnapshot> latest;
    std::vector<render::Rgb> linkColors;  ///< what the overlay shows, by link
    CityView::BuildingColoring buildingColoring = CityView::BuildingColoring::ByUse;
    std::vector<render::Rgb> buildingColors;  ///< by building, as drawn
    CityView::BuildingScale buildingScale;
    const UtilitySnap* buildingUtility = nullptr;  ///< the utility state the colours come from
    const RouteSnap* routeShown = nullptr;         ///< the route the highlight draws (held by routeHeld)
    std::shared_ptr<const RouteSnap> routeHeld;
    std::vector<VehicleSnap> from;
    bool haveFrom = false;
    double receivedAt = 0.0;             ///< s on `clock` when `latest` arrived
    std::vector<VehicleSnap> displayed;  ///< vehicles as drawn in the last frame
    bool linkColorsDirty = false;
    double linkColorsAt = -1.0;  ///< s on `clock` of the last link recolouring
    QElapsedTimer clock;

    QPointF pressPos;  ///< where the left button went down (logical pixels)
    bool clickCandidate = false;

    // Camera motion: a flight between two poses, and the vehicle followed.
    struct Flight {
        bool active = false;
        CameraPose from;
        CameraPose to;
        double start = 0.0;     ///< s on `clock`
        double duration = 0.0;  ///< s
    } flight;
    std::optional<std::uint32_t> follow;  ///< the trip followed

    [[nodiscard]] osgGA::EventQueue* queue() const { return window->getEventQueue(); }
    [[nodiscard]] double now() const { return static_cast<double>(clock.nsecsElapsed()) * 1e-9; }
    [[nodiscard]] double alpha() const {
        if (!latest || latest->wallPeriod <= 0.0) {
            return 1.0;
        }
        return std::clamp((now() - receivedAt) / latest->wallPeriod, 0.0, 1.0);
    }
    /// The vehicles' positions at the moment `now`.
    [[nodiscard]] std::vector<VehicleSnap> vehiclesNow() const {
        if (!latest) {
            return {};
        }
        return interpolateVehicles(haveFrom ? &from : nullptr, latest->vehicles, alpha());
    }
    [[nodiscard]] osg::Node* cityLayer(const char* name) const {
        auto* root = scene && scene->root ? scene->root->asGroup() : nullptr;
        if (root == nullptr) {
            return nullptr;
        }
        for (unsigned i = 0; i < root->getNumChildren(); ++i) {
            if (root->getChild(i)->getName() == name) {
                return root->getChild(i);
            }
        }
        return nullptr;
    }
    /// Recolours the buildings by the chosen attribute (by use: as built). True when it did.
    bool applyBuildingColors(bool force) {
        if (!city || !scene) {
            return false;
        }
        using BC = CityView::BuildingColoring;
        const bool live =
            buildingColoring == BC::ByMinutesWithoutPower || buildingColoring == BC::ByMinutesWithoutWater;
        const UtilitySnap* u = latest ? latest->utility.get() : nullptr;
        if (!force && (!live || u == buildingUtility)) {
            return false;
        }
        buildingUtility = u;
        const Buildings& bs = city->buildings;
        const std::size_t n = bs.count();
        buildingColors.resize(n);
        if (buildingColoring == BC::ByUse) {
            for (std::size_t b = 0; b < n; ++b) {
                buildingColors[b] = render::buildingColor(bs.use[b]);
            }
            buildingScale = {QObject::tr("Use"), QString(), 0.0};
            render::recolorBuildings(*scene, buildingColors);
            return true;
        }
        const double nan = std::numeric_limits<double>::quiet_NaN();
        std::vector<double> values(n, nan);
        for (std::size_t b = 0; b < n; ++b) {
            switch (buildingColoring) {
                case BC::ByHeight:
                    values[b] = bs.height[b];
                    break;
                case BC::ByLevels:
                    values[b] = bs.levels[b];
                    break;
                case BC::ByResidents:
                    values[b] = bs.residents[b];
                    break;
                case BC::ByJobs:
                    values[b] = bs.jobs[b];
                    break;
                case BC::ByFootprint:
                    values[b] = b < bs.area.size() ? bs.area[b] : nan;
                    break;
                case BC::ByMinutesWithoutPower:
                    values[b] = u != nullptr && b < u->minutesWithoutPower.size() ? u->minutesWithoutPower[b]
                                : utilities ? 0.0  // before the first utility step
                                            : nan;
                    break;
                case BC::ByMinutesWithoutWater:
                    values[b] = u != nullptr && b < u->minutesWithoutWater.size() ? u->minutesWithoutWater[b]
                                : utilities                                       ? 0.0
                                                                                  : nan;
                    break;
                case BC::ByUse:
                    break;
            }
        }
        buildingScale = CityView::BuildingScale{};
        switch (buildingColoring) {
            case BC::ByHeight:
                buildingScale = {QObject::tr("Height"), QStringLiteral("m"), 0.0};
                break;
            case BC::ByLevels:
                buildingScale = {QObject::tr("Storeys"), QString(), 0.0};
                break;
            case BC::ByResidents:
                buildingScale = {QObject::tr("Residents"), QString(), 0.0};
                break;
            case BC::ByJobs:
                buildingScale = {QObject::tr("Jobs"), QString(), 0.0};
                break;
            case BC::ByFootprint:
                buildingScale = {QObject::tr("Footprint"), QStringLiteral("m\u00b2"), 0.0};
                break;
            case BC::ByMinutesWithoutPower:
                buildingScale = {QObject::tr("Without power so far"), QStringLiteral("min"), 0.0};
                break;
            case BC::ByMinutesWithoutWater:
                buildingScale = {QObject::tr("Without water so far"), QStringLiteral("min"), 0.0};
                break;
            case BC::ByUse:
                break;
        }
        // The top of the ramp: the 95th percentile (the largest so far for outage minutes).
        std::vector<double> finite;
        for (const double v : values) {
            if (std::isfinite(v)) {
                finite.push_back(v);
            }
        }
        double rampTop = 0.0;
        if (!finite.empty()) {
            if (live) {
                rampTop = std::max(60.0, *std::max_element(finite.begin(), finite.end()));
            } else {
                const auto k = static_cast<std::ptrdiff_t>(0.95 * static_cast<double>(finite.size() - 1));
                std::nth_element(finite.begin(), finite.begin() + k, finite.end());
                rampTop = finite[static_cast<std::size_t>(k)];
            }
        }
        buildingScale.top = rampTop > 0.0 ? rampTop : 1.0;
        for (std::size_t b = 0; b < n; ++b) {
            buildingColors[b] = render::attributeColor(values[b] / buildingScale.top);
        }
        render::recolorBuildings(*scene, buildingColors);
        return true;
    }

    /// Puts the utilities of the snapshot shown on the map (when they changed).
    void applyUtilityState() {
        if (!utilityLayer) {
            return;
        }
        const UtilitySnap* u = latest ? latest->utility.get() : nullptr;
        if (u == utilityShown) {
            return;
        }
        utilityShown = u;
        render::UtilityViewState st;
        if (u != nullptr) {
            st.waterLinkState = u->waterLinkState;
            st.branchLive = u->branchLive;
            st.buildingHasWater = u->buildingHasWater;
            st.buildingHasPower = u->buildingHasPower;
        } else if (utilities) {
            // Before the first utility step: everything in service.
            st.waterLinkState.assign(utilities->water.linkCount(), 0);
            st.branchLive.assign(utilities->power.branches.size(), 1);
            st.buildingHasWater.assign(city ? city->buildings.count() : 0, 1);
            st.buildingHasPower.assign(city ? city->buildings.count() : 0, 1);
        }
        utilityLayer->setState(st);
    }

    void applyVisibility() const {
        if (osg::Node* n = cityLayer("buildings")) {
            n->setNodeMask(showBuildings ? ~0u : 0u);
        }
        if (osg::Node* n = cityLayer("facilities")) {
            n->setNodeMask(showFacilities ? ~0u : 0u);
        }
        if (vehicleGroup) {
            vehicleGroup->setNodeMask(showVehicles ? render::kDynamicMask : 0u);
        }
        if (overlay) {
            overlay->node()->setNodeMask(coloring != CityView::RoadColoring::ByClass ? render::kDynamicMask
                                                                                     : 0u);
        }
        if (utilityLayer) {
            utilityLayer->waterNode()->setNodeMask(showWater ? render::kDynamicMask : 0u);
            utilityLayer->powerNode()->setNodeMask(showPower ? render::kDynamicMask : 0u);
            utilityLayer->serviceNode()->setNodeMask(showService ? render::kDynamicMask : 0u);
        }
    }
};

namespace {

/// The instances to draw for a list of vehicles.
std::vector<render::VehicleInstance> toInstances(const std::vector<VehicleSnap>& vehicles) {
    std::vector<render::VehicleInstance> out;
    out.reserve(vehicles.size());
    for (const VehicleSnap& v : vehicles) {
        out.push_back({v.x, v.y, v.z, v.heading, v.vclass});
    }
    return out;
}

constexpr double kDeg = std::numbers::pi / 180.0;

/// The manipulator's rotation for a heading and tilt: tilt about the camera's x axis first
/// (0 looks straight down with north up), then turn about the vertical. OSG composes quaternions
/// left to right: q1 * q2 rotates by q1, then by q2.
osg::Quat rotationOf(const CameraPose& pose) {
    return osg::Quat(pose.tilt * kDeg, osg::Vec3d(1, 0, 0)) *
           osg::Quat(-pose.heading * kDeg, osg::Vec3d(0, 0, 1));
}

CameraPose poseOf(const osgGA::OrbitManipulator& m) {
    CameraPose pose;
    const osg::Vec3d c = m.getCenter();
    pose.cx = c.x();
    pose.cy = c.y();
    pose.cz = c.z();
    pose.distance = m.getDistance();
    const osg::Quat& q = m.getRotation();
    // The camera's x axis stays horizontal (the horizon is level): it gives the heading; the
    // direction of view (-z) gives the tilt.
    const osg::Vec3d side = q * osg::Vec3d(1, 0, 0);
    const osg::Vec3d forward = q * osg::Vec3d(0, 0, -1);
    pose.heading = std::fmod(-std::atan2(side.y(), side.x()) / kDeg + 720.0, 360.0);
    pose.tilt = std::acos(std::clamp(-forward.z(), -1.0, 1.0)) / kDeg;
    return pose;
}

/// The pose of a camera at `eye` looking at `center` with `up` roughly up.
CameraPose poseFromLookAt(const osg::Vec3d& eye, const osg::Vec3d& center, const osg::Vec3d& up) {
    CameraPose pose;
    pose.cx = center.x();
    pose.cy = center.y();
    pose.cz = center.z();
    osg::Vec3d f = center - eye;
    pose.distance = f.length();
    f.normalize();
    pose.tilt = std::acos(std::clamp(-f.z(), -1.0, 1.0)) / kDeg;
    const double horizontal = std::hypot(f.x(), f.y());
    const double heading = horizontal > 1e-6 ? std::atan2(f.x(), f.y()) : std::atan2(up.x(), up.y());
    pose.heading = std::fmod(heading / kDeg + 720.0, 360.0);
    return pose;
}

void applyPose(osgGA::OrbitManipulator& m, const CameraPose& pose) {
    m.setCenter(osg::Vec3d(pose.cx, pose.cy, pose.cz));
    m.setRotation(rotationOf(pose));
    m.setDistance(std::max(pose.distance, 1.0));
}

/// The ground height at a point of the city (0 without terrain).
double groundAt(const CityModel& city, Vec2 at) {
    const double z = city.terrain.sample(at);
    return std::isfinite(z) ? z : 0.0;
}

int osgButton(Qt::MouseButton button) {
    switch (button) {
        case Qt::LeftButton:
            return 1;
        case Qt::MiddleButton:
            return 2;
        case Qt::RightButton:
            return 3;
        default:
            return 0;
    }
}

int osgKey(const QKeyEvent& event) {
    using Key = osgGA::GUIEventAdapter::KeySymbol;
    switch (event.key()) {
        case Qt::Key_Space:
            return Key::KEY_Space;
        case Qt::Key_Left:
            return Key::KEY_Left;
        case Qt::Key_Right:
            return Key::KEY_Right;
        case Qt::Key_Up:
            return Key::KEY_Up;
        case Qt::Key_Down:
            return Key::KEY_Down;
        case Qt::Key_Home:
            return Key::KEY_Home;
        case Qt::Key_Escape:
            return Key::KEY_Escape;
        default:
            break;
    }
    const QString text = event.text();
    return text.isEmpty() ? 0 : text.at(0).unicode();
}

void setModifiers(osgGA::EventQueue& queue, Qt::KeyboardModifiers modifiers) {
    unsigned mask = 0;
    if (modifiers & Qt::ShiftModifier) {
        mask |= osgGA::GUIEventAdapter::MODKEY_SHIFT;
    }
    if (modifiers & Qt::ControlModifier) {
        mask |= osgGA::GUIEventAdapter::MODKEY_CTRL;
    }
    if (modifiers & Qt::AltModifier) {
        mask |= osgGA::GUIEventAdapter::MODKEY_ALT;
    }
    queue.getCurrentEventState()->setModKeyMask(mask);
}

}  // namespace

CityView::CityView(QWidget* parent) : QOpenGLWidget(parent), m_impl(std::make_unique<CityViewPrivate>()) {
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 200);

    // Qt owns the context: OSG renders into it from paintGL on the GUI thread.
    CityViewPrivate& p = *m_impl;
    p.viewer = new osgViewer::Viewer;
    p.window = p.viewer->setUpViewerAsEmbeddedInWindow(0, 0, std::max(width(), 1), std::max(height(), 1));
    p.viewer->setThreadingModel(osgViewer::Viewer::SingleThreaded);
    p.viewer->setKeyEventSetsDone(0);  // Esc must not end the viewer
    p.viewer->setQuitEventSetsDone(false);
    // The city scene brings its own lights; a headlight would replace the sun.
    p.viewer->setLightingMode(osg::View::NO_LIGHT);
    const QColor sky = clearColor();
    p.viewer->getCamera()->setClearColor(osg::Vec4(static_cast<float>(sky.redF()),
                                                   static_cast<float>(sky.greenF()),
                                                   static_cast<float>(sky.blueF()), 1.0f));

    p.manipulator = new osgGA::TerrainManipulator;
    p.manipulator->setAllowThrow(false);  // no animation: frames are drawn on input only
    p.manipulator->setAutoComputeHomePosition(false);
    // OSG zooms out on wheel-up; map apps zoom in when the wheel turns away from the user.
    p.manipulator->setWheelZoomFactor(-0.15);
    p.viewer->setCameraManipulator(p.manipulator.get());
    p.clock.start();
}

CityView::~CityView() {
    // OSG releases its GL objects when the viewer goes: the context must be current.
    makeCurrent();
    m_impl.reset();
    doneCurrent();
}

void CityView::setCity(std::shared_ptr<const CityModel> city) {
    if (!city) {
        return;
    }
    auto scene = std::make_shared<render::SceneBuild>(render::buildCityScene(*city));
    setCity(std::move(city), std::move(scene));
}

void CityView::setCity(std::shared_ptr<const CityModel> city, std::shared_ptr<render::SceneBuild> scene) {
    if (!city || !scene || !scene->root) {
        return;
    }
    CityViewPrivate& p = *m_impl;
    select({});
    // The city and, above it, the layers that change while the simulation runs.
    p.top = new osg::Group;
    p.top->addChild(scene->root.get());
    p.overlay = std::make_unique<render::LinkOverlay>(*city);
    p.top->addChild(p.overlay->node());
    p.linkColors.clear();
    p.closures = std::make_unique<render::ClosureLayer>(*city);
    p.closuresShown = nullptr;
    p.top->addChild(p.closures->node());
    p.vehicles = std::make_unique<render::VehicleLayer>();
    p.vehicleGroup = new osg::Group;
    p.vehicleGroup->setName("vehicles");
    p.vehicleGroup->addChild(p.vehicles->node());
    p.top->addChild(p.vehicleGroup.get());
    p.highlight = std::make_unique<render::HighlightLayer>(*city);
    p.routeShown = nullptr;
    p.routeHeld.reset();
    p.top->addChild(p.highlight->node());
    p.viewer->setSceneData(p.top.get());
    p.buildingUtility = nullptr;
    p.applyBuildingColors(true);
    Q_EMIT buildingColorsChanged();
    p.signalLayer.reset();
    p.network.reset();
    p.lanes.reset();
    p.utilityLayer.reset();
    p.utilities.reset();
    p.utilityShown = nullptr;
    p.city = std::move(city);
    p.scene = std::move(scene);
    p.latest.reset();
    p.from.clear();
    p.displayed.clear();
    p.applyVisibility();
    p.flight.active = false;
    stopFollowing();
    resetCamera();
}

void CityView::setSignals(std::shared_ptr<const traffic::TrafficNetwork> network,
                          std::shared_ptr<const render::LaneGeometry> lanes) {
    CityViewPrivate& p = *m_impl;
    if (p.signalLayer && p.top) {
        p.top->removeChild(p.signalLayer->node());
    }
    p.signalLayer.reset();
    p.network = std::move(network);
    p.lanes = std::move(lanes);
    if (p.network && p.lanes && p.top) {
        p.signalLayer = std::make_unique<render::SignalLayer>(*p.network, *p.lanes);
        p.top->addChild(p.signalLayer->node());
    }
    p.applyVisibility();
    update();
}

void CityView::setUtilities(std::shared_ptr<const utility::UtilityModel> model) {
    CityViewPrivate& p = *m_impl;
    if (p.utilityLayer && p.top) {
        p.top->removeChild(p.utilityLayer->waterNode());
        p.top->removeChild(p.utilityLayer->powerNode());
        p.top->removeChild(p.utilityLayer->serviceNode());
    }
    p.utilityLayer.reset();
    p.utilityShown = nullptr;
    p.utilities = std::move(model);
    if (p.utilities && p.city && p.top) {
        p.utilityLayer = std::make_unique<render::UtilityLayer>(*p.city, *p.utilities);
        p.top->addChild(p.utilityLayer->waterNode());
        p.top->addChild(p.utilityLayer->powerNode());
        p.top->addChild(p.utilityLayer->serviceNode());
    }
    p.buildingUtility = nullptr;
    if (p.applyBuildingColors(true)) {
        Q_EMIT buildingColorsChanged();
    }
    p.applyVisibility();
    p.applyUtilityState();
    update();
}

std::size_t CityView::buildingsWithoutServiceShown() const {
    return m_impl->utilityLayer && m_impl->showService ? m_impl->utilityLayer->cappedBuildings() : 0;
}

std::size_t CityView::waterSegmentsDrawn() const {
    return m_impl->utilityLayer && m_impl->showWater ? m_impl->utilityLayer->waterSegments() : 0;
}

std::size_t CityView::powerSegmentsDrawn() const {
    return m_impl->utilityLayer && m_impl->showPower ? m_impl->utilityLayer->powerSegments() : 0;
}

std::size_t CityView::signalsDrawn() const {
    return m_impl->signalLayer && m_impl->showSignals ? m_impl->signalLayer->signalCount() : 0;
}

void CityView::setLayerVisible(Layer layer, bool visible) {
    CityViewPrivate& p = *m_impl;
    switch (layer) {
        case Layer::Buildings:
            p.showBuildings = visible;
            break;
        case Layer::Vehicles:
            p.showVehicles = visible;
            break;
        case Layer::Facilities:
            p.showFacilities = visible;
            break;
        case Layer::Signals:
            p.showSignals = visible;
            break;
        case Layer::WaterNetwork:
            p.showWater = visible;
            break;
        case Layer::PowerNetwork:
            p.showPower = visible;
            break;
        case Layer::BuildingService:
            p.showService = visible;
            break;
    }
    p.applyVisibility();
    update();
}

bool CityView::layerVisible(Layer layer) const {
    switch (layer) {
        case Layer::Buildings:
            return m_impl->showBuildings;
        case Layer::Vehicles:
            return m_impl->showVehicles;
        case Layer::Facilities:
            return m_impl->showFacilities;
        case Layer::Signals:
            return m_impl->showSignals;
        case Layer::WaterNetwork:
            return m_impl->showWater;
        case Layer::PowerNetwork:
            return m_impl->showPower;
        case Layer::BuildingService:
            return m_impl->showService;
    }
    return false;
}

void CityView::setRoadColoring(RoadColoring coloring) {
    m_impl->coloring = coloring;
    m_impl->linkColorsDirty = true;
    m_impl->linkColorsAt = -1.0;
    m_impl->applyVisibility();
    update();
}

CityView::RoadColoring CityView::roadColoring() const {
    return m_impl->coloring;
}

void CityView::showSnapshot(std::shared_ptr<const SimSnapshot> snapshot, bool animate) {
    CityViewPrivate& p = *m_impl;
    if (snapshot && !animate) {
        // Exactly this moment, at once: nothing to move from, and the motion counts as done.
        p.latest = std::move(snapshot);
        p.from.clear();
        p.haveFrom = false;
        p.receivedAt = p.now() - std::max(p.latest->wallPeriod, 0.0) - 1.0;
        p.linkColorsDirty = true;
        p.linkColorsAt = -1.0;
        p.applyUtilityState();
        update();
        return;
    }
    if (!snapshot) {
        p.latest.reset();
        p.from.clear();
        p.haveFrom = false;
        p.linkColorsDirty = true;
        p.applyUtilityState();
        update();
        return;
    }
    if (p.latest && snapshot->tick == p.latest->tick && snapshot->time == p.latest->time) {
        // The same moment (a pause, a speed change): keep the motion going as it was.
        p.latest = std::move(snapshot);
        p.applyUtilityState();
        update();
        return;
    }
    if (p.latest && snapshot->tick > p.latest->tick) {
        p.from = p.vehiclesNow();
        p.haveFrom = true;
    } else {
        p.from.clear();  // the first snapshot, or a new run: nothing to move from
        p.haveFrom = false;
    }
    p.latest = std::move(snapshot);
    p.receivedAt = p.now();
    p.linkColorsDirty = true;
    p.applyUtilityState();
    update();
}

std::shared_ptr<const SimSnapshot> CityView::snapshotShown() const {
    return m_impl->latest;
}

bool CityView::animating() const {
    return (m_impl->latest && m_impl->alpha() < 1.0) || m_impl->flight.active;
}

std::optional<QVector3D> CityView::vehicleShown(std::uint32_t trip) const {
    const VehicleSnap* v = findVehicle(m_impl->displayed, trip);
    if (v == nullptr) {
        return std::nullopt;
    }
    return QVector3D(v->x, v->y, v->z);
}

std::size_t CityView::vehiclesDrawn() const {
    return m_impl->vehicles && m_impl->showVehicles ? m_impl->vehicles->count() : 0;
}

void CityView::setBuildingColoring(BuildingColoring coloring) {
    m_impl->buildingColoring = coloring;
    if (m_impl->applyBuildingColors(true)) {
        Q_EMIT buildingColorsChanged();
    }
    update();
}

CityView::BuildingColoring CityView::buildingColoring() const {
    return m_impl->buildingColoring;
}

CityView::BuildingScale CityView::buildingScale() const {
    return m_impl->buildingScale;
}

render::Rgb CityView::buildingColorShown(std::uint32_t building) const {
    return building < m_impl->buildingColors.size() ? m_impl->buildingColors[building]
                                                    : render::noDataColor();
}

QString CityView::buildingColoringKey(BuildingColoring coloring) {
    switch (coloring) {
        case BuildingColoring::ByHeight:
            return QStringLiteral("height");
        case BuildingColoring::ByLevels:
            return QStringLiteral("levels");
        case BuildingColoring::ByResidents:
            return QStringLiteral("residents");
        case BuildingColoring::ByJobs:
            return QStringLiteral("jobs");
        case BuildingColoring::ByFootprint:
            return QStringLiteral("footprint");
        case BuildingColoring::ByMinutesWithoutPower:
            return QStringLiteral("no_power_min");
        case BuildingColoring::ByMinutesWithoutWater:
            return QStringLiteral("no_water_min");
        case BuildingColoring::ByUse:
            break;
    }
    return QStringLiteral("use");
}

std::optional<CityView::BuildingColoring> CityView::buildingColoringFromKey(const QString& key) {
    for (int k = 0; k <= static_cast<int>(BuildingColoring::ByMinutesWithoutWater); ++k) {
        const auto c = static_cast<BuildingColoring>(k);
        if (key == buildingColoringKey(c)) {
            return c;
        }
    }
    return std::nullopt;
}

QString CityView::roadColoringKey(RoadColoring coloring) {
    switch (coloring) {
        case RoadColoring::BySpeed:
            return QStringLiteral("speed");
        case RoadColoring::ByDelay:
            return QStringLiteral("delay");
        case RoadColoring::ByDensity:
            return QStringLiteral("density");
        case RoadColoring::ByClass:
            break;
    }
    return QStringLiteral("class");
}

std::optional<CityView::RoadColoring> CityView::roadColoringFromKey(const QString& key) {
    for (RoadColoring c :
         {RoadColoring::ByClass, RoadColoring::BySpeed, RoadColoring::ByDelay, RoadColoring::ByDensity}) {
        if (key == roadColoringKey(c)) {
            return c;
        }
    }
    return std::nullopt;
}

render::Rgb CityView::linkColorShown(std::uint32_t link) const {
    return link < m_impl->linkColors.size() ? m_impl->linkColors[link] : render::noDataColor();
}

std::size_t CityView::closedLinksDrawn() const {
    return m_impl->closures ? m_impl->closures->closedCount() : 0;
}

std::size_t CityView::routeSegmentsDrawn() const {
    return m_impl->highlight ? m_impl->highlight->routeSegments() : 0;
}

void CityView::updateDynamicLayers() {
    CityViewPrivate& p = *m_impl;
    if (!p.vehicles || !p.city) {
        return;
    }
    // Vehicles where they are at this moment between the last two snapshots.
    p.displayed = p.vehiclesNow();
    p.vehicles->update(toInstances(p.displayed));
    p.vehicles->setTime(p.now());
    // Seen from afar, a car would be a pixel: draw vehicles bigger the farther the camera is.
    const double exaggeration = std::clamp(p.manipulator->getDistance() / 500.0, 1.0, 4.0);
    p.vehicles->setExaggeration(static_cast<float>(exaggeration));

    // Signals show their state at the newest snapshot's time.
    if (p.signalLayer && p.latest) {
        p.signalLayer->setTime(p.latest->time);
    }

    // Links by live figures, recoloured a few times a second at most.
    if (p.coloring != RoadColoring::ByClass && p.overlay && p.linkColorsDirty &&
        (p.linkColorsAt < 0.0 || p.now() - p.linkColorsAt > 0.25)) {
        const RoadNetwork& roads = p.city->roads;
        std::vector<render::Rgb> colors(roads.linkCount(), render::noDataColor());
        if (p.latest && p.coloring == RoadColoring::ByDensity) {
            // Vehicles on each link's lanes now, per km and lane.
            std::vector<std::uint32_t> count(roads.linkCount(), 0);
            const traffic::TrafficNetwork* net = p.network.get();
            if (net != nullptr) {
                for (const VehicleSnap& v : p.latest->vehicles) {
                    if (v.lane < net->normalLaneCount && net->laneLink[v.lane].index() < count.size()) {
                        ++count[net->laneLink[v.lane].index()];
                    }
                }
                for (std::size_t l = 0; l < colors.size(); ++l) {
                    const double laneKm = roads.linkLength[l] / 1000.0 * std::max<int>(roads.linkLanes[l], 1);
                    colors[l] = render::densityColor(laneKm > 0.0 ? count[l] / laneKm : -1.0);
                }
            }
        } else if (p.latest) {
            const std::size_t n = std::min(colors.size(), p.latest->linkSpeed.size());
            for (std::size_t l = 0; l < n; ++l) {
                const double limit = roads.linkSpeed[l];
                const double v = p.latest->linkSpeed[l];
                if (p.coloring == RoadColoring::BySpeed) {
                    colors[l] = render::speedRatioColor(limit > 0.0 && std::isfinite(v) ? v / limit : -1.0);
                } else {
                    colors[l] = render::delayIndexColor(limit > 0.0 && std::isfinite(v)
                                                            ? limit / std::max(v, 0.1)
                                                            : std::numeric_limits<double>::quiet_NaN());
                }
            }
        }
        p.overlay->setColors(colors);
        p.linkColors = std::move(colors);
        p.linkColorsDirty = false;
        p.linkColorsAt = p.now();
    }

    // Buildings by minutes without service follow the utility state.
    if (p.applyBuildingColors(false)) {
        Q_EMIT buildingColorsChanged();
    }

    // Closed links, redrawn when the set changes (scenario events, edits, a recorded moment).
    if (p.closures) {
        const std::vector<std::uint8_t>* closed = p.latest ? p.latest->closedLinks.get() : nullptr;
        if (closed != p.closuresShown) {
            p.closures->setClosed(closed != nullptr ? std::span<const std::uint8_t>(*closed)
                                                    : std::span<const std::uint8_t>());
            p.closuresShown = closed;
            p.closuresHeld = p.latest ? p.latest->closedLinks : nullptr;
        }
    }

    // A selected vehicle carries its marker along, and its route shows where it goes.
    if (m_selection.kind == Selection::Kind::Vehicle && p.highlight) {
        if (const VehicleSnap* v = findVehicle(p.displayed, m_selection.id)) {
            p.highlight->showMarker(v->x, v->y, v->z, 3.0 + 4.0 * exaggeration);
        } else {
            p.highlight->clear();
        }
        const RouteSnap* route = p.latest && p.latest->route && p.latest->route->trip == m_selection.id &&
                                         findVehicle(p.displayed, m_selection.id)
                                     ? p.latest->route.get()
                                     : nullptr;
        if (route != p.routeShown) {
            if (route != nullptr) {
                std::vector<LinkId> links;
                links.reserve(route->links.size());
                for (const std::uint32_t l : route->links) {
                    links.emplace_back(l);
                }
                p.highlight->showRoute(links, route->current);
            } else {
                p.highlight->clearRoute();
            }
            p.routeShown = route;
            p.routeHeld = route != nullptr ? p.latest->route : nullptr;
        }
    } else if (p.routeShown != nullptr && p.highlight) {
        p.highlight->clearRoute();
        p.routeShown = nullptr;
        p.routeHeld.reset();
    }
}

Selection CityView::pickAt(QPointF pos) {
    CityViewPrivate& p = *m_impl;
    if (!p.city || !p.scene) {
        return {};
    }
    const double dpr = devicePixelRatioF();
    const double x = pos.x() * dpr;
    const double y = pos.y() * dpr;
    osg::Camera& camera = *p.viewer->getCamera();

    // Vehicles: the middle of their bodies as drawn, within a few pixels.
    if (p.showVehicles && !p.displayed.empty()) {
        std::vector<osg::Vec3d> points;
        points.reserve(p.displayed.size());
        for (const VehicleSnap& v : p.displayed) {
            const double half = 0.5 * render::vehicleSize(v.vclass).length;
            points.emplace_back(v.x - half * std::cos(v.heading), v.y - half * std::sin(v.heading),
                                v.z + 0.8);
        }
        if (auto hit = render::pickNearestPoint(camera, points, x, y, 10.0 * dpr)) {
            return {Selection::Kind::Vehicle, p.displayed[hit->index].trip};
        }
    }
    // Facilities: their pins stand up to about 40 pixels above the ground point.
    if (p.showFacilities) {
        const Facilities& fs = p.city->facilities;
        for (std::size_t i = 0; i < fs.count(); ++i) {
            const Vec2 at = fs.position[i];
            const double ground = p.city->terrain.sample(at);
            const osg::Vec3d base(at.x, at.y, std::isfinite(ground) ? ground : 0.0);
            if (auto w = render::projectToWindow(camera, base)) {
                const double dx = std::abs(w->x() - x);
                const double dy = w->y() - y;  // positive above the base
                if (dx < 10.0 * dpr && dy > -6.0 * dpr && dy < 42.0 * dpr) {
                    return {Selection::Kind::Facility, static_cast<std::uint32_t>(i)};
                }
            }
        }
    }
    const render::ScenePick hit = render::pickScene(*p.scene, *p.city, camera, x, y);
    switch (hit.kind) {
        case render::PickKind::Building:
            return {Selection::Kind::Building, hit.id};
        case render::PickKind::Link:
            return {Selection::Kind::Link, hit.id};
        case render::PickKind::Junction:
            return {Selection::Kind::Junction, hit.id};
        case render::PickKind::None:
            break;
    }
    return {};
}

void CityView::select(Selection selection) {
    if (selection == m_selection) {
        return;
    }
    m_selection = selection;
    CityViewPrivate& p = *m_impl;
    if (p.highlight && p.city) {
        switch (selection.kind) {
            case Selection::Kind::Building:
                p.highlight->showBuilding(BuildingId(selection.id));
                break;
            case Selection::Kind::Link:
                p.highlight->showLink(LinkId(selection.id));
                break;
            case Selection::Kind::Junction:
                p.highlight->showJunction(NodeId(selection.id));
                break;
            case Selection::Kind::Facility:
                if (selection.id < p.city->facilities.count()) {
                    const Vec2 at = p.city->facilities.position[selection.id];
                    const double ground = p.city->terrain.sample(at);
                    p.highlight->showMarker(at.x, at.y, std::isfinite(ground) ? ground : 0.0, 10.0);
                }
                break;
            case Selection::Kind::Vehicle:
                p.highlight->clear();  // placed each frame where the vehicle is
                break;
            case Selection::Kind::None:
                p.highlight->clear();
                break;
        }
    }
    Q_EMIT selectionChanged(selection);
    update();
}

std::optional<QPointF> CityView::projectToWidget(QVector3D world) const {
    const auto w =
        render::projectToWindow(*m_impl->viewer->getCamera(), osg::Vec3d(world.x(), world.y(), world.z()));
    if (!w) {
        return std::nullopt;
    }
    const double dpr = devicePixelRatioF();
    return QPointF(w->x() / dpr, w->y() / dpr);
}

std::shared_ptr<const CityModel> CityView::city() const {
    return m_impl->city;
}

render::SceneStats CityView::sceneStats() const {
    return m_impl->scene ? m_impl->scene->stats : render::SceneStats{};
}

std::optional<CameraPose> CityView::homePose(bool topDown) const {
    const CityViewPrivate& p = *m_impl;
    if (!p.city) {
        return std::nullopt;
    }
    // Frame the city for the camera's actual field of view and shape.
    double fovY = 30.0;
    double aspect = 1.6;
    double zNear = 1.0;
    double zFar = 1e4;
    p.viewer->getCamera()->getProjectionMatrixAsPerspective(fovY, aspect, zNear, zFar);
    if (height() > 0) {
        aspect = static_cast<double>(width()) / height();
    }
    const render::HomeView home = render::homeView(*p.city, render::SceneOptions{}, fovY, aspect);
    CameraPose pose = poseFromLookAt(home.eye, home.center, home.up);
    if (topDown) {
        // As far away as the oblique view, straight above its centre, north up.
        pose.heading = 0.0;
        pose.tilt = 0.0;
    }
    return pose;
}

void CityView::resetCamera(bool animate) {
    CityViewPrivate& p = *m_impl;
    const std::optional<CameraPose> home = homePose(false);
    if (!home) {
        return;
    }
    if (animate) {
        flyTo(*home);
        return;
    }
    // Also the manipulator's home (Space).
    p.manipulator->setHomePosition(
        osg::Vec3d(home->cx, home->cy, home->cz) + rotationOf(*home) * osg::Vec3d(0, 0, home->distance),
        osg::Vec3d(home->cx, home->cy, home->cz), rotationOf(*home) * osg::Vec3d(0, 1, 0));
    p.flight.active = false;
    stopFollowing();
    setCameraPose(*home);
}

void CityView::topDownView(bool animate) {
    const std::optional<CameraPose> pose = homePose(true);
    if (!pose) {
        return;
    }
    if (animate) {
        flyTo(*pose);
    } else {
        m_impl->flight.active = false;
        stopFollowing();
        setCameraPose(*pose);
    }
}

void CityView::lookStraightDown() {
    if (!m_impl->city) {
        return;
    }
    CameraPose pose = cameraPose();
    pose.heading = 0.0;
    pose.tilt = 0.0;
    flyTo(pose);
}

void CityView::lookOblique() {
    if (!m_impl->city) {
        return;
    }
    CameraPose pose = cameraPose();
    pose.tilt = 50.0;
    flyTo(pose);
}

CameraPose CityView::cameraPose() const {
    return poseOf(*m_impl->manipulator);
}

void CityView::setCameraPose(const CameraPose& pose) {
    m_impl->flight.active = false;
    applyPose(*m_impl->manipulator, pose);
    update();
}

void CityView::flyTo(const CameraPose& pose, double seconds) {
    CityViewPrivate& p = *m_impl;
    stopFollowing();
    if (seconds <= 0.0) {
        setCameraPose(pose);
        return;
    }
    p.flight.active = true;
    p.flight.from = cameraPose();
    p.flight.to = pose;
    p.flight.start = p.now();
    p.flight.duration = seconds;
    update();
}

bool CityView::cameraFlying() const {
    return m_impl->flight.active;
}

QVector3D CityView::cameraCenter() const {
    const osg::Vec3d c = m_impl->manipulator->getCenter();
    return {static_cast<float>(c.x()), static_cast<float>(c.y()), static_cast<float>(c.z())};
}

std::optional<CameraPose> CityView::poseFor(Selection selection) const {
    const CityViewPrivate& p = *m_impl;
    if (!p.city) {
        return std::nullopt;
    }
    const CityModel& city = *p.city;
    double x = 0.0;
    double y = 0.0;
    double z = 0.0;
    double radius = 0.0;  // m, about half the object's size
    switch (selection.kind) {
        case Selection::Kind::Building: {
            if (selection.id >= city.buildings.count()) {
                return std::nullopt;
            }
            const Vec2 c = city.buildings.centroid[selection.id];
            x = c.x;
            y = c.y;
            z = groundAt(city, c) + 0.5 * city.buildings.height[selection.id];
            radius = std::max(std::sqrt(static_cast<double>(city.buildings.area[selection.id])),
                              static_cast<double>(city.buildings.height[selection.id]));
            break;
        }
        case Selection::Kind::Link: {
            if (selection.id >= city.roads.linkCount()) {
                return std::nullopt;
            }
            Box2 box;
            for (const Vec2 v : city.roads.shape(LinkId(selection.id))) {
                box.add(v);
            }
            const Vec2 c{0.5 * (box.min.x + box.max.x), 0.5 * (box.min.y + box.max.y)};
            x = c.x;
            y = c.y;
            z = groundAt(city, c);
            radius = 0.5 * std::hypot(box.max.x - box.min.x, box.max.y - box.min.y);
            break;
        }
        case Selection::Kind::Junction: {
            if (selection.id >= city.roads.nodeCount()) {
                return std::nullopt;
            }
            const Vec2 c = city.roads.nodePos[selection.id];
            x = c.x;
            y = c.y;
            z = groundAt(city, c);
            radius = 20.0;
            break;
        }
        case Selection::Kind::Facility: {
            if (selection.id >= city.facilities.count()) {
                return std::nullopt;
            }
            const Vec2 c = city.facilities.position[selection.id];
            x = c.x;
            y = c.y;
            z = groundAt(city, c);
            radius = 30.0;
            break;
        }
        case Selection::Kind::Vehicle: {
            const VehicleSnap* v = findVehicle(p.displayed, selection.id);
            if (v == nullptr && p.latest) {
                v = p.latest->find(selection.id);
            }
            if (v == nullptr) {
                return std::nullopt;
            }
            x = v->x;
            y = v->y;
            z = v->z;
            radius = 10.0;
            break;
        }
        case Selection::Kind::None:
            return std::nullopt;
    }
    CameraPose pose = cameraPose();
    pose.cx = x;
    pose.cy = y;
    pose.cz = z;
    // The object in the middle third of the view (30 degrees of field of view), with its
    // surroundings around it.
    pose.distance = std::clamp(7.0 * radius, 150.0, 4000.0);
    // Oblique, but not from the side (where nearer buildings would hide it).
    pose.tilt = std::clamp(pose.tilt, 0.0, 55.0);
    return pose;
}

bool CityView::flyToObject(Selection selection, double seconds) {
    const std::optional<CameraPose> pose = poseFor(selection);
    if (!pose) {
        return false;
    }
    flyTo(*pose, seconds);
    return true;
}

bool CityView::followVehicle(std::uint32_t trip) {
    CityViewPrivate& p = *m_impl;
    const std::optional<CameraPose> pose = poseFor({Selection::Kind::Vehicle, trip});
    if (!pose) {
        return false;
    }
    // Fly there (keeping the distance when already close), then stay on it.
    CameraPose target = *pose;
    target.distance = std::min(cameraPose().distance, 400.0);
    flyTo(target);
    p.follow = trip;
    Q_EMIT followingChanged(true);
    update();
    return true;
}

void CityView::stopFollowing() {
    if (m_impl->follow) {
        m_impl->follow.reset();
        Q_EMIT followingChanged(false);
    }
}

std::optional<std::uint32_t> CityView::followedVehicle() const {
    return m_impl->follow;
}

void CityView::advanceCamera() {
    CityViewPrivate& p = *m_impl;
    if (p.follow) {
        const VehicleSnap* v = findVehicle(p.displayed, *p.follow);
        if (v == nullptr) {
            stopFollowing();  // arrived (or gone with a new run)
        } else if (p.flight.active) {
            // Flying in: aim at where the vehicle is now.
            p.flight.to.cx = v->x;
            p.flight.to.cy = v->y;
            p.flight.to.cz = v->z;
        } else {
            p.manipulator->setCenter(osg::Vec3d(v->x, v->y, v->z));
        }
    }
    if (p.flight.active) {
        const double t = p.flight.duration > 0.0 ? (p.now() - p.flight.start) / p.flight.duration : 1.0;
        applyPose(*p.manipulator, interpolatePose(p.flight.from, p.flight.to, easeInOut(t)));
        if (t >= 1.0) {
            p.flight.active = false;
        }
    }
}

void CityView::zoomBy(double factor) {
    if (factor > 0.0) {
        m_impl->manipulator->setDistance(m_impl->manipulator->getDistance() * factor);
        update();
    }
}

QVector3D CityView::cameraPosition() const {
    const osg::Vec3d eye = m_impl->manipulator->getMatrix().getTrans();
    return {static_cast<float>(eye.x()), static_cast<float>(eye.y()), static_cast<float>(eye.z())};
}

QImage CityView::renderFrame() {
    return grabFramebuffer().convertToFormat(QImage::Format_RGB32);
}

QImage CityView::renderFrame(QSize size) {
    if (!size.isValid() || size.isEmpty() || context() == nullptr) {
        return {};
    }
    CityViewPrivate& p = *m_impl;
    makeCurrent();
    QOpenGLFramebufferObjectFormat format;
    format.setAttachment(QOpenGLFramebufferObject::CombinedDepthStencil);
    QOpenGLFramebufferObject fbo(size, format);
    if (!fbo.isValid()) {
        doneCurrent();
        return {};
    }
    // The same camera and scene, drawn into an FBO of the size asked for: the viewport and the
    // projection's aspect follow the size, and go back to the widget's afterwards.
    const double dpr = devicePixelRatioF();
    const int w = std::max(1, static_cast<int>(std::lround(width() * dpr)));
    const int h = std::max(1, static_cast<int>(std::lround(height() * dpr)));
    p.window->setDefaultFboId(fbo.handle());
    p.queue()->windowResize(0, 0, size.width(), size.height());
    p.window->resized(0, 0, size.width(), size.height());
    updateDynamicLayers();
    advanceCamera();
    p.viewer->frame();
    QImage image = fbo.toImage().convertToFormat(QImage::Format_RGB32);
    fbo.release();
    p.queue()->windowResize(0, 0, w, h);
    p.window->resized(0, 0, w, h);
    p.window->setDefaultFboId(defaultFramebufferObject());
    doneCurrent();
    update();
    return image;
}

QColor CityView::clearColor() {
    const render::Rgb sky = render::skyColor();
    return QColor::fromRgbF(sky.r, sky.g, sky.b);
}

void CityView::initializeGL() {
    // Nothing to set up: OSG initialises its GL state on the first frame.
}

void CityView::resizeGL(int width, int height) {
    const double dpr = devicePixelRatioF();
    const int w = std::max(1, static_cast<int>(std::lround(width * dpr)));
    const int h = std::max(1, static_cast<int>(std::lround(height * dpr)));
    CityViewPrivate& p = *m_impl;
    p.queue()->windowResize(0, 0, w, h);
    p.window->resized(0, 0, w, h);
}

void CityView::paintGL() {
    QElapsedTimer timer;
    timer.start();
    // QOpenGLWidget renders into its own framebuffer object, which changes on resize.
    m_impl->window->setDefaultFboId(defaultFramebufferObject());
    updateDynamicLayers();
    advanceCamera();
    m_impl->viewer->frame();
    if (m_impl->flight.active) {
        update();  // the next frame of the flight
    }
    Q_EMIT frameRendered(static_cast<double>(timer.nsecsElapsed()) / 1e6);
}

void CityView::mousePressEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    int button = osgButton(event->button());
    // Shift + left drag pans, for mice and touchpads without a middle button.
    if (button == 1 && (event->modifiers() & Qt::ShiftModifier)) {
        m_impl->shiftPan = true;
        button = 2;
    }
    // Input takes the camera over: a flight ends where it is; a pan ends following.
    m_impl->flight.active = false;
    if (button == 2) {
        stopFollowing();
    }
    // A left press may become a click (selection) if the mouse does not move before release.
    m_impl->clickCandidate = button == 1;
    m_impl->pressPos = event->position();
    m_impl->queue()->mouseButtonPress(static_cast<float>(event->position().x() * dpr),
                                      static_cast<float>(event->position().y() * dpr), button);
    update();
}

void CityView::mouseReleaseEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    int button = osgButton(event->button());
    if (button == 1 && m_impl->shiftPan) {
        m_impl->shiftPan = false;
        button = 2;
    }
    m_impl->queue()->mouseButtonRelease(static_cast<float>(event->position().x() * dpr),
                                        static_cast<float>(event->position().y() * dpr), button);
    if (button == 1 && m_impl->clickCandidate) {
        m_impl->clickCandidate = false;
        if ((event->position() - m_impl->pressPos).manhattanLength() <= 4.0) {
            select(pickAt(event->position()));
        }
    }
    update();
}

void CityView::mouseDoubleClickEvent(QMouseEvent* event) {
    // A double click on an object selects it and flies there; OSG does not see it (its
    // manipulators would start their own animation).
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier) == 0) {
        const Selection hit = pickAt(event->position());
        if (!hit.empty()) {
            select(hit);
            flyToObject(hit);
        }
    }
    // Qt sends a release after this; the manipulator must have seen a press for it.
    const double dpr = devicePixelRatioF();
    m_impl->queue()->mouseButtonPress(static_cast<float>(event->position().x() * dpr),
                                      static_cast<float>(event->position().y() * dpr),
                                      osgButton(event->button()));
    update();
}

void CityView::mouseMoveEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    if (m_impl->clickCandidate && (event->position() - m_impl->pressPos).manhattanLength() > 4.0) {
        m_impl->clickCandidate = false;  // a drag, not a click
    }
    m_impl->queue()->mouseMotion(static_cast<float>(event->position().x() * dpr),
                                 static_cast<float>(event->position().y() * dpr));
    update();
}

void CityView::wheelEvent(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        return;
    }
    m_impl->flight.active = false;
    m_impl->queue()->mouseScroll(delta > 0 ? osgGA::GUIEventAdapter::SCROLL_UP
                                           : osgGA::GUIEventAdapter::SCROLL_DOWN);
    update();
}

void CityView::keyPressEvent(QKeyEvent* event) {
    const int key = osgKey(*event);
    if (key == 0) {
        QOpenGLWidget::keyPressEvent(event);
        return;
    }
    m_impl->flight.active = false;
    if (event->key() == Qt::Key_Space) {
        stopFollowing();  // home
    }
    setModifiers(*m_impl->queue(), event->modifiers());
    m_impl->queue()->keyPress(key);
    update();
}

void CityView::keyReleaseEvent(QKeyEvent* event) {
    const int key = osgKey(*event);
    if (key == 0) {
        QOpenGLWidget::keyReleaseEvent(event);
        return;
    }
    m_impl->queue()->keyRelease(key);
    update();
}

}  // namespace ct::gui
