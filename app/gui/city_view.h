#pragma once
/// The 3D view of a city: an OpenSceneGraph viewer embedded in a QOpenGLWidget.
///
/// OSG headers stay out of this header (pimpl): every unit that includes it also runs moc.

#include <memory>
#include <optional>

#include <QOpenGLWidget>
#include <QString>
#include <QVector3D>

#include "camera_pose.h"
#include "citytwin/render/palette.h"
#include "citytwin/render/scene_stats.h"
#include "selection.h"

namespace ct {
struct CityModel;
}
namespace ct::render {
struct SceneBuild;
class LaneGeometry;
}  // namespace ct::render
namespace ct::traffic {
struct TrafficNetwork;
}
namespace ct::utility {
struct UtilityModel;
}

namespace ct::gui {

struct CityViewPrivate;
struct SimSnapshot;

/// Shows one city at a time and lets the user orbit (left drag), pan (middle or Shift + left
/// drag), zoom (right drag or wheel) and go home (Space); a click (press and release without
/// moving) selects the object under the cursor, a double click selects it and flies to it.
/// Renders on demand, only after input or changes (and every frame while the camera flies).
///
/// Camera: flyTo() moves the camera smoothly to a pose (CameraPose, interpolatePose) over about
/// 0.6 s; any mouse or key input ends a flight where it is. followVehicle() keeps the camera
/// centred on a vehicle as it is drawn (between snapshots too) until it arrives, the user pans,
/// another flight starts or stopFollowing() is called.
///
/// Traffic: showSnapshot() hands the view the simulation's newest published snapshot; the view
/// draws the vehicles moving smoothly from the previous snapshot's positions to the new ones over
/// the snapshot's wallPeriod (so it shows the simulation about one step late), and colours links
/// by their live speed when asked. It reads snapshots only, never the simulation.
///
/// GUI thread only. The OpenGL context must be a compatibility one (see surface_format.h).
class CityView : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit CityView(QWidget* parent = nullptr);
    ~CityView() override;

    /// Shows `city`, building its scene here and now (on the GUI thread).
    void setCity(std::shared_ptr<const CityModel> city);
    /// Shows `city` with a scene already built from it (for example on a worker thread).
    /// The view keeps both alive; the scene must not be used elsewhere afterwards.
    void setCity(std::shared_ptr<const CityModel> city, std::shared_ptr<render::SceneBuild> scene);
    /// The city shown, null before the first one.
    [[nodiscard]] std::shared_ptr<const CityModel> city() const;
    /// What the current scene holds (all zero without a city).
    [[nodiscard]] render::SceneStats sceneStats() const;

    /// Layers that can be switched on and off.
    enum class Layer {
        Buildings,
        Vehicles,
        Facilities,
        Signals,
        WaterNetwork,
        PowerNetwork,
        BuildingService
    };
    void setLayerVisible(Layer layer, bool visible);
    [[nodiscard]] bool layerVisible(Layer layer) const;
    /// Roads in their class colours, or each direction coloured by its live mean speed as a share
    /// of the speed limit (render::speedRatioColor).
    /// What the road links are coloured by: their class (the road ribbons), or live figures in a
    /// heatmap overlay: mean speed / limit, delay index (limit / mean speed: free-flow over
    /// actual travel time, over the last minute), or density (vehicles per km and lane now).
    enum class RoadColoring { ByClass, BySpeed, ByDelay, ByDensity };
    /// What the buildings are coloured by: their use (the palette), or an attribute on a
    /// sequential ramp (render::attributeColor) from 0 to the scale's top (buildingScale()):
    /// height, storeys, residents, jobs, footprint area, or, with utilities, the minutes so far
    /// without power or water.
    enum class BuildingColoring {
        ByUse,
        ByHeight,
        ByLevels,
        ByResidents,
        ByJobs,
        ByFootprint,
        ByMinutesWithoutPower,
        ByMinutesWithoutWater
    };
    void setBuildingColoring(BuildingColoring coloring);
    [[nodiscard]] BuildingColoring buildingColoring() const;
    /// The attribute coloured: its name and unit, and the value at the ramp's top (the 95th
    /// percentile of the city's values, so a few towers do not wash the rest out; for minutes
    /// without service, the largest so far, at least 60).
    struct BuildingScale {
        QString name;
        QString unit;
        double top = 0.0;
    };
    [[nodiscard]] BuildingScale buildingScale() const;
    /// The colour a building has now (its walls).
    [[nodiscard]] render::Rgb buildingColorShown(std::uint32_t building) const;
    /// "use", "height", "levels", "residents", "jobs", "footprint", "no_power_min", "no_water_min".
    [[nodiscard]] static QString buildingColoringKey(BuildingColoring coloring);
    [[nodiscard]] static std::optional<BuildingColoring> buildingColoringFromKey(const QString& key);

