// expect: ok
#include "kfuncs.h"

/* The RCU kfuncs are in the common set: every program type may call them. */
SEC("socket")
int rcu_section(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}

LICENSE("GPL");
