// Benchmark: writing the DOT of a large graph through Boost.Graph
// (write_graphviz with our escaping attribute writers, buffered output).
//   bench_dot [EDGES] [OUT]   (defaults: 1000000 edges, /tmp/orphancheck-bench.dot)
#include <chrono>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "orphancheck/reports/dot.hpp"

int main(int argc, char** argv) {
    const std::size_t edges = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const std::string out_path = argc > 2 ? argv[2] : "/tmp/orphancheck-bench.dot";
    const std::size_t nodes = edges / 10 + 1;
    orphancheck::reports::DotGraph g;
    for (std::size_t i = 0; i < nodes; ++i)
        g.nodes.push_back({{"label", fmt::format("s0 FIN_WAIT1 orphan \"r{}\"\norphans={}", i % 9, i % 3)}});
    for (std::size_t i = 0; i < edges; ++i)
        g.edges.push_back({i % nodes, (i * 7919) % nodes, {{"label", "s0: peer ACK arrives"}}});
    const auto t0 = std::chrono::steady_clock::now();
    std::ofstream out(out_path);
    orphancheck::reports::write_dot(out, g);
    out.close();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("wrote {} nodes, {} edges as DOT in {:.2f} s ({})\n", nodes, edges, s, out_path);
    return 0;
}
