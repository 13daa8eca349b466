//! The base images and OS packages: a musl builder and `scratch` when every crate links
//! statically; otherwise a glibc builder and distroless/cc, or Debian slim when the binary
//! loads libraries distroless/cc lacks.

use super::native::NativeNeeds;
use super::version::Line;
use super::Ctx;
use crate::error::Error;
use crate::plan::{Field, Images, WarningKind};

pub struct Chosen {
    pub images: Images,
    pub build_packages: Vec<String>,
    pub runtime_packages: Vec<String>,
}

pub fn choose(
    ctx: &mut Ctx,
    line: Line,
    needs: &NativeNeeds,
    locked: bool,
) -> Result<Chosen, Error> {
    let rules = ctx.rules;
    let user = crate::rules::common()?.image.nonroot_user.clone();
    if needs.musl {
        return Ok(Chosen {
            images: Images {
                builder: rules.builder(line, true),
                runtime: "scratch".into(),
                runtime_distroless: true,
                user,
                variant: "scratch".into(),
            },
            build_packages: needs.alpine.clone(),
            runtime_packages: Vec::new(),
        });
    }
    let reason = needs.glibc_reason.clone().unwrap_or_default();
    let mut runtime_packages = needs.runtime.clone();
    let runtime = if runtime_packages.is_empty() {
        rules.images.glibc_runtime.clone()
    } else {
        if needs.tls.is_some() {
            runtime_packages.push("ca-certificates".into());
            runtime_packages.sort();
        }
        rules.runtime_with_libs(line)
    };
    let hint = needs.static_hint.as_ref().map_or(String::new(), |f| {
        format!(" (the `{f}` feature builds it statically)")
    });
    ctx.warn(
        WarningKind::Runtime,
        format!("{reason}{hint}, so the binary is built for glibc and runs on `{runtime}` instead of scratch"),
    );
    if !runtime_packages.is_empty() {
        let file = if locked { "Cargo.lock" } else { "Cargo.toml" };
        let evidence = ctx.project.evidence(
            file,
            None,
            "the glibc binary loads these libraries at run time",
        );
        ctx.note(Field::RuntimePackages, evidence);
    }
    Ok(Chosen {
        images: Images {
            builder: rules.builder(line, false),
            runtime_distroless: runtime_packages.is_empty(),
            variant: if runtime_packages.is_empty() {
                "distroless"
            } else {
                "slim"
            }
            .into(),
            runtime,
            user,
        },
        build_packages: needs.debian.clone(),
        runtime_packages,
    })
}
