//! A structural lint of generated Dockerfiles, run on every fixture in `cargo test`.
//!
//! hadolint runs in CI; this catches the mistakes that make an image fail to build, run or
//! behave even when it lints clean: unknown stages and images, BuildKit-only syntax, shell-form
//! commands, and a final stage that is not hardened — a root or non-numeric user, a PID 1 that
//! would ignore SIGTERM (it must run an init, or say why it needs none in a `# No init:`
//! comment), a `RUN` on an image without a shell, build tools, or a secret-looking file.

/// Packages that build software and never belong in a final image.
const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "make",
    "cmake",
    "clang",
    "build-essential",
    "build-base",
    "musl-dev",
    "libc6-dev",
    "cargo",
    "rust",
    "rustc",
    "go",
    "golang",
    "maven",
    "gradle",
    "python3-dev",
    "node-gyp",
];

/// Names of files that hold secrets; never copied into a final stage from the context.
const SECRETS: &[&str] = &[
    ".env",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".ssh",
    ".aws",
    "id_rsa",
    "id_ed25519",
];

/// .dockerignore lines that must keep secrets out of every build context.
const IGNORED_SECRETS: &[&str] = &[
    "**/.env",
    "**/.env.*",
    "**/*.pem",
    "**/*.key",
    "**/id_rsa*",
    "**/.netrc",
    "**/.pypirc",
    ".git",
];

#[derive(Default)]
struct Stage {
    name: Option<String>,
    /// The image the stage starts from, stage aliases resolved.
    base: String,
    user: Option<String>,
    init: bool,
    command: bool,
    runs: Vec<String>,
    copies: Vec<Vec<String>>,
}

/// Every problem found, empty when the file is sound.
pub fn problems(dockerfile: &str, dockerignore: &str, images: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for line in joined_lines(dockerfile) {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        if instruction == "FROM" {
            let args: Vec<&str> = rest
                .iter()
                .copied()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let image = args.first().copied().unwrap_or("");
            let base = match stages.iter().find(|s| s.name.as_deref() == Some(image)) {
                Some(stage) => stage.base.clone(),
                None if image == "scratch" || images.iter().any(|i| i == image) => {
                    image.to_string()
                }
                None => {
                    problems.push(format!(
                        "FROM `{image}` is neither a stage nor an image `dockgen images` lists"
                    ));
                    image.to_string()
                }
            };
            let name = args
                .iter()
                .position(|w| w.eq_ignore_ascii_case("AS"))
                .and_then(|p| args.get(p + 1))
                .map(|n| (*n).to_string());
            stages.push(Stage {
                name,
                base,
                ..Stage::default()
            });
            continue;
        }
        let Some(stage) = stages.last_mut() else {
            problems.push(format!("{instruction} before any FROM"));
            continue;
        };
        match instruction {
            "COPY" => {
                let known = stages_names(&stages);
                let copied = copy(&rest, &known, images, &mut problems);
                stages.last_mut().unwrap().copies.extend(copied);
            }
            "RUN" => {
                if rest.first().is_some_and(|w| w.starts_with("<<")) {
                    problems.push("heredoc RUN".into());
                }
                stage.runs.push(rest.join(" "));
            }
            "USER" => stage.user = rest.first().map(|u| (*u).to_string()),
            "CMD" | "ENTRYPOINT" => {
                stage.command = true;
                let json = rest.join(" ");
                match serde_json::from_str::<Vec<String>>(&json) {
                    Err(_) => problems.push(format!("{instruction} is not exec form: {json}")),
                    Ok(argv) if instruction == "ENTRYPOINT" => {
                        stage.init |= argv.first().is_some_and(|a| a.ends_with("/tini"));
                    }
                    Ok(_) => {}
                }
            }
            "#" if rest.starts_with(&["No", "init:"]) => stage.init = true,
            _ => {}
        }
    }
    let Some(last) = stages.last() else {
        problems.push("no FROM".into());
        return problems;
    };
    final_stage(last, dockerignore, &mut problems);
    problems
}

/// Checks a COPY's flags; returns its arguments when it copies from the build context.
fn copy(
    rest: &[&str],
    stages: &[String],
    images: &[String],
    problems: &mut Vec<String>,
) -> Option<Vec<String>> {
    for flag in rest.iter().filter(|w| w.starts_with("--")) {
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        match name {
            "--from"
                if !stages.iter().any(|k| k == value) && !images.iter().any(|i| i == value) =>
            {
                problems.push(format!(
                    "COPY --from={value} names no earlier stage or listed image"
                ));
            }
            "--from" | "--chown" | "--chmod" => {}
            _ => problems.push(format!("COPY {name} is not buildable with buildah 1.28")),
        }
    }
    (!rest.iter().any(|w| w.starts_with("--from="))).then(|| {
        rest.iter()
            .filter(|w| !w.starts_with("--"))
            .map(|w| (*w).to_string())
            .collect()
    })
}

fn stages_names(stages: &[Stage]) -> Vec<String> {
    stages.iter().filter_map(|s| s.name.clone()).collect()
}

/// The hardening every final stage needs.
fn final_stage(last: &Stage, dockerignore: &str, problems: &mut Vec<String>) {
    match last.user.as_deref() {
        None => problems.push("final stage sets no USER".into()),
        Some(user) => {
            let numeric = user
                .split(':')
                .all(|part| part.parse::<u32>().is_ok_and(|id| id != 0));
            if !numeric {
                problems.push(format!(
                    "final USER `{user}` is not a numeric non-root uid:gid"
                ));
            }
        }
    }
    if !last.init {
        problems.push(
            "final stage runs no init and has no `# No init:` comment saying why it needs none"
                .into(),
        );
    }
    let shell_less = last.base == "scratch" || last.base.contains("distroless");
    if !last.command && (shell_less || last.base.starts_with("node:")) {
        problems.push("final stage has no CMD or ENTRYPOINT of its own".into());
    }
    if shell_less && !last.runs.is_empty() {
        problems.push(format!(
            "final stage on `{}` has no shell, yet RUNs `{}`",
            last.base, last.runs[0]
        ));
    }
    for run in &last.runs {
        let installs = run.contains("apt-get install") || run.contains("apk add");
        if let Some(tool) = run
            .split_whitespace()
            .filter(|_| installs)
            .find(|w| BUILD_TOOLS.contains(w) || w.ends_with("-dev"))
        {
            problems.push(format!("final stage installs build tool `{tool}`"));
        }
    }
    for copy in &last.copies {
        let sources = &copy[..copy.len().saturating_sub(1)];
        for source in sources {
            let file = source.rsplit('/').next().unwrap_or(source);
            if SECRETS
                .iter()
                .any(|s| file == *s || file.starts_with(&format!("{s}.")))
                || file.ends_with(".pem")
                || file.ends_with(".key")
            {
                problems.push(format!("final stage copies secret-looking `{source}`"));
            }
        }
        if sources.iter().any(|s| *s == ".") {
            for line in IGNORED_SECRETS {
                if !dockerignore.lines().any(|l| l.trim() == *line) {
                    problems.push(format!(
                        "final stage copies the context, but .dockerignore lacks `{line}`"
                    ));
                }
            }
        }
    }
}

/// Instructions with `\` continuations joined, comments and blanks dropped — except the
/// comment that says why a final stage needs no init.
fn joined_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && trimmed.starts_with("# No init:") {
            out.push(trimmed.to_string());
            continue;
        }
        if current.is_empty() && (trimmed.starts_with('#') || trimmed.is_empty()) {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
        } else {
            current.push_str(trimmed);
            out.push(std::mem::take(&mut current));
        }
    }
    out
}
