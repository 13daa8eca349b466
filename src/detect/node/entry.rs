//! What the container runs: the start script resolved to a plain `node` command.
//!
//! Distroless has no shell and no npm, so `npm start` can never be the command; this module
//! reads what the script would run and maps TypeScript sources to their compiled files.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::process_manager;
use super::rules::{FrameworkRule, NodeRules};
use super::script::{is_typescript, Command, Syntax};
use super::typescript::{compiled, TsConfig};
use crate::detect::safe::{safe_arg, safe_path, shown};
use crate::error::Error;
use crate::plan::{Evidence, Warning, WarningKind};
use crate::project::Project;

/// A resolved command: the arguments after the runtime, and where they came from.
#[derive(Debug)]
pub struct Entry {
    /// The runtime when it is not node (`bun`).
    pub program: Option<String>,
    pub args: Vec<String>,
    pub evidence: Evidence,
}

/// Node flags whose value is the next word.
const FLAGS_WITH_VALUE: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--title",
];

pub struct Resolver<'a> {
    pub project: &'a Project,
    pub rules: &'a NodeRules,
    pub manifest: &'a Value,
    pub ts: &'a TsConfig,
    /// The project compiles before it runs (there is a build script).
    pub builds: bool,
    /// The framework, with its conventional entry made concrete (`{project}` filled in).
    pub framework: Option<&'a FrameworkRule>,
    pub framework_entry: Option<&'a str>,
    /// The framework's build writes its own server (Nuxt, `SvelteKit`): its entry beats scripts.
    pub framework_builds: bool,
    /// Every declared dependency, production and development.
    pub declared: &'a BTreeSet<String>,
    /// Dependency programs from package-lock.json, by name.
    pub bins: BTreeMap<String, Bin>,
    /// `node_modules/.bin/<name>` is a link node can run (npm, Yarn, Bun; pnpm writes shell shims).
    pub bin_links: bool,
    pub warnings: Vec<Warning>,
}

/// A program a dependency declares in its package.json `bin`.
#[derive(Debug, Clone)]
pub struct Bin {
    pub package: String,
    /// Project-relative file (`node_modules/fastify-cli/cli.js`).
    pub path: String,
    /// Only a devDependency needs it.
    pub dev: bool,
}

/// Programs of top-level packages, read from package-lock.json's `packages` map.
pub fn lock_bins(lock: Option<&Value>) -> BTreeMap<String, Bin> {
    let mut bins = BTreeMap::new();
    let Some(lock) = lock else {
        return bins;
    };
    for (path, info) in lock
        .get("packages")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        // A key that climbs out (`node_modules/../../x`) names nothing of the project's.
        let Some(package) = path
            .strip_prefix("node_modules/")
            .filter(|p| !p.contains("/node_modules/"))
            .filter(|_| safe_path("package-lock.json", "packages", path).is_ok())
        else {
            continue;
        };
        let dev = info.get("dev").and_then(Value::as_bool).unwrap_or(false);
        let entries: Vec<(String, &str)> = match info.get("bin") {
            Some(Value::String(file)) => vec![(
                package.rsplit('/').next().unwrap_or(package).to_string(),
                file.as_str(),
            )],
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(name, file)| Some((name.clone(), file.as_str()?)))
                .collect(),
            _ => continue,
        };
        for (name, file) in entries {
            let Ok(file) = safe_path("package-lock.json", "bin", file) else {
                continue;
            };
            bins.insert(
                name,
                Bin {
                    package: package.to_string(),
                    path: format!("{path}/{file}"),
                    dev,
                },
            );
        }
    }
    bins
}

