"""Lighthouse 12.2.3 on a page of a signed-in browser: what
tests/e2e/test_lighthouse.py asserts and bench/lighthouse.py prints.

Lighthouse is the npm package pinned in tests/e2e/vendor/lighthouse/;
bin/test installs it with `npm ci` into .cache/lighthouse/ and names its CLI
in CUPO_LIGHTHOUSE (or sets CUPO_SKIP_LIGHTHOUSE to the reason it could not).

The browser is the system Chromium, started by Playwright with a persistent
profile and a DevTools port: Playwright signs the member in through the real
form, then the Lighthouse CLI connects to that port (`--port`) and audits a
new tab of the same browser, so it sees the page with the member's session
cookie, as the member does. Lighthouse clears the origin's service workers
and caches before it loads the page, never its cookies.

Lighthouse 12 has no PWA category, and none of the installability audits
it held (installable-manifest, splash-screen, themed-omnibox, maskable-icon,
content-width, apple-touch-icon, service-worker, offline-start-url) is in
12.2.3's `lighthouse --list-all-audits`. What it still has of that category
is INSTALLABILITY_AUDITS; Chromium's own installability check
(Page.getInstallabilityErrors) is tests/e2e/test_installable.py.
"""

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CLI = ROOT / ".cache" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
VERSION = "12.2.3"

# What Lighthouse 12.2.3 kept of the PWA category's checks: `viewport` (a
# <meta name="viewport"> with width or initial-scale, which Chromium needs to
# treat the page as made for phones), `is-on-https` (every request secure:
# a service worker and install need a secure context; 127.0.0.1 is one) and
# `redirects-http` (plain HTTP sent to HTTPS).
INSTALLABILITY_AUDITS = ("viewport", "is-on-https", "redirects-http")
# Audits that may answer "not applicable", and why that is no failure:
NOT_APPLICABLE = {
    "redirects-http": (
        "Lighthouse counts only a page first requested over http:// on a host other "
        "than localhost; the test server is 127.0.0.1, a secure context by definition"
    ),
}

# Lighthouse's mobile run, at the width of the phones the member app is checked at
PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2}


def cli() -> Path:
    """The Lighthouse CLI bin/test installed (CUPO_LIGHTHOUSE, else its default place)."""
    return Path(os.environ.get("CUPO_LIGHTHOUSE") or DEFAULT_CLI)


def _devtools_port(profile: Path, timeout: float = 10.0) -> int:
    """The port Chromium chose for --remote-debugging-port=0 (it writes it in the profile)."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.is_file() and (first := marker.read_text().split("\n", 1)[0].strip()):
            return int(first)
        time.sleep(0.1)
    raise RuntimeError(f"Chromium wrote no DevToolsActivePort in {profile}")


@contextmanager
def signed_in_browser(playwright, base_url: str, profile: Path, sign_in) -> Iterator[int]:
    """The system Chromium with a persistent profile at `profile`, after
    `sign_in(page)` ran in it; yields the DevTools port for Lighthouse's --port."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--remote-debugging-port=0"],  # on 127.0.0.1
        base_url=base_url,
    )
    context.set_default_timeout(10_000)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page)
        yield _devtools_port(profile)
    finally:
        context.close()


