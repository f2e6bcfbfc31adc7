"""Make sure Debian's Chromium is there for the browser tests (Playwright drives it; no
browser is downloaded). Installs it with apt-get when running as root, else explains."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        sys.stdout.write("Installing Debian's chromium for the browser tests...\n")
        subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S603, S607
        subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "-qq", "chromium"],  # noqa: S607
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return 0
    sys.stderr.write(
        "The browser tests need Chromium at /usr/bin/chromium. On Debian or Ubuntu run:\n"
        "    sudo apt-get install chromium\n"
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
