"""Builds the web UI's static assets from npm packages: `python -m web.build [OUTPUT_DIR]`.

Output (served under WEB_ASSETS_PATH: by CloudFront from S3 in AWS, by the local web server locally):
app.css (GOV.UK Frontend compiled by Sass with our settings), app.mjs, govuk-frontend.min.js, GOV.UK
Frontend's images and manifest. The build is skipped when its inputs have not changed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from shared.resources import PROJECT_ROOT

WEB_DIR = Path(__file__).resolve().parent
SOURCE_DIR = WEB_DIR / "assets"
GOVUK_DIST = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
SASS = PROJECT_ROOT / "node_modules" / ".bin" / "sass"
ASSETS_BUILD_DIR = PROJECT_ROOT / "build" / "web-assets"
STAMP = ".build-stamp"


class AssetBuildError(RuntimeError):
    pass


def _fingerprint() -> str:
    digest = hashlib.sha256()
    package = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "package.json"
    for path in [package, *sorted(SOURCE_DIR.iterdir())]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_assets(output: Path = ASSETS_BUILD_DIR) -> Path:
    if not GOVUK_DIST.is_dir() or not SASS.exists():
        raise AssetBuildError("npm packages missing: run ./dev run or ./dev test (they run npm ci)")
    fingerprint = _fingerprint()
    if (output / STAMP).is_file() and (output / STAMP).read_text() == fingerprint:
        return output
    staging = output.with_name(output.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(GOVUK_DIST / "assets" / "images", staging / "images")
    shutil.copy2(GOVUK_DIST / "assets" / "manifest.json", staging / "manifest.json")
    shutil.copy2(GOVUK_DIST / "govuk-frontend.min.js", staging / "govuk-frontend.min.js")
    shutil.copy2(SOURCE_DIR / "app.mjs", staging / "app.mjs")
    result = subprocess.run(
        [str(SASS), "--style=compressed", "--no-source-map", "--pkg-importer=node", "--quiet-deps",
         str(SOURCE_DIR / "app.scss"), str(staging / "app.css")],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise AssetBuildError(f"Sass could not compile web/assets/app.scss:\n{result.stderr.strip()}")
    (staging / STAMP).write_text(fingerprint)
    shutil.rmtree(output, ignore_errors=True)
    try:
        staging.rename(output)
    except OSError:  # a parallel build finished first with the same inputs
        shutil.rmtree(staging, ignore_errors=True)
    return output


if __name__ == "__main__":
    print(build_assets(Path(sys.argv[1]) if len(sys.argv) > 1 else ASSETS_BUILD_DIR))
