"""matspec.fileio: atomic writes keep the mode an ordinary write would give (a shared report must be
readable by the CI's web server, not 0600 as mkstemp makes it) and replace, never truncate."""
import os
import stat

from matspec.fileio import atomic_write_text


def test_atomic_write_gives_the_umask_mode_and_replaces(tmp_path):
    old = os.umask(0o022)
    try:
        p = atomic_write_text(tmp_path / "claims.json", "one")
        assert stat.S_IMODE(p.stat().st_mode) == 0o644
        atomic_write_text(p, "two")
        assert p.read_text() == "two"
        os.umask(0o077)
        q = atomic_write_text(tmp_path / "private.json", "x")
        assert stat.S_IMODE(q.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
