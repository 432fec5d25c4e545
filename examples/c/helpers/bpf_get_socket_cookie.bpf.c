// SPDX-License-Identifier: MIT OR Apache-2.0
// bpf_get_socket_cookie: count bytes sent per socket at cgroup egress.
//
// The cookie is a 64-bit id the kernel gives a socket on first request and
// never reuses while the system runs, so it is a safe map key where the socket
// pointer or the 5-tuple would not be (user space reads the same id with
// getsockopt(SO_COOKIE) or in `ss -e`). With no socket it returns 0. The test
// run's packet belongs to a placeholder socket, so slot 0 counts one packet
// with a cookie.
//
// bpfspec: run retval=1
// bpfspec: expect-map with_cookie[0] == 1
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH); /* sockets come and go; let old ones age out */
	__uint(max_entries, 16384);
	__type(key, __u64); /* socket cookie */
	__type(value, __u64);
} bytes_by_socket SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} with_cookie SEC(".maps");

SEC("cgroup_skb/egress")
int per_socket_bytes(struct __sk_buff *skb)
{
	__u64 cookie = bpf_get_socket_cookie(skb);
	if (!cookie)
		return 1;

	__u64 *bytes = bpf_map_lookup_elem(&bytes_by_socket, &cookie);
	if (bytes) {
		__sync_fetch_and_add(bytes, skb->len);
	} else {
		__u64 len = skb->len;
		bpf_map_update_elem(&bytes_by_socket, &cookie, &len, BPF_NOEXIST);
	}

	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&with_cookie, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
