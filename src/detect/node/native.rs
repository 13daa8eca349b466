//! Native modules: OS packages the build stage needs and the libraries the runtime loads.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Ctx;
use crate::plan::Field;

/// `(build_packages, runtime_packages)` for the native modules the project depends on.
pub fn packages(ctx: &mut Ctx) -> (Vec<String>, Vec<String>) {
    let mut prod: BTreeSet<String> = ctx.deps.iter().cloned().collect();
    let mut any = ctx.all.clone();
    // package-lock.json lists transitive packages too; `dev: true` marks build-only ones.
    if let Some(lock) = ctx.lock {
        for (path, info) in lock
            .get("packages")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some((_, name)) = path.rsplit_once("node_modules/") else {
                continue;
            };
            any.insert(name.to_string());
            if !info.get("dev").and_then(Value::as_bool).unwrap_or(false) {
                prod.insert(name.to_string());
            }
        }
    }
    let native = &ctx.rules.native;
    let (mut build, mut runtime, mut found, mut loaders) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for module in native.modules.iter().filter(|m| any.contains(&m.package)) {
        found.push(module.package.as_str());
        if module.toolchain {
            build.extend(native.toolchain.iter().cloned());
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
        let evidence = ctx.from_file(
            "package.json",
            None,
            format!("native modules: {}", found.join(", ")),
        );
        ctx.note(Field::BuildPackages, evidence);
    }
    if !loaders.is_empty() {
        let evidence = ctx.from_file(
            "package.json",
            None,
            format!("libraries loaded by {}", loaders.join(", ")),
        );
        ctx.note(Field::RuntimePackages, evidence);
    }
    (build, runtime)
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    list.retain(|p| seen.insert(p.clone()));
}
