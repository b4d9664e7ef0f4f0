#pragma once
/// Export of a city's traffic network and demand to Eclipse SUMO (1.15) plain XML, so that SUMO
/// can drive the very network CityTwin builds (`citytwin export-sumo`, bench/sumo_city_compare.sh).
///
/// The network becomes the four plain files netconvert reads (--node-files, --edge-files,
/// --connection-files, --tllogic-files):
/// - nodes "N<node>" at the node's position in the local frame, typed from the junction's
///   control (traffic_light with tl="N<node>", allway_stop, priority);
/// - edges "L<link>" (the link index, so results join per link) from/to their nodes with the
///   link's lanes, speed, centreline shape, road name and a priority from the road class rank
///   and lanes (the key CityTwin picks the major road by);
/// - connections lane to lane exactly as in TrafficNetwork, optionally with CityTwin's internal
///   lane length and speed; a link without connections is written as having none, so
///   netconvert guesses nothing for it;
/// - one static tlLogic per signalised node with CityTwin's phases, and every connection of the
///   node with tl="N<node>" linkIndex=<its index in the node> (TrafficNetwork::connIndex), so
///   SUMO's state letter i is CityTwin's letter i. SUMO's offset is CityTwin's with the sign
///   turned (SUMO counts it the other way; the SUMO import does the reverse).
///
/// The demand becomes a route file of <trip>s (routed by SUMO at departure) with one <vType> per
/// vehicle class used: SUMO's IDM with CityTwin's parameters (length, accel, decel,
/// emergencyDecel, minGap, tau = headway, delta, maxSpeed, speedFactor normc(mean, dev, mean -
/// 2 dev, mean + 2 dev): the same clipped normal CityTwin draws from).
///
/// What cannot be carried over: the junction shapes SUMO computes (its own geometry decides
/// where lanes end unless lengths are exported), SUMO's internal junctions inside large
/// junctions, and SUMO's own foe matrix at priority junctions (it is computed by netconvert
/// from edge priorities and geometry, not read from CityTwin's conflict lists).

#include <string>
#include <vector>

#include "citytwin/sim/road_network.h"
#include "citytwin/traffic/traffic_network.h"
#include "citytwin/traffic/trip.h"
#include "citytwin/traffic/vehicle_type.h"

namespace ct::traffic {

struct SumoExportOptions {
    double laneWidth = 3.5;  ///< m, written as every edge's lane width (CityTwin sizes junctions by it)
    /// Write CityTwin's lane lengths (edge length, the normal lanes' length) and its internal lanes'
    /// length and speed on every connection, so that SUMO drives the same distances and turning
    /// speeds. Off: netconvert computes both from its own junction geometry.
    bool citytwinLengths = true;
};

/// The four plain XML documents of a network (city.nod.xml, city.edg.xml, city.con.xml,
/// city.tll.xml).
struct SumoPlainNetwork {
    std::string nodes;
    std::string edges;
    std::string connections;
    std::string tlLogics;
};

/// SUMO ids of CityTwin's objects: "L<link>", "N<node>" (also the tlLogic id).
std::string sumoEdgeId(LinkId l);
std::string sumoNodeId(NodeId n);

/// Writes `net` (built from `roads`, same link and node numbering) as plain XML.
SumoPlainNetwork exportSumoPlainNetwork(const RoadNetwork& roads, const TrafficNetwork& net,
                                        const SumoExportOptions& options = {});

/// The <vType> of a CityTwin vehicle type (one line, no newline), with id `id`.
std::string sumoVehicleTypeXml(const VehicleType& type, const std::string& id);

/// A SUMO route file: one <vType> per class that the trips use (ids "car", "bus", "truck",
/// "emergency"; parameters from `types` indexed by class, or defaultVehicleType() when `types`
/// is empty), then one <trip> per trip sorted by departure (stable), with from/to edges
/// "L<link>", departLane="best" (CityTwin inserts on the lane that leads on with the most
/// room), departPos and departSpeed as the trip gives them. A trip's fixed route, when it has
/// one, is written as its `via` edges.
std::string exportSumoTrips(const std::vector<Trip>& trips, const std::vector<VehicleType>& types = {});

}  // namespace ct::traffic
