//! The `cofinance` command: parse the arguments, call the library, print, exit.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
