#include "city_view.h"

#include <algorithm>
#include <cmath>

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <osgGA/TerrainManipulator>
#include <osgViewer/Viewer>

#include "citytwin/render/palette.h"
#include "citytwin/render/scene_builder.h"
#include "citytwin/sim/city_model.h"

namespace ct::gui {

struct CityViewPrivate {
    osg::ref_ptr<osgViewer::Viewer> viewer;
    osg::ref_ptr<osgViewer::GraphicsWindowEmbedded> window;
    osg::ref_ptr<osgGA::TerrainManipulator> manipulator;
    std::shared_ptr<const CityModel> city;
    std::shared_ptr<render::SceneBuild> scene;
    bool shiftPan = false;  ///< the left button went down with Shift: it pans like the middle one

    [[nodiscard]] osgGA::EventQueue* queue() const { return window->getEventQueue(); }
};

namespace {

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
    p.viewer->setSceneData(scene->root.get());
    p.city = std::move(city);
    p.scene = std::move(scene);
    resetCamera();
}

std::shared_ptr<const CityModel> CityView::city() const {
    return m_impl->city;
}

render::SceneStats CityView::sceneStats() const {
    return m_impl->scene ? m_impl->scene->stats : render::SceneStats{};
}

void CityView::resetCamera() {
    CityViewPrivate& p = *m_impl;
    if (!p.city) {
        return;
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
    p.manipulator->setHomePosition(home.eye, home.center, home.up);
    p.manipulator->home(0.0);
    update();
}

QVector3D CityView::cameraPosition() const {
    const osg::Vec3d eye = m_impl->manipulator->getMatrix().getTrans();
    return {static_cast<float>(eye.x()), static_cast<float>(eye.y()), static_cast<float>(eye.z())};
}

QImage CityView::renderFrame() {
    return grabFramebuffer().convertToFormat(QImage::Format_RGB32);
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
    m_impl->viewer->frame();
    emit frameRendered(static_cast<double>(timer.nsecsElapsed()) / 1e6);
}

void CityView::mousePressEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    int button = osgButton(event->button());
    // Shift + left drag pans, for mice and touchpads without a middle button.
    if (button == 1 && (event->modifiers() & Qt::ShiftModifier)) {
        m_impl->shiftPan = true;
        button = 2;
    }
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
    update();
}

void CityView::mouseDoubleClickEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    m_impl->queue()->mouseDoubleButtonPress(static_cast<float>(event->position().x() * dpr),
                                            static_cast<float>(event->position().y() * dpr),
                                            osgButton(event->button()));
    update();
}

void CityView::mouseMoveEvent(QMouseEvent* event) {
    const double dpr = devicePixelRatioF();
    m_impl->queue()->mouseMotion(static_cast<float>(event->position().x() * dpr),
                                 static_cast<float>(event->position().y() * dpr));
    update();
}

void CityView::wheelEvent(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        return;
    }
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
