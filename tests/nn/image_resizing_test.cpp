#include "../test_helpers.hpp"
BOOST_AUTO_TEST_CASE(placeholder) { BOOST_TEST(true); }
