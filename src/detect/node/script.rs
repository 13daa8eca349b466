//! Reading package.json scripts: what a start script would run.
//!
//! The words that matter (package managers' `run`, TypeScript runners, wrappers such as
//! `cross-env`, framework CLIs) come from `detectors/node.toml`.

use super::rules::NodeRules;

/// What one script line would run.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `node [flags] file [args]`, arguments after `node`.
    Node(Vec<String>),
    /// A TypeScript runner (`ts-node src/main.ts`): only valid once compiled.
    TsRunner(String),
    /// A framework CLI's start (`nest start`): runs the framework's compiled entry.
    FrameworkStart,
    /// `npm run other` and friends.
    Script(String),
    /// A program from a dependency's `bin` (`fastify start app.js`), with its arguments.
    Bin(String, Vec<String>),
    /// Bun runs a file (`bun src/index.ts`, `bun run server.ts`): its arguments after `bun`.
    Bun(Vec<String>),
    Unknown,
}

/// The words of script syntax, taken from the rules.
pub struct Syntax<'r> {
    rules: &'r NodeRules,
}

impl<'r> Syntax<'r> {
    pub fn new(rules: &'r NodeRules) -> Self {
        Syntax { rules }
    }

    /// The last command in a script line that starts something (`a && b` runs `b` last).
    pub fn last_command(&self, script: &str) -> Command {
        let Ok(words) = shell_words::split(script) else {
            return Command::Unknown;
        };
        // A dependency's program is the weakest reading: `node server.js | pino-pretty` runs node.
        let mut best = Command::Unknown;
        let mut bin = None;
        for segment in words.split(|w| matches!(w.as_str(), "&&" | "||" | ";" | "&" | "|")) {
            match self.classify(segment) {
                Command::Unknown => {}
                Command::Bin(..) if bin.is_some() => {}
                command @ Command::Bin(..) => bin = Some(command),
                command => best = command,
            }
        }
        match (best, bin) {
            (Command::Unknown, Some(bin)) => bin,
            (best, _) => best,
        }
    }

    /// Every command a script line runs, in order (`a && b` gives both).
    pub fn commands(&self, script: &str) -> Vec<Command> {
        let Ok(words) = shell_words::split(script) else {
            return Vec::new();
        };
        words
            .split(|w| matches!(w.as_str(), "&&" | "||" | ";" | "&" | "|"))
            .map(|segment| self.classify(segment))
            .filter(|c| *c != Command::Unknown)
            .collect()
    }

