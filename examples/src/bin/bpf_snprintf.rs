//! `bpf_snprintf`: format text in the kernel — here `"<source address>:<port>"` of each TCP
//! packet, into a map value user space reads as a string.
//!
//! Arguments go in an array of `u64`s; `%pI4` takes a pointer to the address, so the address is
//! copied to the stack first. The format must be a constant in read-only data and is checked at
//! load time; the result is the length the full string needs, NUL included. Called through
//! `helper!`.
// bpfspec: run retval=0
// bpfspec: expect-map FORMATTED_LEN[0] == 14
#![no_std]
#![no_main]

use bpfspec_runtime::prelude::*;

static FMT: [u8; 8] = *b"%pI4:%u\0";

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static LAST_SOURCE: Array<[u8; 32], 1> = Array::new();

#[unsafe(link_section = ".maps")]
#[unsafe(no_mangle)]
static FORMATTED_LEN: Array<u64, 1> = Array::new();

program! {
    #[section = "classifier"]
    fn name_source(ctx: TcContext) -> i32 {
        let Some(h) = ctx.ptr_at::<[u8; 38]>(0) else {
            return tc_action::TC_ACT_OK;
        };
        let h = unsafe { &*h };
        if u16::from_be_bytes([h[12], h[13]]) != 0x0800 || h[14] != 0x45 || h[23] != 6 {
            return tc_action::TC_ACT_OK;
        }
        let Some(out) = LAST_SOURCE.get_ptr_mut(0) else {
            return tc_action::TC_ACT_OK;
        };
        let saddr = [h[26], h[27], h[28], h[29]];
        let args = [saddr.as_ptr() as u64, u64::from(u16::from_be_bytes([h[34], h[35]]))];
        let len = unsafe {
            helper!(ctx, bpf_snprintf(out.cast(), 32, FMT.as_ptr().cast(), args.as_ptr().cast_mut(), 16))
        };
        let _ = FORMATTED_LEN.set(0, &(len as u64), BPF_ANY);
        tc_action::TC_ACT_OK
    }
}

license!("GPL");
