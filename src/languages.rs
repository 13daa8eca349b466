//! The one place a language is registered: its data file, templates, recognizer, detector,
//! renderer and base images. Adding a language is one entry here (see CONTRIBUTING.md).

use crate::answers::Answers;
use crate::detect;
use crate::error::Error;
use crate::plan::{Candidate, Language, Plan};
use crate::project::Project;
use crate::questions::Question;
use crate::render;

/// A language's full detection.
pub type DetectFn = fn(&Project, &Answers) -> Result<Plan, Error>;
/// A language's template and typed context.
pub type RenderFn = fn(&Plan) -> Result<render::Rendering, Error>;
/// The valid answers to a question for one of the language's plans (empty: free text).
pub type ChoicesFn = fn(&Plan, Question) -> Result<Vec<String>, Error>;

/// Everything dockgen knows how to do for one language.
pub struct LanguageSupport {
    pub language: Language,
    /// `detectors/<lang>.toml` (name, text), embedded; `None` while the language has no data.
    pub data: Option<(&'static str, &'static str)>,
    /// Its templates (name, text), embedded.
    pub templates: &'static [(&'static str, &'static str)],
    /// Whether the project looks like this language's app, and how strongly. Fails only on
    /// dockgen's own defects; a broken manifest is an `unreadable` candidate.
    pub recognize: fn(&Project) -> Result<Option<Candidate>, Error>,
    /// The full detection; `None` while the language is recognized but not supported.
    pub detect: Option<DetectFn>,
    /// The template to render and its typed context.
    pub render: Option<RenderFn>,
    /// The valid answers to each question (versions, package managers, variants).
    pub choices: Option<ChoicesFn>,
    /// Every base image its plans can name in a `FROM` line.
    pub images: fn() -> Result<Vec<String>, Error>,
    /// Loads the data strictly and checks its cross-references (run by a unit test).
    pub check: fn() -> Result<(), String>,
}

/// Every language, in the order recognizers run (and ties are listed).
pub static LANGUAGES: [LanguageSupport; 5] = [
    LanguageSupport {
        language: Language::Node,
        data: Some(detect::node::rules::DATA),
        templates: render::node::TEMPLATES,
        recognize: detect::node::recognize,
        detect: Some(detect::node::detect),
        render: Some(render::node::render),
        choices: Some(detect::node::choices),
        images: || Ok(detect::node::rules()?.images()),
        check: || {
            let rules: detect::node::rules::NodeRules =
                crate::rules::parse(detect::node::rules::DATA.0, detect::node::rules::DATA.1)?;
            rules.check()
        },
    },
    LanguageSupport {
        language: Language::Python,
        data: Some(detect::python::DATA),
        templates: render::python::TEMPLATES,
        recognize: detect::python::recognize,
        detect: Some(detect::python::detect),
        render: Some(render::python::render),
        images: || Ok(detect::python::rules()?.images()),
        choices: Some(detect::python::choices),
        check: detect::python::check,
    },
    LanguageSupport {
        language: Language::Go,
        data: Some(detect::go::rules::DATA),
        templates: render::go::TEMPLATES,
        recognize: detect::go::recognize,
        detect: Some(detect::go::detect),
        render: Some(render::go::render),
        choices: Some(detect::go::choices),
        images: || Ok(detect::go::rules()?.images()),
        check: detect::go::rules::check,
    },
    LanguageSupport {
        language: Language::Rust,
        data: Some(detect::rust::rules::DATA),
        templates: render::rust::TEMPLATES,
        recognize: detect::rust::recognize,
        detect: Some(detect::rust::detect),
        render: Some(render::rust::render),
        images: || Ok(detect::rust::rules()?.images()),
        check: detect::rust::rules::check,
        choices: Some(detect::rust::choices),
    },
    LanguageSupport {
        language: Language::Java,
        data: Some(detect::java::DATA),
        templates: render::java::TEMPLATES,
        recognize: detect::java::recognize,
        detect: Some(detect::java::detect),
        render: Some(render::java::render),
        choices: Some(detect::java::choices),
        images: || Ok(detect::java::rules()?.images()),
        check: detect::java::check,
    },
];

/// The registry entry of `language`.
pub fn support(language: Language) -> &'static LanguageSupport {
    LANGUAGES
        .iter()
        .find(|l| l.language == language)
        .unwrap_or(&LANGUAGES[0])
}

/// Every base image any language can emit, sorted, for the offline build check's stand-ins.
pub fn images() -> Result<Vec<String>, Error> {
    let mut all = Vec::new();
    for lang in &LANGUAGES {
        all.extend((lang.images)()?);
    }
    all.sort();
    all.dedup();
    Ok(all)
}
