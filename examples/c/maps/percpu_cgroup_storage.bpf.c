// SPDX-License-Identifier: MIT OR Apache-2.0
// BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE: per-CPU packet and byte counts per cgroup, without atomics.
//
// The per-CPU form of BPF_MAP_TYPE_CGROUP_STORAGE: bpf_get_local_storage() returns this
// CPU's copy of the value that belongs to the cgroup the program runs for, created when the
// program was attached. User space looks up a struct bpf_cgroup_storage_key and gets one
// value per possible CPU, which it adds up.
//
// bpfspec: run retval=1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct traffic {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, struct traffic);
} ingress_traffic SEC(".maps");

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	struct traffic *t = bpf_get_local_storage(&ingress_traffic, 0);

	t->packets += 1;
	t->bytes += skb->len;
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
