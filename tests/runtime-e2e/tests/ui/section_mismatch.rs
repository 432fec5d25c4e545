// The section name must mean the context's program type.
use bpfspec_runtime::prelude::*;

program! {
    #[section = "tc"]
    fn not_a_classifier(ctx: XdpContext) -> u32 {
        xdp_action::XDP_PASS
    }
}

fn main() {}
