#!/usr/bin/env python3
"""Runs `kubectl-ds exec` under a pseudo-terminal against a fake API server on 127.0.0.1.

Used by tests/exec_tty.rs; prints one JSON object with what it saw. The server answers the reads
of `exec` (DaemonSet ns/x, node n1, its pod x-abc) and upgrades the pod's exec request to a
WebSocket (v5.channel.k8s.io). Scenarios:

  hold     the session opens; the terminal is read while it is open; the server then closes
           the WebSocket without a Status (the exec fails, exit 1)
  ctrl-c   the session opens; the window size changes (SIGWINCH); byte 0x03 is typed; the server
           answers the byte with exit code 42
  sigterm  the session opens; the process gets SIGTERM
  sigint   the session opens; the process gets SIGINT from outside (kill -INT, not a keystroke)
  pipe     no terminal: stdin is an empty pipe; the server answers Success at once

`driver.py run COMMAND ARGS...` runs any command under a pty with this process's environment
(no fake server), for the end-to-end tests against the local control plane.

Terminal settings are read on the pty's slave side before the run, while the session is open,
and after the process exited.
"""

import base64
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 20

NODE = {
    "apiVersion": "v1", "kind": "Node",
    "metadata": {"name": "n1", "labels": {"kubernetes.io/hostname": "n1"}},
    "status": {"conditions": [{"type": "Ready", "status": "True"}],
               "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}},
}
DAEMONSET = {
    "apiVersion": "apps/v1", "kind": "DaemonSet",
    "metadata": {"name": "x", "namespace": "ns", "uid": "u1", "generation": 1},
    "spec": {"selector": {"matchLabels": {"app": "x"}},
             "template": {"metadata": {"labels": {"app": "x"}},
                          "spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
    "status": {"observedGeneration": 1, "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
               "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1},
}
POD = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "x-abc", "namespace": "ns", "uid": "p1",
                 "labels": {"app": "x", "controller-revision-hash": "h1"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "x",
                                      "uid": "u1", "controller": True}]},
    "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "busybox"}]},
    "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
               "containerStatuses": [{"name": "c", "ready": True, "restartCount": 0,
                                      "image": "busybox", "imageID": "",
                                      "state": {"running": {"startedAt": "2026-11-28T09:00:00Z"}}}]},
}
REVISION = {
    "apiVersion": "apps/v1", "kind": "ControllerRevision",
    "metadata": {"name": "x-h1", "namespace": "ns", "labels": {"controller-revision-hash": "h1"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "x",
                                      "uid": "u1", "controller": True}]},
    "revision": 1, "data": {},
}
KINDS = {"nodes": NODE, "daemonsets": DAEMONSET, "pods": POD, "controllerrevisions": REVISION}


class Session:
    """What the WebSocket side saw, and the driver's cues."""

    def __init__(self):
        self.query = None
        self.stdin = b""
        self.resizes = []
        self.opened = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()


def rest_answer(path):
    segments = path.strip("/").split("/")
    last = segments[-1]
    if last in KINDS or last == "events":
        items = [KINDS[last]] if last in KINDS else []
        return 200, {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": items}
    resource = segments[-2] if len(segments) >= 2 else ""
    obj = KINDS.get(resource)
    if obj is not None and obj["metadata"]["name"] == last:
        return 200, obj
    return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                 "reason": "NotFound", "code": 404, "message": "not found"}


def frame(opcode, payload):
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack(">H", n)
    else:
        head += bytes([127]) + struct.pack(">Q", n)
    return head + payload


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_frame(sock):
    b0, b1 = read_exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", read_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack(">Q", read_exact(sock, 8))[0]
    mask = read_exact(sock, 4) if b1 & 0x80 else b"\0\0\0\0"
    payload = bytes(c ^ mask[i % 4] for i, c in enumerate(read_exact(sock, n)))
    return b0 & 0x0F, payload


def status_frame(code):
    if code == 0:
        status = {"metadata": {}, "status": "Success"}
    else:
        status = {"metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
                  "message": f"command terminated with non-zero exit code: exit code {code}",
                  "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}
    return frame(0x2, b"\x03" + json.dumps(status).encode())


def websocket(sock, headers, scenario, session):
    key = headers["sec-websocket-key"]
    accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
    offered = [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",")]
    protocol = "v5.channel.k8s.io" if "v5.channel.k8s.io" in offered else "v4.channel.k8s.io"
    sock.sendall((
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n"
    ).encode())
    if scenario == "pipe":
        sock.sendall(status_frame(0) + frame(0x8, b"\x03\xe8"))
    session.opened.set()

    def reader():
        try:
            while True:
                opcode, payload = read_frame(sock)
                if opcode == 0x8:
                    return
                if opcode != 0x2 or not payload:
                    continue
                with session.lock:
                    if payload[0] == 0:
                        session.stdin += payload[1:]
                    elif payload[0] == 4:
                        session.resizes.append(json.loads(payload[1:]))
                if scenario == "ctrl-c" and b"\x03" in session.stdin:
                    sock.sendall(status_frame(42) + frame(0x8, b"\x03\xe8"))
                    return
        except (EOFError, OSError):
            return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    if scenario == "hold":
        session.release.wait(TIMEOUT)
        sock.sendall(frame(0x8, b"\x03\xe8"))
    thread.join(TIMEOUT)


