#include "xgrad/models/cnn.hpp"

#include "xgrad/nn/conv.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/flatten.hpp"
#include "xgrad/nn/pooling.hpp"
#include "xgrad/nn/reshape.hpp"

namespace xgrad::models {

using namespace xgrad::nn;

Sequential small_cnn() {
    return Sequential{Reshape({28, 28, 1}).input_shape({28, 28}),
                      Conv2D(32, 3, "relu").padding("same"),
                      MaxPooling2D(),
                      Conv2D(64, 3, "relu").padding("same"),
                      MaxPooling2D(),
                      Flatten(),
                      Dense(128, "relu"),
                      Dropout(0.5),
                      Dense(10, "softmax")};
}

Sequential book_cnn() {
    return Sequential{Reshape({28, 28, 1}).input_shape({28, 28}),
                      Conv2D(64, 7, "relu").padding("same"),
                      MaxPooling2D(),
                      Conv2D(128, 3, "relu").padding("same"),
                      Conv2D(128, 3, "relu").padding("same"),
                      MaxPooling2D(),
                      Conv2D(256, 3, "relu").padding("same"),
                      Conv2D(256, 3, "relu").padding("same"),
                      MaxPooling2D(),
                      Flatten(),
                      Dense(128, "relu"),
                      Dropout(0.5),
                      Dense(64, "relu"),
                      Dropout(0.5),
                      Dense(10, "softmax")};
}

}  // namespace xgrad::models
