"""Running the generator again reproduces the committed CSVs byte for byte."""

from __future__ import annotations

import filecmp

from reference_data.generate import generate
from reference_data.paths import default_paths, table_file

from .conftest import BUNDLED_TABLES_DIR as TABLES_DIR
from .conftest import TABLE_CODES


def test_regeneration_is_byte_identical(tmp_path):
    written = generate(default_paths(), tmp_path)
    assert sorted(written) == sorted(TABLE_CODES)
    for code in TABLE_CODES:
        assert filecmp.cmp(written[code], table_file(TABLES_DIR, code), shallow=False), code
