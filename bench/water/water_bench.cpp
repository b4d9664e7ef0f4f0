// water_bench: steady-state and 24 h solve times of the water engine on synthetic grid networks.
//
// Usage: water_bench [--sizes 1000,5000,12500,20000] [--repeat N] [--write-inp DIR]
//
// Each network is a square grid of junctions 100 m apart (pipes 150-300 mm, C 100-140,
// elevations 0-20 m, 0.02 L/s per junction with a daily pattern) fed by reservoirs on a coarse
// lattice and two tanks. Prints ms per steady solve and per Newton iteration, and the mean ms
// per solve of a 24 h extended period. With --write-inp the networks are written as EPANET
// files (LPS), so bench/water/compare_epanet.py and epanet_reference.mjs can time EPANET on
// the same input. Timings never fail anything; they are for reading.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "citytwin/water/hydraulic_solver.h"
#include "citytwin/water/water_network.h"
#include "citytwin/water/water_simulation.h"

using namespace ct;
using namespace ct::water;

namespace {

// A deterministic hash in [0, 1).
double unit(std::uint64_t a, std::uint64_t b) {
    std::uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0);
}

// `loopShare` < 1 keeps a spanning tree of the grid plus that share of the other pipes, for the
// sparser, tree-like layout of real distribution networks (mean degree about 2.2-2.6).
WaterNetwork grid(int target, double loopShare) {
    WaterNetwork net;
    const int n = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(target))));
    const std::uint32_t pattern =
        net.addPattern("DAY", {0.5, 0.4, 0.4, 0.5, 0.7, 1.0, 1.3, 1.5, 1.4, 1.2, 1.1, 1.0,
                               1.0, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.3, 1.0, 0.8, 0.6, 0.5});
    net.options.defaultPattern = static_cast<std::int32_t>(pattern);
    for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n; ++x) {
            const auto i = static_cast<std::uint64_t>(y * n + x);
            net.addJunction("J" + std::to_string(i), 20.0 * unit(i, 1), 0.00002 * (0.5 + unit(i, 2)));
            net.nodeX.back() = 100.0 * x;
            net.nodeY.back() = 100.0 * y;
        }
    }
    const double diameters[4] = {0.15, 0.2, 0.25, 0.3};
    int pipe = 0;
    for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n; ++x) {
            const auto i = static_cast<std::uint32_t>(y * n + x);
            for (int dir = 0; dir < 2; ++dir) {
                if ((dir == 0 && x + 1 >= n) || (dir == 1 && y + 1 >= n)) {
                    continue;
                }
                // Tree: every vertical pipe in column 0 and every horizontal pipe; the vertical
                // pipes elsewhere only with probability loopShare.
                if (dir == 1 && x != 0 && unit(i, 9) >= loopShare) {
                    continue;
                }
                const std::uint32_t j = dir == 0 ? i + 1 : i + static_cast<std::uint32_t>(n);
                const double d = diameters[static_cast<int>(4.0 * unit(i, 3u + static_cast<unsigned>(dir)))];
                net.addPipe("P" + std::to_string(pipe++), i, j, 100.0, d,
                            100.0 + 40.0 * unit(i, 5u + static_cast<unsigned>(dir)));
            }
        }
    }
    // Sources on a coarse lattice, and two tanks.
    int sources = 0;
    for (int y = n / 8; y < n; y += 40) {
        for (int x = n / 8; x < n; x += 40) {
            const std::string name = "R" + std::to_string(sources++);
            const auto r = net.addReservoir(name, 65.0).value();
            net.addPipe("S" + name, r, static_cast<std::uint32_t>(y * n + x), 20.0, 0.5, 130.0);
        }
    }
    Tank t;
    t.initLevel = 4.0;
    t.minLevel = 0.5;
    t.maxLevel = 8.0;
    t.diameter = 20.0;
    for (int k = 0; k < 2; ++k) {
        const auto tk = net.addTank("T" + std::to_string(k), 55.0, t).value();
        const int corner = k == 0 ? 0 : n * n - 1;
        net.addPipe("TP" + std::to_string(k), tk, static_cast<std::uint32_t>(corner), 50.0, 0.3, 120.0);
    }
    net.times.duration = 24 * 3600;
    DiagnosticReport rep;
    net.finish(rep);
    return net;
}

