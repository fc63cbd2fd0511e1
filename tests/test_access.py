"""Roles, identities, the roles file and the listening rule (geo.access)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.access import (
    Action,
    Forbidden,
    Identity,
    Role,
    auth_configured,
    is_loopback,
    listening_problem,
    load_roles,
    local_identity,
    parse_roles,
    require,
    startup_problem,
)
from geo.errors import Invalid
from geo.store import open_store
from tests.helpers.identities import ANALYST, admin, analyst, viewer
from tests.helpers.store_data import ROOT, incidents

AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s",
                 "client_id": "c", "client_secret": "x",
                 "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration"}}


@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_what_its_rank_allows(action):
    allowed = {role for role in Role if Identity("x", role).may(action)}
    if action in (Action.UNDO_ANY, Action.AUDIT):
        assert allowed == {Role.ADMIN}
    else:
        assert allowed == {Role.ANALYST, Role.ADMIN}


def test_require_refuses_names_and_lower_roles():
    assert require(ANALYST, Action.EDIT) is ANALYST
    with pytest.raises(Forbidden, match="reader \\(viewer\\) may not correct a record"):
        require(viewer(), Action.EDIT)
    with pytest.raises(TypeError):
        require("Head of Research", Action.EDIT)
    with pytest.raises(Invalid):
        Identity("  ", Role.ADMIN)


def test_labels_name_the_account():
    assert Identity("a@x.org", Role.VIEWER, name="Alice").label == "Alice <a@x.org>"
    assert analyst("a@x.org").label == "a@x.org"
    me = local_identity()
    assert me.account.startswith("local:") and me.role is Role.ADMIN


def test_roles_file(tmp_path):
    path = tmp_path / "roles.toml"
    assert load_roles(path).role_of("anyone@x.org") is Role.VIEWER
    path.write_text('default = "viewer"\nadmin = ["Lead@X.org"]\nanalyst = ["ana@x.org"]\n')
    roles = load_roles(path)
    assert roles.role_of("lead@x.org") is Role.ADMIN
    assert roles.role_of(" ANA@x.org") is Role.ANALYST
    assert roles.role_of("other@x.org") is Role.VIEWER
    with pytest.raises(Invalid, match="unknown role 'boss'"):
        parse_roles({"boss": ["a@x.org"]})
    with pytest.raises(Invalid, match="listed as admin and analyst"):
        parse_roles({"admin": ["a@x.org"], "analyst": ["a@x.org"]})
    with pytest.raises(Invalid, match="must be a list"):
        parse_roles({"admin": "a@x.org"})
    path.write_text("admin = [")
    with pytest.raises(Invalid, match="cannot read the roles file"):
        load_roles(path)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("127.0.0.2", True), ("", False), (None, False), ("0.0.0.0", False),
     ("192.168.1.10", False), ("::", False), ("example.org", False)],
)
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_a_network_address_needs_sign_in():
    assert listening_problem("127.0.0.1", sign_in=False) is None
    assert listening_problem("0.0.0.0", sign_in=True) is None
    message = listening_problem("0.0.0.0", sign_in=False)
    assert message and "0.0.0.0" in message and "sign-in" in message
    assert "every network interface" in listening_problem("", sign_in=False)


def test_auth_configured_needs_the_provider_settings():
    assert auth_configured(AUTH)
    assert not auth_configured({})
    assert not auth_configured({"auth": {"client_id": "c"}})
    named = {"auth": {"redirect_uri": "r", "cookie_secret": "s",
                      "keycloak": {"client_id": "c", "client_secret": "x",
                                   "server_metadata_url": "u"}}}
    assert auth_configured(named)


def test_startup_check_reads_flags_environment_and_config(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    config = tmp_path / ".streamlit" / "config.toml"
    config.write_text('[server]\naddress = "127.0.0.1"\n')
    assert startup_problem([], {}, tmp_path) is None
    assert startup_problem(["--server.address=0.0.0.0"], {}, tmp_path)
    assert startup_problem(["--server.address", "0.0.0.0"], {}, tmp_path)
    assert startup_problem([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}, tmp_path)
    config.write_text("[server]\nheadless = true\n")  # no address: every interface
    assert startup_problem([], {}, tmp_path)
    secrets = tmp_path / "elsewhere.toml"
    secrets.write_text(
        "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH["auth"].items())
    )
    assert startup_problem([f"--secrets.files={secrets}"], {}, tmp_path) is None
    (tmp_path / ".streamlit" / "secrets.toml").write_text(secrets.read_text())
    assert startup_problem(["--server.address=0.0.0.0"], {}, tmp_path) is None


def test_the_run_script_check_refuses_a_network_address_without_sign_in():
    run = subprocess.run(
        [sys.executable, "-m", "geo.access", "check-listen", "--server.address=0.0.0.0",
         "--secrets.files=/nonexistent/secrets.toml"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 2 and "refuses to serve on 0.0.0.0" in run.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "geo.access", "check-listen", "--server.address=127.0.0.1"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert ok.returncode == 0, ok.stderr


def test_every_store_write_checks_the_role(tmp_path):
    store = open_store(tmp_path / "s.gpkg")
    store.upsert(incidents([{"id": "a", "date_start": "2017-10-05"}]), origin="x", who=ANALYST)
    reader = viewer()
    writes = [
        lambda: store.upsert(incidents([{"id": "b"}]), origin="x", who=reader),
        lambda: store.edit("a", {"killed_min": "3"}, who=reader),
        lambda: store.set_duplicate_status("a", "b", "dismissed", who=reader),
        lambda: store.add_correction("Foo", latitude=1.0, longitude=2.0, who=reader),
    ]
    for write in writes:
        with pytest.raises(Forbidden):
            write()
    with pytest.raises(TypeError):
        store.edit("a", {"killed_min": "3"}, who="Head of Research")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.upsert(incidents([{"id": "b"}]), origin="x", who=admin(), action=Action.AUDIT)
    assert store.count() == 1 and store.corrections() == []
    assert store.get("a")["killed_min"] is None
    assert set(store.history()["who"]) == {"tester"}


def test_a_role_of_a_reloaded_module_is_taken_by_its_value():
    class Stale:  # what a cached Role looks like after Streamlit reloaded geo.access
        value = "analyst"

    assert Identity("a", Stale()).role is Role.ANALYST  # type: ignore[arg-type]
    with pytest.raises(Invalid, match="unknown role"):
        Identity("a", "boss")  # type: ignore[arg-type]
