#include "citytwin/power/islands.h"

#include <numeric>

namespace ct::power {

namespace {

// Union-find with path halving; the root of a set is its smallest bus index, so numbering the
// islands by first appearance in bus order is deterministic.
int findRoot(std::vector<int>& parent, int i) {
    while (parent[static_cast<std::size_t>(i)] != i) {
        const std::size_t ui = static_cast<std::size_t>(i);
        parent[ui] = parent[static_cast<std::size_t>(parent[ui])];
        i = parent[ui];
    }
    return i;
}

}  // namespace

Islands findIslands(const PowerNetwork& net) {
    const int nb = static_cast<int>(net.buses.size());
    std::vector<int> parent(static_cast<std::size_t>(nb));
    std::iota(parent.begin(), parent.end(), 0);
    auto live = [&](int b) {
        return b >= 0 && b < nb && net.buses[static_cast<std::size_t>(b)].type != BusType::Isolated;
    };
    for (const PowerBranch& br : net.branches) {
        if (!br.inService || !live(br.from) || !live(br.to)) {
            continue;
        }
        const int a = findRoot(parent, br.from);
        const int b = findRoot(parent, br.to);
        if (a != b) {
            parent[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
        }
    }
    Islands out;
    out.busIsland.assign(static_cast<std::size_t>(nb), -1);
    std::vector<int> islandOfRoot(static_cast<std::size_t>(nb), -1);
    for (int b = 0; b < nb; ++b) {
        if (!live(b)) {
            continue;
        }
        const int root = findRoot(parent, b);
        int& id = islandOfRoot[static_cast<std::size_t>(root)];
        if (id < 0) {
            id = out.count();
            out.members.emplace_back();
        }
        out.busIsland[static_cast<std::size_t>(b)] = id;
        out.members[static_cast<std::size_t>(id)].push_back(b);
    }
    return out;
}

}  // namespace ct::power
