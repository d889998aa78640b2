"""`./dev run` stands in for the print supplier's own SFTP server on loopback and configures the print push to it
as the CDK app would in AWS: its address and pinned host key in the functions' environment, the client key a secret."""

from __future__ import annotations

import io
import json
import os

from infra.local.provision import SupplierPushSettings, provision
from infra.local.supplier_sftp import local_supplier
from shared.bootstrap import push_desk
from shared.resources import PRINT_DISPATCH_FUNCTION, PRINT_PUSH_FUNCTION, SUPPLIER_PUSH_KEY_SECRET_NAME, Env


def test_the_local_stack_configures_the_push_to_its_supplier_server(aws, councils):
    with local_supplier() as supplier:
        provision(aws, councils, supplier_push=SupplierPushSettings(supplier.target_json, supplier.client_private_key))
        assert os.environ[Env.SUPPLIER_PUSH] == supplier.target_json
        secret = aws.client("secretsmanager").get_secret_value(SecretId=os.environ[Env.SUPPLIER_PUSH_KEY_SECRET])
        assert secret["Name"] == SUPPLIER_PUSH_KEY_SECRET_NAME and secret["SecretString"] == supplier.client_private_key
        for function in (PRINT_DISPATCH_FUNCTION, PRINT_PUSH_FUNCTION):
            variables = aws.client("lambda").get_function_configuration(FunctionName=function.function_name)["Environment"]["Variables"]
            assert variables[Env.SUPPLIER_PUSH] == supplier.target_json

        server = push_desk().server  # the pinned host key and the client key from the secret work together
        server.push(io.BytesIO(b"<BadgePrintExtract/>"), "BADGEEXTRACT_20261201003000_STANDARD.xml")
        assert (supplier.upload_folder / "BADGEEXTRACT_20261201003000_STANDARD.xml").read_bytes() == b"<BadgePrintExtract/>"
        assert supplier.url == f"sftp://print-supplier@127.0.0.1:{json.loads(supplier.target_json)['port']}/upload"
    assert not supplier.upload_folder.exists()  # removed when the stand-in stops


def test_without_a_supplier_server_nothing_is_pushed(resources):
    assert os.environ[Env.SUPPLIER_PUSH] == "" and os.environ[Env.SUPPLIER_PUSH_KEY_SECRET] == ""