    fn classify(&self, segment: &[String]) -> Command {
        let entry = &self.rules.entry;
        let is = |list: &[String], word: &str| list.iter().any(|w| w == word);
        let mut start = 0;
        // Environment prefixes: `NODE_ENV=production node x`, `cross-env A=b node x`, `dotenv -- node x`.
        while let Some(word) = segment.get(start) {
            let is_assignment = word.split_once('=').is_some_and(|(k, _)| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if is_assignment || is(&entry.env_prefixes, word) {
                start += 1;
            } else if is(&entry.dashdash_prefixes, word) {
                start = segment[start..]
                    .iter()
                    .position(|w| w == "--")
                    .map_or(segment.len(), |i| start + i + 1);
            } else {
                break;
            }
        }
        let words = &segment[start..];
        let Some(program) = words.first().map(String::as_str) else {
            return Command::Unknown;
        };
        let rest: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        if program == "node" || program == "nodejs" {
            return if rest.iter().any(|w| !w.starts_with('-')) {
                Command::Node(rest.iter().map(|w| (*w).to_string()).collect())
            } else {
                Command::Unknown
            };
        }
        if program == self.rules.bun.program {
            if let Some(command) = self.bun(&words[1..]) {
                return command;
            }
        }
        if let Some(script) = self.package_manager_script(words) {
            return script;
        }
        let joined = words.join(" ");
        if self
            .rules
            .frameworks
            .iter()
            .filter_map(|f| f.start_command.as_deref())
            .any(|start| joined == start || joined.starts_with(&format!("{start} ")))
        {
            return Command::FrameworkStart;
        }
        if is(&entry.ts_runners, program) {
            let file = rest.iter().find(|w| {
                !w.starts_with('-') && *w != &"watch" && (is_typescript(w) || w.ends_with(".js"))
            });
            return match file {
                Some(f) if is_typescript(f) => Command::TsRunner((*f).to_string()),
                Some(f) => Command::Node(vec![(*f).to_string()]),
                None => Command::Unknown,
            };
        }
        if is(&entry.exec_prefixes, program) {
            return self.classify(&words[1..]);
        }
        Command::Bin(
            program.to_string(),
            rest.iter().map(|w| (*w).to_string()).collect(),
        )
    }

    /// `bun [flags] file`, `bun run file`: Bun runs a file. `bun run <script>` is left to the
    /// package-manager reading; Bun's own commands (`bun install`) run nothing.
    fn bun(&self, rest: &[String]) -> Option<Command> {
        let bun = &self.rules.bun;
        let args: Vec<String> = rest
            .iter()
            .filter(|w| {
                !bun.dev_flags
                    .iter()
                    .any(|f| w.as_str() == f || w.starts_with(&format!("{f}=")))
            })
            .cloned()
            .collect();
        let first = args.iter().position(|w| !w.starts_with('-'))?;
        let word = args[first].as_str();
        if bun.subcommands.iter().any(|s| s == word) {
            return Some(Command::Unknown);
        }
        let looks_like_file = |w: &str| {
            is_typescript(w)
                || [".js", ".mjs", ".cjs", ".jsx"]
                    .iter()
                    .any(|e| w.ends_with(e))
                || w.starts_with("./")
        };
        if word == "run" {
            let mut out: Vec<String> = args[..first].to_vec();
            out.extend(args[first + 1..].iter().cloned());
            let file = out.iter().find(|w| !w.starts_with('-'))?;
            return looks_like_file(file).then_some(Command::Bun(out));
        }
        looks_like_file(word).then_some(Command::Bun(args))
    }

    /// `npm run x`, `yarn x`, `npm start`: the script a package manager runs, if any.
    fn package_manager_script(&self, words: &[String]) -> Option<Command> {
        let script =
            |w: Option<&String>| w.map_or(Command::Unknown, |s| Command::Script(s.clone()));
        for pm in &self.rules.package_managers {
            let run: Vec<&str> = pm.run.split_whitespace().collect();
            if words.len() >= run.len() && words.iter().zip(&run).all(|(a, b)| a == b) {
                return Some(script(words.get(run.len())));
            }
            if words.first() != Some(&pm.name) {
                continue;
            }
            let next = words.get(1);
            if next.is_some_and(|n| pm.run_lifecycle.contains(n)) {
                return Some(script(next));
            }
            if pm.run_shorthand {
                return Some(match next {
                    Some(s)
                        if !s.starts_with('-') && !self.rules.entry.pm_subcommands.contains(s) =>
                    {
                        Command::Script(s.clone())
                    }
                    _ => Command::Unknown,
                });
            }
        }
        None
    }
}

pub fn is_typescript(file: &str) -> bool {
    [".ts", ".mts", ".cts", ".tsx"]
        .iter()
        .any(|ext| file.ends_with(ext))
}

pub fn swap_extension(file: &str) -> String {
    for (ts, js) in [
        (".mts", ".mjs"),
        (".cts", ".cjs"),
        (".tsx", ".js"),
        (".ts", ".js"),
    ] {
        if let Some(stem) = file.strip_suffix(ts) {
            return format!("{stem}{js}");
        }
    }
    file.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(args: &[&str]) -> Command {
        Command::Node(args.iter().map(|s| (*s).to_string()).collect())
    }

    fn last_command(script: &str) -> Command {
        Syntax::new(super::super::rules::rules().unwrap()).last_command(script)
    }

    #[test]
    fn scripts_resolve_to_what_they_run() {
        assert_eq!(last_command("node server.js"), node(&["server.js"]));
        assert_eq!(
            last_command("NODE_ENV=production node --enable-source-maps dist/main"),
            node(&["--enable-source-maps", "dist/main"])
        );
        assert_eq!(
            last_command("cross-env PORT=80 node ./bin/www"),
            node(&["./bin/www"])
        );
        assert_eq!(
            last_command("npm run build && node dist/index.js"),
            node(&["dist/index.js"])
        );
        assert_eq!(
            last_command("dotenv -e .env -- node app.js"),
            node(&["app.js"])
        );
        assert_eq!(last_command("nest start"), Command::FrameworkStart);
        assert_eq!(
            last_command("ts-node -r tsconfig-paths/register src/main.ts"),
            Command::TsRunner("src/main.ts".into())
        );
        assert_eq!(
            last_command("tsx watch src/index.ts"),
            Command::TsRunner("src/index.ts".into())
        );
        assert_eq!(
            last_command("npm run serve"),
            Command::Script("serve".into())
        );
        assert_eq!(last_command("yarn serve"), Command::Script("serve".into()));
        assert_eq!(
            last_command("npm start --workspace=packages/api"),
            Command::Script("start".into())
        );
        assert_eq!(last_command("yarn install"), Command::Unknown);
        assert_eq!(
            last_command("next start"),
            Command::Bin("next".into(), vec!["start".into()])
        );
        assert_eq!(
            last_command("fastify start -l info app.js"),
            Command::Bin(
                "fastify".into(),
                ["start", "-l", "info", "app.js"].map(String::from).to_vec()
            )
        );
        assert_eq!(
            last_command("node server.js | pino-pretty"),
            node(&["server.js"])
        );
        assert_eq!(
            last_command("npx react-router-serve ./build/server/index.js"),
            Command::Bin(
                "react-router-serve".into(),
                vec!["./build/server/index.js".into()]
            )
        );
        assert_eq!(
            last_command("bun src/index.ts"),
            Command::Bun(vec!["src/index.ts".into()])
        );
        assert_eq!(
            last_command("NODE_ENV=production bun run --smol server.ts"),
            Command::Bun(vec!["--smol".into(), "server.ts".into()])
        );
        assert_eq!(
            last_command("bun --watch index.ts"),
            Command::Bun(vec!["index.ts".into()])
        );
        assert_eq!(
            last_command("bun run start"),
            Command::Script("start".into())
        );
        assert_eq!(last_command("bun install"), Command::Unknown);
        assert_eq!(last_command("node"), Command::Unknown);
        assert_eq!(last_command("node \"unbalanced"), Command::Unknown);
    }

    #[test]
    fn typescript_sources_map_to_compiled_files() {
        assert_eq!(swap_extension("src/a.mts"), "src/a.mjs");
        assert_eq!(swap_extension("src/a.ts"), "src/a.js");
        assert_eq!(swap_extension("src/a.tsx"), "src/a.js");
    }
}
