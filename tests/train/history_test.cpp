// History's learning-curve SVG, checked by parsing its geometry: panels
// side by side without overlapping (tick labels included), round value
// ticks covering the data, whole-epoch ticks, the legend outside the plot,
// every curve point inside it.
#include <cmath>
#include <regex>

#include "../test_helpers.hpp"

using namespace xgrad;

namespace {

double attribute(const std::string& element, const std::string& name) {
    const std::regex re(" " + name + "=\"([-0-9.e]+)\"");
    std::smatch m;
    BOOST_REQUIRE_MESSAGE(std::regex_search(element, m, re), "no " << name << " in " << element);
    return std::stod(m[1]);
}

struct Box {
    double left, top, right, bottom;
    bool overlaps(const Box& o) const { return left < o.right && o.left < right && top < o.bottom && o.top < bottom; }
};

struct Tick {
    double x, y;
    std::string label;
};

/// Ticks of class `cls` in `svg`: position and text.
std::vector<Tick> ticks(const std::string& svg, const std::string& cls) {
    std::vector<Tick> out;
    const std::regex re("<text class=\"" + cls + "\"[^>]*>([^<]*)</text>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
        out.push_back({attribute(it->str(), "x"), attribute(it->str(), "y"), (*it)[1]});
    return out;
}

Box rect(const std::string& svg, const std::string& opening) {
    const auto found = svg.find(opening);
    BOOST_REQUIRE(found != std::string::npos);
    const auto at = svg.find("<rect", found);  // the rect at or after `opening`
    const std::string element = svg.substr(at, svg.find('>', at) - at);
    const double x = attribute(element, "x"), y = attribute(element, "y");
    return {x, y, x + attribute(element, "width"), y + attribute(element, "height")};
}

/// Text extents at 12 px sans-serif: at most 7 px per character.
constexpr double kCharWidth = 7;

}  // namespace

BOOST_AUTO_TEST_SUITE(train_history)

BOOST_AUTO_TEST_CASE(learning_curves_have_readable_geometry) {
    train::History h;
    std::vector<double> values;
    for (int e = 0; e < 12; ++e) {
        const std::map<std::string, double> logs{{"loss", 0.7913 * std::exp(-0.2 * e)},
                                                 {"accuracy", 0.7137 + 0.0191 * e},
                                                 {"val_loss", 0.7541 * std::exp(-0.15 * e)},
                                                 {"val_accuracy", 0.7013 + 0.0177 * e}};
        h.append(e, logs);
    }
    const std::string svg = h.to_svg();
    const double width = attribute(svg.substr(0, svg.find('>')), "width");

    // The panels, in order: accuracy, loss.
    std::vector<std::string> panels;
    for (std::size_t at = svg.find("<g class=\"panel\""); at != std::string::npos;) {
        const std::size_t next = svg.find("<g class=\"panel\"", at + 1);
        panels.push_back(svg.substr(at, next == std::string::npos ? std::string::npos : next - at));
        at = next;
    }
    BOOST_TEST_REQUIRE(panels.size() == 2u);
    BOOST_TEST(panels[0].find("data-metric=\"accuracy\"") != std::string::npos);

    std::vector<Box> extents;
    for (const std::string& panel : panels) {
        const std::string metric = panel.substr(panel.find("data-metric=\"") + 13, panel.find("\">") - panel.find("data-metric=\"") - 13);
        BOOST_TEST_CONTEXT(metric) {
            const Box plot = rect(panel, "<rect class=\"plot\"");
            const Box legend = rect(panel, "<g class=\"legend\"><rect");
            BOOST_TEST(!legend.overlaps(plot));  // the legend never covers a curve

            // Value ticks: equally spaced by 1, 2, 2.5 or 5 × 10^k, at multiples of the step, covering the data.
            const auto y = ticks(panel, "ytick");
            BOOST_TEST_REQUIRE(y.size() >= 3u);
            const double step = std::stod(y[1].label) - std::stod(y[0].label);
            const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-12));
            BOOST_TEST((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                        std::abs(mantissa - 2.5) < 1e-6 || std::abs(mantissa - 5) < 1e-6),
                       "step " << step);
            for (std::size_t i = 0; i < y.size(); ++i) {
                const double v = std::stod(y[i].label);
                BOOST_TEST(std::abs(v / step - std::round(v / step)) < 1e-6, "tick " << y[i].label);
                BOOST_TEST(y[i].label.size() <= 4u, "tick " << y[i].label << " is not a round value");
                if (i) BOOST_TEST(std::abs(v - std::stod(y[i - 1].label) - step) < 1e-9);
            }
            const auto& series = h.history();
            double lo = INFINITY, hi = -INFINITY;
            for (const std::string& key : {metric, "val_" + metric})
                for (const double v : series.at(key)) lo = std::min(lo, v), hi = std::max(hi, v);
            BOOST_TEST(std::stod(y.front().label) <= lo);
            BOOST_TEST(std::stod(y.back().label) >= hi);

            // Epoch ticks: whole numbers, equally spaced, covering epochs 0-11.
            const auto x = ticks(panel, "xtick");
            BOOST_TEST_REQUIRE(x.size() >= 3u);
            for (const Tick& t : x) BOOST_TEST(t.label.find('.') == std::string::npos, "epoch tick " << t.label);
            BOOST_TEST(std::stoi(x.front().label) <= 0);
            BOOST_TEST(std::stoi(x.back().label) >= 11);

            // Every curve point lies in the plot.
            const std::regex points("class=\"series\"[^>]* points=\"([^\"]*)\"");
            int curves = 0;
            for (auto it = std::sregex_iterator(panel.begin(), panel.end(), points); it != std::sregex_iterator(); ++it) {
                ++curves;
                std::istringstream in((*it)[1]);
                double px = 0, py = 0;
                char comma = 0;
                int count = 0;
                while (in >> px >> comma >> py) {
                    ++count;
                    BOOST_TEST((px >= plot.left - 0.5 && px <= plot.right + 0.5 && py >= plot.top - 0.5 &&
                                py <= plot.bottom + 0.5));
                }
                BOOST_TEST(count == 12);
            }
            BOOST_TEST(curves == 2);

            // The panel's horizontal extent, tick labels (right-aligned left of the plot) included.
            Box extent = plot;
            for (const Tick& t : y) extent.left = std::min(extent.left, t.x - kCharWidth * t.label.size());
            for (const Tick& t : x) extent.right = std::max(extent.right, t.x + kCharWidth * t.label.size() / 2);
            extent.right = std::max(extent.right, legend.right);
            extents.push_back(extent);
        }
    }
    BOOST_TEST(extents[0].left >= 0);
    BOOST_TEST(extents[0].right < extents[1].left);  // no label of one panel reaches the next
    BOOST_TEST(extents[1].right <= width);
}

BOOST_AUTO_TEST_CASE(one_epoch_and_flat_series) {
    train::History h;
    h.append(0, {{"loss", 0.5}});
    const std::string svg = h.to_svg();
    const auto y = ticks(svg, "ytick");
    BOOST_TEST_REQUIRE(y.size() >= 2u);
    BOOST_TEST(std::stod(y.front().label) <= 0.5);
    BOOST_TEST(std::stod(y.back().label) >= 0.5);
    const auto x = ticks(svg, "xtick");
    BOOST_TEST(x.front().label == "0");
    BOOST_TEST(svg.find("validation") == std::string::npos);  // no validation series, no legend entry
}

BOOST_AUTO_TEST_SUITE_END()
