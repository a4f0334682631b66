#include "orphancheck/checker/interrupt.hpp"

#include <csignal>

namespace orphancheck::checker {
namespace {
volatile std::sig_atomic_t g_signal = 0;
}  // namespace

void request_interrupt(int signal) noexcept { g_signal = signal; }
int interrupt_signal() noexcept { return g_signal; }

}  // namespace orphancheck::checker
