//! Python detection: pyproject.toml, requirements files, Pipfile, lockfiles and the source →
//! a `Plan` for a venv-on-Alpine image.

mod assets;
mod deps;
mod django;
mod entry;
mod install;
mod manager;
mod native;
mod recognize;
mod requirements;
pub mod rules;
mod server;
mod source;
mod version;
mod workspace;

use std::collections::BTreeMap;

pub use recognize::recognize;
pub use rules::{check, rules, DATA};

use crate::answers::Answers;
use crate::error::Error;
use crate::plan::{
    AppKind, Details, Evidence, Field, Images, Plan, PythonPlan, Warning, WarningKind, SCHEMA,
};
use crate::project::Project;
use deps::Deps;
use manager::{Manager, Source};
use rules::PythonRules;

/// Evidence and warnings every step adds to.
#[derive(Default)]
struct Notes {
    evidence: BTreeMap<Field, Evidence>,
    warnings: Vec<Warning>,
}

impl Notes {
    fn note(&mut self, field: Field, evidence: Evidence) {
        self.evidence.insert(field, evidence);
    }

    fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }

    fn absorb(&mut self, evidence: &mut BTreeMap<Field, Evidence>, warnings: &mut Vec<Warning>) {
        self.evidence.append(evidence);
        self.warnings.append(warnings);
    }
}

/// Detects the Python application at the project root, or in one of its uv workspace members.
pub fn detect(project: &Project, answers: &Answers) -> Result<Plan, Error> {
    let rules = rules()?;
    let mut notes = Notes::default();
    let root_pyproject = project.read_toml("pyproject.toml")?;
    let (member, members) =
        app_folder(project, root_pyproject.as_ref(), rules, answers, &mut notes)?;
    let app = member
        .as_deref()
        .map_or_else(|| project.clone(), |m| project.at(m));
    let app_pyproject = match &member {
        Some(_) => app.read_toml("pyproject.toml")?,
        None => root_pyproject.clone(),
    };

    let line = version_line(project, rules, answers, &mut notes)?;
    let env = deps::environment(&rules.markers, &line.version)?;

    let manager = manager::choose(project, root_pyproject.as_ref(), rules, Some(&env))?;
    notes.note(Field::PackageManager, manager.evidence.clone());
    notes.warnings.extend(manager.warnings.iter().cloned());
    let deps = dependencies(
        project,
        &app,
        app_pyproject.as_ref(),
        &manager,
        member.as_deref(),
        &env,
    )?;
    let installable = app_pyproject
        .as_ref()
        .is_some_and(|p| p.get("build-system").is_some());

    let mut run = entry::decide(
        &app,
        rules,
        &deps,
        app_pyproject.as_ref(),
        installable,
        &line.version,
        answers.port,
    )?;
    run.init |= answers.entrypoint.is_some(); // the user's command may not stop on SIGTERM
    notes.absorb(&mut run.evidence, &mut run.warnings);

    let slim = answers.variant.as_deref() == Some("slim"); // Alpine unless asked or impossible
    let native = native::decide(&deps, &rules.native, &manager.evidence.source, slim);
    let image = line.image(native.alpine);
    native_notes(&native, image, &manager.evidence.source, &mut notes);

    let django = run
        .django
        .as_ref()
        .map(|d| django_build(&app, d, rules, &mut notes));
    let (django_dir, build_command, build_env) = django.unwrap_or_default();
    let app_dir = django_dir.or_else(|| member.clone());
    let assets = assets::detect(project, &rules.assets)?;
    if let Some(assets) = &assets {
        assets_notes(assets, &mut notes);
    }

    let common = crate::rules::common()?;
    let runtime_env = runtime_env(&run, member.as_deref(), &common.image.workdir);
    let install = install::plan(
        &install::Inputs {
            project,
            rules,
            manager: &manager,
            member: member.as_deref(),
            members: &members,
            install_project: run.install_project,
            line,
        },
        &mut notes.warnings,
    );
    let tini = rules.images.tini(native.alpine);
    let python = PythonPlan {
        family: if native.alpine { "alpine" } else { "slim" }.to_string(),
        added_server: run.added_server.clone(),
        assets: assets.map(|a| a.stage),
        build_env,
        runtime_env,
        init: run.init.then(|| vec![tini.path.clone(), "--".to_string()]),
        init_package: run.init.then(|| tini.package.clone()),
        ..install
    };
    Ok(Plan {
        schema: SCHEMA,
        app_dir,
        version: line.version.clone(),
        package_manager: manager.rule.name.clone(),
        framework: run.framework.map(|f| f.name.clone()),
        kind: AppKind::Server,
        build_command,
        entrypoint: run.argv.take(),
        port: run.port,
        build_packages: native.build,
        runtime_packages: native.runtime,
        images: images(image, &python.family, &common.image.nonroot_user),
        writable: Vec::new(),
        details: Details::Python(python),
        evidence: notes.evidence,
        set_aside: Vec::new(),
        warnings: notes.warnings,
    })
}

