//! Saved models: JSON with a format tag, the model's version and, for each
//! comparison, its level labels and `m`/`u`. A model is loaded against the
//! settings it is used with; a file made for other comparisons, or edited
//! by hand so that its parameters no longer give its version, is refused,
//! so a score's recorded version always names the parameters that made it.

use serde::{Deserialize, Serialize};

use crate::compare::Comparison;
use crate::model::Model;

/// The format tag written into every model file.
pub const MODEL_FORMAT: &str = "clearstone-model/1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: String,
    prior: f64,
    comparisons: Vec<FileComparison>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileComparison {
    name: String,
    levels: Vec<String>,
    m: Vec<f64>,
    u: Vec<f64>,
}

/// The model as pretty-printed JSON.
pub fn to_json(model: &Model) -> String {
    let file = File {
        format: MODEL_FORMAT.to_owned(),
        version: model.version.clone(),
        prior: model.prior,
        comparisons: model
            .comparisons
            .iter()
            .zip(model.m.iter().zip(&model.u))
            .map(|(c, (m, u))| FileComparison {
                name: c.name.clone(),
                levels: c.levels().iter().map(|l| (*l).to_owned()).collect(),
                m: m.clone(),
                u: u.clone(),
            })
            .collect(),
    };
    // Serialising plain strings and finite numbers cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a model saved by [`to_json`] for use with `comparisons`.
///
/// # Errors
/// A message saying what does not fit: not JSON, another format, other
/// comparisons or levels, probabilities outside [0, 1], or a version that
/// the parameters do not give.
pub fn from_json(text: &str, comparisons: &[Comparison]) -> Result<Model, String> {
    let file: File = serde_json::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
    if file.format != MODEL_FORMAT {
        return Err(format!(
            "format `{}`, expected `{MODEL_FORMAT}`",
            file.format
        ));
    }
    let names = |cs: &mut dyn Iterator<Item = &str>| cs.collect::<Vec<_>>().join(", ");
    // The same comparisons with other levels: a model saved before a
    // comparison's levels changed, whose m and u say nothing of the new
    // levels, so it cannot be carried over.
    let same_names = file.comparisons.len() == comparisons.len()
        && file
            .comparisons
            .iter()
            .zip(comparisons)
            .all(|(f, c)| f.name == c.name);
    if same_names
        && let Some((f, c)) = file
            .comparisons
            .iter()
            .zip(comparisons)
            .find(|(f, c)| f.levels != c.levels())
    {
        return Err(format!(
            "comparison `{}` has the levels [{}] in the model but [{}] in this version: \
             the model was saved by an earlier version; train a new one by resolving \
             without the model (and save it again)",
            f.name,
            f.levels.join(", "),
            c.levels().join(", ")
        ));
    }
    if file.comparisons.len() != comparisons.len()
        || file
            .comparisons
            .iter()
            .zip(comparisons)
            .any(|(f, c)| f.name != c.name || f.levels != c.levels())
    {
        return Err(format!(
            "the model compares [{}], the settings compare [{}] (names and levels must match)",
            names(&mut file.comparisons.iter().map(|c| c.name.as_str())),
            names(&mut comparisons.iter().map(|c| c.name.as_str())),
        ));
    }
    let mut model = Model::new(comparisons.to_vec(), 0.5);
    for (i, c) in file.comparisons.iter().enumerate() {
        let n = c.levels.len();
        let valid = |v: &[f64]| v.len() == n && v.iter().all(|p| (0.0..=1.0).contains(p));
        if !valid(&c.m) || !valid(&c.u) {
            return Err(format!(
                "comparison `{}`: m and u need {n} probabilities each",
                c.name
            ));
        }
        if let (Some(m), Some(u)) = (model.m.get_mut(i), model.u.get_mut(i)) {
            m.clone_from(&c.m);
            u.clone_from(&c.u);
        }
    }
    if !(file.prior > 0.0 && file.prior < 1.0) {
        return Err("prior must be strictly between 0 and 1".to_owned());
    }
    model.prior = file.prior;
    model.refresh_version();
    if model.version != file.version {
        return Err(format!(
            "the parameters give version {}, the file says {}: it was edited or made for other settings",
            model.version, file.version
        ));
    }
    Ok(model)
}
