//! Detection and rendering on small generated project trees (seeded from the test fixtures).
//! Either a clean error or a Dockerfile whose every line is a known instruction, a
//! continuation or a comment, and whose CMD/ENTRYPOINT are exec form.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "tree.rs"]
mod tree;

const INSTRUCTIONS: &[&str] = &[
    "FROM", "ARG", "WORKDIR", "ENV", "RUN", "COPY", "USER", "EXPOSE", "VOLUME", "ENTRYPOINT",
    "CMD",
];

fuzz_target!(|data: &[u8]| {
    let dir = tree::scratch("detect");
    if tree::write(&dir, data) == 0 {
        return;
    }
    let Ok((_, rendered)) = dockgen::generate(&dir, &dockgen::Answers::default()) else {
        return;
    };
    for line in rendered.dockerfile.lines() {
        let word = line.split_whitespace().next().unwrap_or("");
        assert!(
            line.is_empty() || line.starts_with(' ') || line.starts_with('#') || INSTRUCTIONS.contains(&word),
            "unexpected line {line:?}"
        );
        if word == "CMD" || word == "ENTRYPOINT" {
            let json = line[word.len()..].trim();
            assert!(
                serde_json::from_str::<Vec<String>>(json).is_ok(),
                "not exec form: {line:?}"
            );
        }
    }
});

