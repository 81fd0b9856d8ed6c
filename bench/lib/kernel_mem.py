"""The kernel's memory for sockets, before and after: the slab caches a TCP
connection allocates from (/proc/slabinfo, readable by root only), the TCP
socket buffers (/proc/net/sockstat "mem", in pages) and the machine's whole
slab (/proc/meminfo). Slab caches are machine-wide: whatever else runs
meanwhile counts too, which the objects-per-socket figure shows (1.0 per
socket for each cache when nothing else ran). Standard library only."""
import os

PAGE = os.sysconf("SC_PAGE_SIZE")
# What one established TCP socket held by an epoll loop costs: the socket
# (TCP), its inode (sock_inode_cache), file and dentry, the epoll entry and
# wait-queue hook, and socket buffer heads (skbuff_head_cache).
SOCKET_CACHES = ("TCP", "TCPv6", "sock_inode_cache", "filp", "dentry", "eventpoll_epi", "eventpoll_pwq",
                 "skbuff_head_cache")


def slab_alias(name):
    try:
        return os.readlink("/sys/kernel/slab/" + name)
    except OSError:
        return None


def slabinfo_line(cache, lines):
    """The /proc/slabinfo line that counts `cache`: its own, or that of the
    cache SLUB merged it into (eventpoll_pwq is counted as anon_vma_chain on
    some kernels; a merged line counts its other users too)."""
    if cache in lines:
        return cache
    alias = slab_alias(cache)
    for name in lines:
        if alias and slab_alias(name) == alias:
            return name
    return None


def slab_caches():
    """{cache: {"objects": active objects, "footprint": bytes of slab per object,
    "bytes": bytes of its slabs, "counted_as": its slabinfo line}} for
    SOCKET_CACHES, or None when /proc/slabinfo is unreadable."""
    try:
        with open("/proc/slabinfo") as f:
            lines = {line.split()[0]: line for line in f.readlines()[2:]}
    except OSError:
        return None
    out = {}
    for cache in SOCKET_CACHES:
        name = slabinfo_line(cache, lines)
        if name is None:
            continue
        # name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables ... : slabdata <active> <num> ..
        words = lines[name].split()
        per_slab, pages_per_slab = int(words[4]), int(words[5])
        num_slabs = int(lines[name].split(":")[2].split()[2])
        out[cache] = {"objects": int(words[1]), "footprint": pages_per_slab * PAGE / per_slab,
                      "bytes": num_slabs * pages_per_slab * PAGE, "counted_as": name}
    return out


def sockstat_tcp():
    """{"inuse": sockets, "mem_bytes": TCP buffer bytes}."""
    with open("/proc/net/sockstat") as f:
        for line in f:
            if line.startswith("TCP:"):
                words = line.split()[1:]
                kv = dict(zip(words[::2], (int(v) for v in words[1::2])))
                return {"inuse": kv["inuse"], "mem_bytes": kv["mem"] * PAGE}
    raise KeyError("TCP in /proc/net/sockstat")


def meminfo_slab_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Slab:"):
                return int(line.split()[1]) * 1024
    raise KeyError("Slab in /proc/meminfo")


def snapshot():
    return {"slab": slab_caches(), "tcp": sockstat_tcp(), "meminfo_slab": meminfo_slab_bytes()}


def per_socket(before, after, sockets):
    """Per socket, between two snapshots, over `sockets` sockets opened in
    between: for each slab cache the objects it gained and their bytes (at
    the cache's footprint per object: what a million more would take, free
    space in partly used slabs aside), the bytes of slab pages it gained,
    the TCP buffer bytes, the machine's slab growth."""
    out = {"sockets": sockets, "tcp_inuse": (after["tcp"]["inuse"] - before["tcp"]["inuse"]) / sockets,
           "tcp_buffers": (after["tcp"]["mem_bytes"] - before["tcp"]["mem_bytes"]) / sockets,
           "meminfo_slab": (after["meminfo_slab"] - before["meminfo_slab"]) / sockets}
    if before["slab"] is None or after["slab"] is None:
        return out
    caches = {}
    for name, a in after["slab"].items():
        b = before["slab"].get(name, {"objects": 0, "bytes": 0})
        objects = (a["objects"] - b["objects"]) / sockets
        caches[name] = {"objects": round(objects, 3), "bytes": round(objects * a["footprint"]),
                        "slab_pages_bytes": round((a["bytes"] - b["bytes"]) / sockets), "counted_as": a["counted_as"]}
    out["slab_caches"] = caches
    out["slab_total"] = sum(c["bytes"] for c in caches.values())
    out["slab_pages_total"] = sum(c["slab_pages_bytes"] for c in caches.values())
    return out
