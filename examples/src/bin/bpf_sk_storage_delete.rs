//! `bpf_sk_storage_delete`: free a socket's value before the socket goes away, once the program no
//! longer needs it — here a per-socket packet count kept only until the socket's first packet has
//! been seen. The first delete finds the value and returns 0; a second one finds nothing and
//! returns `-ENOENT` (-2). The test run's packet comes with a socket of its own, so both happen.
//! `bpf_sk_fullsock` is called through `helper!`.
// bpfspec: run retval=1
// bpfspec: expect-map DELETED[0] == 0
// bpfspec: expect-map DELETED[1] == -2
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;
use bpfspec_runtime::sys::{__sk_buff, bpf_sock};

/// Packets seen on a socket while it is being classified.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static SEEN: SkStorage<u32> = SkStorage::new();

/// `[0]`: what the first delete returned, `[1]`: what the second one returned.
#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static DELETED: Array<i64, 2> = Array::new();

program! {
    #[section = "cgroup_skb/egress"]
    fn classify_once(ctx: CgroupSkbContext) -> i32 {
        // `skb->sk` is a context field the verifier types as a socket's common part (or null);
        // socket storage lives on full sockets, which `bpf_sk_fullsock` gives.
        let skb = ctx.as_ptr().cast::<__sk_buff>();
        let sk: *mut bpf_sock = unsafe { core::ptr::addr_of!((*skb).sk).read_volatile() };
        if sk.is_null() {
            return 1;
        }
        let sk = unsafe { helper!(ctx, bpf_sk_fullsock(sk)) };
        if sk.is_null() {
            return 1;
        }
        let Some(seen) = SEEN.get_or_insert(&ctx, sk.cast(), None) else {
            return 1;
        };
        unsafe { *seen += 1 };
        // Classified: the value is no longer needed.
        let first = SEEN.delete(&ctx, sk.cast()).err().unwrap_or(0);
        let second = SEEN.delete(&ctx, sk.cast()).err().unwrap_or(0);
        let _ = DELETED.set(0, &first, BPF_ANY);
        let _ = DELETED.set(1, &second, BPF_ANY);
        1
    }
}

license!("GPL");
