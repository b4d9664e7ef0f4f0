#pragma once
// Internal to the SUMO import: the elements of a .net.xml as read (SAX, one pass), before the
// TrafficNetwork is built from them (sumo_import.cpp). Ids are SUMO's strings.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "citytwin/sim/diagnostics.h"
#include "citytwin/sim/geometry.h"
#include "citytwin/traffic/sumo_import.h"
#include "citytwin/traffic/traffic_network.h"

namespace ct::traffic::sumo_detail {

struct RawLane {
    std::string id;
    long long index = 0;
    double speed = 13.89;  // m/s
    double length = 0.0;   // m
    std::vector<Vec2> shape;
    bool passenger = true;  // passenger cars may use it
};

struct RawEdge {
    std::string id, from, to;
    std::vector<RawLane> lanes;
    int line = 0;
    std::string name, type;  // the street name and the edge type (netconvert's, e.g. "highway.primary")
};

struct RawInternalLane {
    double speed = 13.89;  // m/s
    double length = 0.0;   // m
    std::vector<Vec2> shape;
};

struct RawJunction {
    std::string id, type;
    Vec2 pos;
    int line = 0;
    std::vector<Vec2> shape;  // the junction's outline, as given (may be empty)
};

struct RawConn {
    std::string from, to, via, tl, dir, state;
    long long fromLane = 0, toLane = 0, linkIndex = -1;
    int line = 0;
};

struct RawTl {
    std::string id, programID, type;
    double offset = 0.0;  // s, SUMO's: phases are delayed by the offset
    std::vector<SignalProgram::Phase> phases;
    int line = 0;
};

/// What the import uses of a net file, in file order.
struct RawNet {
    std::vector<RawEdge> edges;                                      ///< normal edges
    std::unordered_map<std::string, RawInternalLane> internalLanes;  ///< by via lane id
    std::vector<RawJunction> junctions;                              ///< not the internal ones
    std::vector<RawConn> connections;                                ///< from normal edges
    /// Via lane -> the next via lane of the same connection (after an internal junction).
    std::unordered_map<std::string, std::string> internalNext;
    std::vector<RawTl> tls;
    SumoLocation location;
    std::string version;
};

/// Reads the text of a net file; false (with an error) when it is not well-formed XML or not a
/// <net>. Bad items are skipped with warnings.
bool readRawNet(std::string_view text, const std::string& file, RawNet& out, DiagnosticReport& report);
/// The same from a file, read in pieces.
bool readRawNetFile(const std::string& path, RawNet& out, DiagnosticReport& report);

}  // namespace ct::traffic::sumo_detail
