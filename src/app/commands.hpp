#pragma once
// The stream-hpc subcommands. Each registers its options on the CLI11 app and returns the
// action to run once the command line is parsed. Only the application prints.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace stream::app {

using Action = std::function<int()>;

/// `stream-hpc inspect`: readable summaries (or JSON) of a workload, an accelerator, a mapping.
void register_inspect(CLI::App& app, Action& action);

/// `stream-hpc cost`: one layer on one core with the ZigZag 2.4.5 cost model.
void register_cost(CLI::App& app, Action& action);

/// `stream-hpc sweep`: dry run, MPI run/resume, merge (README "Sweeps").
void register_sweep(CLI::App& app, Action& action, const std::string& command_line);

/// `stream-hpc pareto`: the Pareto front of a results.h5.
void register_pareto(CLI::App& app, Action& action);

/// `stream-hpc eval`: one design point end to end (the mapping's allocation or an allocator's).
void register_eval(CLI::App& app, Action& action);

/// `stream-hpc validate`: Stream's three validation chips, modelled vs measured latency.
void register_validate(CLI::App& app, Action& action);

/// The --version text: version, git describe, build type, compiler and library versions.
std::string version_text();

}  // namespace stream::app
