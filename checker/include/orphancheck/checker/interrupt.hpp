// A stop request from outside the search: the command line turns SIGINT, SIGTERM and SIGHUP into one, and the
// search ends at its next limit check with verdict incomplete, naming the signal, and its report so far.
#pragma once

namespace orphancheck::checker {

// Async-signal-safe: called from a signal handler.
void request_interrupt(int signal) noexcept;
// The signal that asked the search to stop, or 0.
[[nodiscard]] int interrupt_signal() noexcept;

}  // namespace orphancheck::checker
