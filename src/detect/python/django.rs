//! Django: manage.py names the settings module; the settings name the WSGI/ASGI application,
//! whether static files are collected (`STATIC_ROOT`), who serves them, and which environment
//! variables they cannot start without.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::rules::DjangoRules;
use super::source::{self, importable};
use crate::error::Error;
use crate::plan::Evidence;
use crate::project::Project;

/// What the Django project's files say.
#[derive(Debug)]
pub struct Django {
    /// The folder manage.py is in (relative to the view), empty at the root.
    pub dir: String,
    /// The settings module wsgi.py/asgi.py name when it differs (production settings).
    pub server_settings: Option<String>,
    /// `module:attribute` of the WSGI and ASGI applications.
    pub wsgi: Option<String>,
    /// Where the WSGI and ASGI applications are named (the setting's line, or the module).
    pub wsgi_evidence: Option<Evidence>,
    pub asgi_evidence: Option<Evidence>,
    pub asgi: Option<String>,
    /// `ASGI_APPLICATION` is set (Channels): the app is served over ASGI.
    pub asgi_configured: bool,
    /// `STATIC_ROOT` is set, so `collectstatic` has somewhere to write.
    pub static_root: Option<Evidence>,
    /// Middleware that serves static files from the app (`WhiteNoise`).
    pub static_served: bool,
    /// Placeholders for the variables the settings require, for the build only.
    pub build_env: BTreeMap<String, String>,
    pub evidence: Evidence,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// The settings module a file names with `setdefault("DJANGO_SETTINGS_MODULE", "x")`.
fn settings_module(text: &str, var: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(&RE, r#"['"]([A-Z_]+)['"]\s*,\s*['"]([A-Za-z_][\w.]*)['"]"#);
    re.captures_iter(text)
        .find(|c| &c[1] == var)
        .map(|c| c[2].to_string())
        .filter(|m| m.split('.').all(importable))
}

/// Reads the Django project in `project`, if manage.py is in one of the data's folders.
pub fn read(project: &Project, rules: &DjangoRules) -> Result<Option<Django>, Error> {
    let Some(dir) = manage_dir(project, rules) else {
        return Ok(None);
    };
    let dir = &dir;
    let view = project.at(dir);
    let manage = view.read("manage.py")?.unwrap_or_default();
    let Some(settings) = settings_module(&manage, &rules.settings_env) else {
        return Ok(Some(Django {
            dir: dir.clone(),
            server_settings: None,
            wsgi: None,
            wsgi_evidence: None,
            asgi_evidence: None,
            asgi: None,
            asgi_configured: false,
            static_root: None,
            static_served: false,
            build_env: BTreeMap::new(),
            evidence: view.evidence(
                "manage.py",
                None,
                "a Django project (no settings module named)",
            ),
        }));
    };
    let texts = settings_texts(&view, &settings)?;
    let apps = applications(&view, &settings, &texts);
    let (wsgi, wsgi_evidence) = apps.wsgi.unzip();
    let (asgi, asgi_evidence) = apps.asgi.unzip();
    let server_settings = wsgi
        .as_ref()
        .and_then(|w| w.split(':').next())
        .and_then(|m| {
            view.read(&format!("{}.py", m.replace('.', "/")))
                .ok()
                .flatten()
        })
        .and_then(|text| settings_module(&text, &rules.settings_env))
        .filter(|s| *s != settings);
    // collectstatic runs with the settings the server uses.
    let texts = match &server_settings {
        Some(module) => settings_texts(&view, module)?,
        None => texts,
    };
    let all_text: String = texts.iter().map(|(_, t)| t.as_str()).collect();
    let static_root = texts
        .iter()
        .find_map(|(file, text)| {
            source::assigns(text, "STATIC_ROOT").map(|line| {
                view.evidence(
                    file,
                    Some(&format!("line {line}")),
                    "STATIC_ROOT is set: static files are collected at build time",
                )
            })
        })
        .filter(|_| all_text.contains(rules.static_app.as_str()));
    let static_served = rules
        .static_servers
        .iter()
        .any(|s| all_text.contains(s.as_str()));
    let mut build_env = BTreeMap::new();
    for (_, text) in &texts {
        required_env(text, rules, &mut build_env);
    }
    Ok(Some(Django {
        dir: dir.clone(),
        evidence: view.evidence(
            "manage.py",
            None,
            format!("a Django project (settings `{settings}`)"),
        ),
        server_settings,
        wsgi,
        wsgi_evidence,
        asgi,
        asgi_evidence,
        asgi_configured: apps.asgi_configured,
        static_root,
        static_served,
        build_env,
    }))
}

/// The WSGI and ASGI applications (`module:attribute`) and where each is named.
struct Applications {
    wsgi: Option<(String, Evidence)>,
    asgi: Option<(String, Evidence)>,
    /// `ASGI_APPLICATION` is set.
    asgi_configured: bool,
}

/// `WSGI_APPLICATION` / `ASGI_APPLICATION` from the settings, else the `wsgi.py` / `asgi.py`
/// next to the settings module (or in its top package), as `startproject` lays them out.
fn applications(view: &Project, settings: &str, texts: &[(String, String)]) -> Applications {
    let package = settings.rsplit_once('.').map_or("", |(p, _)| p);
    let top = package.split('.').next().unwrap_or(package);
    let find = |name: &str| {
        texts.iter().find_map(|(file, text)| {
            source::string_setting(text, name).map(|(value, line)| {
                let key = format!("line {line}");
                (
                    value,
                    view.evidence(file, Some(&key), format!("{name} in the settings")),
                )
            })
        })
    };
    let app_of = |dotted: &str| {
        let (module, attr) = dotted.rsplit_once('.')?;
        (module.split('.').all(importable) && importable(attr)).then(|| format!("{module}:{attr}"))
    };
    let named = |setting: Option<&(String, Evidence)>, kind: &str| {
        if let Some(found) = setting.and_then(|(v, ev)| Some((app_of(v)?, ev.clone()))) {
            return Some(found);
        }
        // `<package>/wsgi.py`, or a `wsgi/` package (`wsgi/__init__.py`).
        let (module, file) = [package, top]
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| format!("{p}.{kind}"))
            .find_map(|m| {
                let path = m.replace('.', "/");
                [format!("{path}.py"), format!("{path}/__init__.py")]
                    .into_iter()
                    .find(|f| view.is_file(f))
                    .map(|f| (m, f))
            })?;
        let evidence = view.evidence(&file, None, format!("the project's {kind} module"));
        Some((format!("{module}:application"), evidence))
    };
    let asgi_setting = find("ASGI_APPLICATION");
    Applications {
        wsgi: named(find("WSGI_APPLICATION").as_ref(), "wsgi"),
        asgi: named(asgi_setting.as_ref(), "asgi"),
        asgi_configured: asgi_setting.is_some(),
    }
}

/// The folder manage.py is in: the first of the data's folders that has one, else the one
/// top-level folder that does (`netbox/manage.py`); `None` when there is none, or several.
pub fn manage_dir(project: &Project, rules: &DjangoRules) -> Option<String> {
    if let Some(dir) = rules
        .dirs
        .iter()
        .find(|d| project.is_file(&join(d, "manage.py")))
    {
        return Some(dir.clone());
    }
    let found: Vec<String> = project
        .list("", true)
        .into_iter()
        .filter(|d| !d.starts_with('.') && project.is_file(&join(d, "manage.py")))
        .take(2)
        .collect();
    match found.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// The settings module's text and the texts of the modules it star-imports (`from .base
/// import *`, also under a condition), as `(file relative to the view, text)`, the module first.
fn settings_texts(view: &Project, settings: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut queue = vec![settings.to_string()];
    while let Some(module) = queue.pop() {
        if out.len() >= 16 {
            break;
        }
        let path = module.replace('.', "/");
        let (file, package) = if view.is_file(&format!("{path}.py")) {
            let package = module.rsplit_once('.').map_or("", |(p, _)| p).to_string();
            (format!("{path}.py"), package)
        } else if view.is_file(&format!("{path}/__init__.py")) {
            (format!("{path}/__init__.py"), module.clone())
        } else {
            continue;
        };
        if out.iter().any(|(f, _)| *f == file) {
            continue;
        }
        let Some(text) = view.read(&file)? else {
            continue;
        };
        for line in text.lines() {
            let code = line.split('#').next().unwrap_or("");
            let Some(from) = code
                .trim()
                .strip_prefix("from ")
                .and_then(|r| r.strip_suffix(" import *"))
                .map(str::trim)
            else {
                continue;
            };
            if let Some(imported) = resolve(from, &package) {
                queue.push(imported);
            }
        }
        out.push((file, text));
    }
    Ok(out)
}

/// `from X import *` in a module of `package`: `.base` → `package.base`, `..x` one level up,
/// an absolute name as is; `None` when it leaves the project or is not a module path.
fn resolve(from: &str, package: &str) -> Option<String> {
    let dots = from.chars().take_while(|c| *c == '.').count();
    let rest = &from[dots..];
    let module = if dots == 0 {
        rest.to_string()
    } else {
        let mut parts: Vec<&str> = package.split('.').filter(|p| !p.is_empty()).collect();
        for _ in 1..dots {
            parts.pop()?;
        }
        parts.extend(rest.split('.').filter(|p| !p.is_empty()));
        parts.join(".")
    };
    (!module.is_empty() && module.split('.').all(importable)).then_some(module)
}

/// Variables the settings read without a default, with the placeholder collectstatic gets.
fn required_env(text: &str, rules: &DjangoRules, out: &mut BTreeMap<String, String>) {
    static NAME: OnceLock<Regex> = OnceLock::new();
    let name_re = re(&NAME, r#"^\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*(.?)"#);
    for reader in &rules.env_readers {
        for (at, _) in text.match_indices(&reader.call) {
            // `env(` must not be the tail of another name (`getenv(`, `os.environ.get(`).
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &text[at + reader.call.len()..];
            let Some(caps) = name_re.captures(rest) else {
                continue;
            };
            let after = rest[caps.get(0).map_or(0, |m| m.end())..].trim_start();
            let close = &caps[2];
            let defaulted = close == ","
                && !(after.starts_with("cast=")
                    && after.split(')').next().is_some_and(|a| !a.contains(',')));
            if defaulted {
                continue;
            }
            let name = caps[1].to_string();
            let value = rules
                .build_env
                .iter()
                .find(|b| b.name == name)
                .map_or(reader.value.clone(), |b| b.value.clone());
            out.entry(name).or_insert(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> DjangoRules {
        let all: super::super::rules::PythonRules =
            crate::rules::parse(super::super::rules::DATA.0, super::super::rules::DATA.1).unwrap();
        all.django
    }

    #[test]
    fn required_variables_get_placeholders_and_defaulted_ones_do_not() {
        let text = r#"
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = env.bool("DJANGO_DEBUG", False)
DATABASES = {"default": env.db("DATABASE_URL")}
ALLOWED = os.environ.get("ALLOWED_HOSTS", "x")
REDIS = env("REDIS_URL", default="redis://")
API = config("API_KEY", cast=str)
PORT = os.getenv("PORT")
"#;
        let mut out = BTreeMap::new();
        required_env(text, &rules(), &mut out);
        assert_eq!(
            out.keys().map(String::as_str).collect::<Vec<_>>(),
            ["API_KEY", "DATABASE_URL", "DJANGO_SECRET_KEY"]
        );
        assert!(out["DATABASE_URL"].starts_with("sqlite:"));
    }

    #[test]
    fn star_imports_resolve_within_the_package() {
        assert_eq!(
            resolve(".base", "config.settings").as_deref(),
            Some("config.settings.base")
        );
        assert_eq!(
            resolve("..common", "config.settings").as_deref(),
            Some("config.common")
        );
        assert_eq!(
            resolve("mysite.settings", "x").as_deref(),
            Some("mysite.settings")
        );
        assert_eq!(resolve("...x", "a"), None);
    }

    #[test]
    fn the_settings_module_comes_from_manage_py() {
        let manage = "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.local')";
        assert_eq!(
            settings_module(manage, "DJANGO_SETTINGS_MODULE").as_deref(),
            Some("config.settings.local")
        );
        assert_eq!(settings_module("x", "DJANGO_SETTINGS_MODULE"), None);
    }
}
