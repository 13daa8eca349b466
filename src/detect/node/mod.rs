//! Node.js detection: package.json and its neighbours → a `Plan`.

mod entry;
mod package_manager;
mod port;
mod version;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use self::entry::{Resolver, TsConfig};
use crate::detect::safe::safe_path;
use crate::detect::{Detection, Overrides};
use crate::error::Error;
use crate::plan::{AppKind, Evidence, Images, NodeOutput, NodePlan, Plan};
use crate::project::Project;
use crate::rules::{FrameworkKind, FrameworkRule, NodeRules};

/// Looks for a Node.js application at the project root.
pub fn detect(project: &Project, rules: &NodeRules, overrides: &Overrides) -> Result<Detection, Error> {
    let Some(manifest) = project.read_json("package.json")? else {
        return Ok(Detection::Skipped("no package.json".into()));
    };
    if !manifest.is_object() {
        return Err(Error::Parse { file: "package.json".into(), line: 1, column: 1, message: "expected a JSON object".into() });
    }
    let deps = names(&manifest, "dependencies");
    let dev_deps = names(&manifest, "devDependencies");
    let all: BTreeSet<&str> = deps.iter().chain(&dev_deps).map(String::as_str).collect();
    let framework = choose_framework(&manifest, &deps, &all, rules);

    let has_start = manifest.pointer("/scripts/start").is_some();
    let conventional = rules.entry.conventional.iter().any(|f| project.is_file(f));
    if framework.is_none() && !has_start && manifest.get("main").is_none() && deps.is_empty() && !conventional {
        let reason = if manifest.get("workspaces").is_some() {
            "package.json declares workspaces but is not an app itself; run dockgen on one workspace's folder".to_string()
        } else {
            "package.json has no start script, `main`, dependencies or server file: it looks like tooling only".to_string()
        };
        return Ok(Detection::Skipped(reason));
    }

    let mut evidence = BTreeMap::new();
    let mut warnings = Vec::new();

    let pm = package_manager::detect(project, &manifest, rules)?;
    evidence.insert("package_manager".to_string(), pm.evidence.clone());
    warnings.extend(pm.warnings.iter().cloned());

    let version = match &overrides.version {
        Some(flag) => version::from_flag(flag, rules)?,
        None => version::detect(project, &manifest, rules)?,
    };
    evidence.insert("version".to_string(), version.evidence);
    warnings.extend(version.warning);
    let major = rules
        .major(version.major)
        .ok_or_else(|| Error::InvalidRule { reason: format!("node.toml has no images for Node {}", version.major) })?;

    if let Some(fw) = framework {
        let pkg = fw.packages.iter().find(|p| all.contains(p.as_str())).map_or("", String::as_str);
        let section = if deps.iter().any(|d| d == pkg) { "dependencies" } else { "devDependencies" };
        evidence.insert("framework".into(), Evidence::file("package.json", Some(&format!("{section}.{pkg}")), format!("lists `{pkg}`")));
    }

    let has_build = manifest.pointer("/scripts/build").and_then(Value::as_str).is_some();
    let build_command = has_build.then(|| {
        let mut argv: Vec<String> = pm.rule.run.split_whitespace().map(str::to_string).collect();
        argv.push("build".into());
        argv
    });
    if has_build {
        evidence.insert("build_command".into(), Evidence::file("package.json", Some("scripts.build"), "the build script"));
    }
    let ts = read_tsconfig(project)?;

    let mut resolver = Resolver {
        project,
        manifest: &manifest,
        ts: &ts,
        builds: has_build,
        framework_entry: framework.and_then(|f| f.entry.as_deref()),
        conventional: &rules.entry.conventional,
        warnings: Vec::new(),
    };

    let (kind, output, entrypoint, port) = match framework {
        Some(fw) if fw.name == "next" => next(project, &manifest, &mut evidence, &mut warnings)?,
        Some(fw) if fw.kind == FrameworkKind::Static => {
            let dir = static_output_dir(project, fw)?;
            if !has_build {
                warnings.push(format!("{} needs a build script that writes `{dir}`; add `\"build\"` to package.json scripts", fw.name));
            }
            evidence.insert("port".into(), Evidence::default("the static web server's port"));
            evidence.insert("entrypoint".into(), Evidence::default("the static web server image's own command"));
            let entry = vec!["nginx".to_string(), "-g".into(), "daemon off;".into()];
            let root = rules.images.static_root.clone();
            (AppKind::Static, NodeOutput::Static { dir, root }, Some(entry), Some(rules.images.static_port))
        }
        _ => {
            let entry = resolver.resolve()?;
            warnings.append(&mut resolver.warnings);
            let port_found = entry.as_ref().and_then(|e| server_port(project, &ts, &e.args, &mut evidence));
            let port = port_found.or_else(|| {
                let fw = framework?;
                evidence.insert("port".into(), Evidence::default(format!("{}'s usual port; not found in the entry file", fw.name)));
                fw.port
            });
            let output = entry.as_ref().map_or(NodeOutput::Source, |e| server_output(&e.args, &ts, has_build));
            let argv = entry.map(|e| {
                evidence.insert("entrypoint".into(), e.evidence);
                std::iter::once("node".to_string()).chain(e.args).collect()
            });
            if argv.is_none() {
                warnings.push("no start script that runs node, no `main` and no server.js/index.js: pass `--entrypoint`".into());
            }
            (AppKind::Server, output, argv, port)
        }
    };

    let (build_packages, runtime_packages) = native_packages(project, &deps, &all, rules, &mut evidence)?;
    let images = images(kind, &runtime_packages, major, rules);
    if !images.runtime_distroless && kind == AppKind::Server {
        let why = evidence.get("runtime_packages").map_or_else(
            || format!("Node {} is past end of life and has no distroless image", version.major),
            |ev| format!("the {}", ev.note),
        );
        warnings.push(format!("{why}, so the final image is `{}` instead of distroless", images.runtime));
    }

    let node = node_plan(project, &pm, major, rules);
    let node = NodePlan { runtime_dirs: runtime_dirs(project, &output, rules), build_outputs: build_outputs(&output), output, ..node };
    Ok(Detection::Found(Box::new(Plan {
        language: "node".into(),
        version: version.major.to_string(),
        package_manager: pm.rule.name.clone(),
        framework: framework.map(|f| f.name.clone()),
        kind,
        build_command,
        entrypoint,
        port,
        build_packages,
        runtime_packages,
        images,
        node: Some(node),
        evidence,
        warnings,
    })))
}

