#include <algorithm>
#include <cstdint>
#include <vector>

#include "citytwin/sim/road_network.h"

namespace ct {

int RoadNetwork::nodeDegree(NodeId n) const {
    // Distinct neighbours over both directions; a node has few links, so a small vector is enough.
    std::vector<std::uint32_t> nb;
    for (LinkId l : outgoing(n)) {
        nb.push_back(linkTo[l.index()].value);
    }
    for (LinkId l : incoming(n)) {
        nb.push_back(linkFrom[l.index()].value);
    }
    std::sort(nb.begin(), nb.end());
    return static_cast<int>(std::unique(nb.begin(), nb.end()) - nb.begin());
}

std::vector<std::uint32_t> linkComponents(const RoadNetwork& net, std::uint32_t* componentCount) {
    // Iterative Tarjan over the link graph (edges are turn connections), so a turn that is not
    // allowed does not connect two links even when they share a node.
    constexpr std::uint32_t kUnvisited = UINT32_MAX;
    const auto n = static_cast<std::uint32_t>(net.linkCount());
    std::vector<std::uint32_t> index(n, kUnvisited), low(n, 0), comp(n, kUnvisited);
    std::vector<std::uint8_t> onStack(n, 0);
    std::vector<std::uint32_t> stack;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> call;  // (link, next turn position)
    std::uint32_t counter = 0, comps = 0;

    for (std::uint32_t root = 0; root < n; ++root) {
        if (index[root] != kUnvisited) {
            continue;
        }
        call.emplace_back(root, net.turnOffset[root]);
        index[root] = low[root] = counter++;
        stack.push_back(root);
        onStack[root] = 1;
        while (!call.empty()) {
            auto& [v, pos] = call.back();
            if (pos < net.turnOffset[v + 1]) {
                const std::uint32_t w = net.turnTo[pos].value;
                ++pos;
                if (index[w] == kUnvisited) {
                    index[w] = low[w] = counter++;
                    stack.push_back(w);
                    onStack[w] = 1;
                    call.emplace_back(w, net.turnOffset[w]);
                } else if (onStack[w] != 0) {
                    low[v] = std::min(low[v], index[w]);
                }
                continue;
            }
            // v is finished: pop its component if it is a root, then propagate low to the caller.
            const std::uint32_t done = v;
            if (low[done] == index[done]) {
                std::uint32_t w = 0;
                do {
                    w = stack.back();
                    stack.pop_back();
                    onStack[w] = 0;
                    comp[w] = comps;
                } while (w != done);
                ++comps;
            }
            call.pop_back();
            if (!call.empty()) {
                const std::uint32_t parent = call.back().first;
                low[parent] = std::min(low[parent], low[done]);
            }
        }
    }
    if (componentCount != nullptr) {
        *componentCount = comps;
    }
    return comp;
}

}  // namespace ct
