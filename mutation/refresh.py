"""Brings mutmut's copy of the project in mutants/ up to date before `make mutants` runs again.

mutmut copies the source folders into mutants/ once and afterwards regenerates only the modules it mutates, so a
second run would test today's rules against yesterday's views, forms and templates (a new test of a changed
template fails there, and mutmut's statistics run stops). This copies again every file whose source changed,
except the mutated modules, which mutmut keeps itself.
"""

import filecmp
import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def refresh() -> list[Path]:
    """Copy the changed unmutated files of the source folders into mutants/; returns them, relative to the root."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    mutated = {Path(path) for path in config["only_mutate"]}
    copied = []
    for folder in config["source_paths"]:
        for source in sorted((ROOT / folder).rglob("*")):
            relative = source.relative_to(ROOT)
            target = ROOT / "mutants" / relative
            if not source.is_file() or "__pycache__" in relative.parts or relative in mutated:
                continue
            if target.exists() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(relative)
    return copied


if __name__ == "__main__":
    if (ROOT / "mutants").is_dir():
        print(f"mutants/: {len(refresh())} changed files copied again")
