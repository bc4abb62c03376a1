#!/usr/bin/env python3
"""A reference partner mirror of the Newsroom API: what a partner needs, and nothing more.

    python examples/mirror.py sync  --api http://127.0.0.1:8000 --state mirror.json [--lang fr]
    python examples/mirror.py serve --api ... --state ... --port 9000 --secret whsec_...
    python examples/mirror.py report --state mirror.json

`sync` bootstraps from the snapshots (`/v1/export/*.ndjson`, each stamped with the change-feed
position it was taken at) when the state file is new, then follows `/v1/changes` from the
saved position until it has caught up, saving the position after every page: stopped at any
moment, it resumes where it left off, and replaying a page is harmless (an upsert fetches the
item as it is now, a delete of something not held does nothing). A `410` means the saved
position fell behind the feed's retention: it starts again from the snapshots.

`serve` receives webhooks instead of polling: it verifies each delivery's Standard Webhooks
signature (with the `standardwebhooks` package) and answers it by syncing from the feed, so a
lost or repeated delivery costs nothing. Only the standard library is needed for `sync`.
"""

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

KINDS = {"statement": "statements", "commitment": "commitments"}
USER_AGENT = "newsroom-reference-mirror/1"


class Gone(Exception):
    """The saved position is older than the feed keeps: start again from a snapshot."""


class Mirror:
    def __init__(self, api: str, state_path: Path, lang: str | None, page_size: int = 500):
        self.api = api.rstrip("/")
        self.state_path = state_path
        self.lang = lang
        self.page_size = page_size
        self.after: int | None = None
        self.items: dict[str, dict[str, Any]] = {}  # "type:id" -> {"version", "item"}
        if state_path.exists():
            saved = json.loads(state_path.read_text())
            self.after, self.items = saved["after"], saved["items"]

    # --- HTTP ----------------------------------------------------------------------------

    def _open(self, url: str) -> Any:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        return urllib.request.urlopen(request, timeout=30)

    def _get_json(self, url: str) -> Any:
        with self._open(url) as response:
            return json.load(response)

    def _url(self, path: str, **params: Any) -> str:
        query = [(k, v) for k, v in params.items() if v is not None]
        if self.lang:
            query.append(("lang", self.lang))
        return f"{self.api}{path}?{urllib.parse.urlencode(query, doseq=True)}"

    # --- state ---------------------------------------------------------------------------

    def save(self) -> None:
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"after": self.after, "items": self.items}))
        temporary.replace(self.state_path)  # atomic: a crash leaves the old state or the new

    # --- bootstrap -----------------------------------------------------------------------

    def _snapshot_lines(self, kind: str) -> Iterator[dict[str, Any]]:
        with self._open(self._url(f"/v1/export/{kind}.ndjson")) as response:
            for line in response:
                if line.strip():
                    yield json.loads(line)

    def bootstrap(self) -> None:
        """Load every snapshot; follow the feed from the earliest position they were taken
        at (events between the snapshots' positions are replayed, which is harmless)."""
        self.items, positions = {}, []
        for type_, kind in KINDS.items():
            for record in self._snapshot_lines(kind):
                if "checkpoint" in record:
                    positions.append(record["checkpoint"]["seq"])
                    continue
                item = record.get("item") or record.get("translations")
                self.items[f"{type_}:{record['id']}"] = {"version": record["version"], "item": item}
        self.after = min(positions)
        self.save()

    # --- following the feed --------------------------------------------------------------

    def _fetch(self, url: str) -> Any | None:
        try:
            return self._get_json(url + (f"?lang={self.lang}" if self.lang else ""))
        except urllib.error.HTTPError as error:
            if error.code in (404, 410):  # gone since: its tombstone follows in the feed
                return None
            raise

    def apply(self, event: dict[str, Any]) -> None:
        key = f"{event['type']}:{event['id']}"
        if event["type"] not in KINDS:
            return  # menus: this mirror keeps statements and commitments
        if event["op"] == "delete":
            self.items.pop(key, None)
            return
        item = self._fetch(event["url"])
        if item is None:
            self.items.pop(key, None)
        else:
            self.items[key] = {"version": event["version"], "item": item}

    def follow(self) -> int:
        """Pages of the feed until caught up; returns how many events were applied."""
        applied = 0
        while True:
            url = self._url("/v1/changes", after=self.after, limit=self.page_size, type=list(KINDS))
            try:
                page = self._get_json(url)
            except urllib.error.HTTPError as error:
                if error.code == 410:
                    raise Gone from error
                raise
            for event in page["items"]:
                self.apply(event)
                applied += 1
            self.after = page["next_after"]
            self.save()
            if page["next_after"] >= page["latest_seq"]:
                return applied

    def sync(self) -> int:
        if self.after is None:
            self.bootstrap()
        try:
            return self.follow()
        except Gone:
            self.bootstrap()
            return self.follow()

    def report(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for key in self.items:
            counts[key.split(":", 1)[0]] = counts.get(key.split(":", 1)[0], 0) + 1
        return {
            "after": self.after,
            "counts": counts,
            "versions": {key: held["version"] for key, held in sorted(self.items.items())},
        }


def serve(mirror: Mirror, port: int, secret: str) -> None:
    from standardwebhooks.webhooks import Webhook  # only this mode needs it

    verifier = Webhook(secret)

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                verifier.verify(body, dict(self.headers.items()))
            except Exception:
                self.send_response(401)
                self.end_headers()
                return
            mirror.sync()  # the payload only says "something changed": the feed says what
            self.send_response(204)
            self.end_headers()

    mirror.sync()
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "serve", "report"])
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--state", type=Path, default=Path("mirror.json"))
    parser.add_argument("--lang", help="Keep only items translated into this language.")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", help="The subscription's whsec_ secret (serve).")
    args = parser.parse_args(argv)
    mirror = Mirror(args.api, args.state, args.lang, args.page_size)
    if args.command == "sync":
        applied = mirror.sync()
        print(json.dumps({"applied": applied, **mirror.report()}, indent=1))
    elif args.command == "serve":
        if not args.secret:
            parser.error("serve needs --secret")
        serve(mirror, args.port, args.secret)
    else:
        print(json.dumps(mirror.report(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
