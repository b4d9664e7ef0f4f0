// Newton-Raphson power flow in polar form with a sparse Jacobian.
//
// Unknowns: the angles of the PV and PQ buses and the magnitudes of the PQ buses. Equations: the
// real power mismatch at PV and PQ buses and the reactive mismatch at PQ buses (as MATPOWER, but
// ordered bus by bus). The Jacobian has a nonzero wherever Ybus has one, so its pattern is built once from
// Ybus with, for every Ybus entry, the positions of its (up to) four Jacobian entries; each
// iteration only overwrites values and refactorises.
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <sstream>

#include "solver_detail.h"

namespace ct::power::detail {

BranchAdmittance branchAdmittance(const PowerBranch& br) {
    // makeYbus: Ys = 1/(r + jx); Bc = b; tap = ratio * exp(j shift), ratio 0 meaning 1.
    const Complex ys = 1.0 / Complex(br.rPu, br.xPu);
    const double shiftRad = br.shiftDeg * std::numbers::pi / 180.0;
    const Complex tap = std::polar(br.tap(), shiftRad);
    const Complex ytt = ys + Complex(0, br.bPu / 2);
    BranchAdmittance a;
    a.ytt = ytt;
    a.yff = ytt / std::norm(tap);
    a.yft = -ys / std::conj(tap);
    a.ytf = -ys / tap;
    return a;
}

namespace {

using SparseReal = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

// Jacobian pattern: slot[e] holds, for the Ybus entry e = (i, k), the positions in the Jacobian's
// value array of dP_i/dVa_k, dP_i/dVm_k, dQ_i/dVa_k, dQ_i/dVm_k (-1 where the row or column does
// not exist).
struct JacobianPattern {
    SparseReal jac;
    std::vector<std::array<int, 4>> slot;
};

JacobianPattern buildPattern(const SparseComplex& ybus, const std::vector<int>& pRow,
                             const std::vector<int>& qRow, int dim) {
    JacobianPattern p;
    const int nnz = static_cast<int>(ybus.nonZeros());
    std::vector<Eigen::Triplet<double, int>> trip;
    trip.reserve(static_cast<std::size_t>(nnz) * 4);
    const int* outer = ybus.outerIndexPtr();
    const int* inner = ybus.innerIndexPtr();
    for (int k = 0; k < ybus.outerSize(); ++k) {
        for (int e = outer[k]; e < outer[k + 1]; ++e) {
            const int i = inner[e];
            const int pi = pRow[static_cast<std::size_t>(i)], qi = qRow[static_cast<std::size_t>(i)];
            const int pk = pRow[static_cast<std::size_t>(k)], qk = qRow[static_cast<std::size_t>(k)];
            if (pi >= 0 && pk >= 0) {
                trip.emplace_back(pi, pk, 1.0);
            }
            if (pi >= 0 && qk >= 0) {
                trip.emplace_back(pi, qk, 1.0);
            }
            if (qi >= 0 && pk >= 0) {
                trip.emplace_back(qi, pk, 1.0);
            }
            if (qi >= 0 && qk >= 0) {
                trip.emplace_back(qi, qk, 1.0);
            }
        }
    }
    p.jac.resize(dim, dim);
    p.jac.setFromTriplets(trip.begin(), trip.end());
    p.jac.makeCompressed();

    // Position of (row, col) in the compressed value array: a binary search in the column.
    const int* jOuter = p.jac.outerIndexPtr();
    const int* jInner = p.jac.innerIndexPtr();
    auto position = [&](int row, int col) {
        const int* first = jInner + jOuter[col];
        const int* last = jInner + jOuter[col + 1];
        const int* it = std::lower_bound(first, last, row);
        return static_cast<int>(it - jInner);
    };
    p.slot.assign(static_cast<std::size_t>(nnz), {-1, -1, -1, -1});
    for (int k = 0; k < ybus.outerSize(); ++k) {
        for (int e = outer[k]; e < outer[k + 1]; ++e) {
            const int i = inner[e];
            const int pi = pRow[static_cast<std::size_t>(i)], qi = qRow[static_cast<std::size_t>(i)];
            const int pk = pRow[static_cast<std::size_t>(k)], qk = qRow[static_cast<std::size_t>(k)];
            auto& s = p.slot[static_cast<std::size_t>(e)];
            if (pi >= 0 && pk >= 0) {
                s[0] = position(pi, pk);
            }
            if (pi >= 0 && qk >= 0) {
                s[1] = position(pi, qk);
            }
            if (qi >= 0 && pk >= 0) {
                s[2] = position(qi, pk);
            }
            if (qi >= 0 && qk >= 0) {
                s[3] = position(qi, qk);
            }
        }
    }
    return p;
}

}  // namespace

NewtonOutcome newtonRaphson(const SparseComplex& ybus, const Eigen::VectorXcd& sbus, Eigen::VectorXcd& v,
                            const std::vector<int>& pv, const std::vector<int>& pq, double tolerancePu,
                            int maxIterations) {
    const int n = static_cast<int>(v.size());
    const int dim = static_cast<int>(pv.size() + 2 * pq.size());

    // Row (and column) of each bus's P equation (its angle) and Q equation (its magnitude), -1 when
    // it has none. The two unknowns of a bus are kept next to each other: with COLAMD this gives a
    // little less fill than MATPOWER's [angles; magnitudes] blocks (measured on the benchmark grids).
    std::vector<int> pRow(static_cast<std::size_t>(n), -1), qRow(static_cast<std::size_t>(n), -1);
    for (int i : pv) {
        pRow[static_cast<std::size_t>(i)] = 0;
    }
    for (int i : pq) {
        pRow[static_cast<std::size_t>(i)] = 0;
        qRow[static_cast<std::size_t>(i)] = 0;
    }
    int dimCount = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
        if (pRow[i] >= 0) {
            pRow[i] = dimCount++;
        }
        if (qRow[i] >= 0) {
            qRow[i] = dimCount++;
        }
    }

