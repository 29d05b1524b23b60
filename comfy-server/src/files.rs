//! Every path a prompt or a request names is confined to the server's folders: no absolute
//! paths, no `..`, and no symbolic link that leads out (checked on the real, resolved path).
use comfy_core::{Access, FilePolicy, PathProblem};
use std::path::{Component, Path, PathBuf};

/// The server's folders, each resolved (symbolic links followed) once at start.
#[derive(Clone, Debug)]
pub struct Folders {
    /// Where nodes read from and uploads go.
    pub input: PathBuf,
    /// Where nodes write.
    pub output: PathBuf,
    /// Settings and saved workflows.
    pub user: PathBuf,
}

impl Folders {
    /// Creates the folders if needed and resolves them.
    pub fn create(input: &Path, output: &Path, user: &Path) -> std::io::Result<Self> {
        let make = |p: &Path| std::fs::create_dir_all(p).and_then(|_| p.canonicalize());
        Ok(Folders {
            input: make(input)?,
            output: make(output)?,
            user: make(user)?,
        })
    }
}

/// `raw` inside `base`: relative, without `..`, and not leading out through a link.
pub fn confine(base: &Path, raw: &str, folder: &'static str) -> Result<PathBuf, PathProblem> {
    let path = Path::new(raw);
    let absolute = path.is_absolute() || raw.starts_with('/') || raw.starts_with('\\');
    if absolute
        || path
            .components()
            .any(|c| matches!(c, Component::Prefix(_) | Component::RootDir))
    {
        return Err(PathProblem::Absolute(raw.to_string(), folder));
    }
    if path.components().any(|c| c == Component::ParentDir) || raw.contains('\\') {
        return Err(PathProblem::ParentDir(raw.to_string(), folder));
    }
    let joined = base.join(path);
    if !resolves_inside(base, &joined) {
        return Err(PathProblem::Outside(raw.to_string(), folder));
    }
    Ok(joined)
}

/// Whether the deepest existing ancestor of `path` (links followed) is inside `base`.
fn resolves_inside(base: &Path, path: &Path) -> bool {
    let mut existing = path;
    loop {
        if let Ok(real) = existing.canonicalize() {
            return real.starts_with(base);
        }
        // A dangling link is refused: it may be made to point anywhere later.
        if existing.symlink_metadata().is_ok() {
            return false;
        }
        match existing.parent() {
            Some(parent) => existing = parent,
            None => return false,
        }
    }
}

/// The server's [`FilePolicy`]: nodes write inside the output folder and read from the input
/// folder, or from the output folder when the file is there (a generator saved earlier).
#[derive(Clone, Debug)]
pub struct ConfinedPaths {
    folders: Folders,
}

impl ConfinedPaths {
    /// A policy over `folders`.
    pub fn new(folders: Folders) -> Self {
        ConfinedPaths { folders }
    }
}

impl FilePolicy for ConfinedPaths {
    fn resolve(&self, raw: &str, access: Access) -> Result<PathBuf, PathProblem> {
        match access {
            Access::Write => confine(&self.folders.output, raw, "output"),
            Access::Read => {
                let input = confine(&self.folders.input, raw, "input")?;
                if input.exists() {
                    return Ok(input);
                }
                match confine(&self.folders.output, raw, "output") {
                    Ok(output) if output.exists() => Ok(output),
                    _ => Ok(input),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(root: &Path) -> Folders {
        Folders::create(&root.join("in"), &root.join("out"), &root.join("user")).unwrap()
    }

    #[test]
    fn paths_leading_out_are_refused_and_paths_inside_are_kept() {
        let root = std::env::temp_dir().join(format!("comfy-server-files-{}", std::process::id()));
        let f = folders(&root);
        let policy = ConfinedPaths::new(f.clone());
        let write = |raw: &str| policy.resolve(raw, Access::Write);
        assert_eq!(write("a/b.png").unwrap(), f.output.join("a/b.png"));
        assert!(matches!(write("/etc/passwd"), Err(PathProblem::Absolute(..))));
        assert!(matches!(write("../x.png"), Err(PathProblem::ParentDir(..))));
        assert!(matches!(write("a/../../x.png"), Err(PathProblem::ParentDir(..))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, f.output.join("escape")).unwrap();
            assert!(matches!(write("escape/x.png"), Err(PathProblem::Outside(..))));
        }
        std::fs::write(f.output.join("g.safetensors"), b"x").unwrap();
        let read = policy.resolve("g.safetensors", Access::Read).unwrap();
        assert_eq!(read, f.output.join("g.safetensors"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
