//! Rendering: `Plan` → Dockerfile and .dockerignore text, through the embedded Tera templates.
//!
//! The only code that knows Dockerfile syntax. Each language builds a typed context for its
//! template (`render/<lang>.rs`) from the fields every template shares ([`Common`]) plus its
//! own; templates are embedded one by one, so a missing file is a compile error.

pub mod go;
pub mod java;
pub mod node;
pub mod python;
pub mod rust;

use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Tera};

use crate::error::Error;
use crate::languages::{self, LANGUAGES};
use crate::plan::{AppKind, Images, Plan};

/// Templates every language uses.
const COMMON: &[(&str, &str)] = &[
    (
        "common.macros",
        include_str!("../../templates/common.macros.tera"),
    ),
    (
        "dockerignore",
        include_str!("../../templates/dockerignore.tera"),
    ),
];

/// The files `init` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub dockerfile: String,
    pub dockerignore: String,
}

/// What a language hands the renderer: the template to use, its context, and the
/// .dockerignore lines it adds to the common ones.
pub struct Rendering {
    pub template: &'static str,
    pub context: Context,
    pub ignore: Vec<String>,
}

/// The fields every Dockerfile template reads.
#[derive(Debug, Serialize)]
pub struct Common<'a> {
    /// The app's folder in the image (`/app`).
    pub app: &'a str,
    /// The app folder inside the project (a workspace member), if any.
    pub app_dir: Option<&'a str>,
    pub version: &'a str,
    pub framework: Option<&'a str>,
    pub package_manager: &'a str,
    pub kind: AppKind,
    pub images: &'a Images,
    pub port: Option<u16>,
    pub build_packages: &'a [String],
    pub runtime_packages: &'a [String],
    /// App-relative folders the app writes (made volumes).
    pub writable: &'a [String],
    /// Where a final stage keeps its init (`/usr/bin/tini`).
    pub init: &'a str,
    /// The writable folders as absolute paths in exec form, for `VOLUME`.
    pub volumes: String,
}

impl<'a> Common<'a> {
    pub fn new(plan: &'a Plan) -> Result<Self, Error> {
        let common = crate::rules::common()?;
        let app = &common.image.workdir;
        let folder = plan
            .app_dir
            .as_ref()
            .map_or(app.clone(), |dir| format!("{app}/{dir}"));
        let volumes: Vec<String> = plan
            .writable
            .iter()
            .map(|w| format!("{folder}/{w}"))
            .collect();
        Ok(Common {
            app,
            app_dir: plan.app_dir.as_deref(),
            version: &plan.version,
            framework: plan.framework.as_deref(),
            package_manager: &plan.package_manager,
            kind: plan.kind,
            images: &plan.images,
            port: plan.port,
            build_packages: &plan.build_packages,
            runtime_packages: &plan.runtime_packages,
            writable: &plan.writable,
            init: &common.init.path,
            volumes: exec_form(&volumes),
        })
    }
}

/// Renders both files for `plan`. A question the plan leaves open is an error naming the
/// flag that answers it.
pub fn render(plan: &Plan) -> Result<Rendered, Error> {
    crate::questions::require_answers(plan)?;
    let language = plan.language();
    let build = languages::support(language)
        .render
        .ok_or_else(|| Error::Template {
            name: format!("{language}.Dockerfile"),
            reason: format!("no template for `{language}`"),
        })?;
    let rendering = build(plan)?;

    let tera = templates()?;
    let dockerfile = tera
        .render(rendering.template, &rendering.context)
        .map_err(|e| template_error(rendering.template, &e))?;

    let mut lines = crate::rules::common()?.dockerignore.always.clone();
    lines.extend(rendering.ignore);
    let mut seen = std::collections::BTreeSet::new();
    lines.retain(|l| seen.insert(l.clone()));
    let mut ignore = Context::new();
    ignore.insert("lines", &lines);
    let dockerignore = tera
        .render("dockerignore", &ignore)
        .map_err(|e| template_error("dockerignore", &e))?;
    Ok(Rendered {
        dockerfile: tidy(&dockerfile),
        dockerignore,
    })
}

/// Every embedded template, parsed once.
fn templates() -> Result<&'static Tera, Error> {
    static TERA: OnceLock<Result<Tera, Error>> = OnceLock::new();
    let parsed = TERA.get_or_init(|| {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![]);
        let templates = COMMON
            .iter()
            .chain(LANGUAGES.iter().flat_map(|l| l.templates.iter()))
            .copied();
        tera.add_raw_templates(templates)
            .map_err(|e| template_error("templates", &e))?;
        Ok(tera)
    });
    match parsed {
        Ok(tera) => Ok(tera),
        Err(Error::Template { name, reason }) => Err(Error::Template {
            name: name.clone(),
            reason: reason.clone(),
        }),
        Err(other) => Err(Error::Template {
            name: "templates".into(),
            reason: other.to_string(),
        }),
    }
}

/// A typed template context as Tera's.
pub fn context<T: Serialize>(name: &str, value: &T) -> Result<Context, Error> {
    Context::from_serialize(value).map_err(|e| template_error(name, &e))
}

/// `argv` in exec form: a JSON array, one JSON string per argument, `", "` between them.
pub fn exec_form(argv: &[String]) -> String {
    let quoted: Vec<String> = argv
        .iter()
        .map(|a| serde_json::Value::String(a.clone()).to_string())
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// Collapses the blank lines template conditionals leave behind.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        blank = is_blank;
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

fn template_error(name: &str, error: &tera::Error) -> Error {
    use std::error::Error as _;
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    Error::Template {
        name: name.into(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_form_quotes_each_argument_without_rewriting_it() {
        let argv = ["node".to_string(), "a\",\"b".to_string(), "x y".to_string()];
        assert_eq!(exec_form(&argv), r#"["node", "a\",\"b", "x y"]"#);
    }
}
