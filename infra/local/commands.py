"""What the on-demand commands (reminders, print_dispatch, print_results) share: the running local stack's
address as options, and clients for it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import boto3

from shared.resources import DEFAULT_REGION


def command_parser(module: str, doc: str) -> argparse.ArgumentParser:
    """A parser for `python -m infra.local.<module>` with --host and --moto-port defaulting to `./dev run`'s."""
    from infra.local.__main__ import parse_args as stack_args

    stack = stack_args([])
    parser = argparse.ArgumentParser(prog=f"python -m infra.local.{module}", description=doc.splitlines()[0])
    parser.add_argument("--moto-port", type=int, default=stack.moto_port, help=f"moto port of the local stack (default {stack.moto_port})")
    parser.add_argument("--host", default=stack.host, help=f"host of the local stack (default {stack.host})")
    return parser


def stack_clients(args: argparse.Namespace) -> Callable[[str], Any]:
    """`service name -> client` for the local stack at --host/--moto-port."""
    from infra.local.__main__ import DUMMY_CREDENTIALS

    session = boto3.session.Session(region_name=DEFAULT_REGION, aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    return lambda service: session.client(service, endpoint_url=f"http://{args.host}:{args.moto_port}")