/// Builder and runtime are one tag: the venv needs the same interpreter path and libc.
fn images(image: &str, family: &str, user: &str) -> Images {
    Images {
        builder: image.to_string(),
        runtime: image.to_string(),
        runtime_distroless: false,
        user: user.to_string(),
        variant: family.to_string(),
    }
}

/// The Python line: `--runtime-version`, else the project's files, else the default.
fn version_line<'r>(
    project: &Project,
    rules: &'r PythonRules,
    answers: &Answers,
    notes: &mut Notes,
) -> Result<&'r rules::VersionLine, Error> {
    let version = match &answers.runtime_version {
        Some(flag) => version::from_flag(flag, rules)?,
        None => version::detect(project, rules)?,
    };
    notes.note(Field::Version, version.evidence);
    notes.warnings.extend(version.warnings);
    Ok(version.line)
}

/// `PYTHONPATH` for a src/ module imported without installing the project.
fn runtime_env(run: &entry::Run, member: Option<&str>, workdir: &str) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    if run.src_path {
        let base = member.map_or_else(|| workdir.to_string(), |m| format!("{workdir}/{m}"));
        env.insert("PYTHONPATH".to_string(), format!("{base}/src"));
    }
    env
}

/// The uv workspace member that is the app (`None`: the root), and every member.
fn app_folder(
    project: &Project,
    pyproject: Option<&toml::Table>,
    rules: &PythonRules,
    answers: &Answers,
    notes: &mut Notes,
) -> Result<(Option<String>, Vec<String>), Error> {
    let members = match pyproject {
        Some(p) => workspace::members(project, p)?,
        None => Vec::new(),
    };
    if members.is_empty() {
        if answers.workspace.is_some() {
            return Err(Error::InvalidFlag {
                flag: "--workspace".into(),
                reason: "pyproject.toml declares no uv workspace members".into(),
            });
        }
        return Ok((None, members));
    }
    let (member, why) = workspace::choose(project, &members, rules, answers)?;
    if let Some(why) = why {
        notes.note(Field::App, why);
    }
    Ok((member, members))
}

fn native_notes(native: &native::Native, image: &str, file: &str, notes: &mut Notes) {
    if let Some(ev) = native.build_evidence.clone() {
        notes.note(Field::BuildPackages, ev);
    }
    if let Some(ev) = native.runtime_evidence.clone() {
        notes.note(Field::RuntimePackages, ev);
    }
    if let Some(reason) = &native.slim_reason {
        notes.note(
            Field::Runtime,
            Evidence::file(file, None, format!("the slim (glibc) image: {reason}")),
        );
        notes.warn(
            WarningKind::Runtime,
            format!("{reason}, so the image is `{image}` instead of the Alpine one"),
        );
    }
}

/// A Django project's folder (when manage.py is not at the root), its collectstatic step and
/// that step's build-only environment.
fn django_build(
    app: &Project,
    django: &django::Django,
    rules: &PythonRules,
    notes: &mut Notes,
) -> (
    Option<String>,
    Option<Vec<String>>,
    BTreeMap<String, String>,
) {
    let mut dir = None;
    if !django.dir.is_empty() {
        dir = Some(app.name(&django.dir));
        let manage = format!("{}/manage.py", django.dir);
        notes.note(
            Field::App,
            app.evidence(&manage, None, "the Django project's folder"),
        );
    }
    let Some(static_root) = &django.static_root else {
        return (dir, None, BTreeMap::new());
    };
    notes.note(Field::BuildCommand, static_root.clone());
    let env = collectstatic_env(django, rules, notes);
    (dir, Some(collectstatic()), env)
}

