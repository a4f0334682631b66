// Live-kernel tests run only where this process may create network
// namespaces, nft tables and inet_diag sockets; elsewhere they pass with a
// "skipped: <why>" message.
#pragma once

#include <doctest/doctest.h>

#include "orphancheck/conform/netns.hpp"

#define LIVE_KERNEL_OR_SKIP()                                                                    \
    do {                                                                                         \
        const orphancheck::conform::Availability live = orphancheck::conform::live_kernel_available(); \
        if (!live.ok) {                                                                          \
            MESSAGE("skipped: " << live.why);                                                    \
            return;                                                                              \
        }                                                                                        \
    } while (0)
