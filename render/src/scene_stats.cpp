#include "citytwin/render/scene_stats.h"

#include <osg/Geometry>
#include <osg/LOD>
#include <osg/NodeVisitor>
#include <osgText/TextBase>

namespace ct::render {

namespace {

class StatsVisitor : public osg::NodeVisitor {
public:
    StatsVisitor() : osg::NodeVisitor(osg::NodeVisitor::TRAVERSE_ALL_CHILDREN) {}

    /// Of a level of detail, only the most detailed child (the one drawn nearest) counts: the
    /// stats say what the scene draws close up, not the sum of its alternatives.
    void apply(osg::LOD& lod) override {
        int best = -1;
        for (unsigned i = 0; i < lod.getNumChildren(); ++i) {
            if (best < 0 || lod.getMinRange(i) < lod.getMinRange(static_cast<unsigned>(best))) {
                best = static_cast<int>(i);
            }
        }
        if (best >= 0) {
            lod.getChild(static_cast<unsigned>(best))->accept(*this);
        }
    }

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
