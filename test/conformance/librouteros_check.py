"""Conformance driver: Debian's python3-librouteros (3.4.x) against a simulated router.

Run by librouteros.test.ts with PYTHONPATH pointing at the unpacked package (test/helpers/tools.ts
pythonEnv()). argv[1] is a JSON spec:

    {"port": 12345, "username": "admin", "password": "...", "login": "plain" | "token",
     "scenario": "session" | "bad-login" | "empty"}

Prints exactly one JSON line with what librouteros returned; exceptions are reported, not raised, so
the TypeScript test can assert them. Values come back as librouteros casts them (ints, booleans).
"""

import json
import logging
import sys
import traceback

import librouteros
from librouteros.exceptions import LibRouterosError, TrapError
from librouteros.login import plain, token
from librouteros.query import Key, Or

HOST = "127.0.0.1"


class WireLog(logging.Handler):
    """librouteros logs every word it sends (`<--- 'word'`) and receives (`---> 'word'`), then `EOS`."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def sentences(self, direction):
        """Sentences (lists of words) seen in one direction since the last clear()."""
        result, current = [], []
        for line in self.lines:
            if not line.startswith(direction + " "):
                continue
            word = line[len(direction) + 1 :]
            if word == "EOS":
                result.append(current)
                current = []
            else:
                current.append(word[1:-1])  # strip the repr quotes
        return result

    def clear(self):
        self.lines = []


WIRE = WireLog()
_logger = logging.getLogger("librouteros")
_logger.setLevel(logging.DEBUG)
_logger.addHandler(WIRE)


def on_wire(call):
    """Runs call() and returns its result with the sentences sent and the reply words received meanwhile."""
    WIRE.clear()
    result = call()
    return {
        "result": result,
        "sent": WIRE.sentences("<---"),
        "replies": [sentence[0] for sentence in WIRE.sentences("--->") if sentence],
    }


def connect(spec, password=None):
    method = token if spec["login"] == "token" else plain
    return librouteros.connect(
        HOST,
        spec["username"],
        spec["password"] if password is None else password,
        port=spec["port"],
        timeout=5,
        login_method=method,
    )


def trap_of(call):
    """Runs call(); returns the trap it raised as data (or what it returned, which is a failure)."""
    try:
        return {"returned": call()}
    except TrapError as error:
        return {"trap": str(error), "category": error.category}


def identity(api):
    return [row["name"] for row in api.path("system", "identity")]


def session(spec):
    api = connect(spec)
    try:
        interfaces = api.path("interface")
        name, kind = Key("name"), Key("type")
        return {
            "identity": identity(api),
            # select() sends =.proplist=name,type; where() sends ?=type=ether.
            "ethers": on_wire(lambda: list(interfaces.select(name, kind).where(kind == "ether"))),
            "etherOrVlan": [row["name"] for row in interfaces.select(name).where(Or(kind == "ether", kind == "vlan"))],
            "notEther": [row["name"] for row in interfaces.select(name).where(kind != "ether")],
            "allNames": [row["name"] for row in interfaces.select(name)],
            # !done attributes come back as a row, like node-routeros.
            "countOnly": list(api.rawCmd("/interface/print", "=count-only=")),
            "countEthers": list(api.rawCmd("/interface/print", "=count-only=", "?type=ether")),
            "monitor": [
                row["name"] for row in api.rawCmd("/interface/ethernet/monitor", "=numbers=ether1,ether2", "=once=")
            ],
            "unknownPath": trap_of(lambda: list(api.rawCmd("/ip/adress/print"))),
            "missingMenu": trap_of(lambda: list(api.path("interface", "lte"))),
            "identityAfterTraps": identity(api),
        }
    finally:
        api.close()


def bad_login(spec):
    try:
        api = connect(spec, password="definitely-wrong")
    except TrapError as error:
        return {"trap": str(error), "category": error.category}
    api.close()
    return {"loggedIn": True}


def empty(spec):
    """RouterOS 7.18+ answers an empty print with !empty then !done."""
    api = connect(spec)
    try:
        return {
            "health": on_wire(lambda: list(api.path("system", "health"))),
            "noVlans": on_wire(lambda: list(api.path("interface").select(Key("name")).where(Key("type") == "vlan"))),
            "countHealth": list(api.rawCmd("/system/health/print", "=count-only=")),
            "identityAfter": identity(api),
        }
    finally:
        api.close()


SCENARIOS = {"session": session, "bad-login": bad_login, "empty": empty}


def main():
    spec = json.loads(sys.argv[1])
    try:
        result = {"ok": SCENARIOS[spec["scenario"]](spec)}
    except (LibRouterosError, OSError) as error:
        result = {"error": type(error).__name__, "message": str(error), "trace": traceback.format_exc()}
    result["librouteros"] = getattr(librouteros, "__version__", None) or package_version()
    print(json.dumps(result))


def package_version():
    try:
        from importlib.metadata import version

        return version("librouteros")
    except Exception:  # noqa: BLE001 - the version is informative only
        return None


if __name__ == "__main__":
    main()
