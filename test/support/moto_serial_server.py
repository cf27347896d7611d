"""moto's server (python3 -m moto.server), answering one request at a time.

moto's backends check a condition and then write without a lock, so two concurrent conditional
writes could both succeed, which DynamoDB never lets happen: serialized, moto keeps the promise the
store's concurrency tests rely on. Usage: python3 moto_serial_server.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

host, port = sys.argv[1], int(sys.argv[2])
# moto builds some URLs (SQS queue URLs) from it, as its own server does.
os.environ.setdefault("MOTO_PORT", str(port))
backends = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()


def serialized(environ, start_response):
    with one_at_a_time:
        # The whole response inside the lock: moto builds it while handling the request.
        return list(backends(environ, start_response))


run_simple(host, port, serialized, threaded=True)
