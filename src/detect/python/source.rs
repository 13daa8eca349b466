//! Reading Python source cheaply: which files may hold the app, the app instance or factory in
//! them, `__main__` guards, and port hints. Line-based, bounded; never imports or runs code.

use std::sync::OnceLock;

use regex::Regex;

use super::rules::EntryRules;
use crate::error::Error;
use crate::project::Project;

/// A Python file that may hold the app, with the module it imports as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyFile {
    /// Path relative to the project view.
    pub path: String,
    /// The dotted module (`app.main`); `None` when a folder on the way is not importable.
    pub module: Option<String>,
    /// The module is under `src/`, so it imports only with `src` on the path.
    pub under_src: bool,
}

/// An app object found in source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub file: PyFile,
    /// The variable or function name (`app`, `create_app`).
    pub name: String,
    /// `name` is a factory function to call.
    pub factory: bool,
    pub line: usize,
    /// What matched (`FastAPI(...)`, `def create_app`).
    pub what: String,
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// Candidate files in search order: `app_files` in the root, then in `src/<package>/`, then
/// in each top-level package; folders named in `skip_dirs` are never entered.
pub fn candidates(project: &Project, rules: &EntryRules) -> Vec<PyFile> {
    let mut dirs: Vec<(String, bool)> = vec![(String::new(), false)];
    for dir in project.list("src", true) {
        if importable(&dir) && !rules.skip_dirs.contains(&dir) {
            dirs.push((format!("src/{dir}"), true));
        }
    }
    for dir in project.list("", true) {
        if importable(&dir) && !rules.skip_dirs.contains(&dir) && dir != "src" {
            dirs.push((dir, false));
        }
    }
    let mut out = Vec::new();
    for (dir, under_src) in dirs {
        for file in &rules.app_files {
            if out.len() >= rules.max_files {
                return out;
            }
            let path = if dir.is_empty() {
                file.clone()
            } else {
                format!("{dir}/{file}")
            };
            if !project.is_file(&path) {
                continue;
            }
            // A top-level folder's files import as a package only when it is one.
            let package = dir.is_empty() || project.is_file(&format!("{dir}/__init__.py"));
            out.push(PyFile {
                module: package.then(|| module_of(&path, under_src)).flatten(),
                path,
                under_src,
            });
        }
    }
    out
}

/// A Python identifier (and so one segment of a module path).
pub fn importable(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `app/main.py` → `app.main`, `pkg/__init__.py` → `pkg`, `src/pkg/api.py` → `pkg.api`.
pub fn module_of(path: &str, under_src: bool) -> Option<String> {
    let path = if under_src {
        path.strip_prefix("src/")?
    } else {
        path
    };
    let stem = path.strip_suffix(".py")?;
    let mut parts: Vec<&str> = stem.split('/').collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    (!parts.is_empty() && parts.iter().all(|p| importable(p))).then(|| parts.join("."))
}

/// The first app object in `files`: an instance of one of `constructors` in a file that imports
/// `import_name`, a module-level `app = create_app()`, or a factory function.
pub fn find_app(
    project: &Project,
    files: &[PyFile],
    import_name: &str,
    constructors: &[String],
    factories: &[String],
) -> Result<Option<Found>, Error> {
    let mut factory_hit: Option<Found> = None;
    for file in files.iter().filter(|f| f.module.is_some()) {
        let Some(text) = project.read(&file.path)? else {
            continue;
        };
        let imports = imports(&text, import_name);
        for (i, line) in text.lines().enumerate() {
            let Some((name, callee)) = assignment(line) else {
                if factory_hit.is_none() && imports {
                    if let Some(name) = factory_def(line).filter(|n| factories.contains(n)) {
                        factory_hit = Some(Found {
                            file: file.clone(),
                            what: format!("def {name}()"),
                            name,
                            factory: true,
                            line: i + 1,
                        });
                    }
                }
                continue;
            };
            let short = callee.rsplit('.').next().unwrap_or(&callee).to_string();
            let built = (imports && constructors.contains(&short)) || factories.contains(&short);
            if built {
                return Ok(Some(Found {
                    file: file.clone(),
                    what: format!("{name} = {callee}(…)"),
                    name,
                    factory: false,
                    line: i + 1,
                }));
            }
        }
    }
    Ok(factory_hit)
}

/// `name = callee(` at module level (no indentation), with an optional annotation.
fn assignment(line: &str) -> Option<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_][\w.\[\], ]*)?=\s*([A-Za-z_][\w.]*)\s*\(",
    );
    let caps = re.captures(line)?;
    Some((caps[1].to_string(), caps[2].to_string()))
}

/// `def name(` at module level.
fn factory_def(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r"^(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(");
    re.captures(line).map(|c| c[1].to_string())
}

/// The file imports `module` (`import flask`, `from flask import Flask`, `from fastapi.x …`).
pub fn imports(text: &str, module: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("from ")
            .or_else(|| line.strip_prefix("import "));
        rest.is_some_and(|r| {
            r.split([' ', ',', '.'])
                .next()
                .is_some_and(|first| first == module)
        })
    })
}

