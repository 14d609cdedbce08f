"""The local AWS emulator: moto's server with DynamoDB requests serialised.

moto's threaded server takes no item lock, so concurrent conditional
transactions can oversell stock. Holding one lock around every request
whose X-Amz-Target starts with ``DynamoDB_`` makes DynamoDB's conditional
writes behave as they do on AWS, while SQS long polls and Step Functions
keep running concurrently.

The process exits when its parent does (``--parent-pid``), so a test run or
``make dev`` that dies never leaves an emulator behind.
"""

import argparse
import os
import signal
import sys
import threading
import time

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)


def keep_task_failure_cause():
    """moto 5.2.5's SendTaskFailure drops the ``cause`` parameter, so a
    ``Catch`` sees ``$.error.Cause`` as null where AWS passes the worker's
    reason. Forward it, as AWS does."""
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def send_task_failure(self):
        self.stepfunction_backend.send_task_failure(
            self._get_param("taskToken"),
            error=self._get_param("error"),
            cause=self._get_param("cause"),
        )
        return EmptyResult()

    StepFunctionResponse.send_task_failure = send_task_failure


keep_task_failure_cause()

# EMULATOR_SERIALISE=0 turns the lock off, to show the oversell it prevents.
SERIALISE = os.environ.get("EMULATOR_SERIALISE", "1") != "0"


class SerialisedDynamoDB:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("DynamoDB_") and SERIALISE:
            with self.lock:
                # Materialise the response inside the lock.
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


def watch_parent(parent_pid):
    while True:
        try:
            os.kill(parent_pid, 0)
        except OSError:
            os._exit(0)
        if os.getppid() == 1:
            os._exit(0)
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid,), daemon=True).start()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        SerialisedDynamoDB(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