fn names(manifest: &Value, section: &str) -> Vec<String> {
    manifest.get(section).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// Next and Nest first; a static-site tool only when nothing server-side runs in production.
fn choose_framework<'r>(manifest: &Value, deps: &[String], all: &BTreeSet<&str>, rules: &'r NodeRules) -> Option<&'r FrameworkRule> {
    let uses = |fw: &&FrameworkRule| fw.packages.iter().any(|p| all.contains(p.as_str()));
    let in_prod = |fw: &&FrameworkRule| fw.packages.iter().any(|p| deps.contains(p));
    if let Some(fw) = rules.frameworks.iter().find(|f| ["next", "nestjs"].contains(&f.name.as_str())).filter(uses) {
        return Some(fw);
    }
    let server = rules.frameworks.iter().filter(|f| f.kind == FrameworkKind::Server).find(in_prod);
    let start_runs_node = manifest
        .pointer("/scripts/start")
        .and_then(Value::as_str)
        .is_some_and(|s| s.split_whitespace().any(|w| w == "node" || w.ends_with(".js")));
    let static_site = rules.frameworks.iter().filter(|f| f.kind == FrameworkKind::Static).find(uses);
    match static_site {
        Some(site) if server.is_none() && !start_runs_node => Some(site),
        _ => server.or_else(|| rules.frameworks.iter().filter(|f| f.kind == FrameworkKind::Server).find(uses)),
    }
}

