// Boost ships numbered MPL vectors only up to 50 elements; the close-path
// transition table has more rows. This header extends the series the same
// way boost/mpl/vector/vector50.hpp does (non-preprocessed mode).
#ifndef BOOST_MPL_VECTOR_VECTOR200_HPP_INCLUDED
#define BOOST_MPL_VECTOR_VECTOR200_HPP_INCLUDED
#include <boost/mpl/vector/vector190.hpp>
#include <boost/mpl/aux_/config/typeof.hpp>
#include <boost/mpl/aux_/config/ctps.hpp>
#include <boost/preprocessor/iterate.hpp>
namespace boost { namespace mpl {
#define BOOST_PP_ITERATION_PARAMS_1 (3, (191, 200, <boost/mpl/vector/aux_/numbered.hpp>))
#include BOOST_PP_ITERATE()
}}
#endif
