// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_rc_keydown: decode NEC infrared frames in BPF and report the key presses.
//
// A lirc_mode2 program is attached to a /dev/lircN device and sees each raw
// pulse or space duration (microseconds). This one keeps a small decoder state
// in a map: a 9 ms leader pulse starts a frame, each following space is a 0
// (~560 us) or a 1 (~1690 us), and after 32 bits the scancode goes to the rc
// core (as an NEC32 scancode) with bpf_rc_keydown, which maps it to a key code
// and emits the input events.
//
// bpfspec: check-only this kernel is built without CONFIG_RC_CORE / CONFIG_BPF_LIRC_MODE2, so lirc_mode2 programs cannot be loaded
#include <linux/bpf.h>
#include <linux/lirc.h>
#include <bpf/bpf_helpers.h>

struct decoder {
	__u32 bits;
	__u32 count; /* 0xff: idle, waiting for a leader */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct decoder);
	__uint(max_entries, 1);
} state SEC(".maps");

SEC("lirc_mode2")
int nec_decoder(unsigned int *sample)
{
	__u32 key = 0;
	struct decoder *d = bpf_map_lookup_elem(&state, &key);
	if (!d)
		return 0;

	unsigned int mode = *sample & LIRC_MODE2_MASK;
	unsigned int us = *sample & LIRC_VALUE_MASK;

	if (mode == LIRC_MODE2_PULSE) {
		if (us > 8000 && us < 10000) {
			d->bits = 0;
			d->count = 0;
		}
		return 0;
	}
	if (mode != LIRC_MODE2_SPACE || d->count >= 32)
		return 0;

	d->bits = (d->bits << 1) | (us > 1100 ? 1 : 0);
	if (++d->count == 32) {
		/* protocol, scancode, toggle bit (NEC has none) */
		bpf_rc_keydown(sample, RC_PROTO_NEC32, d->bits, 0);
		d->count = 0xff;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
