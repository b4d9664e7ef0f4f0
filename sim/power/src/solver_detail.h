#pragma once
// Internal building blocks of the power flow: branch admittances, the Newton-Raphson core and the
// DC solve of one island. Not installed; used by power_flow.cpp and the tests of this library only.

#include <Eigen/Sparse>
#include <complex>
#include <string>
#include <vector>

#include "citytwin/power/power_network.h"

namespace ct::power::detail {

using Complex = std::complex<double>;
using SparseComplex = Eigen::SparseMatrix<Complex, Eigen::ColMajor, int>;

/// The 2x2 admittance block of a branch in the MATPOWER pi model (makeYbus), per unit:
/// [If; It] = [yff yft; ytf ytt] [Vf; Vt].
struct BranchAdmittance {
    Complex yff, yft, ytf, ytt;
};

BranchAdmittance branchAdmittance(const PowerBranch& br);

struct NewtonOutcome {
    bool converged = false;
    int iterations = 0;
    double maxMismatchPu = 0;
    std::string message;  ///< why it stopped without converging
};

/// Newton-Raphson in polar coordinates (MATPOWER newtonpf). `ybus` is n x n and compressed; `sbus`
/// the specified complex injections, per unit; `v` the start on entry and the solution on exit.
/// `pv` and `pq` list the bus indices of each kind; every other bus is a slack. The Jacobian
/// pattern is analysed once; it is refactorised every iteration.
NewtonOutcome newtonRaphson(const SparseComplex& ybus, const Eigen::VectorXcd& sbus, Eigen::VectorXcd& v,
                            const std::vector<int>& pv, const std::vector<int>& pq, double tolerancePu,
                            int maxIterations);

}  // namespace ct::power::detail
