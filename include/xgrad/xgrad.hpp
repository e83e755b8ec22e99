#pragma once
/// \file
/// The umbrella header: everything a program needs to build and train models.
/// It does not pull in xtensor; include "xgrad/interop/xtensor.hpp" for that.
#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/function.hpp"
#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/gradcheck.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/core/dtype.hpp"
#include "xgrad/core/error.hpp"
#include "xgrad/core/random.hpp"
#include "xgrad/core/shape.hpp"
#include "xgrad/core/tensor.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/indexing.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/math.hpp"
#include "xgrad/ops/reduction.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/shape_ops.hpp"
#include "xgrad/ops/softmax.hpp"
