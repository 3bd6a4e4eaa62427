"""`make mutants`'s score (mutation/score.py): survivors the README lists count as equivalent, others are named,
and a listed name that no longer survives (mutmut renumbers a changed function's mutants) is pointed out."""

import json
import sys

import pytest

from mutation import score

README = """# InoLink

## Mutation testing

- `app.rules.x_refuse__mutmut_2`: equivalent, and still surviving.
- `app.rules.x_refuse__mutmut_3`: listed once, killed since.
- `app.rules.x_refuse__mutmut_9`: listed once, no such mutant since.
- `app.rules.x_refuse__mutmut_4`: not run yet.

## Next section

- `app.rules.x_refuse__mutmut_5`: outside the section, not a listing.
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "README.md").write_text(README)
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nonly_mutate = ["app/rules.py", "app/other.py"]\n')
    (tmp_path / "mutants" / "app").mkdir(parents=True)
    results = {f"app.rules.x_refuse__mutmut_{n}": code for n, code in [(1, 1), (2, 0), (3, 1), (4, None), (5, 0)]}
    results["app.rules.x_refuse__mutmut_6"] = 33
    (tmp_path / "mutants" / "app" / "rules.py.meta").write_text(json.dumps({"exit_code_by_key": results}))
    monkeypatch.setattr(score, "ROOT", tmp_path)
    return tmp_path


def run(monkeypatch, capsys, *arguments):
    monkeypatch.setattr(sys, "argv", ["score.py", *arguments])
    assert score.main() == 0
    return capsys.readouterr().out


def test_the_score_counts_listed_survivors_as_equivalent_and_names_the_others(project, monkeypatch, capsys):
    lines = run(monkeypatch, capsys).splitlines()
    assert lines[1].split() == ["app/rules.py", "2", "1", "1", "1", "1", "6"]
    assert lines[2].split() == ["app/other.py", "not", "run"]
    assert lines[3].split() == ["all", "2", "1", "1", "1", "1", "6"]
    output = "\n".join(lines)
    assert "  app.rules.x_refuse__mutmut_5\n  app.rules.x_refuse__mutmut_6 (exit 33)" in output


def test_a_listed_name_that_no_longer_survives_is_pointed_out(project, monkeypatch, capsys):
    output = run(monkeypatch, capsys)
    stale = output.split("the list is out of date):\n", 1)[1].split()
    assert stale == ["app.rules.x_refuse__mutmut_3", "app.rules.x_refuse__mutmut_9"]


def test_survivors_are_the_unlisted_ones_and_those_no_test_reached(project, monkeypatch, capsys):
    assert run(monkeypatch, capsys, "--survivors").split() == [
        "app.rules.x_refuse__mutmut_5",
        "app.rules.x_refuse__mutmut_6",
    ]
