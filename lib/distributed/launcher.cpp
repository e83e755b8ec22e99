// distributed::launched_by_mpirun (both builds): the launcher's environment.
#include <cstdlib>

#include "xgrad/distributed/collectives.hpp"

namespace xgrad::distributed {

bool launched_by_mpirun() noexcept {
    return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}

}  // namespace xgrad::distributed
