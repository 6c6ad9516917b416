//! Generates the `i18n` module from `locales/*.json` (French is the default locale).
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n");
    // `interpolate_display`: translated sentences with values also as plain strings (SVG titles).
    let cfg = Config::new("fr")
        .and_then(|c| c.add_locale("en"))
        .expect("valid locale list")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg).expect("locales/*.json parse");
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos.generate_i18n_module(out).expect("i18n module generated");
}
