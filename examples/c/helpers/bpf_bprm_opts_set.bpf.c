// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_bprm_opts_set: force secure-exec mode for programs started by sandboxed processes.
//
// Setting BPF_F_BPRM_SECUREEXEC on an exec makes the kernel pass AT_SECURE=1 to the new
// program, as it does for setuid binaries: the dynamic loader then ignores LD_PRELOAD,
// LD_LIBRARY_PATH and similar variables. The program applies it at the
// bprm_creds_for_exec hook to every exec by a process whose tgid user space put in the
// `sandboxed` map. Only LSM programs can call the helper, since it changes the exec.
//
// bpfspec: check-only LSM programs are refused with EPERM on this host
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct linux_binprm;

/* Key: tgid of a sandboxed process; value unused. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u8);
	__uint(max_entries, 1024);
} sandboxed SEC(".maps");

SEC("lsm/bprm_creds_for_exec")
int BPF_PROG(secure_exec, struct linux_binprm *bprm)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (bpf_map_lookup_elem(&sandboxed, &tgid))
		bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
	return 0; /* never deny the exec itself */
}

char LICENSE[] SEC("license") = "GPL";