def serve(conn, scenario, session):
    with conn:
        reader = conn.makefile("rb")
        while True:
            line = reader.readline()
            if not line:
                return
            method, target, _ = line.decode().split(" ", 2)
            headers = {}
            while True:
                h = reader.readline().decode().rstrip("\r\n")
                if not h:
                    break
                k, _, v = h.partition(":")
                headers[k.strip().lower()] = v.strip()
            path, _, query = target.partition("?")
            if path.endswith("/exec"):
                session.query = query
                if headers.get("upgrade", "").lower() == "websocket":
                    websocket(conn, headers, scenario, session)
                    return
            code, body = rest_answer(path)
            data = json.dumps(body).encode()
            conn.sendall(
                f"HTTP/1.1 {code} X\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode() + data)


def start_server(scenario, session):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, scenario, session), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def kubeconfig(port, directory):
    path = os.path.join(directory, "kubeconfig")
    with open(path, "w") as f:
        f.write(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
            f"clusters:\n- name: k\n  cluster:\n    server: http://127.0.0.1:{port}\n"
            "contexts:\n- name: c\n  context: {cluster: k, user: u, namespace: ns}\n"
            "users:\n- name: u\n  user: {token: t}\n")
    return path


def settings(fd):
    attrs = termios.tcgetattr(fd)
    lflag = attrs[3]
    return {
        "all": repr(attrs),
        "icanon": bool(lflag & termios.ICANON),
        "echo": bool(lflag & termios.ECHO),
        "isig": bool(lflag & termios.ISIG),
    }


def wait_for(predicate, what):
    deadline = time.time() + TIMEOUT
    while not predicate():
        if time.time() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.02)


def run_command(args):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
    result = {"before": settings(slave)}

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=controlling_terminal, close_fds=True)
    output = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    result["code"] = proc.wait(TIMEOUT * 3)
    time.sleep(0.2)
    result["after"] = settings(slave)
    result["output"] = output.decode(errors="replace")
    print(json.dumps(result))


def main():
    if sys.argv[1] == "run":
        run_command(sys.argv[2:])
        return
    directory = tempfile.mkdtemp(prefix="kds-exec-tty-")
    try:
        run(sys.argv[1], sys.argv[2], directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(binary, scenario, directory):
    session = Session()
    port = start_server(scenario, session)
    env = {"KUBECONFIG": kubeconfig(port, directory), "HOME": directory, "NO_COLOR": "1",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    args = [binary, "exec", "x", "--node", "n1", "-i", "-t", "--", "sh"]
    result = {"scenario": scenario}

    if scenario == "pipe":
        proc = subprocess.run(args, env=env, input=b"", capture_output=True, timeout=TIMEOUT)
        result.update(code=proc.returncode, stdout=proc.stdout.decode(),
                      stderr=proc.stderr.decode(), query=session.query)
        print(json.dumps(result))
        return

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
    result["before"] = settings(slave)

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(args, env=env, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=controlling_terminal, close_fds=True)
    output = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    threading.Thread(target=drain, daemon=True).start()
    if not session.opened.wait(TIMEOUT):
        proc.kill()
        raise SystemExit("the exec session never opened: " + output.decode(errors="replace"))
    wait_for(lambda: session.resizes, "the first terminal size")
    result["during"] = settings(slave)
    if scenario == "hold":
        session.release.set()
    elif scenario == "ctrl-c":
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        wait_for(lambda: len(session.resizes) >= 2, "the terminal size after SIGWINCH")
        os.write(master, b"\x03")
    elif scenario == "sigterm":
        proc.send_signal(signal.SIGTERM)
    elif scenario == "sigint":
        proc.send_signal(signal.SIGINT)
    result["code"] = proc.wait(TIMEOUT)
    time.sleep(0.1)
    result["after"] = settings(slave)
    with session.lock:
        result.update(query=session.query, stdin=list(session.stdin), resizes=session.resizes)
    result["output"] = output.decode(errors="replace")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
