#pragma once
// The water and power networks of a city for `citytwin water CITY` and `citytwin power CITY`.

#include <string>

namespace ct::cli {

/// Installs the city loaders of the water and power commands (GIS sources or "sample").
void installCityUtilityLoaders(const std::string& assetsDir);

}  // namespace ct::cli
