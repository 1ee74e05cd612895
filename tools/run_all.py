"""`make run`'s supervisor: the web server and the task queue's worker, started and stopped together.

Why: the worker sends the agencies' webhooks; a laptop that ran only the web
server would queue them forever. One command starts both, one Ctrl-C stops
both, and if either dies the other is stopped and this exits non-zero, so
`make run` never leaves half an app running. Production runs them as separate
services instead (deploy/courier-web@.service, deploy/courier-worker.service),
each restarted on its own.

Each child runs in its own process group, so a Ctrl-C in the terminal reaches
only this process, which passes the stop on exactly once: SIGTERM (graceful:
gunicorn finishes its requests, the worker its running tasks), then SIGKILL
after STOP_SECONDS or at a second Ctrl-C.

    python tools/run_all.py --bind 127.0.0.1:8000
"""
import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Longer than the worker's own shutdown wait (WEBHOOK_TIMEOUT_SECONDS + 5, courier/queue.py).
STOP_SECONDS = 20
POLL_SECONDS = 0.2


def commands(bind: str) -> dict[str, list[str]]:
    """The children, by name, run with this Python (the virtualenv's)."""
    python = sys.executable
    return {
        "web": [python, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", bind,
                "--no-control-socket", "--access-logfile", "-",
                "--logger-class", "courier.access_log.RedactingLogger", "wsgi:app"],
        "worker": [python, "-m", "flask", "--app", "courier", "worker"],
    }


def main(argv: list[str] | None = None) -> int:
    """Start the children, wait for a stop signal or for one to die, stop the rest; return the exit code."""
    parser = argparse.ArgumentParser(description="Run the web server and the worker together.")
    parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port for the web server")
    bind = parser.parse_args(argv).bind

    asked: list[int] = []  # the stop signals received, in order
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: asked.append(received))
    children = {name: subprocess.Popen(command, cwd=ROOT, process_group=0)
                for name, command in commands(bind).items()}
    running = ", ".join(f"{name} (pid {child.pid})" for name, child in children.items())
    print(f"courier: đang chạy / running {running}; Ctrl-C dừng cả hai / stops both", flush=True)

    while not asked and all(child.poll() is None for child in children.values()):
        time.sleep(POLL_SECONDS)
    died = {name: child.returncode for name, child in children.items() if child.returncode is not None}
    for name, code in died.items():
        print(f"courier: {name} đã dừng / stopped (exit {code}); dừng phần còn lại / stopping the rest",
              file=sys.stderr, flush=True)
    _stop(children, asked)
    if died and not asked:
        return max(1, *died.values())  # exited on its own, even cleanly: half an app is a failure
    return 0


def _stop(children: dict[str, subprocess.Popen], asked: list[int]) -> None:
    """SIGTERM every running child; SIGKILL what is left after STOP_SECONDS or another Ctrl-C."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline, asked_before = time.monotonic() + STOP_SECONDS, len(asked)
    while any(child.poll() is None for child in children.values()):
        if time.monotonic() > deadline or len(asked) > asked_before:
            for child in children.values():
                if child.poll() is None:
                    child.kill()
        time.sleep(POLL_SECONDS / 2)


if __name__ == "__main__":
    sys.exit(main())
