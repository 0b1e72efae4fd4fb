#!/usr/bin/env python3
# Test peer: a systemd-like NOTIFY_SOCKET receiver. Binds an AF_UNIX SOCK_DGRAM socket (a path, or an
# abstract name when the argument starts with '@'), prints {"bound": addr}, then one JSON line
# {"t": monotonic_seconds, "msg": text} per datagram. Node cannot bind unix datagram sockets itself.
import json
import socket
import sys
import time

addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
print(json.dumps({"bound": addr}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"t": time.monotonic(), "msg": data.decode("utf-8", "replace")}), flush=True)
