#pragma once
// Counts the OpenGL draw calls the process really issues, by interposing the GL draw entry points:
// the benchmark executable defines glDrawArrays, glDrawElements and the instanced variants and
// exports them (ENABLE_EXPORTS), so OpenSceneGraph's calls (linked, or looked up with
// dlsym(RTLD_DEFAULT) as OSG does for extensions on Linux) land here first, are counted, and go
// on to the driver's function (dlsym(RTLD_NEXT)). Only the counts are added; nothing changes.

#include <cstdint>

namespace ct::bench {

struct GlDrawCounts {
    std::uint64_t calls = 0;      ///< every draw call (instanced ones count once)
    std::uint64_t instanced = 0;  ///< of them, instanced draws
    std::uint64_t instances = 0;  ///< instances drawn by the instanced draws
};

/// Counts since the last reset (single-threaded rendering assumed).
GlDrawCounts glDrawCounts();
void resetGlDrawCounts();

}  // namespace ct::bench
