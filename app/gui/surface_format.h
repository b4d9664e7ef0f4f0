#pragma once
/// The OpenGL surface format the 3D view needs.

#include <QSurfaceFormat>

namespace ct::gui {

/// OpenGL 3.3 compatibility profile with deprecated functions, depth 24, stencil 8, no vsync.
///
/// Debian's OpenSceneGraph is a fixed-function (GL1/GL2) build: it draws nothing in a core
/// profile. With Qt 6.4 on Mesa, CompatibilityProfile alone still yields a 4.5 core context;
/// DeprecatedFunctions is what makes it a compatibility context.
QSurfaceFormat cityViewSurfaceFormat();

/// Makes cityViewSurfaceFormat() the application default. Call before constructing the
/// QApplication (in the app and in every GUI test).
void installDefaultSurfaceFormat();

/// True when `format` describes a context OSG can draw with (compatibility, not core).
bool isCompatibilityContext(const QSurfaceFormat& format);

}  // namespace ct::gui
