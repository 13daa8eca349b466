//! A structural lint of generated Dockerfiles, run on every fixture in `cargo test`.
//!
//! hadolint runs in CI; this catches the mistakes that make an image fail to build or run
//! even when it lints clean: unknown stages, a root final stage, shell-form commands.

/// Every problem found, empty when the file is sound.
pub fn problems(dockerfile: &str, images: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stages: Vec<String> = Vec::new();
    let mut last_user: Option<String> = None;
    let mut has_cmd_or_inherits = false;
    let lines = joined_lines(dockerfile);
    for line in &lines {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        match instruction {
            "FROM" => {
                let image = rest.first().copied().unwrap_or("");
                // `scratch` is the empty image, not one to pull.
                if image != "scratch"
                    && !stages.iter().any(|s| s == image)
                    && !images.iter().any(|i| i == image)
                {
                    problems.push(format!(
                        "FROM `{image}` is neither a stage nor an image `dockgen images` lists"
                    ));
                }
                if let Some(pos) = rest.iter().position(|w| *w == "AS") {
                    stages.push(rest.get(pos + 1).copied().unwrap_or("").to_string());
                }
                last_user = None;
                has_cmd_or_inherits = !images.iter().any(|i| i == image && i.starts_with("node:"));
            }
            "COPY" => {
                for flag in rest.iter().filter_map(|w| w.strip_prefix("--from=")) {
                    if !stages.iter().any(|s| s == flag) {
                        problems.push(format!("COPY --from={flag} names no earlier stage"));
                    }
                }
                for flag in rest.iter().filter(|w| w.starts_with("--")) {
                    let name = flag.split('=').next().unwrap_or("");
                    if !["--from", "--chown", "--chmod"].contains(&name) {
                        problems.push(format!("COPY {name} is not buildable with buildah 1.28"));
                    }
                }
            }
            "USER" => last_user = rest.first().map(|u| (*u).to_string()),
            "CMD" | "ENTRYPOINT" => {
                has_cmd_or_inherits = true;
                let json = rest.join(" ");
                if serde_json::from_str::<Vec<String>>(&json).is_err() {
                    problems.push(format!("{instruction} is not exec form: {json}"));
                }
            }
            "RUN" if rest.first().is_some_and(|w| w.starts_with("<<")) => {
                problems.push("heredoc RUN".into());
            }
            _ => {}
        }
    }
    match last_user.as_deref() {
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
    if !has_cmd_or_inherits {
        problems.push("final stage on a plain node image has no CMD".into());
    }
    problems
}

/// Instructions with `\` continuations joined, comments and blanks dropped.
fn joined_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
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
