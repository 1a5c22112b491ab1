from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bns_ingest.context import Dimensions

from .bns_layouts import SEEDS


@pytest.fixture(scope="session")
def dims() -> Dimensions:
    return Dimensions.from_seeds(SEEDS)
