// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
// Stream verdict for the kernel-only forwarding experiment (sockmap_bench.sh):
// every byte that arrives on a socket in `socks` is sent out of its peer,
// found through the socket's cookie in `peer_slot`. A socket with no peer
// entry keeps its bytes (SK_PASS), so user space can read them.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_SOCKMAP);
  __uint(max_entries, 1024);
  __type(key, __u32);
  __type(value, __u64);
} socks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u64);   // socket cookie
  __type(value, __u32); // the peer's slot in socks
} peer_slot SEC(".maps");

SEC("sk_skb/stream_verdict")
int redirect_to_peer(struct __sk_buff* skb) {
  __u64 cookie = bpf_get_socket_cookie(skb);
  __u32* slot = bpf_map_lookup_elem(&peer_slot, &cookie);
  if (!slot) return SK_PASS;
  return bpf_sk_redirect_map(skb, &socks, *slot, 0);  // 0: out of the peer (egress)
}

// The kernel offers the sockmap helpers only to GPL-compatible programs.
char LICENSE[] SEC("license") = "Dual BSD/GPL";
