//! Finding ComfyUI's web frontend: `--front-end-root`, else the `comfyui_frontend_package`
//! that pip installed (its `static/` folder, located through `python3`).
use std::path::PathBuf;
use std::process::Command;

/// The pinned frontend package, as pip installs it.
pub const FRONTEND_PIP: &str = "comfyui-frontend-package==1.27.10";

/// The installed frontend's `static/` folder, if python3 can find the package.
pub fn installed_frontend() -> Option<PathBuf> {
    let script = "import comfyui_frontend_package, os; print(os.path.dirname(comfyui_frontend_package.__file__))";
    let out = Command::new("python3").args(["-c", script]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("static");
    dir.join("index.html").is_file().then_some(dir)
}

/// `given` if it holds an `index.html`, else the installed package's folder.
pub fn find_frontend(given: Option<PathBuf>) -> Option<PathBuf> {
    match given {
        Some(dir) => Some(dir),
        None => installed_frontend(),
    }
}
