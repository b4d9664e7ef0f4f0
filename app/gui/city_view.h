#pragma once
/// The 3D view of a city: an OpenSceneGraph viewer embedded in a QOpenGLWidget.
///
/// OSG headers stay out of this header (pimpl): every unit that includes it also runs moc.

#include <memory>
#include <optional>

#include <QOpenGLWidget>
#include <QVector3D>

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

namespace ct::gui {

struct CityViewPrivate;
struct SimSnapshot;

/// Shows one city at a time and lets the user orbit (left drag), pan (middle or Shift + left
/// drag), zoom (right drag or wheel) and go home (Space); a click (press and release without
/// moving) selects the object under the cursor. Renders on demand, only after input or changes.
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
    enum class Layer { Buildings, Vehicles, Facilities, Signals };
    void setLayerVisible(Layer layer, bool visible);
    [[nodiscard]] bool layerVisible(Layer layer) const;
    /// Roads in their class colours, or each direction coloured by its live mean speed as a share
    /// of the speed limit (render::speedRatioColor).
    enum class RoadColoring { ByClass, BySpeed };
    void setRoadColoring(RoadColoring coloring);
    [[nodiscard]] RoadColoring roadColoring() const;

    /// Draws the signals of a traffic network built from the city shown (null: none), their
    /// states following the snapshots' time. The view keeps both alive.
    void setSignals(std::shared_ptr<const traffic::TrafficNetwork> network,
                    std::shared_ptr<const render::LaneGeometry> lanes);
    /// Signalised connections drawn (0 without a network).
    [[nodiscard]] std::size_t signalsDrawn() const;

    /// Shows the vehicles and link speeds of `snapshot` (null: no traffic). The view keeps it and
    /// the one before, to move vehicles smoothly between them.
    void showSnapshot(std::shared_ptr<const SimSnapshot> snapshot);
    /// True while vehicles are still moving towards the newest snapshot's positions: the owner
    /// should keep calling update() (a timer) until this turns false.
    [[nodiscard]] bool animating() const;
    /// Vehicles drawn in the last frame.
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

    /// Moves the camera back to the oblique overview of the whole city.
    void resetCamera();
    /// Looks straight down on the whole city.
    void topDownView();
    /// Moves the camera `factor` times as far from the point it looks at (< 1: closer).
    void zoomBy(double factor);
    /// Where the camera is, in the city's local frame (m; x east, y north, z up). Input moves
    /// the camera when the next frame is drawn.
    [[nodiscard]] QVector3D cameraPosition() const;
    /// Renders one frame now and returns it (the widget must have been shown once).
    QImage renderFrame();
    /// The colour of empty sky, the view's clear colour.
    [[nodiscard]] static QColor clearColor();

signals:
    /// After each frame: how long the frame took, in ms.
    void frameRendered(double milliseconds);
    /// The selection changed (by a click or select()).
    void selectionChanged(ct::gui::Selection selection);

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

    std::unique_ptr<CityViewPrivate> m_impl;
    Selection m_selection;
};

}  // namespace ct::gui
