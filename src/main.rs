use std::process::ExitCode;

fn main() -> ExitCode {
    vanta_gitops::commands::main()
}
