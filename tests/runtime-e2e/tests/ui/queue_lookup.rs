// A queue has push, pop and peek; bpf_map_lookup_elem does not accept it.
use bpfspec_runtime::maps::raw;
use bpfspec_runtime::prelude::*;

static JOBS: Queue<u64, 16> = Queue::new();

fn main() {
    let _ = JOBS.get(&0);
    let _ = unsafe { raw::lookup(&JOBS, &0u32) };
}
