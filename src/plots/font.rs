//! The bundled font: DejaVu Sans (regular and bold), compiled into the binary and registered
//! with plotters, so drawing needs no system font and no fontconfig. Licence:
//! `assets/fonts/LICENSE-DejaVu.txt`.

use crate::error::{Error, Result};
use plotters::style::{FontStyle, register_font};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The family name charts use. plotters looks fonts up by this name, and SVG files carry it
/// as their CSS `font-family`, so a browser without DejaVu Sans falls back to a close match.
pub const FAMILY: &str = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font once; every drawing entry point calls this first.
pub fn register() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Plot {
            path: PathBuf::from("assets/fonts/DejaVuSans.ttf"),
            message: "the bundled font does not load".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{FontDesc, FontFamily};

    #[test]
    fn the_bundled_font_measures_text() {
        register().unwrap();
        let font = FontDesc::new(FontFamily::Name(FAMILY), 20.0, FontStyle::Normal);
        let (w, h) = font.box_size("Surgical mask").unwrap();
        assert!(w > 80 && h > 10, "{w}×{h}");
        let bold = FontDesc::new(FontFamily::Name(FAMILY), 20.0, FontStyle::Bold);
        assert!(bold.box_size("Surgical mask").unwrap().0 > w);
    }
}
