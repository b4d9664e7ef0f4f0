#pragma once
/// The water distribution network: junctions, reservoirs, tanks, pipes, pumps and valves, with
/// demands, patterns, curves, controls and options. Everything in SI (m, m^3/s, s).
///
/// Built once (by readInp() or by the add* functions followed by finish()), then shared read-only
/// by any number of simulations. Flat arrays indexed by node or link index; names in side tables.
/// Not thread-safe while being built; safe to read from many threads once finished.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/ids.h"
#include "citytwin/water/units.h"

namespace ct::water {

using WaterNodeId = Id<struct WaterNodeTag>;
using WaterLinkId = Id<struct WaterLinkTag>;

enum class NodeKind : std::uint8_t { Junction, Reservoir, Tank };
/// Pipe kinds and valve types. A CheckValvePipe lets water flow from `from` to `to` only.
enum class LinkKind : std::uint8_t { Pipe, CheckValvePipe, Pump, Prv, Psv, Pbv, Fcv, Tcv, Gpv };
/// The status a user or a control gives a link. Active means "the valve regulates".
enum class LinkStatus : std::uint8_t { Open, Closed, Active };
enum class HeadLossFormula : std::uint8_t { HazenWilliams, DarcyWeisbach, ChezyManning };
enum class DemandModel : std::uint8_t { DemandDriven, PressureDriven };
/// Constant power, h = a - b q^c (from a 1- or 3-point curve), or a piecewise-linear curve.
enum class PumpCurveKind : std::uint8_t { ConstantPower, PowerFunction, Custom };

const char* toString(NodeKind k);
const char* toString(LinkKind k);
const char* toString(LinkStatus s);
/// True for PRV, PSV, PBV, FCV, TCV and GPV.
inline bool isValve(LinkKind k) {
    return k >= LinkKind::Prv;
}

/// An x-y curve in SI after loading: pump head (m^3/s -> m), tank volume (m -> m^3),
/// valve head loss (m^3/s -> m), efficiency (m^3/s -> %).
struct Curve {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
};

/// Multipliers applied over time, one per pattern step (cycled).
struct Pattern {
    std::string name;
    std::vector<double> factors;
};

/// One demand category of a junction.
struct DemandEntry {
    std::uint32_t node = 0;     ///< junction index
    double base = 0.0;          ///< m^3/s, before pattern and demand multiplier
    std::int32_t pattern = -1;  ///< pattern index, -1 for the default pattern
    std::string category;
};

struct Reservoir {
    std::uint32_t node = 0;         ///< its head is nodeElevation[node] (m)
    std::int32_t headPattern = -1;  ///< multiplies the head over time, -1 for none
};

struct Tank {
    std::uint32_t node = 0;         ///< nodeElevation[node] is the tank bottom (m)
    double initLevel = 0.0;         ///< m above the bottom
    double minLevel = 0.0;          ///< m above the bottom
    double maxLevel = 0.0;          ///< m above the bottom
    double diameter = 0.0;          ///< m (cylindrical tanks)
    double minVolume = 0.0;         ///< m^3 at minLevel (cylindrical tanks)
    std::int32_t volumeCurve = -1;  ///< curve level (m) -> volume (m^3), -1 for a cylinder
    bool canOverflow = false;       ///< excess inflow spills instead of closing the inlet
};

struct Pump {
    std::uint32_t link = 0;
    PumpCurveKind kind = PumpCurveKind::PowerFunction;
    std::int32_t headCurve = -1;     ///< curve index (Custom, PowerFunction source), -1 for none
    double power = 0.0;              ///< W, for ConstantPower
    double a = 0.0;                  ///< m, shutoff head of h = a - b q^c
    double b = 0.0;                  ///< m / (m^3/s)^c
    double c = 1.0;                  ///< dimensionless exponent
    double shutoffHead = 0.0;        ///< m at zero flow and speed 1
    double maxFlow = 0.0;            ///< m^3/s at zero head and speed 1
    double designFlow = 0.0;         ///< m^3/s, the starting guess of the solver
    std::int32_t speedPattern = -1;  ///< pattern of relative speed, -1 for none
};

enum class ControlCondition : std::uint8_t { NodeAbove, NodeBelow, AtTime, AtClockTime };

/// A simple control: LINK x OPEN/CLOSED/setting IF NODE y ABOVE/BELOW z, AT TIME t, AT CLOCKTIME t.
struct Control {
    std::uint32_t link = 0;
    std::optional<LinkStatus> status;  ///< Open or Closed; empty when a setting is given
    double setting = 0.0;              ///< SI: pump speed, valve pressure (m) or flow (m^3/s)
    ControlCondition condition = ControlCondition::AtTime;
    std::uint32_t node = 0;  ///< for NodeAbove / NodeBelow
    double threshold = 0.0;  ///< m of head (grade) for node conditions; s for time conditions
    int line = -1;           ///< line in the input file
};

enum class RuleObject : std::uint8_t { Node, Link, System };
enum class RuleAttribute : std::uint8_t {
    Demand,
    Head,
    Level,
    Pressure,
    Flow,
    Status,
    Setting,
    Time,
    ClockTime
};
enum class RuleRelation : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

/// One clause of a rule: "NODE T1 LEVEL > 5", "SYSTEM CLOCKTIME >= 8 AM", "LINK P1 STATUS IS OPEN".
struct RulePremise {
    bool orWithPrevious = false;  ///< joined to the previous clause by OR instead of AND
    RuleObject object = RuleObject::System;
    std::uint32_t index = 0;  ///< node or link index
    RuleAttribute attribute = RuleAttribute::Time;
    RuleRelation relation = RuleRelation::Eq;
    double value = 0.0;  ///< SI: m of head for Head/Level (as grade), m for Pressure, m^3/s, s;
                         ///< a LinkStatus cast to double for Status
};

struct RuleAction {
    std::uint32_t link = 0;
    std::optional<LinkStatus> status;  ///< empty when a setting is given
    double setting = 0.0;              ///< SI
};

/// A rule-based control: IF premises THEN actions ELSE actions, with a priority.
struct Rule {
    std::string name;
    std::vector<RulePremise> premises;
    std::vector<RuleAction> thenActions;
    std::vector<RuleAction> elseActions;
    double priority = 0.0;
    int line = -1;
};

/// [TIMES], in seconds.
struct TimeOptions {
    std::int64_t duration = 0;
    std::int64_t hydraulicStep = 3600;
    std::int64_t patternStep = 3600;
    std::int64_t patternStart = 0;
    std::int64_t reportStep = 3600;
    std::int64_t reportStart = 0;
    std::int64_t ruleStep = 360;
    std::int64_t startClock = 0;  ///< s after midnight at time 0
};

/// [OPTIONS] that matter to hydraulics, in SI.
struct HydraulicOptions {
    HeadLossFormula headLoss = HeadLossFormula::HazenWilliams;
    double viscosity = 1.1e-5 * kFootM * kFootM;  ///< m^2/s, kinematic (EPANET's water at 20 C)
    double specificGravity = 1.0;
    int maxTrials = 200;
    double accuracy = 1e-3;          ///< sum |dQ| / sum |Q| at convergence
    double headError = 0.0;          ///< m, largest link head-loss error at convergence, 0 = unused
    double flowChange = 0.0;         ///< m^3/s, largest flow change at convergence, 0 = unused
    int unbalancedExtraTrials = -1;  ///< UNBALANCED: -1 stop, else extra trials with statuses frozen
    double demandMultiplier = 1.0;
    std::int32_t defaultPattern = -1;
    double emitterExponent = 0.5;
    DemandModel demandModel = DemandModel::DemandDriven;
    double minimumPressure = 0.0;   ///< m, PDA: no delivery at or below
    double requiredPressure = 0.1;  ///< m, PDA: full delivery at or above
    double pressureExponent = 0.5;  ///< PDA exponent
    int checkFrequency = 2;         ///< trials between status checks of pumps and check valves
    int maxCheck = 10;              ///< no more such checks after this trial
    double dampLimit = 0.0;         ///< relative change below which flow updates are damped, 0 = never
};

/// The network. Node and link arrays are parallel and indexed by node / link index.
struct WaterNetwork {
    std::string title;
    std::string sourceFile;
    UnitSystem inputUnits;  ///< the units of the source file (for reporting back in them)
    HydraulicOptions options;
    TimeOptions times;