    Eigen::VectorXd vm = v.cwiseAbs();
    Eigen::VectorXd va(n);
    for (int i = 0; i < n; ++i) {
        va[i] = std::arg(v[i]);
    }

    Eigen::VectorXcd ibus(n);
    Eigen::VectorXd f(dim);
    // Mismatch F (P at PV and PQ buses, Q at PQ buses) of V conj(Ybus V) - Sbus, and its infinity norm.
    auto mismatch = [&]() {
        ibus = ybus * v;
        double worst = 0;
        for (int i = 0; i < n; ++i) {
            const Complex mis = v[i] * std::conj(ibus[i]) - sbus[i];
            const std::size_t ui = static_cast<std::size_t>(i);
            if (pRow[ui] >= 0) {
                f[pRow[ui]] = mis.real();
                worst = std::max(worst, std::abs(mis.real()));
            }
            if (qRow[ui] >= 0) {
                f[qRow[ui]] = mis.imag();
                worst = std::max(worst, std::abs(mis.imag()));
            }
        }
        return worst;
    };

    NewtonOutcome out;
    out.maxMismatchPu = mismatch();
    if (out.maxMismatchPu < tolerancePu) {
        out.converged = true;
        return out;
    }
    if (dim == 0) {
        out.converged = true;
        return out;
    }

    JacobianPattern pat = buildPattern(ybus, pRow, qRow, dim);
    Eigen::SparseLU<SparseReal, Eigen::COLAMDOrdering<int>> lu;
    lu.analyzePattern(pat.jac);

    const int* outer = ybus.outerIndexPtr();
    const int* inner = ybus.innerIndexPtr();
    const Complex* yval = ybus.valuePtr();
    double* jval = pat.jac.valuePtr();
    const Complex j1(0, 1);
    Eigen::VectorXcd vnorm(n);

    while (out.iterations < maxIterations) {
        ++out.iterations;
        // dS/dVa and dS/dVm entry by entry (MATPOWER dSbus_dV, polar):
        //   dS_i/dVa_k = -j V_i conj(Y_ik V_k)            (i != k)
        //   dS_i/dVa_i =  j V_i conj(I_i - Y_ii V_i)
        //   dS_i/dVm_k =  V_i conj(Y_ik V_k / |V_k|)       (+ conj(I_i) V_i / |V_i| when i == k)
        for (int i = 0; i < n; ++i) {
            vnorm[i] = v[i] / vm[i];
        }
        for (int k = 0; k < n; ++k) {
            for (int e = outer[k]; e < outer[k + 1]; ++e) {
                const int i = inner[e];
                const Complex y = yval[e];
                Complex dVa, dVm;
                if (i == k) {
                    dVa = j1 * v[i] * std::conj(ibus[i] - y * v[i]);
                    dVm = v[i] * std::conj(y * vnorm[i]) + std::conj(ibus[i]) * vnorm[i];
                } else {
                    dVa = -j1 * v[i] * std::conj(y * v[k]);
                    dVm = v[i] * std::conj(y * vnorm[k]);
                }
                const auto& s = pat.slot[static_cast<std::size_t>(e)];
                if (s[0] >= 0) {
                    jval[s[0]] = dVa.real();
                }
                if (s[1] >= 0) {
                    jval[s[1]] = dVm.real();
                }
                if (s[2] >= 0) {
                    jval[s[2]] = dVa.imag();
                }
                if (s[3] >= 0) {
                    jval[s[3]] = dVm.imag();
                }
            }
        }
        lu.factorize(pat.jac);
        if (lu.info() != Eigen::Success) {
            out.message = "the Jacobian is singular (" + lu.lastErrorMessage() + ")";
            return out;
        }
        const Eigen::VectorXd dx = lu.solve(f);

        // Newton step: x <- x - J^-1 F.
        for (int i = 0; i < n; ++i) {
            const std::size_t ui = static_cast<std::size_t>(i);
            if (pRow[ui] >= 0) {
                va[i] -= dx[pRow[ui]];
            }
            if (qRow[ui] >= 0) {
                vm[i] -= dx[qRow[ui]];
            }
        }
        for (int i = 0; i < n; ++i) {
            v[i] = vm[i] * Complex(std::cos(va[i]), std::sin(va[i]));
        }
        // A negative magnitude from the step is a flipped angle, as MATPOWER's abs()/angle() read it.
        vm = v.cwiseAbs();
        for (int i = 0; i < n; ++i) {
            va[i] = std::arg(v[i]);
        }

        out.maxMismatchPu = mismatch();
        if (!std::isfinite(out.maxMismatchPu)) {
            out.message = "the iteration diverged (non-finite mismatch)";
            return out;
        }
        if (out.maxMismatchPu < tolerancePu) {
            out.converged = true;
            return out;
        }
    }
    std::ostringstream s;
    s << "no convergence in " << maxIterations << " iterations (largest mismatch " << out.maxMismatchPu
      << " p.u.)";
    out.message = s.str();
    return out;
}

}  // namespace ct::power::detail