/// tsconfig.json, overlaid by tsconfig.build.json (what `nest build` and many `tsc -p` builds use).
fn read_tsconfig(project: &Project) -> Result<TsConfig, Error> {
    let mut ts = TsConfig::default();
    for file in ["tsconfig.json", "tsconfig.build.json"] {
        let Some(config) = project.read_jsonc(file)? else { continue };
        let option = |key: &str| -> Result<Option<String>, Error> {
            match config.pointer(&format!("/compilerOptions/{key}")).and_then(Value::as_str) {
                // "." is the project root itself.
                Some(v) if v.trim_start_matches("./").trim_end_matches('/').trim_start_matches('.').is_empty() => Ok(Some(String::new())),
                Some(v) => safe_path(file, &format!("compilerOptions.{key}"), v).map(Some),
                None => Ok(None),
            }
        };
        if let Some(out) = option("outDir")? {
            ts.out_dir = Some(out).filter(|o| !o.is_empty());
        }
        if let Some(root) = option("rootDir")? {
            ts.root_dir = Some(root);
        }
    }
    Ok(ts)
}

fn next(project: &Project, manifest: &Value, evidence: &mut BTreeMap<String, Evidence>, warnings: &mut Vec<String>) -> Result<(AppKind, NodeOutput, Option<Vec<String>>, Option<u16>), Error> {
    static STANDALONE: OnceLock<Regex> = OnceLock::new();
    let standalone_re = STANDALONE.get_or_init(|| Regex::new(r#"output\s*:\s*["'`]standalone["'`]"#).expect("static regex"));
    let public = project.is_dir("public");
    let mut config = None;
    let mut standalone = false;
    for file in ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"] {
        if let Some(text) = project.read(file)? {
            standalone = standalone_re.is_match(&text);
            config = Some(file.to_string());
            break;
        }
    }
    let port = manifest
        .pointer("/scripts/start")
        .and_then(Value::as_str)
        .and_then(|s| shell_words::split(s).ok())
        .and_then(|w| w.windows(2).find(|p| p[0] == "-p" || p[0] == "--port").and_then(|p| p[1].parse::<u16>().ok()));
    match port {
        Some(_) => evidence.insert("port".into(), Evidence::file("package.json", Some("scripts.start"), "`next start --port`")),
        None => evidence.insert("port".into(), Evidence::default("Next.js listens on 3000")),
    };
    let source = config.as_deref().unwrap_or("package.json");
    if standalone {
        evidence.insert("entrypoint".into(), Evidence::file(source, Some("output"), "`standalone` builds a self-contained server.js"));
        let entry = vec!["node".to_string(), "server.js".into()];
        Ok((AppKind::Server, NodeOutput::NextStandalone { public }, Some(entry), Some(port.unwrap_or(3000))))
    } else {
        warnings.push(format!(
            "{} has no `output: 'standalone'`: the image carries all production node_modules. Add `output: 'standalone'` to the Next.js config for a much smaller image, then run dockgen again",
            config.as_deref().map_or("the project".to_string(), |c| format!("`{c}`"))
        ));
        evidence.insert("entrypoint".into(), Evidence::file(source, None, "no standalone output: `next start`"));
        let entry = ["node", "node_modules/next/dist/bin/next", "start"].map(str::to_string).to_vec();
        let config = config.filter(|c| !c.ends_with(".ts") && !c.ends_with(".mts"));
        Ok((AppKind::Server, NodeOutput::NextServer { public, config }, Some(entry), Some(port.unwrap_or(3000))))
    }
}

fn static_output_dir(project: &Project, fw: &FrameworkRule) -> Result<String, Error> {
    static OUT_DIR: OnceLock<Regex> = OnceLock::new();
    let re = OUT_DIR.get_or_init(|| Regex::new(r#"outDir\s*:\s*["'`]([^"'`]+)["'`]"#).expect("static regex"));
    if fw.name == "vite" {
        for file in ["vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts"] {
            if let Some(text) = project.read(file)? {
                if let Some(c) = re.captures(&text) {
                    return safe_path(file, "build.outDir", &c[1]);
                }
            }
        }
    }
    Ok(fw.output.clone().unwrap_or_else(|| "dist".into()))
}

/// Port from the entry's source: the compiled file's TypeScript original when there is one.
fn server_port(project: &Project, ts: &TsConfig, args: &[String], evidence: &mut BTreeMap<String, Evidence>) -> Option<u16> {
    let file = args.iter().find(|a| !a.starts_with('-'))?;
    let mut candidates = vec![file.clone()];
    if let Some(out) = &ts.out_dir {
        if let Some(rel) = file.strip_prefix(&format!("{out}/")) {
            let root = ts.root_dir.as_deref().unwrap_or("src");
            let stem = rel.trim_end_matches(".js").trim_end_matches(".mjs").trim_end_matches(".cjs");
            let prefix = if root.is_empty() { String::new() } else { format!("{root}/") };
            candidates.extend(["ts", "mts", "cts"].iter().map(|ext| format!("{prefix}{stem}.{ext}")));
        }
    }
    for candidate in candidates {
        if let Ok(Some(text)) = project.read(&candidate) {
            if let Some(found) = port::scan(&text) {
                let key = format!("line {}", found.line);
                evidence.insert("port".into(), Evidence::file(&candidate, Some(&key), found.pattern));
                return Some(found.port);
            }
        }
    }
    None
}

fn server_output(args: &[String], ts: &TsConfig, builds: bool) -> NodeOutput {
    let Some(file) = args.iter().find(|a| !a.starts_with('-')) else { return NodeOutput::Source };
    let Some((top, _)) = file.split_once('/') else { return NodeOutput::Source };
    let is_output = ts.out_dir.as_deref().map_or(false, |out| file.starts_with(&format!("{out}/"))) || ["dist", "build", "out"].contains(&top);
    if builds && is_output {
        let dir = ts.out_dir.clone().filter(|out| file.starts_with(&format!("{out}/"))).unwrap_or_else(|| top.to_string());
        NodeOutput::Build { dir }
    } else {
        NodeOutput::Source
    }
}

fn native_packages(project: &Project, deps: &[String], all: &BTreeSet<&str>, rules: &NodeRules, evidence: &mut BTreeMap<String, Evidence>) -> Result<(Vec<String>, Vec<String>), Error> {
    // package-lock.json lists transitive packages too; `dev: true` marks build-only ones.
    let mut prod: BTreeSet<String> = deps.iter().cloned().collect();
    let mut any: BTreeSet<String> = all.iter().map(|s| (*s).to_string()).collect();
    if let Some(lock) = project.read_json("package-lock.json")? {
        if let Some(packages) = lock.get("packages").and_then(Value::as_object) {
            for (path, info) in packages {
                let Some(name) = path.rsplit("node_modules/").next().filter(|n| !n.is_empty() && path.contains("node_modules/")) else { continue };
                any.insert(name.to_string());
                if !info.get("dev").and_then(Value::as_bool).unwrap_or(false) {
                    prod.insert(name.to_string());
                }
            }
        }
    }
    let mut build = Vec::new();
    let mut runtime = Vec::new();
    let mut found = Vec::new();
    let mut loaders = Vec::new();
    for module in &rules.native.modules {
        if !any.contains(&module.package) {
            continue;
        }
        found.push(module.package.as_str());
        if module.toolchain {
            build.extend(rules.native.toolchain.iter().cloned());
        }
        build.extend(module.build.iter().cloned());
        if prod.contains(&module.package) && !module.runtime.is_empty() {
            runtime.extend(module.runtime.iter().cloned());
            loaders.push(module.package.as_str());
        }
    }
    dedup(&mut build);
    dedup(&mut runtime);
    if !found.is_empty() {
        let list = found.join(", ");
        evidence.insert("build_packages".into(), Evidence::file("package.json", None, format!("native modules: {list}")));
        if !loaders.is_empty() {
            evidence.insert("runtime_packages".into(), Evidence::file("package.json", None, format!("libraries loaded by {}", loaders.join(", "))));
        }
    }
    Ok((build, runtime))
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    list.retain(|p| seen.insert(p.clone()));
}

fn images(kind: AppKind, runtime_packages: &[String], major: &crate::rules::NodeMajor, rules: &NodeRules) -> Images {
    let builder = major.builder.clone();
    if kind == AppKind::Static {
        return Images { builder, runtime: rules.images.r#static.clone(), runtime_distroless: false, user: rules.images.static_user.clone() };
    }
    if !runtime_packages.is_empty() || major.runtime == major.builder {
        // The slim image has apt and the `node` user (1000).
        return Images { runtime: builder.clone(), builder, runtime_distroless: false, user: "1000:1000".into() };
    }
    Images { builder, runtime: major.runtime.clone(), runtime_distroless: true, user: "65532:65532".into() }
}

fn node_plan(project: &Project, pm: &package_manager::PmChoice, major: &crate::rules::NodeMajor, rules: &NodeRules) -> NodePlan {
    let rule = pm.rule;
    let mut manifests = vec!["package.json".to_string()];
    manifests.extend(pm.lockfile.clone());
    let mut manifest_dirs = Vec::new();
    for extra in &rule.extra_files {
        if project.is_file(extra) {
            manifests.push(extra.clone());
        } else if project.is_dir(extra) {
            manifest_dirs.push(extra.clone());
        }
    }
    let mut setup = Vec::new();
    if rule.corepack {
        if !major.corepack_bundled {
            setup.push(format!("npm install --global {}", rules.images.corepack));
        }
        setup.push("corepack enable".to_string());
    } else if let Some(cmd) = &rule.setup {
        // `packageManager` pins the version; the data's pin is the fallback.
        let cmd = match (&pm.version, cmd.rsplit_once('@')) {
            (Some(version), Some((tool, _))) => format!("{tool}@{version}"),
            _ => cmd.clone(),
        };
        setup.push(cmd);
    } else if rule.name == "yarn" && !major.yarn_classic_bundled {
        setup.push(format!("npm install --global {}", rules.images.yarn_classic));
    }
    let locked = pm.lockfile.is_some();
    NodePlan {
        manifests,
        manifest_dirs,
        lockfile: pm.lockfile.clone(),
        install: if locked { rule.install.clone() } else { rule.install_unlocked.clone() },
        install_prod: if locked { rule.install_prod.clone() } else { rule.install_prod_unlocked.clone() },
        cache: rule.cache.clone(),
        env: rule.env.clone(),
        setup,
        output: NodeOutput::Source,
        runtime_dirs: Vec::new(),
        build_outputs: Vec::new(),
    }
}

fn runtime_dirs(project: &Project, output: &NodeOutput, rules: &NodeRules) -> Vec<String> {
    match output {
        NodeOutput::Build { dir } => rules.entry.runtime_dirs.iter().filter(|d| *d != dir && project.is_dir(d)).cloned().collect(),
        _ => Vec::new(),
    }
}

fn build_outputs(output: &NodeOutput) -> Vec<String> {
    match output {
        NodeOutput::Build { dir } | NodeOutput::Static { dir, .. } => vec![dir.clone()],
        NodeOutput::NextStandalone { .. } | NodeOutput::NextServer { .. } => vec![".next".into(), "out".into()],
        NodeOutput::Source => Vec::new(),
    }
}
