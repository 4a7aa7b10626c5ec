// The headless executor: `blockflow run | validate | format | blocks | export-onnx`. Needs no display.
#include <CLI/CLI.hpp>

#include <iostream>

#include "blocks/builtin_blocks.h"
#include "src/cli/catalog.h"
#include "src/cli/export_command.h"
#include "src/cli/format_command.h"
#include "src/cli/run_command.h"
#include "src/onnx/opset.h"

namespace {

void add_page_options(CLI::App& command, blockflow::RunCommandOptions& options) {
  command.add_option("PAGE", options.page_path, "page file (.json)")->required();
  command.add_option("--feed", options.feeds, "feed a Placeholder: BLOCK=FILE.npy (repeatable)")
      ->type_name("BLOCK=FILE");
  command.add_option("--max-tensor-bytes", options.max_tensor_bytes, "largest single tensor (default 4GiB)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::PositiveNumber)
      ->type_name("SIZE");
  command.add_option("--max-run-bytes", options.max_run_bytes, "most tensor bytes a run holds at once (default 16GiB)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::PositiveNumber)
      ->type_name("SIZE");
  command.add_option("--max-rank", options.max_rank, "highest tensor rank (default and at most 8)")->check(CLI::Range(0, 8));
  command.add_flag("--allow-outside-files", options.allow_outside_files,
                   "let the page read files outside its folder (absolute paths, ../, symlinks leading out)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Blockflow: run dataflow pages of tensor blocks without a display."};
  app.set_version_flag("--version", std::string("blockflow ") + BLOCKFLOW_VERSION);
  app.require_subcommand(1);

  blockflow::RunCommandOptions run_options;
  CLI::App* run = app.add_subcommand("run", "validate and run a page, print the fetched tensors");
  add_page_options(*run, run_options);
  run->add_option("--fetch", run_options.fetches,
                  "output to print, BLOCK.PORT (repeatable; default: outputs of blocks that feed nothing)")
      ->type_name("BLOCK.PORT");
  run->add_option("--out", run_options.out_dir, "write DIR/BLOCK.PORT.npy for each fetch")->type_name("DIR");
  run->add_flag("--json", run_options.json, "print a machine-readable result document");
  run->add_option("--threads", run_options.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(1, 1024));
  run->add_flag("--profile", run_options.profile, "print each block's wall time to stderr");

  blockflow::RunCommandOptions validate_options;
  CLI::App* validate = app.add_subcommand("validate", "report every problem, or ok with each output's dtype and shape");
  add_page_options(*validate, validate_options);

  blockflow::FormatCommandOptions format_options;
  CLI::App* format = app.add_subcommand("format", "rewrite a page in canonical form (stable order, 2-space indent)");
  format->add_option("PAGE", format_options.page_path, "page file (.json)")->required();
  format->add_flag("--check", format_options.check, "exit 1 if the page is not in canonical form; change nothing");
  format->add_flag("--stdout", format_options.to_stdout, "print the canonical page instead of rewriting it");

  blockflow::ExportCommandOptions export_options;
  CLI::App* export_onnx = app.add_subcommand("export-onnx", "write a page as an ONNX model, for ONNX Runtime and the engines built on it");
  export_onnx->add_option("PAGE", export_options.page_path, "page file (.json)")->required();
  export_onnx->add_option("-o,--output", export_options.output_path, "the .onnx file to write")->required()->type_name("MODEL.onnx");
  export_onnx->add_option("--opset", export_options.opset,
                          "ONNX opset to target (default " + std::to_string(blockflow::onnx_export::kDefaultOpset) + ")")
      ->type_name("N");
  export_onnx->add_option("--fetch", export_options.fetches,
                          "output to export, BLOCK.PORT (repeatable; default: outputs of blocks that feed nothing)")
      ->type_name("BLOCK.PORT");
  export_onnx->add_flag("--allow-outside-files", export_options.allow_outside_files,
                        "let the page read files outside its folder (absolute paths, ../, symlinks leading out)");

  bool catalog_json = false;
  CLI::App* blocks = app.add_subcommand("blocks", "list every block type with its ports");
  blocks->add_flag("--json", catalog_json, "print the catalog as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : blockflow::kExitInvalid;
  }
  try {
    if (*run) return blockflow::run_page_command(run_options, std::cout, std::cerr);
    if (*validate) return blockflow::validate_page_command(validate_options, std::cout, std::cerr);
    if (*export_onnx) return blockflow::export_onnx_command(export_options, std::cout, std::cerr);
    if (*format) return blockflow::format_page_command(format_options, std::cout, std::cerr);
    if (*blocks) {
      const auto& registry = blockflow::builtin_registry();
      if (catalog_json) std::cout << blockflow::catalog_json(registry).dump(2) << "\n";
      else std::cout << blockflow::catalog_text(registry);
      return 0;
    }
  } catch (const std::exception& e) {
    // Anything unexpected still ends with a message, never an abort.
    std::cerr << "blockflow: internal error: " << e.what() << "\n";
    return blockflow::kExitBlockFailed;
  }
  return blockflow::kExitInvalid;
}
