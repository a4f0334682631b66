#!/usr/bin/env bash
# Regenerates the example gallery. Usage: generate.sh [OUTDIR] [ORPHANCHECK]
# (defaults: this folder, ../../build/cli/orphancheck). Needs Graphviz.
# tests/test_gallery.cpp runs it into a scratch folder and fails when the
# checked-in copies here are stale.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
bin="${2:-$here/../../build/cli/orphancheck}"
patches="$here/../../model/patches/broken"
lean=(--linger off --unread no --loss no --peer-data no --peer-rst no --fin-timeout 60)
mkdir -p "$out"

# The per-socket close path (Linux 6.x model), as DOT and SVG.
"$bin" graph --view socket -o "$out/socket-view.dot"
"$bin" graph --view socket -o "$out/socket-view.svg"
# The same with a listener: its close(), the children inet_csk_listen_stop forgets, its request sockets.
"$bin" graph --view socket --listener yes -o "$out/socket-view-listener.dot"
"$bin" graph --view socket --listener yes -o "$out/socket-view-listener.svg"

# Three sockets, merged by socket states and orphan count. Their peers never close (no CLOSE_WAIT or LAST_ACK),
# which keeps the picture a screen or so wide: with the peers' FINs it has six times the classes and eight times the width.
quotient=(--view quotient --sockets 3 "${lean[@]}" --peer-fin no)
"$bin" graph "${quotient[@]}" -o "$out/quotient-3-sockets.dot"
"$bin" graph "${quotient[@]}" -o "$out/quotient-3-sockets.svg"

# A counterexample of a broken variant (LAST_ACK decrements twice).
cex=(--view counterexample --sockets 1 --linger off --unread no --property counter-never-negative
     --patch "$patches/double-decrement.toml" --colour property)
"$bin" graph "${cex[@]}" -o "$out/counterexample-double-decrement.dot"
"$bin" graph "${cex[@]}" -o "$out/counterexample-double-decrement.svg"

# The HTML report of that broken variant (exit 1: a property is violated).
"$bin" check --sockets 1 --linger off --unread no --patch "$patches/double-decrement.toml" \
  --html "$out/report-double-decrement.html" > /dev/null || [ $? -eq 1 ]
