from pathlib import Path

import pytest

from newsloom.settings import Settings, load_settings


def test_every_setting_is_documented() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undocumented == []


def test_every_setting_is_in_the_readme_or_settings_command() -> None:
    # The settings command prints the table from the model itself; this guards the env naming convention.
    for name in Settings.model_fields:
        assert name.isidentifier() and name == name.lower()


def test_environment_overrides_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "newsloom.toml"
    config.write_text('site_name = "From file"\nbase_url = "https://file.example"\n')
    monkeypatch.setenv("NEWSLOOM_CONFIG", str(config))
    monkeypatch.setenv("NEWSLOOM_SITE_NAME", "From env")
    settings = load_settings()
    assert settings.site_name == "From env"
    assert settings.base_url == "https://file.example"


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'newsloom.db').resolve()}"
    assert Settings(data_dir=tmp_path, database_url="postgresql://x/y").resolved_database_url == "postgresql://x/y"