    // Nodes.
    std::vector<std::string> nodeName;
    std::vector<NodeKind> nodeKind;
    std::vector<double> nodeElevation;   ///< m; reservoirs: the water surface head
    std::vector<double> nodeEmitter;     ///< m^3/s per m^emitterExponent of pressure, 0 = none
    std::vector<std::int32_t> nodeTank;  ///< index into `tanks`, -1 if not a tank
    std::vector<double> nodeX;           ///< map coordinate, NaN when none was given
    std::vector<double> nodeY;           ///< map coordinate, NaN when none was given

    // Links. Flow is positive from linkFrom to linkTo.
    std::vector<std::string> linkName;
    std::vector<LinkKind> linkKind;
    std::vector<std::uint32_t> linkFrom;
    std::vector<std::uint32_t> linkTo;
    std::vector<double> linkLength;              ///< m (pipes)
    std::vector<double> linkDiameter;            ///< m (pipes, valves)
    std::vector<double> linkRoughness;           ///< H-W C, D-W absolute roughness in m, or Manning n
    std::vector<double> linkMinorLoss;           ///< dimensionless K on v^2 / 2g
    std::vector<LinkStatus> linkStatus;          ///< initial status
    std::vector<double> linkSetting;             ///< initial setting, SI: pump speed, PRV/PSV/PBV m,
                                                 ///< FCV m^3/s, TCV K; NaN when none
    std::vector<std::int32_t> linkCurve;         ///< GPV head-loss curve, -1 otherwise
    std::vector<std::int32_t> linkPump;          ///< index into `pumps`, -1 if not a pump
    std::vector<std::uint32_t> vertexOffset{0};  ///< CSR into vertexX/Y, size linkCount()+1
    std::vector<double> vertexX;
    std::vector<double> vertexY;

