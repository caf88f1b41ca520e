"""System tools the check-in tests call: decoding a QR with zbarimg.

bin/test installs the tools, or lists the missing ones in CUPO_SKIP_TOOLS
("zbarimg pdftotext") when it cannot; then the tests that need them are
skipped. Under CI=true a missing tool fails the test instead.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def require_tool(name: str, package: str) -> str:
    """The tool's path; or skip (bin/test said it is missing), or fail."""
    path = shutil.which(name)
    if path:
        return path
    missing = f"{name} is not installed (Debian package {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}; CI needs it")
    if name in os.environ.get("CUPO_SKIP_TOOLS", "").split():
        pytest.skip(f"{missing}; CUPO_SKIP_TOOLS lists it")
    pytest.fail(f"{missing}; run bin/test, which installs it or skips these tests")


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG, read by zbar (not by our own code)."""
    zbarimg = require_tool("zbarimg", "zbar-tools")
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "code.png"
        image.write_bytes(png)
        result = subprocess.run(
            [zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 0, f"zbarimg found no code: {result.stderr}"
    return result.stdout.strip()
