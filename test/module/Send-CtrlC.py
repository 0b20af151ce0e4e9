#!/usr/bin/env python3
"""Helper of Module.CtrlC.Tests.ps1: runs a pwsh command on a pseudo-terminal and presses Ctrl+C.

Usage: Send-CtrlC.py PWSH STATE_DIR WATCH_DIR MODE COMMAND

Starts `PWSH -NoLogo -NoProfile -Command COMMAND` as the session leader of a new pseudo-terminal
(pty.fork), waits until an engine operation in STATE_DIR is Running and the atomic writer's
temporary file (*.cmtsmedia-tmp) is in WATCH_DIR (the write is under way), then presses Ctrl+C:
MODE `terminal` writes \\x03 to the terminal, which the terminal driver turns into SIGINT for the
foreground process group (pwsh and the engine it started), exactly as a user's Ctrl+C; MODE `pwsh`
sends SIGINT to the PowerShell process alone (the engine's parent: PWSH may be a launcher such as
a dotnet tool shim), so only the module's own cancellation can stop the engine. Answers the
console's cursor-position queries (ESC [6n) as a terminal would. Prints one JSON object: the engine's pid, milliseconds from Ctrl+C until the engine
process was gone, pwsh's exit status, and the last of what pwsh wrote to the terminal.
"""
import json, os, pty, select, signal, sys, time

pwsh, state_dir, watch_dir, mode, command = sys.argv[1:6]
ops = os.path.join(state_dir, 'operations')


def running_engine():
    """(pid, operation id) of the engine whose operation is Running and whose temporary file exists, or None."""
    if not os.path.isdir(ops) or not any(n.endswith('.cmtsmedia-tmp') for n in os.listdir(watch_dir)):
        return None
    for name in os.listdir(ops):
        if name.endswith('.json'):
            try:
                with open(os.path.join(ops, name)) as f:
                    record = json.load(f)
            except (OSError, ValueError):
                continue
            if record.get('state') == 'Running':
                return record['pid'], record['operationId']
    return None


def gone(pid):
    """True once the process has exited (a zombie its parent has not reaped yet counts as gone)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except OSError:
        return True


def parent_of(pid):
    with open(f'/proc/{pid}/stat') as f:
        return int(f.read().rsplit(')', 1)[1].split()[1])


child, master = pty.fork()
if child == 0:
    os.execv(pwsh, [pwsh, '-NoLogo', '-NoProfile', '-Command', command])

output = bytearray()


def pump(seconds):
    ready, _, _ = select.select([master], [], [], seconds)
    if ready:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last process closed it
            return False
        output.extend(data)
        for _ in range(data.count(b'\x1b[6n')):
            os.write(master, b'\x1b[1;1R')
    return True


result = {'enginePid': None, 'operationId': None, 'engineGoneMs': None, 'pwshExit': None}
deadline = time.monotonic() + 120
while time.monotonic() < deadline and result['enginePid'] is None:
    pump(0.005)
    result['enginePid'], result['operationId'] = running_engine() or (None, None)
    if os.waitpid(child, os.WNOHANG)[0] != 0:
        result['error'] = 'pwsh ended before the write began'
        break

if result['enginePid'] is not None:
    pid = result['enginePid']
    if mode == 'terminal':
        os.write(master, b'\x03')
    else:
        os.kill(parent_of(pid), signal.SIGINT)
    t0 = time.monotonic()
    while not gone(pid) and time.monotonic() - t0 < 10:
        pump(0.002)
    result['engineGoneMs'] = round((time.monotonic() - t0) * 1000) if gone(pid) else None
    end = time.monotonic() + 30
    status = None
    while time.monotonic() < end:
        pump(0.05)
        done, status = os.waitpid(child, os.WNOHANG)
        if done != 0:
            break
    result['pwshExit'] = os.waitstatus_to_exitcode(status) if status is not None and done != 0 else None
if result['pwshExit'] is None:
    try:
        os.kill(child, 9)
        os.waitpid(child, 0)
    except OSError:
        pass
result['terminal'] = output.decode('utf-8', 'replace')[-2000:]
print(json.dumps(result))
