// eventually-destroyed decided socket by socket (compositional.cpp).
#pragma once

#include "orphancheck/checker/explorer.hpp"

namespace orphancheck::checker {

// The check of `spec` with eventually-destroyed decided by runs of one socket; compositional_premise(spec)
// must hold.
ExploreResult explore_compositional(const ExploreSpec& spec);

}  // namespace orphancheck::checker
