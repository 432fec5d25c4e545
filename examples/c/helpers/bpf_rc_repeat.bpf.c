// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_rc_repeat: keep a held-down key pressed when the remote sends only repeat codes.
//
// NEC remotes send the full frame once and then, while the button is held, a
// short repeat code (a 9 ms pulse followed by a 2.25 ms space). The decoder
// does not know the key again at that point; bpf_rc_repeat tells the rc core
// to extend the last bpf_rc_keydown instead of letting it time out.
//
// bpfspec: check-only this kernel is built without CONFIG_RC_CORE / CONFIG_BPF_LIRC_MODE2, so lirc_mode2 programs cannot be loaded
#include <linux/bpf.h>
#include <linux/lirc.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32); /* length of the last pulse, us */
	__uint(max_entries, 1);
} last_pulse SEC(".maps");

SEC("lirc_mode2")
int nec_repeat(unsigned int *sample)
{
	__u32 key = 0;
	__u32 *pulse = bpf_map_lookup_elem(&last_pulse, &key);
	if (!pulse)
		return 0;

	unsigned int mode = *sample & LIRC_MODE2_MASK;
	unsigned int us = *sample & LIRC_VALUE_MASK;

	if (mode == LIRC_MODE2_PULSE) {
		*pulse = us;
	} else if (mode == LIRC_MODE2_SPACE) {
		/* leader pulse then a 2.25 ms space: a repeat code, not a new frame */
		if (*pulse > 8000 && *pulse < 10000 && us > 2000 && us < 2500)
			bpf_rc_repeat(sample);
		*pulse = 0;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
