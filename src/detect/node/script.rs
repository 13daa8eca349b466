//! Reading package.json scripts: what a start script would run.

/// What one script line would run.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `node [flags] file [args]`, arguments after `node`.
    Node(Vec<String>),
    /// A TypeScript runner (`ts-node src/main.ts`): only valid once compiled.
    TsRunner(String),
    /// `nest start`.
    Nest,
    /// `npm run other` and friends.
    Script(String),
    /// A program from a dependency's `bin` (`fastify start app.js`), with its arguments.
    Bin(String, Vec<String>),
    Unknown,
}

const TS_RUNNERS: &[&str] = &[
    "ts-node",
    "tsx",
    "ts-node-dev",
    "tsnd",
    "nodemon",
    "babel-node",
    "node-dev",
];

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

/// The last command in a script line that starts something (`a && b` runs `b` last).
pub fn last_command(script: &str) -> Command {
    let Ok(words) = shell_words::split(script) else {
        return Command::Unknown;
    };
    // A dependency's program is the weakest reading: `node server.js | pino-pretty` runs node.
    let mut best = Command::Unknown;
    let mut bin = None;
    for segment in words.split(|w| matches!(w.as_str(), "&&" | "||" | ";" | "&" | "|")) {
        match classify(segment) {
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

fn classify(segment: &[String]) -> Command {
    let mut words = segment.iter().map(String::as_str).peekable();
    // Environment prefixes: `NODE_ENV=production node x`, `cross-env A=b node x`, `dotenv -- node x`.
    while let Some(&word) = words.peek() {
        let is_assignment = word.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if is_assignment || word == "cross-env" || word == "env" {
            words.next();
        } else if word == "dotenv" || word == "dotenvx" {
            for w in words.by_ref() {
                if w == "--" {
                    break;
                }
            }
        } else {
            break;
        }
    }
    let Some(program) = words.next() else {
        return Command::Unknown;
    };
    let rest: Vec<&str> = words.collect();
    match program {
        "node" | "nodejs" => {
            if rest.iter().any(|w| !w.starts_with('-')) {
                Command::Node(rest.iter().map(|w| (*w).to_string()).collect())
            } else {
                Command::Unknown
            }
        }
        "nest" if rest.first() == Some(&"start") => Command::Nest,
        "npm" | "pnpm" | "bun" if rest.first() == Some(&"run") => rest
            .get(1)
            .map_or(Command::Unknown, |s| Command::Script((*s).to_string())),
        "yarn" | "pnpm" => match rest.first() {
            Some(&"run") => rest
                .get(1)
                .map_or(Command::Unknown, |s| Command::Script((*s).to_string())),
            Some(s) if !s.starts_with('-') && !["install", "add", "build"].contains(s) => {
                Command::Script((*s).to_string())
            }
            _ => Command::Unknown,
        },
        runner if TS_RUNNERS.contains(&runner) => {
            let file = rest.iter().find(|w| {
                !w.starts_with('-') && *w != &"watch" && (is_typescript(w) || w.ends_with(".js"))
            });
            match file {
                Some(f) if is_typescript(f) => Command::TsRunner((*f).to_string()),
                Some(f) => Command::Node(vec![(*f).to_string()]),
                None => Command::Unknown,
            }
        }
        "npx" | "exec" => classify(&segment[1..]),
        program => Command::Bin(
            program.to_string(),
            rest.iter().map(|w| (*w).to_string()).collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(args: &[&str]) -> Command {
        Command::Node(args.iter().map(|s| (*s).to_string()).collect())
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
        assert_eq!(last_command("nest start"), Command::Nest);
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
