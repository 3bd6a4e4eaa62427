"""Prints `make mutants`'s score per module from mutmut's results in mutants/.

A survivor that the README's "Mutation testing" section names (`module.x_function__mutmut_N`) is counted as
equivalent; every other survivor is listed by name, for `mutmut show NAME`. With --survivors, prints only those
names and those no test reached, one a line (`make mutants` retests them: mutmut keeps a verdict until its function
changes, even when a new test would now kill the mutant).
"""

import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3}  # a failing test, or an error inside pytest
TIMEOUT = {24, -24, 36, 152, 255}  # the mutant made the tests run far too long: killed too
SURVIVED = {0}
NO_TEST = {33}  # no test reached the function when it was last run


def equivalent_names() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Mutation testing", 1)[-1].split("\n## ", 1)[0]
    return set(re.findall(r"`([\w.]+__mutmut_\d+)`", section))


def survivors() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    equivalent = equivalent_names()
    names = []
    for path in config["only_mutate"]:
        meta = ROOT / "mutants" / f"{path}.meta"
        if meta.exists():
            results = json.loads(meta.read_text())["exit_code_by_key"]
            names += [name for name, code in results.items() if code in SURVIVED | NO_TEST and name not in equivalent]
    return names


def main() -> int:
    if sys.argv[1:] == ["--survivors"]:
        print("\n".join(survivors()))
        return 0
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    equivalent = equivalent_names()
    unexplained = []
    listed_but_not_surviving = set()
    totals = Counter()
    columns = ("killed", "survived", "equivalent", "no test", "not run", "total")
    print(f"{'module':28}" + "".join(f"{column:>11}" for column in columns))
    for path in config["only_mutate"]:
        meta = ROOT / "mutants" / f"{path}.meta"
        if not meta.exists():
            print(f"{path:28} not run")
            continue
        results = json.loads(meta.read_text())["exit_code_by_key"]
        module = path.removesuffix(".py").replace("/", ".")
        listed_but_not_surviving |= {
            name
            for name in equivalent
            if name.startswith(f"{module}.") and results.get(name, "missing") not in SURVIVED | NO_TEST | {None}
        }
        row = Counter()
        for name, code in results.items():
            if code in KILLED or code in TIMEOUT:
                row["killed"] += 1
            elif code in SURVIVED | NO_TEST and name in equivalent:
                row["equivalent"] += 1
            elif code in SURVIVED:
                row["survived"] += 1
                unexplained.append(name)
            elif code is None:  # not run yet
                row["not run"] += 1
            else:  # no test reaches the function (33), or a crash
                row["no test"] += 1
                unexplained.append(f"{name} (exit {code})")
        row["total"] = len(results)
        totals.update(row)
        print(f"{path:28}" + "".join(f"{row[column]:>11}" for column in columns))
    print(f"{'all':28}" + "".join(f"{totals[column]:>11}" for column in columns))
    if unexplained:
        print("\nSurvivors neither killed nor listed as equivalent in the README (`mutmut show NAME`):")
        print("\n".join(f"  {name}" for name in sorted(unexplained)))
    if listed_but_not_surviving:
        # mutmut numbers a function's mutants afresh when the function changes: a listed name may now be another
        # mutant, or none.
        print("\nListed as equivalent in the README but killed or no longer there (the list is out of date):")
        print("\n".join(f"  {name}" for name in sorted(listed_but_not_surviving)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
