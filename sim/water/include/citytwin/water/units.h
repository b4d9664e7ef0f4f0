#pragma once
/// Units of EPANET input files and their conversion to SI.
///
/// The water engine works in SI internally: metres of head, m^3/s of flow, m of length and
/// diameter, seconds. An EPANET file states its flow units ([OPTIONS] UNITS); the flow unit decides
/// the rest: CFS, GPM, MGD, IMGD and AFD mean US customary units (feet, inches, psi), the others
/// mean SI (metres, millimetres, metres of head). Conversions follow the EPANET 2.x conventions
/// (1 ft = 0.3048 m, 1 psi = 1 / 0.4333 ft of water) so results can be compared with EPANET.

#include <cstdint>
#include <optional>
#include <string_view>

namespace ct::water {

/// Flow units of an EPANET file.
enum class FlowUnits : std::uint8_t { Cfs, Gpm, Mgd, Imgd, Afd, Lps, Lpm, Mld, Cmh, Cmd, Cms };

/// Pressure units of an EPANET file ([OPTIONS] PRESSURE).
enum class PressureUnits : std::uint8_t { Psi, Kpa, Meters, Bar, Feet };

/// Parses a flow unit keyword (case-insensitive), e.g. "GPM".
std::optional<FlowUnits> parseFlowUnits(std::string_view keyword);
/// Parses a pressure unit keyword (case-insensitive), e.g. "PSI", "KPA", "METERS".
std::optional<PressureUnits> parsePressureUnits(std::string_view keyword);
/// The keyword of a flow unit, e.g. "GPM".
const char* toString(FlowUnits u);

/// True for the US customary flow units (CFS, GPM, MGD, IMGD, AFD).
bool isUsCustomary(FlowUnits u);

/// m^3/s per one flow unit.
double flowToSi(FlowUnits u);

inline constexpr double kFootM = 0.3048;         ///< metres per foot
inline constexpr double kInchM = 0.0254;         ///< metres per inch
inline constexpr double kPsiPerFoot = 0.4333;    ///< psi per foot of water (EPANET's value)
inline constexpr double kKpaPerPsi = 6.895;      ///< kPa per psi (EPANET's value)
inline constexpr double kGravity = 9.80665;      ///< m/s^2
inline constexpr double kWaterDensity = 1000.0;  ///< kg/m^3, for pump power
inline constexpr double kHorsepowerW = 745.7;    ///< W per horsepower

/// The conversion factors for one file: multiply a value in file units to get SI.
struct UnitSystem {
    FlowUnits flow = FlowUnits::Gpm;
    PressureUnits pressure = PressureUnits::Psi;
    double specificGravity = 1.0;  ///< of the fluid, relative to water

    [[nodiscard]] bool us() const { return isUsCustomary(flow); }
    /// m^3/s per flow unit.
    [[nodiscard]] double flowFactor() const { return flowToSi(flow); }
    /// m per length unit (ft or m): elevations, lengths, heads, tank levels and diameters.
    [[nodiscard]] double lengthFactor() const { return us() ? kFootM : 1.0; }
    /// m per pipe diameter unit (in or mm).
    [[nodiscard]] double diameterFactor() const { return us() ? kInchM : 0.001; }
    /// m per Darcy-Weisbach roughness unit (millifeet or mm).
    [[nodiscard]] double roughnessFactor() const { return us() ? 0.001 * kFootM : 0.001; }
    /// m^3 per volume unit (ft^3 or m^3).
    [[nodiscard]] double volumeFactor() const { return us() ? kFootM * kFootM * kFootM : 1.0; }
    /// m of fluid head per pressure unit (psi, kPa, m of water...).
    [[nodiscard]] double pressureFactor() const;
    /// W per power unit (hp or kW).
    [[nodiscard]] double powerFactor() const { return us() ? kHorsepowerW : 1000.0; }
};

}  // namespace ct::water
