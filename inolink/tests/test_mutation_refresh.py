"""`make mutants` brings mutmut's copy of the unmutated files up to date (mutation/refresh.py)."""

from mutation import refresh


def test_changed_unmutated_files_are_copied_again_and_mutated_ones_left_to_mutmut(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["app"]\nonly_mutate = ["app/rules.py"]\n')
    for path, text in {
        "app/rules.py": "today",
        "app/views.py": "today",
        "app/templates/page.html": "today",
        "app/same.py": "same",
        "app/__pycache__/views.pyc": "today",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    for path, text in {"app/rules.py": "mutated", "app/views.py": "yesterday", "app/same.py": "same"}.items():
        (tmp_path / "mutants" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "mutants" / path).write_text(text)
    monkeypatch.setattr(refresh, "ROOT", tmp_path)

    copied = refresh.refresh()

    assert sorted(str(path) for path in copied) == ["app/templates/page.html", "app/views.py"]
    assert (tmp_path / "mutants/app/views.py").read_text() == "today"
    assert (tmp_path / "mutants/app/templates/page.html").read_text() == "today"
    assert (tmp_path / "mutants/app/rules.py").read_text() == "mutated"
    assert not (tmp_path / "mutants/app/__pycache__").exists()