def run(url: str, port: int, output: Path, *, mobile: bool, timeout: float = 90) -> dict:
    """Lighthouse's JSON report of `url`: the accessibility category and
    INSTALLABILITY_AUDITS, in the browser listening on `port`; mobile at PHONE
    width, else Lighthouse's desktop preset. Throttling stays Lighthouse's default,
    simulated: nothing slows the browser down, and the waits for a quiet page stay
    at 1 s each (real throttling would make them 5.25 s)."""
    args = [
        str(cli()),
        url,
        f"--port={port}",
        "--hostname=127.0.0.1",
        "--only-categories=accessibility",
        f"--only-audits={','.join(INSTALLABILITY_AUDITS)}",
        "--disable-full-page-screenshot",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    if mobile:
        args += [
            "--form-factor=mobile",
            "--screenEmulation.mobile",
            f"--screenEmulation.width={PHONE['width']}",
            f"--screenEmulation.height={PHONE['height']}",
            f"--screenEmulation.deviceScaleFactor={PHONE['deviceScaleFactor']}",
        ]
    else:
        args.append("--preset=desktop")
    output.unlink(missing_ok=True)  # never read an earlier run's report
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not output.is_file():
        raise RuntimeError(
            f"lighthouse exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}"
        )
    return json.loads(output.read_text())


def _items(audit: dict, limit: int = 5) -> list[str]:
    """The elements an audit names, as `selector: snippet (explanation)`."""
    lines = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        node = item.get("node") or {}
        if node:
            line = f"{node.get('selector', '?')}: {node.get('snippet', '')}"
            if node.get("explanation"):
                line += f" ({' '.join(node['explanation'].split())})"
        else:
            line = json.dumps(item, ensure_ascii=False)[:300]
        lines.append(line)
    return lines


def _describe(audit: dict) -> str:
    why = audit.get("errorMessage") or audit.get("explanation") or ""
    title = f" ({audit['title']})" if audit.get("title") else ""
    head = f"{audit['id']}{title}: score {audit.get('score')}"
    head += f", {audit.get('scoreDisplayMode')}" + (f" - {why}" if why else "")
    return "\n".join([head, *(f"    {line}" for line in _items(audit))])


def accessibility_score(report: dict) -> float | None:
    return report["categories"]["accessibility"]["score"]


def accessibility_failures(report: dict) -> list[str]:
    """Each scored accessibility audit that did not pass, with the elements it names."""
    audits = report["audits"]
    failures = []
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        audit = audits[ref["id"]]
        mode = audit.get("scoreDisplayMode")
        if mode == "error" or (mode in ("binary", "numeric") and audit.get("score") != 1):
            failures.append(_describe(audit))
    return failures


def installability_failures(report: dict) -> list[str]:
    """Each of INSTALLABILITY_AUDITS that did not pass (or was not run), unless
    NOT_APPLICABLE says why it may not apply."""
    failures = []
    for audit_id in INSTALLABILITY_AUDITS:
        audit = report["audits"].get(audit_id)
        if audit is None:
            failures.append(f"{audit_id}: not in the report (not run)")
        elif audit.get("scoreDisplayMode") == "notApplicable":
            if audit_id not in NOT_APPLICABLE:
                failures.append(_describe(audit))
        elif audit.get("score") != 1:
            failures.append(_describe(audit))
    return failures


def summary(report: dict) -> list[str]:
    """Lines for a person: the page, the accessibility score and each installability audit."""
    settings = report["configSettings"]
    width = settings["screenEmulation"]["width"]
    lines = [
        f"{report['finalDisplayedUrl']} ({settings['formFactor']}, {width} px, "
        f"Lighthouse {report['lighthouseVersion']}, {report['environment']['hostUserAgent']})",
        f"  accessibility: {round(100 * (accessibility_score(report) or 0))}",
    ]
    for audit_id in INSTALLABILITY_AUDITS:
        audit = report["audits"].get(audit_id)
        if audit is None:
            lines.append(f"  {audit_id}: not run")
            continue
        mode = audit.get("scoreDisplayMode")
        verdict = "not applicable" if mode == "notApplicable" else f"score {audit.get('score')}"
        lines.append(f"  {audit_id}: {verdict} - {audit.get('title', '')}")
    lines += [f"  failing: {line}" for line in accessibility_failures(report)]
    lines += [f"  runtime warning: {w}" for w in report.get("runWarnings", [])]
    return lines


def require_cli() -> Path:
    """The CLI when it can run; else skip with bin/test's reason
    (CUPO_SKIP_LIGHTHOUSE), or fail: under CI=true, or when bin/test was not run."""
    import pytest

    path = cli()
    reason = os.environ.get("CUPO_SKIP_LIGHTHOUSE")
    if not reason:
        if shutil.which("node") is None:
            reason = "node is not installed"
        elif not os.access(path, os.X_OK):
            reason = f"it is not installed at {path}"
        else:
            return path
    what = f"Lighthouse {VERSION} cannot run: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; CI needs it", pytrace=False)
    if os.environ.get("CUPO_SKIP_LIGHTHOUSE"):
        pytest.skip(what)
    pytest.fail(f"{what}; run bin/test, which installs it or says why it cannot", pytrace=False)
