#pragma once
/// Islands: the connected components of a network over its in-service branches.

#include <vector>

#include "citytwin/power/power_network.h"

namespace ct::power {

struct Islands {
    /// Island index of each bus (indexed like PowerNetwork::buses); -1 for an Isolated bus.
    std::vector<int> busIsland;
    /// The buses of each island, ascending. Islands are numbered in order of their lowest bus.
    std::vector<std::vector<int>> members;

    [[nodiscard]] int count() const { return static_cast<int>(members.size()); }
};

/// Connected components over the branches that are in service and join two buses that are not
/// Isolated. A bus without any such branch is an island of its own. Deterministic.
Islands findIslands(const PowerNetwork& net);

}  // namespace ct::power
