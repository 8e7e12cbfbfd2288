//! `mue.exceeded`: units above a medically unlikely edit (MUE) limit, from
//! the MUE tables the user added (`userdata::mue`). Indicator 1 limits one
//! line; 2 and 3 limit all lines with the code on the same date of service.

use super::model::Value;
use super::rules::MUE_EXCEEDED;
use super::{Code, Issues, Path};
use crate::model::YmdDate;
use crate::userdata::mue::{check, units_of, MueLine, MueTable};

/// `lines`: (date of service, code when its form was valid, units).
pub(crate) fn check_claim(
    tables: &[MueTable],
    lines: &[(Option<YmdDate>, Option<Code>, Option<&Value>)],
    out: &mut Issues,
) {
    let rows: Vec<MueLine> = lines
        .iter()
        .enumerate()
        .filter_map(|(index, (dos, code, units))| {
            let code = code.as_ref()?.as_str();
            let units = units_of(units.and_then(Value::text)?)?;
            Some(MueLine {
                index,
                code,
                dos: *dos,
                units,
            })
        })
        .collect();
    for (i, message) in check(tables, &rows) {
        out.add(MUE_EXCEEDED, Path::Line(i, "units"), message);
    }
}
