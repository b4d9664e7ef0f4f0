// bench_power_flow: times AC (Newton-Raphson) and DC power flow on synthetic networks.
//
// Usage: bench_power_flow [--sizes 100,1000,10000] [--repeat N] [case.m ...]
// Prints, per network: buses, branches, Newton iterations, ms per AC solve, ms per Newton
// iteration (the solve time divided by the iterations, so it includes the once-per-solve admittance
// matrix and symbolic analysis), ms per DC solve. The median of the repeats is reported.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "citytwin/power/matpower_reader.h"
#include "citytwin/power/power_flow.h"

using namespace ct::power;

namespace {

// Deterministic value in [0, 1) from an integer (splitmix64), so every run builds the same network.
double unit(std::uint64_t i) {
    std::uint64_t z = i + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
}

// Two families of synthetic networks, deterministic for a given size.
//
// "grid": n buses on a square lattice, `width` per row, each joined to its right and lower
// neighbours, plus a diagonal tie at every 7th bus: a meshed transmission-like network with 2-3
// branches per bus. A 2-D lattice is the hard case for sparse LU (its fill grows like n log n), so
// it bounds the cost from above. Every bus has 5-15 MW of load at 0.95 power factor; every 10th
// bus has a generator (1.02 p.u.) scheduled to cover its share; bus 1 is the slack.
//
// "feeders": what a city network looks like: a meshed backbone (a lattice of n/25 substation buses
// with generators at every 4th) and radial feeders of 12 buses hanging off the substations, with
// a lateral at every 4th feeder bus; 0.2-1 MW per feeder bus, cables with r/x = 0.5.
PowerNetwork grid(int n) {
    PowerNetwork net;
    net.name = "grid-" + std::to_string(n);
    net.baseMVA = 100;
    const int width = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    double load = 0;
    for (int i = 0; i < n; ++i) {
        PowerBus b;
        b.number = i + 1;
        b.type = i == 0 ? BusType::Ref : (i % 10 == 0 ? BusType::Pv : BusType::Pq);
        b.pdMW = 5 + 10 * unit(static_cast<std::uint64_t>(i));
        b.qdMVAr = 0.33 * b.pdMW;
        b.baseKV = 230;
        load += b.pdMW;
        net.buses.push_back(b);
    }
    const int ngen = (n + 9) / 10;
    for (int i = 0; i < n; i += 10) {
        PowerGen g;
        g.bus = i;
        g.pgMW = load / ngen;
        g.vgPu = 1.02;
        g.pmaxMW = 2 * load / ngen;
        net.gens.push_back(g);
    }
    auto addBranch = [&](int f, int t, std::uint64_t seed) {
        PowerBranch br;
        br.from = f;
        br.to = t;
        br.xPu = 0.02 + 0.04 * unit(seed);
        br.rPu = 0.1 * br.xPu;
        br.bPu = 0.02;
        br.rateAMVA = 250;
        net.branches.push_back(br);
    };
    for (int i = 0; i < n; ++i) {
        const std::uint64_t s = 1000003ull * static_cast<std::uint64_t>(i);
        if ((i + 1) % width != 0 && i + 1 < n) {
            addBranch(i, i + 1, s + 1);
        }
        if (i + width < n) {
            addBranch(i, i + width, s + 2);
        }
        if (i % 7 == 3 && (i + 1) % width != 0 && i + width + 1 < n) {
            addBranch(i, i + width + 1, s + 3);
        }
    }
    return net;
}

PowerNetwork feeders(int n) {
    const int m = std::max(4, n / 25);  // backbone buses
    PowerNetwork net = grid(m);
    net.name = "feeders-" + std::to_string(n);
    for (PowerBus& b : net.buses) {
        b.pdMW = 0;
        b.qdMVAr = 0;
        b.type = b.type == BusType::Ref ? BusType::Ref : BusType::Pq;
    }
    net.gens.clear();
    double load = 0;
    int feeder = 0, pos = 0;
    for (int i = m; i < n; ++i) {
        PowerBus b;
        b.number = i + 1;
        b.pdMW = 0.2 + 0.8 * unit(7ull * static_cast<std::uint64_t>(i));
        b.qdMVAr = 0.33 * b.pdMW;
        b.baseKV = 20;
        load += b.pdMW;
        net.buses.push_back(b);
        PowerBranch br;
        // A feeder starts at a substation; a lateral (every 4th bus) starts two buses back.
        br.from = pos == 0 ? feeder % m : (pos % 4 == 3 ? i - 2 : i - 1);
        br.to = i;
        br.xPu = 0.01 + 0.01 * unit(11ull * static_cast<std::uint64_t>(i));
        br.rPu = 0.5 * br.xPu;
        br.rateAMVA = 20;
        net.branches.push_back(br);
        if (++pos == 12) {
            pos = 0;
            ++feeder;
        }
    }
    const int ngen = (m + 3) / 4;
    for (int i = 0; i < m; i += 4) {
        PowerGen g;
        g.bus = i;
        g.pgMW = load / ngen;
        g.vgPu = 1.03;
        g.pmaxMW = 2 * load / ngen;
        net.gens.push_back(g);
        if (i > 0) {
            net.buses[static_cast<std::size_t>(i)].type = BusType::Pv;
        }
    }
    return net;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void bench(const PowerNetwork& net, int repeat) {
    using Clock = std::chrono::steady_clock;
    PowerFlowOptions ac;
    ac.flatStart = true;
    PowerFlowOptions dc;
    dc.method = PowerFlowMethod::Dc;
    std::vector<double> acMs, dcMs;
    PowerFlowResult r;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = Clock::now();
        r = solvePowerFlow(net, ac);
        const auto t1 = Clock::now();
        const PowerFlowResult d = solvePowerFlow(net, dc);
        const auto t2 = Clock::now();
        acMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        dcMs.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        if (!d.converged) {
            std::printf("  DC failed: %s\n", d.message.c_str());
        }
    }
    const double a = median(acMs);
    std::printf("%-22s %7zu %8zu %5d %9s %11.3f %11.3f %10.3f %11.3e\n", net.name.c_str(), net.buses.size(),
                net.branches.size(), r.iterations, r.converged ? "yes" : "NO", a,
                r.iterations > 0 ? a / r.iterations : 0.0, median(dcMs), maxPowerBalanceMismatchPu(net, r));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes{100, 1000, 10000};
    int repeat = 0;
    std::vector<std::string> cases;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--sizes" && i + 1 < argc) {
            sizes.clear();
            std::string s = argv[++i];
            for (std::size_t p = 0; p < s.size();) {
                const std::size_t q = s.find(',', p);
                sizes.push_back(std::atoi(s.substr(p, q - p).c_str()));
                p = q == std::string::npos ? s.size() : q + 1;
            }
        } else if (a == "--repeat" && i + 1 < argc) {
            repeat = std::atoi(argv[++i]);
        } else {
            cases.push_back(a);
        }
    }
    std::printf("%-22s %7s %8s %5s %9s %11s %11s %10s %11s\n", "network", "buses", "branches", "iter",
                "converged", "AC ms/solve", "ms/iter", "DC ms", "balance pu");
    for (int n : sizes) {
        if (n > 1) {
            bench(grid(n), repeat > 0 ? repeat : (n <= 1000 ? 21 : 5));
            bench(feeders(n), repeat > 0 ? repeat : (n <= 1000 ? 21 : 5));
        }
    }
    for (const std::string& path : cases) {
        ct::DiagnosticReport report;
        const auto net = readMatpowerCase(path, report);
        if (!net) {
            std::printf("%s: not loaded (%zu errors)\n", path.c_str(), report.errorCount());
            continue;
        }
        bench(*net, repeat > 0 ? repeat : 21);
    }
    return 0;
}
