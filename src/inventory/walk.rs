//! Finding the YAML files of an inventory.
//!
//! Every `*.yaml` and `*.yml` file below the root is part of the inventory, except files in
//! hidden folders and files matched by a `.vanta-gitops-ignore` file (gitignore syntax).
//! `.gitignore` is deliberately not read: a file that git ignores but that sits in the folder
//! would otherwise vanish from the inventory, and a vanished file becomes deletions.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// The name of the ignore file, read in every folder of the inventory.
pub const IGNORE_FILE: &str = ".vanta-gitops-ignore";

/// A problem met while walking the inventory folder.
#[derive(Debug, thiserror::Error)]
#[error("could not read `{path}`: {message}")]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Returns the inventory's YAML files, sorted by path so that every run reads them in the same order.
pub fn find_yaml_files(root: &Path) -> Result<Vec<PathBuf>, WalkError> {
    let walker = WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        // A symbolic link to a YAML file or folder is part of the inventory: skipping it would
        // turn its records into deletions. The walker reports a link that loops as an error.
        .follow_links(true)
        .sort_by_file_path(Path::cmp)
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|error| WalkError {
            path: root.to_path_buf(),
            message: error.to_string(),
        })?;
        let is_file = entry.file_type().is_some_and(|kind| kind.is_file());
        // `Users.YAML` is read too: skipping a file for the case of its extension would turn
        // its records into deletions.
        let is_yaml = entry.path().extension().is_some_and(|extension| {
            extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml")
        });
        if is_file && is_yaml {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_hidden_folders_and_ignored_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "a.yaml",
            "b.yml",
            "c.txt",
            "C.YAML",
            ".hidden/d.yaml",
            "sub/e.yaml",
            "sub/skip.yaml",
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x: 1\n").unwrap();
        }
        std::fs::write(root.join(IGNORE_FILE), "sub/skip.yaml\n").unwrap();
        let files: Vec<_> = find_yaml_files(root)
            .unwrap()
            .into_iter()
            .map(|path| {
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(files, ["C.YAML", "a.yaml", "b.yml", "sub/e.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn follows_symbolic_links() {
        let dir = tempfile::tempdir().unwrap();
        let shared = tempfile::tempdir().unwrap();
        std::fs::write(shared.path().join("users.yaml"), "x: 1\n").unwrap();
        std::os::unix::fs::symlink(shared.path().join("users.yaml"), dir.path().join("a.yaml"))
            .unwrap();
        std::os::unix::fs::symlink(shared.path(), dir.path().join("shared")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let result = find_yaml_files(dir.path());
        let error = result.expect_err("a link back to the root is a loop");
        assert!(error.message.contains("loop"), "{}", error.message);

        std::fs::remove_file(dir.path().join("loop")).unwrap();
        let files: Vec<_> = find_yaml_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|path| path.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(files, [Path::new("a.yaml"), Path::new("shared/users.yaml")]);
    }
}