    /// "class", "speed", "delay", "density" (the --roads option and the settings).
    [[nodiscard]] static QString roadColoringKey(RoadColoring coloring);
    [[nodiscard]] static std::optional<RoadColoring> roadColoringFromKey(const QString& key);
    /// The colour the overlay gives a link now (the last recolouring); noDataColor() when none.
    [[nodiscard]] render::Rgb linkColorShown(std::uint32_t link) const;
    void setRoadColoring(RoadColoring coloring);
    [[nodiscard]] RoadColoring roadColoring() const;

    /// Draws the signals of a traffic network built from the city shown (null: none), their
    /// states following the snapshots' time. The view keeps both alive.
    void setSignals(std::shared_ptr<const traffic::TrafficNetwork> network,
                    std::shared_ptr<const render::LaneGeometry> lanes);
    /// Draws the city's water and power networks and the service of its buildings (null:
    /// none), their state following the snapshots' utilities. The view keeps the model alive.
    void setUtilities(std::shared_ptr<const utility::UtilityModel> model);
    /// Buildings shown without water or power now; water and power segments drawn.
    [[nodiscard]] std::size_t buildingsWithoutServiceShown() const;
    [[nodiscard]] std::size_t waterSegmentsDrawn() const;
    [[nodiscard]] std::size_t powerSegmentsDrawn() const;
    /// Signalised connections drawn (0 without a network).
    [[nodiscard]] std::size_t signalsDrawn() const;

    /// Shows the vehicles and link speeds of `snapshot` (null: no traffic). The view keeps it and
    /// the one before, to move vehicles smoothly between them.
    /// With `animate` false the vehicles are drawn exactly where the snapshot has them, at once
    /// (a recorded moment of the timeline, not the next step of the run).
    void showSnapshot(std::shared_ptr<const SimSnapshot> snapshot, bool animate = true);
    /// The snapshot whose vehicles are drawn (null: none).
    [[nodiscard]] std::shared_ptr<const SimSnapshot> snapshotShown() const;
    /// True while vehicles are still moving towards the newest snapshot's positions, or the
    /// camera flies or follows a moving vehicle: the owner should keep calling update() (a
    /// timer) until this turns false.
    [[nodiscard]] bool animating() const;
    /// Vehicles drawn in the last frame.
    /// Road links drawn as closed now (striped, with a barrier).
    [[nodiscard]] std::size_t closedLinksDrawn() const;
    /// Line segments of the selected vehicle's route drawn now (0: none shown).
    [[nodiscard]] std::size_t routeSegmentsDrawn() const;
    [[nodiscard]] std::size_t vehiclesDrawn() const;
    /// Where the vehicle of `trip` was drawn in the last frame (front bumper, m); nullopt when it
    /// was not drawn.
    [[nodiscard]] std::optional<QVector3D> vehicleShown(std::uint32_t trip) const;

