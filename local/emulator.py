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
import copy
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


def bound_dynamodb_transactions():
    """moto 5.2.5 keeps every model instance it creates (for
    /moto-api/data.json), and TransactWriteItems backs up every table it
    touches with a deep copy, all items and the whole stream, before it
    writes, inside the DynamoDB lock. So each transaction cost more than
    the one before, and the copies stayed in memory: under load the stack
    slowed and grew with every order.

    Here DynamoDB's models are not tracked (data.json is read for SES
    only), and a transaction backs up only the items it names: each one's
    prior version (or its absence), and the length of each table's stream.
    When the transaction is cancelled, those items are put back as they
    were and the stream records it added are removed, so the tables and
    streams end exactly as moto's whole-table restore left them."""
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    tracked_new = BaseModel.__new__

    def new(cls, *args, **kwargs):
        if cls.__module__.startswith("moto.dynamodb."):
            return object.__new__(cls)
        return tracked_new(cls, *args, **kwargs)

    BaseModel.__new__ = new

    in_transaction = threading.local()

    def table_deepcopy(self, memo):
        # moto's own backup inside a transaction: the table itself, which
        # the item-level undo below restores.
        if getattr(in_transaction, "on", False):
            return self
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            clone.__dict__[name] = copy.deepcopy(value, memo)
        return clone

    Table.__deepcopy__ = table_deepcopy
    transact = DynamoDBBackend.transact_write_items

    def named_item(backend, entry):
        """The table, key and prior version of the item a transaction entry
        names, or None when moto will refuse the entry anyway."""
        try:
            ((_, op),) = entry.items()
            table = backend.tables[op["TableName"]]
            attrs = op["Item"] if "Item" in op else op["Key"]
            hash_value = DynamoType(attrs[table.hash_key_attr])
            range_value = None
            if table.range_key_attr is not None:
                range_value = DynamoType(attrs[table.range_key_attr])
            prior = table.get_item(hash_value, range_value)
        except Exception:
            return None
        return table, hash_value, range_value, copy.deepcopy(prior)

    def restore(table, hash_value, range_value, prior):
        if range_value is not None:
            if prior is None:
                table.items[hash_value].pop(range_value, None)
                if not table.items[hash_value]:
                    del table.items[hash_value]
            else:
                table.items[hash_value][range_value] = prior
        elif prior is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = prior

    def transact_write_items(self, transact_items):
        named = [named_item(self, entry) for entry in transact_items]
        streams = [
            (table.stream_shard, len(table.stream_shard.items))
            for table in self.tables.values()
            if table.stream_shard is not None
        ]
        in_transaction.on = True
        try:
            return transact(self, transact_items)
        except Exception:
            for backup in reversed(named):
                if backup is not None:
                    restore(*backup)
            for shard, length in streams:
                del shard.items[length:]
            raise
        finally:
            in_transaction.on = False

    DynamoDBBackend.transact_write_items = transact_write_items


bound_dynamodb_transactions()

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
