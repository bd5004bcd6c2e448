"""Publish the recorded asv results and check the page in a real headless browser.

Runs ``asv publish``, serves ``html/`` on a free local port, opens the graph of
each key benchmark in headless Chromium and fails (exit status 1) unless every
one renders a plotted graph (asv draws with flot: a ``flot-base`` canvas and a
y-axis label). With ``--screenshot PATH`` it also saves a picture of the first
graph. Run from anywhere, in the environment that has asv::

    python asv_bench/check_page.py --screenshot docs/asv_history.png

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``).

asv's page loads jQuery, flot, bootstrap and a few small libraries from public
CDNs, which a machine without internet access cannot reach (the page then says
"Can not determine continental origin of swallow"). This script fetches the same
libraries, at the same versions, from the npm registry (``npm pack``, cached in
``env/asv-vendor/``), copies them to ``html/vendor/`` and points the published
``index.html`` at the copies, so the page also works offline in ``asv preview``.
"""

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: The graphs a newcomer looks at first: they must all render.
KEY_BENCHMARKS = [
    "ratios.ContinuousOverOfflineFFT.track_ratio",
    "ratios.SpeedUpOverNaive.track_speed_up",
    "ratios.PushBlockLatency.track_latency",
    "streaming.PushBlock.time_push_block",
    "models.FIRFit.time_fit",
]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
    # Time for the page's scripts to load the results and draw the graph.
    "--virtual-time-budget=20000",
]


#: What asv's page loads from CDNs: the npm package (same release) and file in it.
VENDORED = {
    "https://code.jquery.com/jquery-3.3.1.min.js": (
        "jquery@3.3.1",
        "dist/jquery.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.min.js": (
        "flot@0.8.3",
        "jquery.flot.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.time.min.js": (
        "flot@0.8.3",
        "jquery.flot.time.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.selection.min.js": (
        "flot@0.8.3",
        "jquery.flot.selection.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.categories.min.js": (
        "flot@0.8.3",
        "jquery.flot.categories.js",
    ),
    "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js": (
        "flot-orderbars@1.0.0",
        "js/jquery.flot.orderBars.js",
    ),
    # 1.0.1 is not on npm; the sorting plugin's API is the same in 1.1.3.
    "https://cdnjs.cloudflare.com/ajax/libs/stupidtable/1.0.1/stupidtable.min.js": (
        "stupid-table-plugin@1.1.3",
        "stupidtable.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/blueimp-md5/2.19.0/js/md5.min.js": (
        "blueimp-md5@2.19.0",
        "js/md5.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/js/bootstrap.min.js": (
        "bootstrap@3.1.1",
        "dist/js/bootstrap.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css": (
        "bootstrap@3.1.1",
        "dist/css/bootstrap.min.css",
    ),
}


def npm_package(spec: str, cache: Path) -> Path:
    """The unpacked ``package/`` folder of the npm package ``spec``, fetched once."""
    folder = cache / spec.replace("@", "-")
    if not folder.exists():
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "pack", "--silent", spec],
            cwd=cache,
            capture_output=True,
            text=True,
            check=True,
        )
        archive = cache / done.stdout.strip().splitlines()[-1]
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
    return folder / "package"


def vendor_page(html: Path, cache: Path) -> None:
    """Copy the CDN libraries into ``html/vendor/`` and point ``index.html`` at them."""
    index = html / "index.html"
    page = index.read_text()
    for url, (spec, file) in VENDORED.items():
        if url not in page:
            continue
        local = Path("vendor") / spec / file
        (html / local).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(npm_package(spec, cache) / file, html / local)
        page = page.replace(url, local.as_posix())
    # The CDN tags carry subresource-integrity hashes of the CDN's (minified)
    # files, which the browser would hold against the copies: drop them there.
    page = re.sub(
        r'(<(?:script|link)\b[^>]*"vendor/[^>]*?)\s+integrity="[^"]*"', r"\1", page
    )
    index.write_text(page)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``directory`` on a free port of 127.0.0.1, in a background thread."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def chromium(url: str, *options: str, profile: Path) -> str:
    """Run headless Chromium on ``url`` with ``options``; return what it printed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *options, url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, help="save the first graph here")
    args = parser.parse_args(argv)
    subprocess.run(["asv", "publish"], cwd=HERE, check=True)
    vendor_page(HERE / "html", HERE / "env" / "asv-vendor")
    server = serve(HERE / "html")
    base = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    profile = HERE / "env" / "chromium-profile"
    failures = []
    for name in KEY_BENCHMARKS:
        dom = chromium(f"{base}#{name}", "--dump-dom", profile=profile)
        drawn = "flot-base" in dom and "flot-y-axis" in dom
        print(f"{'ok' if drawn else 'NOT RENDERED'}: {name}")
        if not drawn:
            failures.append(name)
    if args.screenshot:
        target = args.screenshot.resolve()
        chromium(
            f"{base}#{KEY_BENCHMARKS[0]}", f"--screenshot={target}", profile=profile
        )
        print(f"screenshot: {target}")
    server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
