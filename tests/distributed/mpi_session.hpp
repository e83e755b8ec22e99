#pragma once
// The distributed tests run every case on every rank (Meson starts them
// under mpirun -np 2 when xgrad has MPI); only rank 0 prints the TAP lines.
#include <iostream>

#include "xgrad/distributed/collectives.hpp"

namespace xgrad_test {

/// One MPI session for the whole run; ranks other than 0 keep quiet on stdout.
struct MpiSession {
    MpiSession() {
        xgrad::distributed::init();
        if (xgrad::distributed::rank() != 0) std::cout.setstate(std::ios::badbit);
    }
    ~MpiSession() { xgrad::distributed::finalize(); }
};

}  // namespace xgrad_test
