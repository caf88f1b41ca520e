"""System tools the tests read our outputs back with: zbarimg (QR codes,
Debian zbar-tools), pdftotext (PDFs, poppler-utils), WeasyPrint's Pango, and
Java with the W3C Nu HTML checker (vnu-jar, fetched by bin/test).

bin/test installs them, or lists the missing ones in CUPO_SKIP_TOOLS
("zbarimg pdftotext weasyprint java vnu") when it cannot; then the tests that need
them are skipped. Under CI=true a missing tool fails the test instead.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _missing(name: str, what: str) -> None:
    """Skip (bin/test said `name` is missing) or fail (CI, or bin/test not used)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; CI needs it")
    if name in os.environ.get("CUPO_SKIP_TOOLS", "").split():
        pytest.skip(f"{what}; CUPO_SKIP_TOOLS lists it")
    pytest.fail(f"{what}; run bin/test, which installs it or skips these tests")


def require_tool(name: str, package: str) -> str:
    """The tool's path; or skip, or fail."""
    path = shutil.which(name)
    if path is None:
        _missing(name, f"{name} is not installed (Debian package {package})")
    return path


def require_weasyprint() -> None:
    """Return when WeasyPrint loads (it needs Pango); or skip, or fail."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        packages = "Debian packages libpango-1.0-0 libpangoft2-1.0-0"
        _missing("weasyprint", f"weasyprint cannot be loaded ({exc}; {packages})")


def _read_back(tool: str, package: str, data: bytes, filename: str, *args: str):
    """Run `tool *args file` on `data` written to a temporary file."""
    path = require_tool(tool, package)
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / filename
        document.write_bytes(data)
        arguments = [a.replace("{file}", str(document)) for a in args]
        return subprocess.run([path, *arguments], capture_output=True, text=True, timeout=30)


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG, read by zbar (not by our own code)."""
    result = _read_back("zbarimg", "zbar-tools", png, "code.png", "--raw", "-q", "{file}")
    assert result.returncode == 0, f"zbarimg found no code: {result.stderr}"
    return result.stdout.strip()


def pdf_text(data: bytes) -> str:
    """The text of a PDF, as pdftotext reads it (layout kept, so a line stays a line)."""
    result = _read_back(
        "pdftotext", "poppler-utils", data, "invoice.pdf", "-layout", "-enc", "UTF-8", "{file}", "-"
    )
    assert result.returncode == 0, f"pdftotext failed: {result.stderr}"
    return result.stdout


def swap_receivers(monkeypatch, signal, *receivers) -> None:
    """For one test, `signal` reaches only `receivers` (restored by monkeypatch)."""

    def send(sender=None, /, **kwargs):
        return [(receiver, receiver(sender, **kwargs)) for receiver in receivers]

    monkeypatch.setattr(signal, "send", send)


def require_vnu() -> tuple[str, str]:
    """(java, vnu.jar) for the W3C Nu HTML checker; or skip, or fail.

    bin/test fetches the pinned vnu-jar into .cache/vnu/ and names it in
    CUPO_VNU_JAR (or lists "vnu" in CUPO_SKIP_TOOLS when it could not).
    """
    java = require_tool("java", "openjdk-17-jre-headless")
    jar = os.environ.get("CUPO_VNU_JAR", "")
    if not jar or not Path(jar).is_file():
        _missing("vnu", f"the Nu HTML checker is not at {jar or 'CUPO_VNU_JAR (unset)'}")
    return java, jar
