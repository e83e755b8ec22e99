#pragma once
/// \file
/// The exception hierarchy. Every error xgrad throws derives from xgrad::Error,
/// and its message starts with the op, layer or file it concerns.
#include <stdexcept>
#include <string>

namespace xgrad {

/// Base of every exception thrown by xgrad.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Shapes that do not fit the op: `matmul: shapes [32,784] and [300,100] are not aligned (784 != 300)`.
class ShapeError : public Error {
public:
    using Error::Error;
};

/// A dtype the op does not accept, or two dtypes that do not match.
class DtypeError : public Error {
public:
    using Error::Error;
};

/// A value out of its allowed range (negative size, axis out of range, bad option).
class ValueError : public Error {
public:
    using Error::Error;
};

/// An index outside a dimension (gather, index_select, one_hot labels).
class IndexError : public Error {
public:
    using Error::Error;
};

/// Misuse of automatic differentiation: backward through a freed graph, a
/// non-scalar without gradient, a saved tensor modified in place.
class AutogradError : public Error {
public:
    using Error::Error;
};

/// A file that cannot be read or written, or whose content is invalid.
class IoError : public Error {
public:
    using Error::Error;
};

}  // namespace xgrad
