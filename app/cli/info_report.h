#pragma once
// The `citytwin info` report: the same content as text for people and as JSON for programs.

#include <string>

#include "citytwin/gis/city_loader.h"

namespace ct::cli {

/// Human-readable report of a load (the city summary when it succeeded, the diagnostics always).
std::string infoText(const gis::LoadResult& result, const gis::LoadOptions& options);

/// The same as a JSON document (docs/cli.md describes the fields).
std::string infoJson(const gis::LoadResult& result, const gis::LoadOptions& options);

}  // namespace ct::cli
