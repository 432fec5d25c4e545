// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_rc_pointer_rel: turn an infrared remote's arrow pulses into relative mouse movement.
//
// Besides key presses, a lirc_mode2 decoder can drive the pointer of the rc
// device's input node. For a (made-up) remote whose arrow buttons send a
// single pulse of 1, 2, 3 or 4 ms, the program moves the pointer 10 units
// left, right, up or down; other samples are ignored.
//
// bpfspec: check-only this kernel is built without CONFIG_RC_CORE / CONFIG_BPF_LIRC_MODE2, so lirc_mode2 programs cannot be loaded
#include <linux/bpf.h>
#include <linux/lirc.h>
#include <bpf/bpf_helpers.h>

#define STEP 10

SEC("lirc_mode2")
int arrows_to_pointer(unsigned int *sample)
{
	if ((*sample & LIRC_MODE2_MASK) != LIRC_MODE2_PULSE)
		return 0;

	/* round to whole milliseconds: receivers are off by a few percent */
	unsigned int ms = ((*sample & LIRC_VALUE_MASK) + 500) / 1000;
	int dx = 0, dy = 0;

	switch (ms) {
	case 1: dx = -STEP; break;
	case 2: dx = STEP; break;
	case 3: dy = -STEP; break;
	case 4: dy = STEP; break;
	default: return 0;
	}
	bpf_rc_pointer_rel(sample, dx, dy);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
