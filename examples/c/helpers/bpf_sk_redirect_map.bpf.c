// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_sk_redirect_map: splice two local TCP sockets together, so a proxy never copies data itself.
//
// The stream verdict program runs for data arriving on a socket in the
// sockmap. User space stores the client-side socket (local port
// `proxy_port`, read-only data) in slot 0 and the backend socket in slot 1;
// data from either is redirected to the other: out of the peer by default, or into the
// peer's receive queue with BPF_F_INGRESS. The helper returns SK_PASS on
// success and SK_DROP when the slot is empty, so its result is the verdict.
// sk_skb programs cannot be test-run, so this one is only loaded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pair SEC(".maps");

const volatile __u32 proxy_port = 8000;

SEC("sk_skb/stream_verdict")
int splice(struct __sk_buff *skb)
{
	/* local_port is in host byte order (remote_port is not). */
	__u32 peer = skb->local_port == proxy_port ? 1 : 0;
	return bpf_sk_redirect_map(skb, &pair, peer, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
