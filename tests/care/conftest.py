from tests.cli.conftest import saldo

__all__ = ["saldo"]
