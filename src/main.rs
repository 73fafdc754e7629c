//! The `trellis` command-line tool: each subcommand parses its arguments, calls one library
//! function and reports the result. Exit codes are documented in `trellis --help`.

fn main() -> std::process::ExitCode {
    trellis_cli::main()
}

#[path = "cli/mod.rs"]
mod trellis_cli;
