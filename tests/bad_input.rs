//! Hostile and broken input, as a new user's CI would meet it in a cloned repository.
//!
//! Each case builds a small file tree, runs the real binary (`init --yes` unless it says
//! otherwise) and records the exit code, the first line of stderr and which files were
//! written; the whole table is one snapshot, so every error text is asserted exactly. Every
//! case must also exit 0, 1 or 2 (usage) — never a panic or a signal —, print only
//! well-formed lines on stderr, and write nothing when it fails.

use std::fmt::Write as _;
use std::path::Path;

use crate::support::dockgen;

/// What a file in a case's tree is.
enum F {
    Text(&'static str),
    Bytes(&'static [u8]),
    /// `prefix`, then `fill` repeated `n` times, then `suffix`.
    Big(&'static str, &'static str, usize, &'static str),
    Link(&'static str),
    Fifo,
    Dir,
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, F)>,
    /// Arguments after the subcommand and before the path; `init --yes` when empty.
    args: &'static [&'static str],
    /// Record the Dockerfile lines project values can shape (`ARG`, `VOLUME`, `EXPOSE`, `CMD`).
    show: bool,
}

const EXPRESS: &str =
    r#"{"name":"a","scripts":{"start":"node server.js"},"dependencies":{"express":"4"}}"#;
const SERVER: &str = "require('express')().listen(process.env.PORT || 3000);\n";

fn app(extra: Vec<(&'static str, F)>) -> Vec<(&'static str, F)> {
    let mut files = vec![
        ("package.json", F::Text(EXPRESS)),
        ("server.js", F::Text(SERVER)),
    ];
    files.extend(extra);
    files
}

fn case(name: &'static str, files: Vec<(&'static str, F)>) -> Case {
    Case {
        name,
        files,
        args: &[],
        show: false,
    }
}

/// A case whose written Dockerfile lines are recorded too.
fn shown_case(name: &'static str, files: Vec<(&'static str, F)>) -> Case {
    Case {
        show: true,
        ..case(name, files)
    }
}

fn with_args(
    name: &'static str,
    files: Vec<(&'static str, F)>,
    args: &'static [&'static str],
) -> Case {
    Case {
        name,
        files,
        args,
        show: false,
    }
}

fn pkg(json: &'static str) -> Vec<(&'static str, F)> {
    vec![
        ("package.json", F::Text(json)),
        ("server.js", F::Text(SERVER)),
    ]
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use F::{Big, Bytes, Dir, Fifo, Link, Text};
    vec![
        // Malformed manifests.
        case("package.json missing comma", pkg("{\"name\": \"a\"\n\"main\": \"x.js\"}")),
        case("package.json trailing comma", pkg("{\"name\": \"a\",}")),
        case("package.json truncated", pkg("{\"name\": \"a\", \"scripts\": {")),
        case("package.json is an array", pkg("[1, 2]")),
        case("package.json is a string", pkg("\"hello\"")),
        case("package.json is null", pkg("null")),
        case("package.json has comments", pkg("{ // no\n\"name\": \"a\"}")),
        case("package.json single quotes", pkg("{'name': 'a'}")),
        case("package-lock.json malformed", app(vec![("package-lock.json", Text("{\"packages\": {"))])),
        case("tsconfig.json malformed", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Text("{ \"compilerOptions\": { \"outDir\": }")),
        ]),
        case("pnpm-workspace.yaml malformed", vec![
            ("package.json", Text(r#"{"name":"root","private":true}"#)),
            ("pnpm-workspace.yaml", Text("packages:\n  - 'a\n   b: [\n")),
            ("pnpm-lock.yaml", Text("lockfileVersion: '9.0'\n")),
        ]),
        case("nest-cli.json malformed", vec![
            ("package.json", Text(r#"{"scripts":{"build":"nest build","start":"nest start"},"dependencies":{"@nestjs/core":"10"}}"#)),
            ("nest-cli.json", Text("{\"entryFile\": ")),
        ]),
        case("angular.json malformed", vec![
            ("package.json", Text(r#"{"scripts":{"build":"ng build"},"dependencies":{"@angular/core":"20"}}"#)),
            ("angular.json", Text("{\"projects\": [")),
        ]),
        case("Cargo.toml malformed", vec![("Cargo.toml", Text("[package]\nname = \n"))]),
        case("pyproject.toml malformed", vec![("pyproject.toml", Text("[project\nname = 'x'\n"))]),
        case("Pipfile malformed beside a Flask requirements file", vec![
            ("requirements.txt", Text("flask\n")),
            ("Pipfile", Text("[packages\n")),
        ]),
        case("go.mod with a broken package.json", vec![
            ("go.mod", Text("module example.com/x\n\ngo 1.24\n")),
            ("main.go", Text("package main\n\nfunc main() {}\n")),
            ("package.json", Text("{,}")),
        ]),
        case("broken Cargo.toml beside a vite site", vec![
            ("Cargo.toml", Text("[package\n")),
            ("package.json", Text(r#"{"scripts":{"build":"vite build"},"devDependencies":{"vite":"6"}}"#)),
        ]),
        case("two broken manifests", vec![
            ("Cargo.toml", Text("[package\n")),
            ("package.json", Text("{")),
        ]),
        case("pom.xml that is not XML", vec![("pom.xml", Text("<project><build>"))]),
        // Wrong types.
        case("scripts is a string", pkg(r#"{"scripts": "node x.js", "dependencies": {"express": "4"}}"#)),
        case("start is a number", pkg(r#"{"scripts": {"start": 5}, "dependencies": {"express": "4"}}"#)),
        case("dependencies is an array", pkg(r#"{"dependencies": ["express"], "main": "server.js"}"#)),
        case("main is an object", pkg(r#"{"main": {"a": 1}, "dependencies": {"express": "4"}}"#)),
        case("engines.node is a number", pkg(r#"{"engines": {"node": 22}, "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case("packageManager is a number", pkg(r#"{"packageManager": 9, "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case("workspaces is an object of numbers", pkg(r#"{"workspaces": {"packages": [1, 2]}, "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case("workspace name is a number", vec![
            ("package.json", Text(r#"{"workspaces": ["packages/*"]}"#)),
            ("packages/api/package.json", Text(r#"{"name": 5, "scripts": {"start": "node s.js"}, "dependencies": {"express": "4"}}"#)),
            ("packages/api/s.js", Text(SERVER)),
        ]),
        case("tsconfig outDir is a number", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Text(r#"{"compilerOptions": {"outDir": 5}}"#)),
        ]),
        case("lockfile bin is a number", app(vec![("package-lock.json", Text(r#"{"packages": {"node_modules/x": {"bin": 5}}}"#))])),
        // Empty files.
        case("empty package.json", vec![("package.json", Text(""))]),
        case("empty object package.json", vec![("package.json", Text("{}"))]),
        case("empty package-lock.json", app(vec![("package-lock.json", Text(""))])),
        case("empty .nvmrc", app(vec![(".nvmrc", Text(""))])),
        case("empty tsconfig.json", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Text("")),
        ]),
        case("empty Cargo.toml", vec![("Cargo.toml", Text(""))]),
        case("empty pyproject.toml", vec![("pyproject.toml", Text(""))]),
        case("empty go.mod", vec![("go.mod", Text(""))]),
        case("empty project", vec![]),
        // Too large, and long values echoed.
        case("17 MiB package.json", vec![("package.json", Big("{\"description\": \"", "x", 17 * 1024 * 1024, "\"}"))]),
        case("17 MiB package-lock.json", app(vec![("package-lock.json", Big("{\"x\": \"", "y", 17 * 1024 * 1024, "\"}"))])),
        case("4 MB .nvmrc is echoed shortened", app(vec![(".nvmrc", Big("", "v", 4_000_000, "\n"))])),
        case("10 MB one-line tsconfig is echoed shortened", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Big("{\"compilerOptions\": {\"outDir\": \"", "a", 10_000_000, "\"}}")),
        ]),
        case("long start script is shortened in messages", pkg(r#"{"scripts": {"start": "nosuchprogram aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "dependencies": {"express": "4"}}"#)),
        // Invalid UTF-8, byte-order marks, NUL bytes.
        case("package.json invalid UTF-8", vec![("package.json", Bytes(b"{\"name\": \"\xff\xfe\"}"))]),
        case(".nvmrc invalid UTF-8", app(vec![(".nvmrc", Bytes(b"\xc3\x28\n"))])),
        case("tsconfig.json invalid UTF-8", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Bytes(b"{\"a\": \"\x80\"}")),
        ]),
        case("Cargo.toml invalid UTF-8", vec![("Cargo.toml", Bytes(b"[package]\nname = \"\xff\"\n"))]),
        case("existing .dockerignore invalid UTF-8", app(vec![(".dockerignore", Bytes(b"node_modules\n\xff\n"))])),
        case("package.json with a BOM", vec![("package.json", Bytes(b"\xEF\xBB\xBF{\"main\": \"server.js\", \"dependencies\": {\"express\": \"4\"}}")), ("server.js", Text(SERVER))]),
        case("tsconfig.json with a BOM", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Bytes(b"\xEF\xBB\xBF{\"compilerOptions\": {\"outDir\": \"dist\"}}")),
        ]),
        case("Cargo.toml with a BOM and no binary", vec![("Cargo.toml", Bytes(b"\xEF\xBB\xBF[package]\nname = \"x\"\nversion = \"0.1.0\"\n"))]),
        case("NUL in a package.json string", vec![("package.json", Bytes(b"{\"main\": \"server\x00.js\", \"dependencies\": {\"express\": \"4\"}}")), ("server.js", Text(SERVER))]),
        case("escaped NUL in the start script", pkg(r#"{"scripts": {"start": "node server.js\u0000"}, "dependencies": {"express": "4"}}"#)),
        case("NUL in .nvmrc", app(vec![(".nvmrc", Bytes(b"22\x00\n"))])),
        // Symlinks.
        case("package.json links outside the project", vec![("package.json", Link("/etc/hostname"))]),
        case(".nvmrc links to the process environment", app(vec![(".nvmrc", Link("/proc/self/environ"))])),
        case("package-lock.json links outside", app(vec![("package-lock.json", Link("/etc/hostname"))])),
        case("tsconfig.json links outside", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Link("/etc/hostname")),
        ]),
        case("package.json links to itself", vec![("package.json", Link("package.json"))]),
        case("two symlinks loop", vec![("package.json", Link("a.json")), ("a.json", Link("package.json"))]),
        case("dangling package.json symlink", vec![("package.json", Link("nowhere.json"))]),
        case("package.json links inside the project", vec![("package.json", Link("conf/pkg.json")), ("conf/pkg.json", Text(EXPRESS)), ("server.js", Text(SERVER))]),
        case("folder symlink leaves the project", vec![("package.json", Link("etc/hostname")), ("etc", Link("/etc"))]),
        case("workspace globs over symlink loops", vec![
            ("package.json", Text(r#"{"workspaces": ["packages/**"]}"#)),
            ("packages/api/package.json", Text(r#"{"name":"api","scripts":{"start":"node s.js"},"dependencies":{"express":"4"}}"#)),
            ("packages/api/s.js", Text(SERVER)),
            ("packages/loop1", Link("..")),
            ("packages/api/loop2", Link("../..")),
        ]),
        case("workspace member is a symlink outside", vec![
            ("package.json", Text(r#"{"workspaces": ["packages/*"]}"#)),
            ("packages/evil", Link("/etc")),
        ]),
        case("existing .dockerignore links outside", app(vec![(".dockerignore", Link("/etc/hostname"))])),
        case("existing Dockerfile links outside", app(vec![("Dockerfile", Link("/etc/hostname"))])),
        with_args("existing Dockerfile links inside, --force writes through", app(vec![("Dockerfile", Link("docker/Dockerfile")), ("docker/Dockerfile", Text("FROM scratch\n"))]), &["--yes", "--force"]),
        // Special files.
        case("package.json is a FIFO", vec![("package.json", Fifo)]),
        case(".nvmrc is a FIFO", app(vec![(".nvmrc", Fifo)])),
        case("existing .dockerignore is a FIFO", app(vec![(".dockerignore", Fifo)])),
        case("package.json links to /dev/zero", vec![("package.json", Link("/dev/zero"))]),
        case("package.json is a folder", vec![("package.json", Dir)]),
        case("existing .dockerignore is a folder", app(vec![(".dockerignore", Dir)])),
        case("existing Dockerfile is a folder", app(vec![("Dockerfile", Dir)])),
        // Deep nesting.
        case("package.json nested 10000 deep", vec![("package.json", Big("{\"a\": ", "[", 10_000, ""))]),
        case("tsconfig.json nested 10000 deep", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Big("{\"a\": ", "[", 10_000, "")),
        ]),
        case("tsconfig.build.json nested 10000 deep", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.build.json", Big("", "{\"a\":", 10_000, "")),
        ]),
        case("pnpm-workspace.yaml of 200 KB of brackets", vec![
            ("package.json", Text(r#"{"private": true}"#)),
            ("pnpm-lock.yaml", Text("lockfileVersion: '9.0'\n")),
            ("pnpm-workspace.yaml", Big("packages: ", "[", 200_000, "")),
        ]),
        case("package-lock.json nested deep", app(vec![("package-lock.json", Big("", "[", 100_000, ""))])),
        case("Cargo.toml nested deep", vec![("Cargo.toml", Big("a = ", "[", 10_000, ""))]),
        case("pyproject.toml nested deep", vec![("pyproject.toml", Big("a = ", "[", 10_000, ""))]),
        // Hostile values.
        case("start script with a newline", pkg(r#"{"scripts": {"start": "node \"srv.js\nRUN echo pwned\""}, "dependencies": {"express": "4"}}"#)),
        case("main with quotes and USER root", pkg(r#"{"main": "x\"]\nUSER root", "dependencies": {"express": "4"}}"#)),
        case("start runs a command substitution", pkg(r#"{"scripts": {"start": "node $(rm -rf /)"}, "dependencies": {"express": "4"}}"#)),
        case("lockfile key walks out of the project", vec![
            ("package.json", Text(r#"{"scripts":{"start":"evil"},"dependencies":{"evil":"1"}}"#)),
            ("package-lock.json", Text(r#"{"packages": {"node_modules/../../../proc/self": {"bin": {"evil": "pagemap"}}}}"#)),
        ]),
        case("lockfile bin walks out of the package", vec![
            ("package.json", Text(r#"{"scripts":{"start":"evil"},"dependencies":{"evil":"1"}}"#)),
            ("package-lock.json", Text(r#"{"packages": {"node_modules/evil": {"bin": {"evil": "../../../etc/passwd"}}}}"#)),
        ]),
        case("tsconfig outDir is ..", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Text(r#"{"compilerOptions": {"outDir": ".."}}"#)),
        ]),
        case("tsconfig outDir is absolute", vec![
            ("package.json", Text(r#"{"scripts":{"build":"tsc","start":"node dist/index.js"},"dependencies":{"express":"4"}}"#)),
            ("tsconfig.json", Text(r#"{"compilerOptions": {"outDir": "/etc"}}"#)),
        ]),
        case("yarn workspace name with a comment", vec![
            ("package.json", Text(r#"{"private": true, "workspaces": ["packages/*"]}"#)),
            ("yarn.lock", Text("# yarn lockfile v1\n")),
            ("packages/api/package.json", Text(r#"{"name": "api #x", "scripts": {"build": "tsc", "start": "node dist/s.js"}, "dependencies": {"express": "4"}}"#)),
        ]),
        case("bun workspace name with parentheses", vec![
            ("package.json", Text(r#"{"private": true, "workspaces": ["packages/*"]}"#)),
            ("bun.lock", Text("{\"lockfileVersion\": 1}")),
            ("packages/api/package.json", Text(r#"{"name": "api(x)*", "scripts": {"build": "tsc", "start": "node dist/s.js"}, "dependencies": {"express": "4"}}"#)),
        ]),
        case("nest-cli entryFile climbs out", vec![
            ("package.json", Text(r#"{"scripts":{"build":"nest build","start":"nest start"},"dependencies":{"@nestjs/core":"10"}}"#)),
            ("nest-cli.json", Text(r#"{"entryFile": "../../etc/passwd"}"#)),
        ]),
        case("vite outDir climbs out", vec![
            ("package.json", Text(r#"{"scripts":{"build":"vite build"},"devDependencies":{"vite":"6"}}"#)),
            ("vite.config.js", Text("export default { build: { outDir: '../../etc' } }")),
        ]),
        case("angular outputPath is absolute", vec![
            ("package.json", Text(r#"{"scripts":{"build":"ng build"},"dependencies":{"@angular/core":"20"}}"#)),
            ("angular.json", Text(r#"{"projects": {"a": {"architect": {"build": {"options": {"outputPath": "/etc"}}}}}}"#)),
        ]),
        case("packageManager walks a path", pkg(r#"{"packageManager": "pnpm@../../etc", "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case("packageManager with a newline", pkg(r#"{"packageManager": "yarn@4.5.0\nRUN x", "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case(".nvmrc with terminal escapes", app(vec![(".nvmrc", Text("\u{1b}[31mred\u{1b}[0m\n"))])),
        case(".nvmrc forging an error line", app(vec![(".nvmrc", Text("lts/x\nerror: forged\nhint: run rm -rf /\n"))])),
        case("engines.node with a newline", pkg(r#"{"engines": {"node": ">=22\nerror: forged"}, "main": "server.js", "dependencies": {"express": "4"}}"#)),
        case("workspace pattern leaves the project", vec![
            ("package.json", Text(r#"{"workspaces": ["../*"]}"#)),
        ]),
        case("workspace pattern is absolute", vec![
            ("package.json", Text(r#"{"workspaces": ["/etc/*"]}"#)),
        ]),
        case("workspace pattern is not a glob", vec![
            ("package.json", Text(r#"{"workspaces": ["packages/[a"]}"#)),
        ]),
        case("credentials in .yarnrc.yml", vec![
            ("package.json", Text(r#"{"packageManager":"yarn@4.5.0","main":"server.js","dependencies":{"express":"4"}}"#)),
            ("server.js", Text(SERVER)),
            ("yarn.lock", Text("__metadata:\n  version: 8\n")),
            (".yarnrc.yml", Text("npmAuthToken: abc123\n")),
        ]),
        // Hostile values in the places ports, data folders and build settings are read from.
        shown_case("data folder default climbs out", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text("const d = process.env.DATA_DIR || '../../../etc';\nrequire('fs').mkdirSync('../outside');\nrequire('express')().listen(process.env.PORT || 3000);\n")),
        ]),
        shown_case("data folder names with shell syntax", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text("const d = process.env.DATA_DIR || 'a b;rm -rf x';\nrequire('fs').mkdirSync('$(id)');\nrequire('fs').mkdirSync(path.join(__dirname, 'data`x`'));\nrequire('express')().listen(process.env.PORT || 3000);\n")),
        ]),
        shown_case("data folder default is absolute", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text("const d = process.env.UPLOAD_DIR || '/srv/uploads';\nrequire('express')().listen(process.env.PORT || 3000);\n")),
        ]),
        shown_case("compose ports and volumes that are not ports or paths", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text("require('express')().listen(process.env.P);\n")),
            ("compose.yaml", Text("services:\n  app:\n    build: .\n    ports: [\"99999:99999\", \"${PORT}\", 70000, {target: \"x\\nRUN id\"}, [1]]\n    volumes: [\"./x:/app/../../etc\", \"./y:/app/$(id)\", 5, {target: /app/a b}]\n")),
        ]),
        shown_case("compose file malformed", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text(SERVER)),
            ("docker-compose.yml", Text("services:\n  app: [\n")),
        ]),
        shown_case("compose file nested deep", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text(SERVER)),
            ("compose.yaml", Big("services: ", "[", 100_000, "")),
        ]),
        Case {
            show: true,
            ..with_args("existing Dockerfile EXPOSE that is not a port", vec![
                ("package.json", Text(EXPRESS)),
                ("server.js", Text("require('express')().listen(process.env.P);\n")),
                ("Dockerfile", Text("FROM x\nEXPOSE $PORT\nEXPOSE 99999\n")),
            ], &["--yes", "--force"])
        },
        shown_case("build variable names and defaults with shell syntax", vec![
            ("package.json", Text(r#"{"scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"15"}}"#)),
            ("next.config.js", Text("module.exports = { a: process.env['A;B'], b: process.env.NEXT_PUBLIC_OK, c: process.env.NEXT_PUBLIC_URL };\n")),
            (".env.example", Text("NEXT_PUBLIC_X$(id)=1\nNEXT_PUBLIC_OK=\"a\\\" && rm -rf /\"\nNEXT_PUBLIC_URL=http://x y\n`id`=2\n")),
        ]),
        shown_case("17 MiB .env.example", vec![
            ("package.json", Text(r#"{"scripts":{"build":"next build","start":"next start"},"dependencies":{"next":"15"}}"#)),
            (".env.example", Big("NEXT_PUBLIC_A=", "x", 17 * 1024 * 1024, "\n")),
        ]),
        shown_case("17 MiB bin script", vec![
            ("package.json", Text(r#"{"name":"app","bin":{"app":"bin/app.js"},"scripts":{"start":"app serve"},"dependencies":{"express":"4"}}"#)),
            ("bin/app.js", Big("// ", "x", 17 * 1024 * 1024, "\n")),
        ]),
        shown_case("imports that climb out of the project", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text("require('../../../../etc/passwd');\nimport x from '../outside.js';\nrequire('express')().listen(process.env.P);\n")),
        ]),
        shown_case("pnpm settings that are not a mapping", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text(SERVER)),
            ("pnpm-lock.yaml", Text("lockfileVersion: '9.0'\n")),
            ("pnpm-workspace.yaml", Text("- onlyBuiltDependencies\n- allowBuilds\n")),
        ]),
        shown_case("pnpm lockfile version that is not a version", vec![
            ("package.json", Text(EXPRESS)),
            ("server.js", Text(SERVER)),
            ("pnpm-lock.yaml", Text("lockfileVersion: '9.0; rm -rf /'\n")),
        ]),
        shown_case("pnpm workspace name with a semicolon", vec![
            ("package.json", Text(r#"{"private": true, "packageManager": "pnpm@10.0.0"}"#)),
            ("pnpm-workspace.yaml", Text("packages: ['packages/*']\n")),
            ("pnpm-lock.yaml", Text("lockfileVersion: '9.0'\n")),
            ("packages/api/package.json", Text(r#"{"name": "api;id", "scripts": {"start": "node s.js"}, "dependencies": {"express": "4"}}"#)),
            ("packages/api/s.js", Text(SERVER)),
        ]),
        shown_case("bun runs a file that climbs out", pkg(r#"{"scripts": {"start": "bun ../../etc/passwd.ts"}, "dependencies": {"hono": "4"}}"#)),
        shown_case("bun runs a missing file", pkg(r#"{"scripts": {"start": "bun src/nothere.ts"}, "dependencies": {"hono": "4"}}"#)),
        // Hostile flags.
        with_args("--runtime-version with a shell command", app(vec![]), &["--yes", "--runtime-version", "22.x; rm"]),
        with_args("--runtime-version empty", app(vec![]), &["--yes", "--runtime-version", ""]),
        with_args("--runtime-version unsupported", app(vec![]), &["--yes", "--runtime-version", "12"]),
        with_args("--workspace climbs out", app(vec![]), &["--yes", "--workspace", "../.."]),
        with_args("--workspace absolute", app(vec![]), &["--yes", "--workspace", "/etc"]),
        with_args("--workspace outside a monorepo", app(vec![]), &["--yes", "--workspace", "api"]),
        with_args("--workspace with a newline", app(vec![]), &["--yes", "--workspace", "a\nb"]),
        with_args("--entrypoint empty", app(vec![]), &["--yes", "--entrypoint", ""]),
        with_args("--entrypoint with a newline", app(vec![]), &["--yes", "--entrypoint", "[\"node\", \"a\\nUSER root\"]"]),
        with_args("--entrypoint not strings", app(vec![]), &["--yes", "--entrypoint", "[1]"]),
        with_args("--entrypoint unbalanced quote", app(vec![]), &["--yes", "--entrypoint", "node \"x"]),
        with_args("--entrypoint argument with quote and comma", app(vec![]), &["--stdout", "--entrypoint", "[\"node\", \"a\\\",\\\"b\"]"]),
        with_args("--port 0", app(vec![]), &["--yes", "--port", "0"]),
        with_args("--port 70000", app(vec![]), &["--yes", "--port", "70000"]),
        with_args("--language unknown", app(vec![]), &["--yes", "--language", "cobol"]),
        with_args("--language not in the project", app(vec![]), &["--yes", "--language", "go"]),
        // Go.
        case("go.mod with a broken directive", vec![("go.mod", Text("module example.com/x\ngo one.twenty\n")), ("main.go", Text("package main\nfunc main() {}\n"))]),
        case("go.mod with a newline-forged module path", vec![("go.mod", Text("module \"example.com/x\\nRUN evil\"\n\ngo 1.24\n")), ("main.go", Text("package main\nfunc main() {}\n"))]),
        case("go.work uses a folder outside the project", vec![("go.work", Text("go 1.24\n\nuse ../elsewhere\n"))]),
        case("go.mod replace points outside the project", vec![
            ("go.mod", Text("module example.com/x\n\ngo 1.24\n\nrequire example.com/y v1.0.0\n\nreplace example.com/y => ../../y\n")),
            ("main.go", Text("package main\n\nimport _ \"example.com/y\"\n\nfunc main() {}\n")),
        ]),
        case("goreleaser binary name with a quote", vec![
            ("go.mod", Text("module example.com/x\n\ngo 1.24\n")),
            ("main.go", Text("package main\nfunc main() {}\n")),
            (".goreleaser.yaml", Text("builds:\n  - binary: 'x\"]\\nUSER root'\n")),
        ]),
        // Found by fuzzing: a form feed in go.mod once looped forever (out of memory).
        case("go.mod with a form feed after the module path", vec![("go.mod", Text("module example.com/\x0c")), ("main.go", Text("package main\nfunc main() {}\n"))]),
        // Found by fuzzing: pep508_rs panics on a name ending in `.` followed by a marker.
        case("requirements.txt name ending in a dot before a marker", vec![("requirements.txt", Text("flask\n2.;0.3\n")), ("app.py", Text("from flask import Flask\napp = Flask(__name__)\n"))]),
        case("go.mod is a FIFO", vec![("go.mod", Fifo), ("main.go", Text("package main\nfunc main() {}\n"))]),
        case("go source links outside the project", vec![("go.mod", Text("module example.com/x\n\ngo 1.24\n")), ("main.go", Link("/etc/hostname"))]),
        case("go.mod newer than any supported line", vec![("go.mod", Text("module example.com/x\n\ngo 1.99\n")), ("main.go", Text("package main\nfunc main() {}\n"))]),
        // Java.
        case("pom.xml nested 100000 deep", vec![("pom.xml", Big("<project><build>", "<a>", 100_000, ""))]),
        case("pom.xml with an unclosed element", vec![("pom.xml", Text("<project>\n  <artifactId>x</artifactId>\n  <build>\n</project>\n"))]),
        case("pom.xml main class with a quote and newline", vec![("pom.xml", Text("<project><modelVersion>4.0.0</modelVersion><groupId>a</groupId><artifactId>x</artifactId><version>1</version><properties><exec.mainClass>a.B\"]&#10;USER root</exec.mainClass><maven.compiler.release>17</maven.compiler.release></properties></project>"))]),
        case("pom.xml parent outside the project", vec![("pom.xml", Text("<project><parent><groupId>a</groupId><artifactId>p</artifactId><version>1</version><relativePath>../../pom.xml</relativePath></parent><artifactId>x</artifactId><properties><exec.mainClass>a.Main</exec.mainClass></properties></project>"))]),
        case("pom.xml with an entity expansion bomb", vec![("pom.xml", Text("<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><project><artifactId>&d;&d;&d;&d;</artifactId></project>"))]),
        case("build.gradle mainClass with a quote", vec![("build.gradle", Text("plugins { id 'application' }\napplication { mainClass = 'a.B\"]\\nUSER root' }\n"))]),
        case("settings.gradle includes a folder outside", vec![("settings.gradle", Text("include '../../etc'\n")), ("build.gradle", Text("plugins { id 'application' }\napplication { mainClass = 'a.Main' }\n"))]),
        // The write side.
        case("existing Dockerfile without --force", app(vec![("Dockerfile", Text("FROM scratch\n"))])),
        case("existing .dockerignore keeps the user's negation", app(vec![(".dockerignore", Text(".env*\n!.env.example\n"))])),
        case("existing .dockerignore ignoring everything is merged", app(vec![(".dockerignore", Text("**/*\n"))])),
    ]
}

#[test]
fn hostile_and_broken_input_fails_calmly() {
    let cases = cases();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut report = String::new();
    for case in &cases {
        let dir = assert_fs::TempDir::new().unwrap();
        build(dir.path(), &case.files);
        let before = snapshot_of(dir.path());
        let args: &[&str] = if case.args.is_empty() {
            &["--yes"]
        } else {
            case.args
        };
        let out = dockgen()
            .arg("init")
            .args(args)
            .arg(dir.path())
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr)
            .replace(&dir.path().display().to_string(), "[DIR]");
        assert!(
            matches!(code, Some(0..=2)),
            "{}: exit {code:?}\n{stderr}",
            case.name
        );
        for line in stderr.lines() {
            let known = [
                "error: ",
                "  caused by: ",
                "hint: ",
                "warning: ",
                "Wrote ",
                "Added ",
                "Kept ",
                "Overwrote ",
                "Usage: ",
                "For more information",
                "  tip: ",
            ];
            assert!(
                line.is_empty() || known.iter().any(|k| line.starts_with(k)) || code == Some(2),
                "{}: stray stderr line {line:?}",
                case.name
            );
        }
        let after = snapshot_of(dir.path());
        if code != Some(0) {
            assert_eq!(before, after, "{}: a failed run changed files", case.name);
        }
        let first = stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("");
        let written: Vec<&str> = ["Dockerfile", ".dockerignore", "docker/Dockerfile"]
            .into_iter()
            .filter(|f| before.get(*f) != after.get(*f))
            .collect();
        let _ = writeln!(
            report,
            "{}\n  exit {} | wrote {} | {}",
            case.name,
            code.map_or("signal".into(), |c| c.to_string()),
            if written.is_empty() {
                "nothing".into()
            } else {
                written.join(", ")
            },
            if first.chars().count() > 400 {
                format!("{}…", first.chars().take(400).collect::<String>())
            } else {
                first.to_string()
            }
        );
        // What project values reached: the lines they can shape.
        if written.contains(&"Dockerfile") && case.show {
            let text = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
            for line in text.lines().filter(|l| {
                [
                    "ARG ",
                    "VOLUME ",
                    "EXPOSE ",
                    "CMD ",
                    "    --mount",
                    "RUN --mount=type=secret",
                ]
                .iter()
                .any(|p| l.starts_with(p))
                    || l.contains("=type=secret,id=")
            }) {
                let _ = writeln!(report, "  > {line}");
            }
        }
    }
    insta::assert_snapshot!(report);
}

/// Creates the case's tree in `dir`.
fn build(dir: &Path, files: &[(&str, F)]) {
    for (name, file) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match file {
            F::Text(text) => std::fs::write(&path, text).unwrap(),
            F::Bytes(bytes) => std::fs::write(&path, bytes).unwrap(),
            F::Big(prefix, fill, n, suffix) => {
                let mut text = String::with_capacity(prefix.len() + fill.len() * n + suffix.len());
                text.push_str(prefix);
                for _ in 0..*n {
                    text.push_str(fill);
                }
                text.push_str(suffix);
                std::fs::write(&path, text).unwrap();
            }
            F::Link(target) => std::os::unix::fs::symlink(target, &path).unwrap(),
            F::Fifo => {
                let ok = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "mkfifo {}", path.display());
            }
            F::Dir => std::fs::create_dir_all(&path).unwrap(),
        }
    }
}

/// The two files dockgen writes, as they are now: kind, bytes and mode (symlinks by target).
fn snapshot_of(dir: &Path) -> std::collections::BTreeMap<String, String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut seen = std::collections::BTreeMap::new();
    for name in ["Dockerfile", ".dockerignore", "docker/Dockerfile"] {
        let path = dir.join(name);
        let Ok(meta) = path.symlink_metadata() else {
            continue;
        };
        let state = if meta.file_type().is_symlink() {
            format!("link {}", std::fs::read_link(&path).unwrap().display())
        } else if meta.is_file() {
            format!(
                "file {:o} {}",
                meta.permissions().mode(),
                String::from_utf8_lossy(&std::fs::read(&path).unwrap())
            )
        } else {
            "other".into()
        };
        seen.insert(name.to_string(), state);
    }
    seen
}
