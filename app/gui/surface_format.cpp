#include "surface_format.h"

namespace ct::gui {

QSurfaceFormat cityViewSurfaceFormat() {
    QSurfaceFormat format;
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 3);
    format.setProfile(QSurfaceFormat::CompatibilityProfile);
    format.setOption(QSurfaceFormat::DeprecatedFunctions);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    format.setSwapInterval(0);
    return format;
}

void installDefaultSurfaceFormat() {
    QSurfaceFormat::setDefaultFormat(cityViewSurfaceFormat());
}

bool isCompatibilityContext(const QSurfaceFormat& format) {
    if (format.profile() == QSurfaceFormat::CoreProfile) {
        return false;
    }
    // Before 3.2 there are no profiles: every context is a full one.
    const bool profiles =
        format.majorVersion() > 3 || (format.majorVersion() == 3 && format.minorVersion() >= 2);
    return !profiles || format.profile() == QSurfaceFormat::CompatibilityProfile ||
           format.testOption(QSurfaceFormat::DeprecatedFunctions);
}

}  // namespace ct::gui
