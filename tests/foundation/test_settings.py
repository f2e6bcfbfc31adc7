"""Configuration comes from the environment, and production refuses unsafe settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.foundation, pytest.mark.security]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import sunflower.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_demo_secret_key():
    result = load_settings(
        SUNFLOWER_ENV="production",
        SECRET_KEY="sunflower-demo-secret-key-not-for-production",
        ALLOWED_HOSTS="hmis.example.org",
    )
    assert result.returncode != 0
    assert "Production refuses to start without its own SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_key_debug_and_missing_hosts():
    assert load_settings(SUNFLOWER_ENV="production", ALLOWED_HOSTS="h.example.org").returncode != 0
    key = "k" * 50
    debug = load_settings(SUNFLOWER_ENV="production", SECRET_KEY=key, DEBUG="1", ALLOWED_HOSTS="h")
    assert "DEBUG must be off" in debug.stderr
    hosts = load_settings(SUNFLOWER_ENV="production", SECRET_KEY=key)
    assert "ALLOWED_HOSTS" in hosts.stderr


def test_production_starts_with_its_own_key():
    result = load_settings(
        SUNFLOWER_ENV="production", SECRET_KEY="k" * 50, ALLOWED_HOSTS="a.example.org,b.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['a.example.org', 'b.example.org']"


def test_the_sunflower_command_is_manage_py():
    command = shutil.which("sunflower", path=os.path.dirname(sys.executable))
    assert command is not None
    result = subprocess.run(  # noqa: S603
        [command, "help", "load_geography"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "Kansas" in result.stdout


def test_security_settings_in_force(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.AXES_FAILURE_LIMIT == 5
