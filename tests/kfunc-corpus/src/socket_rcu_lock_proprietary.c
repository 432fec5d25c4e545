// expect: reject gpl-only bpf_rcu_read_lock
#include "kfuncs.h"

/* Any kfunc call needs a GPL-compatible license. */
SEC("socket")
int rcu_section(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}

LICENSE("Proprietary");
