//! The chips on search hits (`SeverityTable::hit_severity`) say what the
//! code record says (`annotate`): same MS-DRG level and alive-only flag,
//! the same HCCs of the chosen model, and nothing when there is nothing to
//! show. Every code of every bundled version, so the compact path cannot
//! drift from the record.

use medcode::severity::{AnnotateOptions, HitOptions, Level, SeverityTable};
use std::path::PathBuf;

fn table() -> Option<SeverityTable> {
    let p = std::env::var_os("MEDCODE_SEVERITY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("dist/severity.idx"));
    match std::fs::read(&p) {
        Ok(b) => Some(SeverityTable::from_bytes(&b).expect("severity.idx loads")),
        Err(_) => {
            eprintln!("skipped: {} absent (run ./build.sh)", p.display());
            None
        }
    }
}

#[test]
fn chips_equal_the_record_for_every_code_and_version() {
    let Some(t) = table() else { return };
    let model = "CMS-HCC V28";
    for v in t.versions.clone() {
        let vi = t.version_named(&v.name).unwrap();
        let year = *t.years.last().unwrap();
        let cx = t
            .hit_context(&HitOptions {
                date: 0,
                version: Some(v.name.clone()),
                hcc_year: Some(year),
                hcc_model: Some(model.into()),
            })
            .unwrap();
        let mut shown = 0;
        for (code, _, _) in t.all_levels(vi) {
            let rec = t
                .annotate(
                    &code,
                    &AnnotateOptions {
                        date: 0,
                        version: Some(v.name.clone()),
                        hcc_year: Some(year),
                        principal: None,
                    },
                )
                .unwrap();
            let hcc: Vec<_> = rec
                .hcc
                .iter()
                .filter(|c| c.model == model)
                .cloned()
                .collect();
            let chip = t.hit_severity(&code, &cx);
            match chip {
                None => assert!(
                    rec.msdrg.level.is_none() && hcc.is_empty(),
                    "{code} {}: no chip but the record has {:?} / {hcc:?}",
                    v.name,
                    rec.msdrg.level
                ),
                Some(c) => {
                    shown += 1;
                    assert_eq!(c.version, v.name);
                    assert_eq!(c.level, rec.msdrg.level, "{code} {}", v.name);
                    assert_eq!(c.alive_only, rec.msdrg.alive_only, "{code} {}", v.name);
                    assert_eq!(c.hcc, hcc, "{code} {}", v.name);
                }
            }
        }
        assert!(shown > 15_000, "{}: only {shown} codes have chips", v.name);
    }
}

#[test]
fn chip_options() {
    let Some(t) = table() else { return };
    let opts = |version: &str, model: Option<&str>| HitOptions {
        date: 0,
        version: Some(version.into()),
        hcc_year: Some(2027),
        hcc_model: model.map(str::to_string),
    };
    // Dotted or not; the version named wins over the date.
    let cx = t.hit_context(&opts("v44", Some("CMS-HCC V28"))).unwrap();
    let j = t.hit_severity("J96.01", &cx).unwrap();
    assert_eq!((j.version.as_str(), j.level), ("v44", Some(Level::Mcc)));
    assert_eq!(t.hit_severity("J9601", &cx), Some(j));
    let e = t.hit_severity("E11.9", &cx).unwrap();
    assert_eq!(e.level, None);
    let cats: Vec<_> = e
        .hcc
        .iter()
        .map(|c| (c.model.as_str(), c.category.as_str()))
        .collect();
    assert_eq!(cats, [("CMS-HCC V28", "38")]);
    // Every model when none is chosen; "none" drops HCC chips (E11.9 then shows nothing).
    let all = t.hit_context(&opts("v44", None)).unwrap();
    assert!(t.hit_severity("E11.9", &all).unwrap().hcc.len() > 1);
    let none = t.hit_context(&opts("v44", Some("none"))).unwrap();
    assert_eq!(t.hit_severity("E11.9", &none), None);
    // A date picks the version in force.
    let dated = t
        .hit_context(&HitOptions {
            date: 20251115,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(t.hit_severity("J96.01", &dated).unwrap().version, "v43");
    // Unknown model, version or year: a clear error, never a silent default.
    for bad in [
        opts("v44", Some("CMS-HCC V99")),
        opts("v12", None),
        HitOptions {
            hcc_year: Some(1999),
            ..opts("v44", None)
        },
    ] {
        assert!(t.hit_context(&bad).is_err());
    }
}