void writeInp(const WaterNetwork& net, const std::string& path) {
    std::ofstream f(path);
    f << "[TITLE]\nSynthetic grid from water_bench (" << net.junctionCount()
      << " junctions)\n\n[JUNCTIONS]\n";
    for (std::size_t i = 0; i < net.nodeCount(); ++i) {
        if (net.nodeKind[i] == NodeKind::Junction) {
            const double q =
                net.demandOffset[i + 1] > net.demandOffset[i] ? net.demands[net.demandOffset[i]].base : 0.0;
            f << net.nodeName[i] << ' ' << net.nodeElevation[i] << ' ' << q * 1000.0 << '\n';
        }
    }
    f << "\n[RESERVOIRS]\n";
    for (const Reservoir& r : net.reservoirs) {
        f << net.nodeName[r.node] << ' ' << net.nodeElevation[r.node] << '\n';
    }
    f << "\n[TANKS]\n";
    for (const Tank& t : net.tanks) {
        f << net.nodeName[t.node] << ' ' << net.nodeElevation[t.node] << ' ' << t.initLevel << ' '
          << t.minLevel << ' ' << t.maxLevel << ' ' << t.diameter << " 0\n";
    }
    f << "\n[PIPES]\n";
    for (std::size_t k = 0; k < net.linkCount(); ++k) {
        f << net.linkName[k] << ' ' << net.nodeName[net.linkFrom[k]] << ' ' << net.nodeName[net.linkTo[k]]
          << ' ' << net.linkLength[k] << ' ' << net.linkDiameter[k] * 1000.0 << ' ' << net.linkRoughness[k]
          << " 0\n";
    }
    f << "\n[PATTERNS]\n" << net.patterns[0].name;
    for (double v : net.patterns[0].factors) {
        f << ' ' << v;
    }
    f << "\n\n[OPTIONS]\nUNITS LPS\nHEADLOSS H-W\nPATTERN DAY\n\n[TIMES]\nDURATION 24:00\nHYDRAULIC TIMESTEP "
         "1:00\n\n[END]\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes{1000, 5000, 12500, 20000};
    int repeat = 5;
    std::string inpDir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--sizes" && i + 1 < argc) {
            sizes.clear();
            std::string s = argv[++i];
            std::size_t pos = 0;
            while (pos < s.size()) {
                const std::size_t comma = s.find(',', pos);
                sizes.push_back(std::stoi(s.substr(pos, comma - pos)));
                pos = comma == std::string::npos ? s.size() : comma + 1;
            }
        } else if (a == "--repeat" && i + 1 < argc) {
            repeat = std::max(1, std::stoi(argv[++i]));
        } else if (a == "--write-inp" && i + 1 < argc) {
            inpDir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: water_bench [--sizes N,N,...] [--repeat N] [--write-inp DIR]\n");
            return 2;
        }
    }
    std::printf("%8s %8s %8s %10s %8s %12s %12s %14s %12s\n", "layout", "nodes", "links", "setup ms", "iters",
                "ms/solve", "ms/iter", "24h ms/solve", "24h solves");
    for (int layout = 0; layout < 2; ++layout) {
        for (int size : sizes) {
            const double loops = layout == 0 ? 1.0 : 0.25;
            const char* name = layout == 0 ? "grid" : "sparse";
            const WaterNetwork net = grid(size, loops);
            if (!inpDir.empty()) {
                writeInp(net, inpDir + "/" + name + "_" + std::to_string(size) + ".inp");
            }
            const auto t0 = std::chrono::steady_clock::now();
            HydraulicSolver solver(net);
            const double setupMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

            // Steady state from a cold start, repeated; the best time is the least disturbed.
            double best = 1e300;
            int iterations = 0;
            for (int r = 0; r < repeat; ++r) {
                HydraulicState s = solver.initialState();
                const SolveStats st = solver.solve(s);
                if (!st.converged) {
                    std::fprintf(stderr, "grid %d: no convergence\n", size);
                }
                iterations = st.iterations;
                best = std::min(best, st.seconds);
            }
            // 24 h extended period.
            WaterSimulation sim(net);
            const RunSummary sum = sim.run({});
            std::printf("%8s %8zu %8zu %10.1f %8d %12.2f %12.3f %14.2f %12d\n", name, net.nodeCount(),
                        net.linkCount(), setupMs, iterations, 1000.0 * best, 1000.0 * best / iterations,
                        1000.0 * sum.solveSeconds / sum.solves, sum.solves);
        }
    }
    return 0;
}
