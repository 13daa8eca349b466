//! Thin glue between parsed arguments and the library.

pub mod detect;
pub mod init;

use crate::error::Error;

/// `dockgen images`: the base-image names the offline build check must provide stand-ins for.
pub fn images() -> Result<(), Error> {
    for image in crate::languages::images()? {
        println!("{image}");
    }
    Ok(())
}