fn collectstatic() -> Vec<String> {
    ["python", "manage.py", "collectstatic", "--noinput"]
        .map(String::from)
        .to_vec()
}

/// The build-only environment collectstatic needs, and what the user should know about it.
fn collectstatic_env(
    django: &django::Django,
    rules: &PythonRules,
    notes: &mut Notes,
) -> BTreeMap<String, String> {
    let mut env = django.build_env.clone();
    if let Some(settings) = &django.server_settings {
        env.insert(rules.django.settings_env.clone(), settings.clone());
    }
    if !django.static_served {
        notes.warn(
            WarningKind::Framework,
            "static files are collected into STATIC_ROOT, but the app does not serve them (no WhiteNoise in the settings): add whitenoise, or serve them from a proxy",
        );
    }
    if !django.build_env.is_empty() {
        let names: Vec<String> = django.build_env.keys().map(|n| format!("`{n}`")).collect();
        notes.warn(
            WarningKind::Framework,
            format!(
                "the settings require {} without a default: collectstatic gets build-only placeholders; set the real values when the container runs",
                names.join(", ")
            ),
        );
    }
    env
}

fn assets_notes(assets: &assets::Assets, notes: &mut Notes) {
    notes.warnings.extend(assets.warnings.iter().cloned());
    let what = if assets.stage.outputs.is_empty() {
        "the whole built tree".to_string()
    } else {
        assets.stage.outputs.join(", ")
    };
    let note = format!(
        "{} ({what} copied into the Python build)",
        assets.evidence.note
    );
    notes
        .evidence
        .entry(Field::BuildCommand)
        .and_modify(|e| e.note = format!("{}; assets: {note}", e.note))
        .or_insert(Evidence {
            note,
            ..assets.evidence.clone()
        });
}

/// The dependencies the image installs: the lockfile's resolution, plus what the app folder's
/// manifests declare (only those the manager installs from).
fn dependencies(
    root: &Project,
    app: &Project,
    pyproject: Option<&toml::Table>,
    manager: &Manager,
    member: Option<&str>,
    env: &pep508_rs::MarkerEnvironment,
) -> Result<Deps, Error> {
    let mut deps = Deps::default();
    match &manager.source {
        Source::Lock(lock) => deps.locked = deps::locked(root, lock, member, env)?,
        Source::Requirements(reqs) => {
            deps.direct.extend(reqs.reqs.iter().cloned());
            return Ok(deps);
        }
        _ => {}
    }
    if let Some(pyproject) = pyproject {
        deps.direct
            .extend(deps::pyproject(app, pyproject, Some(env))?);
        deps.direct.extend(deps::poetry(app, pyproject));
    }
    if let Some(pipfile) = app.read_toml("Pipfile")? {
        deps.direct.extend(deps::pipfile(app, &pipfile));
    }
    Ok(deps)
}

/// What the wizard offers for `question` on a Python plan.
pub fn choices(plan: &Plan, question: crate::questions::Question) -> Result<Vec<String>, Error> {
    use crate::questions::Question;
    let rules = rules()?;
    Ok(match question {
        Question::RuntimeVersion => rules
            .versions
            .line
            .iter()
            .map(|l| l.version.clone())
            .collect(),
        Question::PackageManager => {
            let mut names: Vec<String> = Vec::new();
            for m in &rules.package_managers {
                if !names.contains(&m.name) {
                    names.push(m.name.clone());
                }
            }
            names
        }
        // A dependency without a musl build leaves only the slim image.
        Question::Variant if plan.warnings.iter().any(|w| w.kind == WarningKind::Runtime) => {
            vec!["slim".into()]
        }
        Question::Variant => vec!["alpine".into(), "slim".into()],
        Question::Language | Question::App | Question::Entrypoint | Question::Port => Vec::new(),
    })
}
