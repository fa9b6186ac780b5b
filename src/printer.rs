//! The one place that writes user-facing output.
//!
//! Data (plans, JSON) goes to stdout, everything else (diagnostics, progress, warnings,
//! errors) to stderr. Colour is used only on a terminal, and never when `NO_COLOR` is set or
//! `--no-color` is given.

use std::io::{IsTerminal, Write};

/// Writes output and knows whether each stream may be coloured.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub stdout_color: bool,
    pub stderr_color: bool,
}

impl Printer {
    /// Creates a printer. `no_color` comes from `--no-color`; `NO_COLOR` is read by the
    /// settings code and passed in the same flag.
    pub fn new(no_color: bool) -> Printer {
        Printer {
            stdout_color: !no_color && std::io::stdout().is_terminal(),
            stderr_color: !no_color && std::io::stderr().is_terminal(),
        }
    }

    /// Writes data to stdout. A closed pipe (such as `| head`) is not an error.
    pub fn data(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Writes a message to stderr, adding a line break when missing.
    pub fn message(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        if !text.ends_with('\n') {
            let _ = stderr.write_all(b"\n");
        }
    }

    /// Writes `error: message` to stderr.
    pub fn error(&self, message: &str) {
        let (start, end) = self.style(anstyle::AnsiColor::Red.on_default().bold());
        self.message(&format!("{start}error:{end} {message}"));
    }

    /// Writes `warning: message` to stderr.
    pub fn warning(&self, message: &str) {
        let (start, end) = self.style(anstyle::AnsiColor::Yellow.on_default().bold());
        self.message(&format!("{start}warning:{end} {message}"));
    }

    fn style(&self, style: anstyle::Style) -> (String, String) {
        if self.stderr_color {
            (style.render().to_string(), style.render_reset().to_string())
        } else {
            (String::new(), String::new())
        }
    }
}
