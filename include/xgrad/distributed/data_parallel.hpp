/// Deprecated forwarding header: moved to xgrad/train/data_parallel.hpp; this path is kept through release 0.2.
#include "xgrad/train/data_parallel.hpp"
