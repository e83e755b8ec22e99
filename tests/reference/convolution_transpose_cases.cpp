// conv2d_transpose and the upsampling ops against torch.nn.functional:
// images channels-last (permuted to PyTorch's NCHW and back), kernels in
// Keras' [kh, kw, filters, C] (PyTorch's [C, filters, kh, kw] is permute(3, 2, 0, 1)).
#include "reference/torch_case.hpp"

XGRAD_TORCH_CASES(convolution_transpose_cases) {
    using namespace xgrad;
    using namespace xgrad::reference;
    const auto one = [](const Tensor& t) { return Outputs{t}; };
    const Tensor image = sample_normal({2, 5, 4, 3}, 110);
    const std::string nchw = "x0.permute(0, 3, 1, 2)", weight = "x1.permute(3, 2, 0, 1)";
    const std::string ct = "torch.nn.functional.conv_transpose2d(" + nchw + ", " + weight;
    return {
        {"conv2d_transpose/valid_bias", ct + ", x2).permute(0, 2, 3, 1)",
         [one](const Inputs& v) { return one(conv2d_transpose(v[0], v[1], v[2])); },
         {image, sample_normal({3, 2, 4, 3}, 111), sample_normal({4}, 112)}},
        {"conv2d_transpose/strided_dilated",
         ct + ", stride=(2, 3), dilation=(1, 2)).permute(0, 2, 3, 1)",
         [one](const Inputs& v) {
             return one(conv2d_transpose(v[0], v[1], Tensor(), {.strides = {2, 3}, .dilation = {1, 2}}));
         },
         {image, sample_normal({3, 3, 2, 3}, 113)}},
        // Keras' "same" with stride 1 and odd kernels crops (k − 1) / 2: PyTorch's padding.
        {"conv2d_transpose/same_stride1", ct + ", padding=(1, 2)).permute(0, 2, 3, 1)",
         [one](const Inputs& v) { return one(conv2d_transpose(v[0], v[1], Tensor(), {.padding = "same"})); },
         {image, sample_normal({3, 5, 2, 3}, 114)}},
        // Keras' "same", stride 2, kernel 4 crops 1 on each side: PyTorch's padding=1.
        {"conv2d_transpose/same_stride2", ct + ", stride=2, padding=1).permute(0, 2, 3, 1)",
         [one](const Inputs& v) {
             return one(conv2d_transpose(v[0], v[1], Tensor(), {.strides = {2, 2}, .padding = "same"}));
         },
         {image, sample_normal({4, 4, 2, 3}, 115)}},
        // Keras' "same", stride 2, kernel 3 crops nothing before and one after (TensorFlow's
        // placement): PyTorch's full result without its last row and column.
        {"conv2d_transpose/same_stride2_odd", ct + ", stride=2)[:, :, :10, :8].permute(0, 2, 3, 1)",
         [one](const Inputs& v) {
             return one(conv2d_transpose(v[0], v[1], Tensor(), {.strides = {2, 2}, .padding = "same"}));
         },
         {image, sample_normal({3, 3, 2, 3}, 116)}},
        {"conv2d_transpose/explicit_output_padding", ct + ", stride=(3, 2), padding=(1, 0), output_padding=(2, 1)).permute(0, 2, 3, 1)",
         [one](const Inputs& v) {
             return one(conv2d_transpose(v[0], v[1], Tensor(),
                                         {.strides = {3, 2}, .padding = Padding2d(1, 0),
                                          .output_padding = std::array<std::int64_t, 2>{2, 1}}));
         },
         {image, sample_normal({2, 3, 2, 3}, 117)}},
        {"upsample_nearest2d/2x3", "torch.nn.functional.interpolate(" + nchw + ", scale_factor=(2, 3), mode='nearest').permute(0, 2, 3, 1)",
         [one](const Inputs& v) { return one(upsample_nearest2d(v[0], {2, 3})); }, {image}},
        {"upsample_bilinear2d/2x3",
         "torch.nn.functional.interpolate(" + nchw + ", scale_factor=(2, 3), mode='bilinear', align_corners=False).permute(0, 2, 3, 1)",
         [one](const Inputs& v) { return one(upsample_bilinear2d(v[0], {2, 3})); }, {image}},
        {"upsample_bilinear2d/channels_first",
         "torch.nn.functional.interpolate(x0, scale_factor=(3, 1), mode='bilinear', align_corners=False)",
         [one](const Inputs& v) { return one(upsample_bilinear2d(v[0], {3, 1}, DataFormat::channels_first)); },
         {sample_normal({2, 3, 4, 5}, 118)}},
    };
}
