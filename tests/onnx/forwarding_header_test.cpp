// The deprecated path xgrad/io/onnx.hpp still declares all it did before
// ONNX export moved to xgrad/onnx/: export_onnx, OnnxGraph and OnnxValue, and
// the exporter registry. This file includes nothing else from ONNX export.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "xgrad/io/onnx.hpp"
#include "xgrad/nn/dense.hpp"
#include "xgrad/nn/sequential.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(forwarding_header)

BOOST_AUTO_TEST_CASE(old_path_declares_export_graph_and_registry) {
    const io::OnnxExporter dense = io::onnx_exporter_registry().get("Dense");
    BOOST_TEST(static_cast<bool>(dense));
    BOOST_TEST(io::onnx_opset == 13);

    nn::Sequential model;
    model.add(nn::Dense(2));
    const auto path = std::filesystem::temp_directory_path() /
                      ("xgrad_forwarding_header_" + std::to_string(::getpid()) + ".onnx");
    io::export_onnx(model, path.string(), {1, 3});
    std::stringstream bytes;
    bytes << std::ifstream(path, std::ios::binary).rdbuf();
    std::filesystem::remove(path);
    BOOST_TEST(bytes.str().find("Gemm") != std::string::npos);  // the Dense layer's node
    BOOST_TEST(bytes.str().find("xgrad") != std::string::npos);  // the producer
}

BOOST_AUTO_TEST_SUITE_END()
