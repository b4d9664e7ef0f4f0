#pragma once
/// A city model of an imported SUMO network, so that what reads a CityModel (the desktop app's 3D
/// view, inspector and search) shows a SUMO network the way it shows a GIS city.
///
/// Roads only: one RoadNetwork link per SUMO edge with the same index (LinkId = the edge's
/// index in SumoNetwork::edgeIds), one node per junction (NodeId = junction index); no buildings,
/// facilities, land use, terrain or utilities. Every edge is its own one-way link (a SUMO edge
/// and its opposite direction have their own lanes and shapes): its shape is the centre line of
/// its kept lanes, its lanes the kept lanes, its speed the fastest lane's, its length SUMO's; its
/// name is the edge id (so a link is found and shown by the id a SUMO user knows); its class
/// comes from the edge type ("highway.primary"), else from its speed and lanes; its source
/// feature is the OSM way of an edge netconvert made from OpenStreetMap ("-4711#2" -> 4711),
/// else -1. The link-level turns are the network's connections. Coordinates stay in the net's
/// frame; the metadata keep the net's projection as a name.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "citytwin/sim/city_model.h"
#include "citytwin/sim/diagnostics.h"
#include "citytwin/traffic/sumo_import.h"

namespace ct::traffic {

/// The city model of `sumo`, read from `file` (its name and source). finish() has been called.
CityModel sumoCityModel(const SumoNetwork& sumo, const std::string& file, DiagnosticReport& report);

/// The centre line of the kept lanes of `link`: the lanes' shapes averaged point by point when
/// they have as many points, else the rightmost lane's shape moved left by half the other lanes
/// (`laneWidth` m each); the junctions' positions when the lanes have no shape.
std::vector<Vec2> sumoEdgeCentreLine(const SumoNetwork& sumo, LinkId link, double laneWidth = 3.2);

/// The road class of a SUMO edge type ("highway.primary_link" -> PrimaryLink); nothing when the
/// type names none.
std::optional<RoadClass> roadClassFromSumoType(std::string_view type);

}  // namespace ct::traffic
