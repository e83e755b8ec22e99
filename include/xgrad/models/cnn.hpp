#pragma once
/// \file
/// Convolutional nets for Fashion-MNIST images [N, 28, 28] and 10 classes
/// (Hands-On ML, ch. 14), shared by the `xgrad` CLI and the examples.
#include "xgrad/nn/sequential.hpp"

namespace xgrad::models {

/// A small CNN: Reshape → Conv2D(32, 3, relu, same) → MaxPool → Conv2D(64,
/// 3, relu, same) → MaxPool → Flatten → Dense(128, relu) → Dropout(0.5) →
/// Dense(10, softmax); 421,642 parameters, about 1/20 of the book CNN's
/// arithmetic.
nn::Sequential small_cnn();

/// The book's CNN: Conv2D(64, 7, same) → MaxPool → 2 × Conv2D(128, 3) →
/// MaxPool → 2 × Conv2D(256, 3) → MaxPool → Flatten → Dense(128) → Dropout(0.5)
/// → Dense(64) → Dropout(0.5) → Dense(10, softmax), ReLU throughout;
/// 1,413,834 parameters (Keras' count).
nn::Sequential book_cnn();

}  // namespace xgrad::models
