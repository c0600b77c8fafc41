"""Run a WSGI app under gunicorn from code, building the app inside each worker (never before forking)."""

from __future__ import annotations

from collections.abc import Callable

from gunicorn.app.base import BaseApplication


class _App(BaseApplication):
    def __init__(self, load: Callable, options: dict):
        self._load, self._options = load, options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._load()


def run_gunicorn(load: Callable, *, bind: str, workers: int = 2, threads: int = 4,
                 on_worker_exit: Callable[[], None] | None = None) -> None:
    """Serve the app returned by ``load()`` until SIGTERM or Ctrl-C, then stop gracefully."""
    options = {
        "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
        "graceful_timeout": 10, "timeout": 60, "accesslog": None, "errorlog": "-", "loglevel": "warning",
    }
    if on_worker_exit is not None:
        options["worker_exit"] = lambda _server, _worker: on_worker_exit()
    _App(load, options).run()
