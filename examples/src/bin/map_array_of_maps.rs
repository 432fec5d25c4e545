//! `BPF_MAP_TYPE_ARRAY_OF_MAPS`: an array whose slots hold maps, so user space can swap a whole
//! table at once (build the new inner map, then replace the slot). Every inner map must have the
//! shape of the template given as the value type (`Array<u64, 4>` here); the loader creates the
//! outer map from it, and slots start empty.
//!
//! The inner map found is used like any map of its type. In the test run slot 0 is empty, so the
//! program takes its fallback path.
// bpfspec: run retval=2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static TABLES: ArrayOfMaps<Array<u64, 4>, 2> = ArrayOfMaps::new();

program! {
    #[section = "xdp"]
    fn current_table(_ctx: XdpContext) -> u32 {
        match TABLES.get(0) {
            Some(table) => {
                table.add(0, 1);
                xdp_action::XDP_PASS
            }
            None => xdp_action::XDP_PASS,
        }
    }
}

license!("GPL");
