"""gunicorn's settings for Cupo's web process (Procfile) and for
bench/booking_storm.py, which runs the app the same way.

Each can be overridden from the environment: WEB_CONCURRENCY (workers),
GUNICORN_WORKER_CLASS and GUNICORN_THREADS, PORT. The defaults are what
bench/booking_storm.py measured best on a 2-core machine (issue 15: see
bench/README.md for the figures): threads let a worker answer other
requests while one waits on a class's row lock or on PostgreSQL.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
#: a worker that saw this many requests is replaced, spreading any leak.
#: Replacing one closes its kept-alive connections, and a client sending on
#: one at that instant gets no answer (browsers resend; not every client
#: does), so not too often: a booking storm of 2,000 members used to
#: recycle every worker mid-race at 2,000.
max_requests = 10000
max_requests_jitter = 1000
timeout = 30
#: seconds a kept-alive connection may idle: well above what clients and
#: proxies keep theirs (the storm's client: 1 s), so the client closes first
keepalive = 5
#: the app logs its own lines; gunicorn's access log would repeat them
accesslog = None
