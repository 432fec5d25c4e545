//! The model of `specs/` as this binary was built: build.rs ran the front end
//! ([`crate::pipeline::load_dir`]) on `specs/` and embedded the [`Model`] as postcard bytes, so a
//! start reads those instead of parsing and lowering ~430 spec files. Only the model's index
//! (names, IDs, versions) is decoded at start; the parts behind [`crate::model::Lazy`]
//! (rights, arguments, descriptions, kfuncs, C types) stay slices of these bytes until a
//! command reads them. A build with specs that do not validate fails there, with the
//! diagnostics; `--specs DIR` runs the front end instead.

use crate::model::Model;

static MODEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model.postcard"));

/// The model lowered from `specs/` at build time.
pub fn model() -> Model {
    crate::model::decode_static(MODEL).expect("build.rs wrote these bytes from the same model types")
}
