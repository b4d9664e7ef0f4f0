#pragma once
/// Writing output files so that a crash never leaves a half-written result: the content goes to
/// a temporary file beside the target, which is then renamed over it.

#include <string>

namespace ct {

/// Writes `content` to `path` atomically. Returns false and sets *error (when given) on failure;
/// the previous file, if any, is then untouched.
bool writeFileAtomically(const std::string& path, const std::string& content, std::string* error = nullptr);

}  // namespace ct
