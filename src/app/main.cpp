// stream-hpc: the command line. Parses arguments, runs one subcommand, and maps errors to
// exit codes: 0 success, 2 bad input (a file, a field or an option value; one message naming
// it), 70 internal error (a bug), 75 checkpointed with work left (sweeps).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <new>

#include "commands.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 70;

int run(int argc, char** argv) {
  CLI::App app{
      "stream-hpc: fine-grained layer-fused scheduling of DNNs on multi-core accelerators, and "
      "sweeps "
      "of millions of architecture variants (a C++ successor of KU Leuven's Stream).",
      "stream-hpc"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return stream::app::version_text(); });
  std::vector<std::string> limit_args;
  app.add_option("--limit", limit_args,
                 "Change a resource limit, NAME=VALUE (e.g. max_cns=50000000); see README "
                 "'Resource limits'")
      ->type_name("NAME=VALUE");
  stream::app::Action action;
  stream::app::register_inspect(app, action);
  stream::app::register_cost(app, action);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  stream::app::register_sweep(app, action, command_line);
  stream::app::register_pareto(app, action);
  stream::app::register_eval(app, action);
  stream::app::register_validate(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  for (const auto& l : limit_args) {
    const auto eq = l.find('=');
    if (eq == std::string::npos) {
      throw stream::InputError("--limit", l, "expected NAME=VALUE");
    }
    stream::limits().set(l.substr(0, eq), l.substr(eq + 1), "--limit");
  }
  return action ? action() : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const stream::InputError& e) {
    std::cerr << "stream-hpc: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const stream::InternalError& e) {
    std::cerr << "stream-hpc: " << e.what()
              << "\n(this is a bug in stream-hpc; please report it)\n";
    return kExitInternal;
  } catch (const std::bad_alloc&) {
    std::cerr << "stream-hpc: error: out of memory (see README 'Resource limits')\n";
    return kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "stream-hpc: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}
