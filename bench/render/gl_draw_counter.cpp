#include "gl_draw_counter.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <GL/gl.h>

namespace {

ct::bench::GlDrawCounts g_counts;

/// The next definition of `name` after this executable's: the driver's (libGL).
template <class Fn>
Fn next(const char* name) {
    void* p = dlsym(RTLD_NEXT, name);
    if (p == nullptr) {
        std::fprintf(stderr, "citytwin-render-bench: no GL function %s\n", name);
        std::abort();
    }
    Fn f = nullptr;
    static_assert(sizeof f == sizeof p);
    std::memcpy(&f, &p, sizeof f);
    return f;
}

using DrawArrays = void (*)(GLenum, GLint, GLsizei);
using DrawElements = void (*)(GLenum, GLsizei, GLenum, const void*);
using DrawRangeElements = void (*)(GLenum, GLuint, GLuint, GLsizei, GLenum, const void*);
using DrawArraysInstanced = void (*)(GLenum, GLint, GLsizei, GLsizei);
using DrawElementsInstanced = void (*)(GLenum, GLsizei, GLenum, const void*, GLsizei);

void countInstanced(GLsizei instances) {
    ++g_counts.calls;
    ++g_counts.instanced;
    g_counts.instances += instances > 0 ? static_cast<std::uint64_t>(instances) : 0u;
}

}  // namespace

namespace ct::bench {

GlDrawCounts glDrawCounts() {
    return g_counts;
}

void resetGlDrawCounts() {
    g_counts = {};
}

}  // namespace ct::bench

// The interposed entry points (C linkage, exported from the executable).
extern "C" {

#define CT_GL_EXPORT __attribute__((visibility("default")))

CT_GL_EXPORT void glDrawArrays(GLenum mode, GLint first, GLsizei count) {
    static const auto real = next<DrawArrays>("glDrawArrays");
    ++g_counts.calls;
    real(mode, first, count);
}

CT_GL_EXPORT void glDrawElements(GLenum mode, GLsizei count, GLenum type, const void* indices) {
    static const auto real = next<DrawElements>("glDrawElements");
    ++g_counts.calls;
    real(mode, count, type, indices);
}

CT_GL_EXPORT void glDrawRangeElements(GLenum mode, GLuint start, GLuint end, GLsizei count, GLenum type,
                                      const void* indices) {
    static const auto real = next<DrawRangeElements>("glDrawRangeElements");
    ++g_counts.calls;
    real(mode, start, end, count, type, indices);
}

CT_GL_EXPORT void glDrawArraysInstanced(GLenum mode, GLint first, GLsizei count, GLsizei instances) {
    static const auto real = next<DrawArraysInstanced>("glDrawArraysInstanced");
    countInstanced(instances);
    real(mode, first, count, instances);
}

CT_GL_EXPORT void glDrawArraysInstancedARB(GLenum mode, GLint first, GLsizei count, GLsizei instances) {
    static const auto real = next<DrawArraysInstanced>("glDrawArraysInstancedARB");
    countInstanced(instances);
    real(mode, first, count, instances);
}

CT_GL_EXPORT void glDrawElementsInstanced(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                          GLsizei instances) {
    static const auto real = next<DrawElementsInstanced>("glDrawElementsInstanced");
    countInstanced(instances);
    real(mode, count, type, indices, instances);
}

CT_GL_EXPORT void glDrawElementsInstancedARB(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                             GLsizei instances) {
    static const auto real = next<DrawElementsInstanced>("glDrawElementsInstancedARB");
    countInstanced(instances);
    real(mode, count, type, indices, instances);
}

#undef CT_GL_EXPORT

}  // extern "C"
