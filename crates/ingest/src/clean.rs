//! Cleaning one value by its property type. The raw text is kept as
//! `original_value` whenever cleaning changed it, so nothing a source said is lost.

use clearstone_model::{PropType, limits};
use clearstone_text::{Postcode, name::clean_name, normalise_email, to_e164};

use crate::mapping::PropMap;

/// Returns the cleaned value, or a one-line reason it cannot be cleaned.
pub(crate) fn clean(raw: &str, pm: &PropMap) -> Result<String, String> {
    if raw.len() > limits::VALUE_BYTES_MAX {
        return Err(format!(
            "value of {} bytes exceeds value_bytes_max ({})",
            raw.len(),
            limits::VALUE_BYTES_MAX
        ));
    }
    let trimmed = raw.trim();
    let v = pm.map.get(trimmed).map_or(trimmed, String::as_str);
    Ok(match pm.ty {
        PropType::Name | PropType::Address => clean_name(v),
        PropType::Text => v.to_string(),
        // A month or a timestamp where the format reads one (`docs/mapping.md`).
        PropType::Date => pm
            .date_formats
            .parse_value(v)
            .map_err(|e| e.to_string())?
            .to_string(),
        PropType::Postcode => Postcode::parse(v).map_err(|e| e.to_string())?.to_string(),
        PropType::Phone => to_e164(v).map_err(|e| e.to_string())?,
        PropType::Email => normalise_email(v).map_err(|e| e.to_string())?,
        PropType::Identifier if pm.upper => v
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect(),
        PropType::Identifier | PropType::Entity => v.to_string(),
        PropType::Number => {
            if v.parse::<f64>().map_or(true, |n| !n.is_finite()) {
                return Err(format!("`{v}` is not a number"));
            }
            v.to_string()
        }
        PropType::Enum => {
            if !pm.allowed.iter().any(|a| a == v) {
                return Err(format!("`{v}` is not one of: {}", pm.allowed.join(", ")));
            }
            v.to_string()
        }
    })
}