    /// Picks the object under a point of the widget (logical pixels): a vehicle or facility
    /// within a few pixels, else the building, link or junction the ray hits first.
    [[nodiscard]] Selection pickAt(QPointF pos);
    /// Highlights `selection` (Kind::None clears it) and emits selectionChanged when it changed.
    void select(Selection selection);
    [[nodiscard]] Selection selection() const { return m_selection; }
    /// Where a world point appears in the widget (logical pixels); nullopt when behind the camera.
    [[nodiscard]] std::optional<QPointF> projectToWidget(QVector3D world) const;

    /// Moves the camera back to the oblique overview of the whole city (with `animate`, in a
    /// flight).
    void resetCamera(bool animate = false);
    /// Looks straight down on the whole city.
    void topDownView(bool animate = false);
    /// Flies to look straight down on the point looked at now (north up), from as far.
    void lookStraightDown();
    /// Flies to the oblique view (50 degrees from straight down) of the point looked at now.
    void lookOblique();

    /// Seconds a camera flight takes by default.
    static constexpr double kFlightSeconds = 0.6;
    /// The camera's pose now.
    [[nodiscard]] CameraPose cameraPose() const;
    /// Puts the camera at `pose` at once (ending a flight).
    void setCameraPose(const CameraPose& pose);
    /// Moves the camera smoothly (eased) to `pose` over `seconds`; 0 jumps. Stops following.
    void flyTo(const CameraPose& pose, double seconds = kFlightSeconds);
    /// True while a flight is under way.
    [[nodiscard]] bool cameraFlying() const;
    /// The pose that frames an object of the city shown (or a vehicle as drawn), from the
    /// current heading; nullopt when there is no such object (or the vehicle is not on the road).
    [[nodiscard]] std::optional<CameraPose> poseFor(Selection selection) const;
    /// Flies to an object (poseFor); false when there is none.
    bool flyToObject(Selection selection, double seconds = kFlightSeconds);
    /// The point the camera looks at and orbits (m).
    [[nodiscard]] QVector3D cameraCenter() const;

    /// Keeps the camera centred on the vehicle of `trip` wherever it is drawn, flying there first;
    /// false (and nothing changes) when it is not on the road now.
    bool followVehicle(std::uint32_t trip);
    /// Stops following (no-op when not following).
    void stopFollowing();
    /// The trip followed, nullopt when none.
    [[nodiscard]] std::optional<std::uint32_t> followedVehicle() const;
    /// Moves the camera `factor` times as far from the point it looks at (< 1: closer).
    void zoomBy(double factor);
    /// Where the camera is, in the city's local frame (m; x east, y north, z up). Input moves
    /// the camera when the next frame is drawn.
    [[nodiscard]] QVector3D cameraPosition() const;
    /// Renders one frame now and returns it (the widget must have been shown once).
    QImage renderFrame();
    /// Renders one frame offscreen at `size` (device pixels), whatever the widget's size: the
    /// same camera and scene, the aspect following `size` (video export). Null on failure.
    QImage renderFrame(QSize size);
    /// The colour of empty sky, the view's clear colour.
    [[nodiscard]] static QColor clearColor();

Q_SIGNALS:
    /// After each frame: how long the frame took, in ms.
    void frameRendered(double milliseconds);
    /// The selection changed (by a click or select()).
    void selectionChanged(ct::gui::Selection selection);
    /// The buildings were recoloured (another attribute, a new city, new utility state).
    void buildingColorsChanged();
    /// Following a vehicle started (true) or ended (false: arrival, a pan, another flight, a new
    /// city or stopFollowing()).
    void followingChanged(bool following);

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;

    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;

private:
    void updateDynamicLayers();
    /// Moves the camera for this frame: the flight under way and the vehicle followed.
    void advanceCamera();
    /// The home view (oblique overview) as a pose, and its top-down twin.
    [[nodiscard]] std::optional<CameraPose> homePose(bool topDown) const;

    std::unique_ptr<CityViewPrivate> m_impl;
    Selection m_selection;
};

}  // namespace ct::gui
