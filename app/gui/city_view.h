#pragma once
/// The 3D view of a city: an OpenSceneGraph viewer embedded in a QOpenGLWidget.
///
/// OSG headers stay out of this header (pimpl): every unit that includes it also runs moc.

#include <memory>

#include <QOpenGLWidget>
#include <QVector3D>

#include "citytwin/render/scene_stats.h"

namespace ct {
struct CityModel;
}
namespace ct::render {
struct SceneBuild;
}

namespace ct::gui {

struct CityViewPrivate;

/// Shows one city at a time and lets the user orbit (left drag), pan (middle or Shift + left
/// drag), zoom (right drag or wheel) and go home (Space). Renders on demand, only after input or
/// changes.
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

    /// Moves the camera back to the oblique overview of the whole city.
    void resetCamera();
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
    std::unique_ptr<CityViewPrivate> m_impl;
};

}  // namespace ct::gui