    std::vector<DemandEntry> demands;  ///< sorted by node after finish()
    std::vector<Reservoir> reservoirs;
    std::vector<Tank> tanks;
    std::vector<Pump> pumps;
    std::vector<Pattern> patterns;
    std::vector<Curve> curves;
    std::vector<Control> controls;
    std::vector<Rule> rules;

    // Adjacency (CSR by node), built by finish().
    std::vector<std::uint32_t> nodeLinkOffset;  ///< size nodeCount()+1
    std::vector<std::uint32_t> nodeLinks;       ///< link indexes
    std::vector<std::uint32_t> demandOffset;    ///< CSR into `demands` by node, size nodeCount()+1

    [[nodiscard]] std::size_t nodeCount() const { return nodeName.size(); }
    [[nodiscard]] std::size_t linkCount() const { return linkName.size(); }
    [[nodiscard]] std::size_t junctionCount() const;
    [[nodiscard]] std::optional<std::uint32_t> findNode(std::string_view name) const;
    [[nodiscard]] std::optional<std::uint32_t> findLink(std::string_view name) const;
    [[nodiscard]] std::optional<std::uint32_t> findPattern(std::string_view name) const;
    [[nodiscard]] std::optional<std::uint32_t> findCurve(std::string_view name) const;
    [[nodiscard]] bool isFixedGrade(std::uint32_t node) const { return nodeKind[node] != NodeKind::Junction; }

    /// Tank volume (m^3) at a level (m above the bottom).
    [[nodiscard]] double tankVolume(const Tank& t, double level) const;
    /// Tank level (m above the bottom) holding a volume (m^3).
    [[nodiscard]] double tankLevel(const Tank& t, double volume) const;
    /// Pattern factor at a time (s since the start); 1 for pattern -1.
    [[nodiscard]] double patternFactor(std::int32_t pattern, std::int64_t time) const;

    // Building. Each returns the new index, or nullopt (with a diagnostic) when the name is taken.
    std::optional<std::uint32_t> addJunction(std::string name, double elevation, double baseDemand = 0.0,
                                             std::int32_t pattern = -1);
    std::optional<std::uint32_t> addReservoir(std::string name, double head, std::int32_t headPattern = -1);
    std::optional<std::uint32_t> addTank(std::string name, double elevation, const Tank& tank);
    std::optional<std::uint32_t> addPipe(std::string name, std::uint32_t from, std::uint32_t to,
                                         double length, double diameter, double roughness,
                                         double minorLoss = 0.0, LinkStatus status = LinkStatus::Open,
                                         bool checkValve = false);
    /// A pump; set the curve fields of `pump` (or call setPumpCurve()) before finish().
    std::optional<std::uint32_t> addPump(std::string name, std::uint32_t from, std::uint32_t to,
                                         const Pump& pump, double speed = 1.0);
    std::optional<std::uint32_t> addValve(std::string name, std::uint32_t from, std::uint32_t to,
                                          LinkKind kind, double diameter, double setting,
                                          double minorLoss = 0.0);
    std::uint32_t addPattern(std::string name, std::vector<double> factors);
    std::uint32_t addCurve(std::string name, std::vector<double> x, std::vector<double> y);

    /// Checks the network and builds the adjacency. Errors (no source of water, bad curve...)
    /// go to `report`; returns false when the network cannot be simulated.
    bool finish(DiagnosticReport& report);

    /// Diagnostics from the add* functions (duplicate names).
    DiagnosticReport buildReport;

private:
    std::optional<std::uint32_t> addNode(std::string name, NodeKind kind, double elevation);
    std::optional<std::uint32_t> addLink(std::string name, LinkKind kind, std::uint32_t from,
                                         std::uint32_t to);
    std::unordered_map<std::string, std::uint32_t> m_nodeByName;  // lookup only, never iterated
    std::unordered_map<std::string, std::uint32_t> m_linkByName;  // lookup only, never iterated
};

/// Fits a pump's curve fields (kind, a, b, c, shutoffHead, maxFlow, designFlow) from its head
/// curve in SI: 1 point -> EPANET's 3-point fit (1.33 h at 0, 2 q at 0 head), 3 points starting at
/// q = 0 -> power function, otherwise piecewise linear. Returns an empty string or what is wrong.
std::string fitPumpCurve(Pump& pump, const Curve& curve);

}  // namespace ct::water
