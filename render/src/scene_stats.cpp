#include "citytwin/render/scene_stats.h"

#include <osg/Geometry>
#include <osg/NodeVisitor>
#include <osgText/TextBase>

namespace ct::render {

namespace {

class StatsVisitor : public osg::NodeVisitor {
public:
    StatsVisitor() : osg::NodeVisitor(osg::NodeVisitor::TRAVERSE_ALL_CHILDREN) {}

    void apply(osg::Drawable& drawable) override {
        if (dynamic_cast<osgText::TextBase*>(&drawable) != nullptr) {
            ++stats.labels;
            ++stats.drawCalls;
            return;
        }
        const osg::Geometry* geom = drawable.asGeometry();
        if (geom == nullptr) {
            return;
        }
        ++stats.geometries;
        if (geom->getVertexArray() != nullptr) {
            stats.vertices += geom->getVertexArray()->getNumElements();
        }
        for (unsigned i = 0; i < geom->getNumPrimitiveSets(); ++i) {
            const osg::PrimitiveSet* ps = geom->getPrimitiveSet(i);
            ++stats.drawCalls;
            const unsigned n = ps->getNumIndices();
            switch (ps->getMode()) {
                case GL_TRIANGLES:
                    stats.triangles += n / 3;
                    break;
                case GL_TRIANGLE_STRIP:
                case GL_TRIANGLE_FAN:
                    stats.triangles += n >= 3 ? n - 2 : 0;
                    break;
                default:
                    break;
            }
        }
    }

    SceneStats stats;
};

}  // namespace

SceneStats collectSceneStats(const osg::Node& root) {
    StatsVisitor visitor;
    // Traversal only reads; OSG's visitor interface is simply not const.
    const_cast<osg::Node&>(root).accept(visitor);
    return visitor.stats;
}

}  // namespace ct::render
