// bpf_redirect_map accepts devmap, devmap_hash, cpumap and xskmap only.
use bpfspec_runtime::prelude::*;

static PORTS: HashMap<u32, u32, 4> = HashMap::new();

fn forward(ctx: XdpContext) -> u32 {
    ctx.redirect_map(&PORTS, 0, 0)
}

fn main() {}
