//! The council's address gazetteer (an LLPG extract): every address in the
//! county with its UPRN.

use crate::DemoError;
use crate::out::Faults;
use crate::places::{COUNTY, address};

use super::Ctx;

pub fn write(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "uprn",
        "saon",
        "paon",
        "street",
        "street_address",
        "town",
        "county",
        "postcode",
        "class",
    ];
    let mut csv = cx.csv("addresses.csv", &header, &[])?;
    for a in 0..cx.w.n_addresses {
        let ad = address(cx.seed(), a);
        let fields = vec![
            ad.uprn.to_string(),
            ad.flat.map(|f| format!("Flat {f}")).unwrap_or_default(),
            ad.number.to_string(),
            ad.street.clone(),
            format!("{} {}", ad.number, ad.street),
            ad.town.to_string(),
            COUNTY.to_string(),
            ad.postcode.clone(),
            "RD".to_string(),
        ];
        csv.row(&mut cx.truth, fields, Faults::default())?;
    }
    cx.done(csv.finish()?);
    Ok(())
}