/// The line of a `if __name__ == "__main__":` guard, if any.
pub fn main_guard(text: &str) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(&RE, r#"^if\s+__name__\s*==\s*['"]__main__['"]\s*:"#);
    text.lines().position(|l| re.is_match(l)).map(|i| i + 1)
}

/// A port the source expects: the default of a `PORT` variable, else a literal `port=`.
pub fn port_hint(text: &str) -> Option<(u16, usize, &'static str)> {
    static ENV: OnceLock<Regex> = OnceLock::new();
    static LITERAL: OnceLock<Regex> = OnceLock::new();
    let env = regex(
        &ENV,
        r#"(?:environ\.get|getenv)\(\s*['"]PORT['"]\s*,\s*['"]?(\d{2,5})"#,
    );
    let literal = regex(&LITERAL, r"\bport\s*=\s*(\d{2,5})\b");
    for (re, what) in [(env, "the PORT fallback"), (literal, "a literal `port=`")] {
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            if let Some(port) = re
                .captures(line)
                .and_then(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p > 0)
            {
                return Some((port, i + 1, what));
            }
        }
    }
    None
}

/// The string value of a module-level `NAME = "value"` assignment (settings files).
pub fn string_setting(text: &str, name: &str) -> Option<(String, usize)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r#"^([A-Z_][A-Z0-9_]*)\s*(?::\s*[\w.\[\] |]+)?=\s*(?:str\()?\s*['"]([^'"]*)['"]"#,
    );
    text.lines().enumerate().find_map(|(i, line)| {
        let caps = re.captures(line)?;
        (&caps[1] == name).then(|| (caps[2].to_string(), i + 1))
    })
}

/// Whether a module-level `NAME =` assignment exists (whatever its value).
pub fn assigns(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.strip_prefix(name).is_some_and(|rest| {
                // `NAME = …` or an annotated `NAME: str = …`.
                let rest = rest.trim_start();
                let rest = match rest.strip_prefix(':') {
                    Some(annotated) => annotated.split_once('=').map_or("", |(_, v)| v),
                    None => rest.strip_prefix('=').unwrap_or("=="),
                };
                !rest.starts_with('=')
            })
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_come_from_paths_never_from_distribution_names() {
        assert_eq!(module_of("app/main.py", false).as_deref(), Some("app.main"));
        assert_eq!(module_of("pkg/__init__.py", false).as_deref(), Some("pkg"));
        assert_eq!(
            module_of("src/pkg/api.py", true).as_deref(),
            Some("pkg.api")
        );
        assert_eq!(module_of("my-app/main.py", false), None);
        assert!(!importable("my-app"));
        assert!(importable("_x1"));
    }

    #[test]
    fn assignments_and_factories_are_found_at_module_level_only() {
        assert_eq!(
            assignment("app = FastAPI(title=\"x\")"),
            Some(("app".into(), "FastAPI".into()))
        );
        assert_eq!(
            assignment("application: Flask = flask.Flask(__name__)"),
            Some(("application".into(), "flask.Flask".into()))
        );
        assert_eq!(assignment("    app = Flask(__name__)"), None);
        assert_eq!(assignment("x == y("), None);
        assert_eq!(
            factory_def("def create_app(config=None):").as_deref(),
            Some("create_app")
        );
        assert!(imports("from flask import Flask", "flask"));
        assert!(imports("import fastapi.responses", "fastapi"));
        assert!(!imports("from flask_cors import CORS", "flask"));
        assert_eq!(main_guard("x\nif __name__ == '__main__':\n"), Some(2));
    }

    #[test]
    fn ports_prefer_the_env_fallback() {
        let text = "app.run(port=5000)\nport = int(os.environ.get(\"PORT\", 8080))\n";
        assert_eq!(port_hint(text).map(|p| p.0), Some(8080));
        assert_eq!(
            port_hint("uvicorn.run(app, port=9000)").map(|p| p.0),
            Some(9000)
        );
        assert_eq!(
            string_setting(
                "WSGI_APPLICATION = 'mysite.wsgi.application'\n",
                "WSGI_APPLICATION"
            ),
            Some(("mysite.wsgi.application".into(), 1))
        );
        assert_eq!(
            assigns("STATIC_ROOT = BASE_DIR / 'static'", "STATIC_ROOT"),
            Some(1)
        );
        assert_eq!(assigns("STATIC_ROOT_X = 1", "STATIC_ROOT"), None);
        assert_eq!(
            assigns("STATIC_ROOT: str = os.path.join(x)", "STATIC_ROOT"),
            Some(1)
        );
        assert_eq!(assigns("STATIC_ROOT == 1", "STATIC_ROOT"), None);
        assert_eq!(
            string_setting(
                "WSGI_APPLICATION: str = \"a.wsgi.application\"",
                "WSGI_APPLICATION"
            ),
            Some(("a.wsgi.application".into(), 1))
        );
    }
}
