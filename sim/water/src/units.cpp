#include "citytwin/water/units.h"

#include <array>
#include <cctype>
#include <string>

namespace ct::water {

namespace {

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(a[i])) !=
            std::toupper(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

struct FlowUnitInfo {
    FlowUnits unit;
    const char* name;
    double toSi;  // m^3/s per unit
};

// US gallon 3.785411784 L, imperial gallon 4.54609 L, acre-foot 1233.48183754752 m^3.
constexpr std::array<FlowUnitInfo, 11> kFlowUnits{{
    {FlowUnits::Cfs, "CFS", 0.028316846592},
    {FlowUnits::Gpm, "GPM", 3.785411784e-3 / 60.0},
    {FlowUnits::Mgd, "MGD", 3785.411784 / 86400.0},
    {FlowUnits::Imgd, "IMGD", 4546.09 / 86400.0},
    {FlowUnits::Afd, "AFD", 1233.48183754752 / 86400.0},
    {FlowUnits::Lps, "LPS", 1e-3},
    {FlowUnits::Lpm, "LPM", 1e-3 / 60.0},
    {FlowUnits::Mld, "MLD", 1e3 / 86400.0},
    {FlowUnits::Cmh, "CMH", 1.0 / 3600.0},
    {FlowUnits::Cmd, "CMD", 1.0 / 86400.0},
    {FlowUnits::Cms, "CMS", 1.0},
}};

}  // namespace

std::optional<FlowUnits> parseFlowUnits(std::string_view keyword) {
    for (const auto& info : kFlowUnits) {
        if (equalsNoCase(keyword, info.name)) {
            return info.unit;
        }
    }
    return std::nullopt;
}

std::optional<PressureUnits> parsePressureUnits(std::string_view keyword) {
    if (equalsNoCase(keyword, "PSI")) {
        return PressureUnits::Psi;
    }
    if (equalsNoCase(keyword, "KPA")) {
        return PressureUnits::Kpa;
    }
    if (equalsNoCase(keyword, "METERS") || equalsNoCase(keyword, "METRES") || equalsNoCase(keyword, "M")) {
        return PressureUnits::Meters;
    }
    if (equalsNoCase(keyword, "BAR")) {
        return PressureUnits::Bar;
    }
    if (equalsNoCase(keyword, "FEET") || equalsNoCase(keyword, "FT")) {
        return PressureUnits::Feet;
    }
    return std::nullopt;
}

const char* toString(FlowUnits u) {
    return kFlowUnits[static_cast<std::size_t>(u)].name;
}

bool isUsCustomary(FlowUnits u) {
    return u == FlowUnits::Cfs || u == FlowUnits::Gpm || u == FlowUnits::Mgd || u == FlowUnits::Imgd ||
           u == FlowUnits::Afd;
}

double flowToSi(FlowUnits u) {
    return kFlowUnits[static_cast<std::size_t>(u)].toSi;
}

double UnitSystem::pressureFactor() const {
    // Metres of fluid head per pressure unit. A pressure of p psi is p / (0.4333 SG) feet of fluid.
    const double sg = specificGravity > 0.0 ? specificGravity : 1.0;
    const double psiToM = kFootM / (kPsiPerFoot * sg);
    switch (pressure) {
        case PressureUnits::Psi:
            return psiToM;
        case PressureUnits::Kpa:
            return psiToM / kKpaPerPsi;
        case PressureUnits::Bar:
            return psiToM * 100.0 / kKpaPerPsi;
        case PressureUnits::Meters:
            return 1.0 / sg;
        case PressureUnits::Feet:
            return kFootM / sg;
    }
    return 1.0;
}

}  // namespace ct::water
