"""`wsgi:app` with pyinstrument around every request of one gunicorn worker,
for `bench/booking_storm.py --profile FILE`: the first worker to serve a
request claims the profile; at exit it writes the combined profile of all
the requests it served to FILE (text) and FILE.html.
"""

import atexit
import os
import threading

os.environ.setdefault("PYINSTRUMENT_IGNORE_OVERHEAD_WARNING", "1")  # said once per worker

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
from pyinstrument.session import Session

from wsgi import app

OUT = os.environ["CUPO_PROFILE"]
_lock = threading.Lock()
_sessions: list[Session] = []
_mine: bool | None = None


def _claim() -> bool:
    global _mine
    with _lock:
        if _mine is None:
            try:
                os.close(os.open(OUT + ".claim", os.O_CREAT | os.O_EXCL))
                _mine = True
                atexit.register(_write)
            except FileExistsError:
                _mine = False
        return _mine


def _write() -> None:
    if not _sessions:
        return
    session = _sessions[0]
    for other in _sessions[1:]:
        session = Session.combine(session, other)
    text = ConsoleRenderer(unicode=True, color=False, show_all=False).render(session)
    with open(OUT, "w") as out:
        out.write(f"{len(_sessions)} requests of worker {os.getpid()}\n{text}")
    with open(OUT + ".html", "w") as out:
        out.write(HTMLRenderer().render(session))


def profiled(environ, start_response):
    if not _claim():
        return app(environ, start_response)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        body = list(app(environ, start_response))
    finally:
        profiler.stop()
        with _lock:
            _sessions.append(profiler.last_session)
    return body