impl Resolver<'_> {
    fn manifest_name(&self) -> String {
        self.project.name("package.json")
    }

    fn script(&self, name: &str) -> Option<&str> {
        self.manifest.get("scripts")?.get(name)?.as_str()
    }

    fn warn(&mut self, message: String) {
        self.warnings
            .push(Warning::new(WarningKind::Entrypoint, message));
    }

    /// Start script, `start:prod`, the framework's entry, `main`, then conventional files.
    pub fn resolve(&mut self) -> Result<Option<Entry>, Error> {
        if let (Some(entry), true) = (self.framework_entry, self.framework_builds) {
            let evidence = Evidence::default("the server the framework's build writes");
            return Ok(Some(Entry {
                program: None,
                args: vec![entry.to_string()],
                evidence,
            }));
        }
        for script in &self.rules.entry.start_scripts {
            if let Some(entry) = self.script_entry(script, 0)? {
                return Ok(Some(entry));
            }
        }
        if let Some(file) = self.framework_entry_file()? {
            return Ok(Some(Entry {
                program: None,
                args: vec![file],
                evidence: Evidence::default("the framework's compiled entry"),
            }));
        }
        if let Some(main) = self.manifest.get("main").and_then(Value::as_str) {
            let file = safe_path(&self.manifest_name(), "main", main)?;
            if let Some(file) = self.runnable(&file) {
                return Ok(Some(Entry {
                    program: None,
                    args: vec![file],
                    evidence: self.project.evidence(
                        "package.json",
                        Some("main"),
                        format!("`{}`", shown(main)),
                    ),
                }));
            }
        }
        if let Some(file) = self.single_bin()? {
            return Ok(Some(Entry {
                program: None,
                args: vec![file],
                evidence: self.project.evidence(
                    "package.json",
                    Some("bin"),
                    "the package's program",
                ),
            }));
        }
        for file in &self.rules.entry.conventional {
            if self.project.is_file(file) {
                return Ok(Some(Entry {
                    program: None,
                    args: vec![file.clone()],
                    evidence: self.project.evidence(file, None, "conventional entry file"),
                }));
            }
        }
        // Bun templates have only a `dev` script (`bun --hot src/index.ts`): the same file,
        // without the watch flags, is the production command.
        if let Some(script) = self.script("dev") {
            if let Command::Bun(args) = Syntax::new(self.rules).last_command(script) {
                if let Some(entry) =
                    self.bun_entry(args, "scripts.dev", &format!("`{}`", shown(script)))?
                {
                    self.warn("there is no start script; the image runs what `dev` runs with Bun, without its watch flags".into());
                    return Ok(Some(entry));
                }
            }
        }
        if self.builds {
            for source in ["src/index.ts", "src/main.ts", "src/server.ts", "src/app.ts"] {
                if self.project.is_file(source) {
                    let file = self.compiled(source);
                    return Ok(Some(Entry {
                        program: None,
                        args: vec![file],
                        evidence: self.project.evidence(
                            source,
                            None,
                            "compiled from this conventional source",
                        ),
                    }));
                }
            }
        }
        Ok(None)
    }

    fn script_entry(&mut self, name: &str, depth: usize) -> Result<Option<Entry>, Error> {
        let key = format!("scripts.{name}");
        let Some(script) = self
            .manifest
            .pointer(&format!(
                "/scripts/{}",
                name.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_str)
        else {
            return Ok(None);
        };
        let entry = self.script_command(name, &key, script, depth)?;
        if entry.is_some() {
            self.skipped_steps(name, &key, script);
        }
        Ok(entry)
    }

    /// Steps the start script runs before the app (`npm run scss && node app.js`, a
    /// `prestart` script) do not run in the image: the container starts the app's command
    /// alone. Said in a warning, as a step that writes files must move into the build.
    fn skipped_steps(&mut self, name: &str, key: &str, script: &str) {
        let syntax = Syntax::new(self.rules);
        let mut commands = syntax.commands(script);
        commands.pop();
        let mut steps: Vec<String> = commands
            .into_iter()
            .filter_map(|c| match c {
                Command::Script(s) if s != "build" && s != name => Some(format!("`{}`", shown(&s))),
                _ => None,
            })
            .collect();
        let pre = format!("pre{name}");
        if self.script(&pre).is_some() {
            steps.insert(0, format!("`{pre}`"));
        }
        if !steps.is_empty() {
            self.warn(format!(
                "`{key}` runs {} before the app; the image runs only the app's command. If a step writes files the app serves (CSS, generated code), make it part of the `build` script",
                steps.join(", ")
            ));
        }
    }

    fn script_command(
        &mut self,
        name: &str,
        key: &str,
        script: &str,
        depth: usize,
    ) -> Result<Option<Entry>, Error> {
        let key = key.to_string();
        let note = format!("`{}`", shown(script));
        let manifest = self.manifest_name();
        let evidence = |note: String| self.project.evidence("package.json", Some(&key), note);
        match Syntax::new(self.rules).last_command(script) {
            Command::Node(args) => {
                let args = self.node_args(args, &key)?;
                Ok(args.map(|args| Entry {
                    program: None,
                    args,
                    evidence: evidence(note),
                }))
            }
            Command::TsRunner(file) => {
                let file = safe_path(&manifest, &key, &file)?;
                if !self.builds {
                    self.warn(format!(
                        "`{key}` runs TypeScript through a dev runner and there is no build script; add `\"build\": \"tsc\"` so the image can run compiled JavaScript"
                    ));
                    return Ok(None);
                }
                let compiled = self.compiled(&file);
                Ok(Some(Entry {
                    program: None,
                    args: vec![compiled],
                    evidence: evidence(format!("{note}, compiled by the build")),
                }))
            }
            Command::FrameworkStart => {
                let file = self.framework_entry_file()?;
                let name = self.framework.map_or("the framework", |f| f.name.as_str());
                Ok(file.map(|file| Entry {
                    program: None,
                    args: vec![file],
                    evidence: evidence(format!("{note}: {name}'s compiled entry")),
                }))
            }
            Command::Script(other) if depth < 3 && other != name => {
                self.script_entry(&other, depth + 1)
            }
            Command::Bin(program, args) => self.bin_entry(&program, args, &key, &note),
            Command::Bun(args) => self.bun_entry(args, &key, &note),
            Command::Script(_) | Command::Unknown => Ok(None),
        }
    }

    /// Validates `node` arguments and normalises the script path; `None` if there is none.
    fn node_args(&mut self, args: Vec<String>, key: &str) -> Result<Option<Vec<String>>, Error> {
        let manifest = self.manifest_name();
        let mut out = Vec::new();
        let mut words = args.into_iter();
        let mut file = None;
        while let Some(word) = words.next() {
            if word.starts_with("--env-file") {
                if !word.contains('=') {
                    words.next();
                }
                self.warn(format!("dropped `{word}` from `{key}`: .env files stay out of the image; pass settings with `docker run --env`"));
                continue;
            }
            if word.starts_with('-') {
                let takes_value = FLAGS_WITH_VALUE.contains(&word.as_str());
                out.push(safe_arg(&manifest, key, &word)?);
                if takes_value {
                    if let Some(value) = words.next() {
                        out.push(safe_arg(&manifest, key, &value)?);
                    }
                }
                continue;
            }
            let path = if word == "." {
                self.main_or_index()
            } else {
                safe_path(&manifest, key, &word)?
            };
            let Some(path) = self.runnable(&path) else {
                return Ok(None);
            };
            out.push(path);
            file = Some(());
            for rest in words.by_ref() {
                out.push(safe_arg(&manifest, key, &rest)?);
            }
        }
        Ok(file.map(|()| out))
    }

    /// A dependency's program, run by node from the file its package declares. Only a
    /// program the lockfile or a declared dependency provides counts (`bun x.ts` and
    /// `go run .` are not dependencies); dev servers and build tools never do.
    fn bin_entry(
        &mut self,
        program: &str,
        args: Vec<String>,
        key: &str,
        note: &str,
    ) -> Result<Option<Entry>, Error> {
        if self.rules.entry.dev_tools.iter().any(|t| t == program) {
            return Ok(None);
        }
        let manifest = self.manifest_name();
        let program = safe_path(&manifest, key, program)?;
        if self.rules.entry.process_managers.contains(&program) {
            return self.managed_entry(&program, &args, key, note);
        }
        if let Some(file) = self.own_bin(&program)? {
            let mut command = vec![file];
            for word in args {
                command.push(safe_arg(&manifest, key, &word)?);
            }
            return Ok(Some(Entry {
                program: None,
                args: command,
                evidence: self.project.evidence(
                    "package.json",
                    Some(key),
                    format!("{note}: the package's own `{program}` script"),
                ),
            }));
        }
        let file = match self.bins.get(&program) {
            Some(bin) => {
                if bin.dev {
                    self.warnings.push(Warning::new(WarningKind::Entrypoint, format!(
                        "`{key}` runs `{program}` from `{}`, a devDependency: the image installs production dependencies only, so move it to `dependencies`",
                        bin.package
                    )));
                }
                bin.path.clone()
            }
            None if !self.declared_program(&program) => {
                self.warn(format!("`{key}` runs `{program}`, which no dependency in package.json provides; pass `--entrypoint`"));
                return Ok(None);
            }
            None if self.bin_links => format!("node_modules/.bin/{program}"),
            None => {
                self.warn(format!("`{key}` runs `{program}`, whose file dockgen cannot find without a package-lock.json; pass `--entrypoint`"));
                return Ok(None);
            }
        };
        let mut command = vec![file];
        for word in args {
            command.push(safe_arg(&manifest, key, &word)?);
        }
        Ok(Some(Entry {
            program: None,
            args: command,
            evidence: self.project.evidence(
                "package.json",
                Some(key),
                format!("{note}: the `{program}` program of a dependency"),
            ),
        }))
    }

    /// `bun <file>`: Bun runs the file itself, TypeScript included, so it need not be compiled.
    fn bun_entry(
        &mut self,
        args: Vec<String>,
        key: &str,
        note: &str,
    ) -> Result<Option<Entry>, Error> {
        let manifest = self.manifest_name();
        let mut out = Vec::new();
        let mut found = false;
        for word in args {
            if found || word.starts_with('-') {
                out.push(safe_arg(&manifest, key, &word)?);
                continue;
            }
            let file = safe_path(&manifest, key, &word)?;
            let exists =
                self.project.is_file(&file) || (self.builds && self.is_build_output(&file));
            if !exists {
                self.warn(format!(
                    "`{key}` runs `{file}` with Bun, and there is no such file"
                ));
                return Ok(None);
            }
            out.push(file);
            found = true;
        }
        Ok(found.then(|| Entry {
            program: Some(self.rules.bun.program.clone()),
            args: out,
            evidence: self.project.evidence(
                "package.json",
                Some(key),
                format!("{note}: Bun runs the file"),
            ),
        }))
    }

    /// `pm2 start ecosystem.config.json`: the script the process manager would start, run
    /// directly (tini supervises in the container).
    fn managed_entry(
        &mut self,
        program: &str,
        args: &[String],
        key: &str,
        note: &str,
    ) -> Result<Option<Entry>, Error> {
        let Some(managed) = process_manager::managed(
            self.project,
            args,
            &self.rules.entry.process_manager_commands,
        ) else {
            self.warn(format!("`{key}` runs `{program}`, and dockgen cannot tell which script it starts; pass `--entrypoint`"));
            return Ok(None);
        };
        let source = managed.config.as_deref().unwrap_or("package.json");
        let file = safe_path(&self.project.name(source), "script", &managed.script)?;
        let Some(file) = self.runnable(&file) else {
            self.warn(format!(
                "`{key}` runs `{program}` on `{file}`, which does not exist"
            ));
            return Ok(None);
        };
        let evidence = match &managed.config {
            Some(config) => self.project.evidence(
                config,
                Some("apps[0].script"),
                format!("{note} starts `{file}` with {program}: the image runs it directly"),
            ),
            None => self.project.evidence(
                "package.json",
                Some(key),
                format!("{note}: {program} runs `{file}`; the image runs it directly"),
            ),
        };
        Ok(Some(Entry {
            program: None,
            args: vec![file],
            evidence,
        }))
    }

    /// The program of a package that has one (`bin` as a string, or a map with one entry or
    /// one named after the package), when it can run.
    fn single_bin(&self) -> Result<Option<String>, Error> {
        let file = match self.manifest.get("bin") {
            Some(Value::String(file)) => Some(file.as_str()),
            Some(Value::Object(map)) if map.len() == 1 => {
                map.values().next().and_then(Value::as_str)
            }
            Some(Value::Object(map)) => {
                let name = self
                    .manifest
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                map.get(name.rsplit('/').next().unwrap_or(name))
                    .and_then(Value::as_str)
            }
            _ => None,
        };
        let Some(file) = file else {
            return Ok(None);
        };
        let file = safe_path(&self.manifest_name(), "bin", file)?;
        Ok(self.runnable(&file))
    }

    /// The package's own program: a `bin` entry of its package.json, or a script file the
    /// start script names by path (`./bin/server.js`).
    fn own_bin(&self, program: &str) -> Result<Option<String>, Error> {
        let file = match self.manifest.get("bin") {
            Some(Value::String(file)) => {
                let name = self.manifest.get("name").and_then(Value::as_str);
                let short = name.map(|n| n.rsplit('/').next().unwrap_or(n));
                (short == Some(program)).then_some(file.as_str())
            }
            Some(Value::Object(map)) => map.get(program).and_then(Value::as_str),
            _ => None,
        };
        if let Some(file) = file {
            let file = safe_path(&self.manifest_name(), "bin", file)?;
            return Ok(self.runnable(&file));
        }
        if program.contains('/') && !program.starts_with("node_modules/") {
            return Ok(self.runnable(program));
        }
        Ok(None)
    }

    /// A declared dependency provides `program`: it is named like it (`next`, `@scope/next`),
    /// or the data names its package (`fastify` → `fastify-cli`).
    fn declared_program(&self, program: &str) -> bool {
        if let Some(package) = self.rules.entry.programs.get(program) {
            return self.declared.contains(package);
        }
        self.declared
            .iter()
            .any(|d| d == program || d.rsplit('/').next() == Some(program))
    }

    fn main_or_index(&self) -> String {
        self.manifest
            .get("main")
            .and_then(Value::as_str)
            .unwrap_or("index.js")
            .to_string()
    }

    /// The file node will load, with `.js` added where node would add it. `None` when the
    /// file neither exists nor can come out of the build.
    fn runnable(&self, file: &str) -> Option<String> {
        let file = file
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        if file.starts_with("node_modules/") {
            return (!file.split('/').any(|part| part == "..")).then_some(file);
        }
        if is_typescript(&file) {
            return self.builds.then(|| self.compiled(&file));
        }
        let has_ext = std::path::Path::new(&file).extension().is_some_and(|e| {
            ["js", "mjs", "cjs", "json", "node"].contains(&e.to_str().unwrap_or(""))
        });
        let candidates = if has_ext {
            vec![file.clone()]
        } else {
            vec![
                format!("{file}.js"),
                format!("{file}/index.js"),
                file.clone(),
            ]
        };
        for candidate in &candidates {
            if self.project.is_file(candidate) || (self.builds && self.is_build_output(candidate)) {
                return Some(candidate.clone());
            }
        }
        None
    }

    /// True when `file` sits in a folder the build writes (tsconfig outDir, or dist/build/out
    /// when the project has no such folder of its own).
    fn is_build_output(&self, file: &str) -> bool {
        let top = file.split('/').next().unwrap_or("");
        match &self.ts.out_dir {
            Some(out) => file.starts_with(&format!("{out}/")),
            None => ["dist", "build", "out", "lib"].contains(&top),
        }
    }

    /// The JavaScript file tsc writes for `source`.
    pub fn compiled(&self, source: &str) -> String {
        compiled(self.ts, source)
    }

    /// The framework's compiled entry when it builds none of its own (`NestJS`): its
    /// `entry_config` file may rename it, and it lands in tsconfig's outDir.
    fn framework_entry_file(&self) -> Result<Option<String>, Error> {
        let Some(entry) = self.framework_entry else {
            return Ok(None);
        };
        let Some(config) = self.framework.and_then(|f| f.entry_config.as_ref()) else {
            return Ok(Some(entry.to_string()));
        };
        let (dir, file) = entry.rsplit_once('/').unwrap_or(("", entry));
        let stem = file.strip_suffix(".js").unwrap_or(file);
        let json = self.project.read_json(&config.file)?;
        let stem = json
            .as_ref()
            .and_then(|c| c.get(&config.key))
            .and_then(Value::as_str)
            .unwrap_or(stem);
        let out = self.ts.out_dir.as_deref().unwrap_or(dir);
        safe_path(
            &self.project.name(&config.file),
            &config.key,
            &format!("{out}/{stem}.js"),
        )
        .map(Some)
    }
}
