//! Every manifest reader on arbitrary bytes: the first byte picks the file name, the rest is
//! its content. Readers may refuse anything, but never panic, hang or recurse without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "tree.rs"]
#[allow(dead_code)] // this target only needs `scratch`
mod tree;

const NAMES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "pnpm-workspace.yaml",
    "Cargo.toml",
    "pyproject.toml",
    "Pipfile",
    "requirements.txt",
    "go.mod",
    "pom.xml",
    ".nvmrc",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let dir = tree::scratch("manifests");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), content).unwrap();
    let project = dockgen::project::Project::open(&dir).unwrap();
    let _ = project.read(name);
    let _ = project.read_json(name);
    let _ = project.read_jsonc(name);
    let _ = project.read_toml(name);
    let _ = project.read_yaml(name);
    let _ = dockgen::detect::recognize(&project);
});
