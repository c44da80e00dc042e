import pytest

from apikeys import hash_key
from cli import main


def test_api_key_prints_a_key_and_its_hash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["api-key"]) == 0
    printed = dict(
        (label, value.strip())
        for label, _, value in (
            line.partition(":") for line in capsys.readouterr().out.splitlines()
        )
    )
    assert hash_key(printed["key"]) == printed["hash"]
