"""Render a clip through the Vernissage API and wait for it: by polling (the default) or by webhook.

    python examples/render_and_wait.py --url https://vernissage.example.org --prompt "a paper boat in the rain"
    python examples/render_and_wait.py --url ... --prompt ... --webhook     # the token needs the webhooks scope

The token comes from $VERNISSAGE_TOKEN (or --token). With --webhook the script listens on 127.0.0.1 (or
--listen HOST:PORT), registers that address for render.finished and render.failed, verifies the signature of
what arrives, and deletes the endpoint when done; --public-url names the address the site should call when
it differs from the listening one. Prints one JSON line per change, then the final render; exits 0 when the
render succeeded, 1 when it failed or was cancelled, 2 on an API error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from vernissage_client import ApiError, Client, Receiver  # noqa: E402 (after the path line)


def _line(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def by_polling(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    render = client.renders_create(
        prompt=args.prompt, duration_s=args.duration, width=args.width, height=args.height, seed=args.seed
    )
    _line(event="submitted", id=render["id"], status=render["status"])
    seen: list[tuple[str, float]] = []

    def progress(current: Any) -> None:
        state = (current["status"], current["progress"])
        if not seen or seen[-1] != state:
            seen.append(state)
            _line(event="progress", status=current["status"], progress=current["progress"], eta_s=current["eta_s"])

    return dict(
        client.wait_for_render(render["id"], timeout=args.timeout, interval=args.interval, on_progress=progress)
    )


def by_webhook(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    host, _, port = args.listen.rpartition(":")
    with Receiver(host=host or "127.0.0.1", port=int(port or 0)) as receiver:
        endpoint = client.webhook_create(
            url=args.public_url or receiver.url,
            events=["render.finished", "render.failed"],
            description="render_and_wait",
        )
        receiver.secret = endpoint["secret"]
        _line(event="listening", url=receiver.url, endpoint=endpoint["id"])
        try:
            render = client.renders_create(
                prompt=args.prompt, duration_s=args.duration, width=args.width, height=args.height, seed=args.seed
            )
            _line(event="submitted", id=render["id"], status=render["status"])
            event = receiver.wait_for(
                lambda e: e.get("data", {}).get("job", {}).get("id") == render["id"], timeout=args.timeout
            )
            _line(event="delivered", type=event["type"], delivery=event["id"])
            return dict(client.render(render["id"]))
        finally:
            client.webhook_delete(endpoint["id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True, help="the site, e.g. https://vernissage.example.org")
    parser.add_argument("--token", default=os.environ.get("VERNISSAGE_TOKEN", ""), help="default: $VERNISSAGE_TOKEN")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--duration", type=int, default=2, help="seconds (1-10)")
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=512)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the render")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--webhook", action="store_true", help="wait for a webhook delivery instead of polling")
    parser.add_argument("--listen", default="127.0.0.1:0", help="with --webhook: HOST:PORT to listen on")
    parser.add_argument("--public-url", default="", help="with --webhook: the URL the site calls, if not --listen's")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give a token: --token or $VERNISSAGE_TOKEN")
    client = Client(args.url, token=args.token)
    try:
        final = by_webhook(client, args) if args.webhook else by_polling(client, args)
    except ApiError as exc:
        _line(event="error", status=exc.status, code=exc.code, detail=exc.detail, errors=exc.errors)
        return 2
    _line(event="done", status=final["status"], error=final["error"], clip=final["clip"])
    return 0 if final["status"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
