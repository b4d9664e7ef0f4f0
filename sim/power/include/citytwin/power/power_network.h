#pragma once
/// The electric network for power flow: buses, generators and branches, as in a MATPOWER case.
///
/// Plain data, copied freely: an outage study copies the network and switches elements off.
/// Units follow MATPOWER and are in every name: powers in MW and MVAr, voltage magnitudes in per
/// unit of the bus base voltage, angles in degrees, impedances in per unit on the system base
/// (`baseMVA` and the bus base kV). Generators and branches refer to buses by their index in
/// `PowerNetwork::buses` (0-based), never by the external bus number.

#include <cstdint>
#include <string>
#include <vector>

#include "citytwin/sim/diagnostics.h"

namespace ct::power {

/// MATPOWER bus types (the numbers are the ones in the case file).
enum class BusType : std::uint8_t {
    Pq = 1,        ///< load bus: P and Q given
    Pv = 2,        ///< generator bus: P and voltage magnitude given (needs an in-service generator)
    Ref = 3,       ///< reference (slack) bus: voltage magnitude and angle given
    Isolated = 4,  ///< out of service: the bus and every branch at it are ignored
};

const char* toString(BusType t);

struct PowerBus {
    int number = 0;  ///< external bus number (MATPOWER bus_i), unique and > 0
    BusType type = BusType::Pq;
    double pdMW = 0;      ///< real power demand
    double qdMVAr = 0;    ///< reactive power demand
    double gsMW = 0;      ///< shunt conductance: MW consumed at V = 1 p.u.
    double bsMVAr = 0;    ///< shunt susceptance: MVAr injected at V = 1 p.u.
    int area = 1;         ///< area number (informative)
    double vmPu = 1;      ///< voltage magnitude: the starting point of the solve
    double vaDeg = 0;     ///< voltage angle: the starting point; the reference angle at a slack
    double baseKV = 0;    ///< base voltage, kV (informative; impedances are already per unit)
    int zone = 1;         ///< loss zone (informative)
    double vmaxPu = 1.1;  ///< upper voltage limit from the case (informative)
    double vminPu = 0.9;  ///< lower voltage limit from the case (informative)
    int sourceLine = -1;  ///< 1-based line in the case file, -1 when built in code
};

struct PowerGen {
    int bus = -1;             ///< index of the bus in PowerNetwork::buses
    double pgMW = 0;          ///< scheduled real power output (the slack adjusts its own)
    double qgMVAr = 0;        ///< reactive output (used as given at a PQ bus)
    double qmaxMVAr = 1e10;   ///< reactive upper limit (only with Q-limit enforcement)
    double qminMVAr = -1e10;  ///< reactive lower limit (only with Q-limit enforcement)
    double vgPu = 1;          ///< voltage set point at a PV or reference bus
    double mBaseMVA = 100;    ///< machine base (informative)
    bool inService = true;    ///< MATPOWER status > 0
    double pmaxMW = 0;        ///< real power capacity: picks the slack of an island without a reference
    double pminMW = 0;        ///< real power minimum (informative)
    int sourceLine = -1;      ///< 1-based line in the case file, -1 when built in code
};

/// A line, cable or transformer in the MATPOWER pi model: series impedance r + jx, total charging
/// susceptance b split between the ends, and an ideal transformer of complex ratio
/// `ratio * exp(j * shiftDeg)` at the from end.
struct PowerBranch {
    int from = -1;          ///< index of the from bus (the tap side) in PowerNetwork::buses
    int to = -1;            ///< index of the to bus in PowerNetwork::buses
    double rPu = 0;         ///< series resistance
    double xPu = 0;         ///< series reactance
    double bPu = 0;         ///< total line charging susceptance
    double rateAMVA = 0;    ///< long-term rating; 0 means unlimited
    double rateBMVA = 0;    ///< short-term rating (informative)
    double rateCMVA = 0;    ///< emergency rating (informative)
    double ratio = 0;       ///< off-nominal tap ratio; 0 means a line (ratio 1)
    double shiftDeg = 0;    ///< phase shift of the transformer, degrees (positive: from leads)
    bool inService = true;  ///< MATPOWER status > 0
    int sourceLine = -1;    ///< 1-based line in the case file, -1 when built in code

    /// The tap ratio in use: `ratio`, or 1 when `ratio` is 0.
    [[nodiscard]] double tap() const { return ratio == 0.0 ? 1.0 : ratio; }
};

struct PowerNetwork {
    std::string name;      ///< the case name (file stem), for reports
    double baseMVA = 100;  ///< system power base of the per-unit impedances
    std::vector<PowerBus> buses;
    std::vector<PowerGen> gens;
    std::vector<PowerBranch> branches;

    /// Index of the bus with external number `number`, or -1. Linear time.
    [[nodiscard]] int findBus(int number) const;
    /// Total real power demand of all buses (in service or not), MW.
    [[nodiscard]] double totalLoadMW() const;
};

/// Checks the consistency that the solvers rely on: indices in range, a positive base, no
/// in-service branch with zero impedance, no in-service branch from a bus to itself, unique bus
/// numbers, finite values. Adds errors to `report` (with the element's source line when known)
/// and returns true when none was found. `file` labels the diagnostics.
bool validateNetwork(const PowerNetwork& net, DiagnosticReport& report, const std::string& file = {});

}  // namespace ct::power
