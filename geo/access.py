"""Who may do what: identities, roles, and the checks every write path goes through.

Roles are ordered: a viewer reads; an analyst also imports, corrects records, places
names and accepts extracted incidents; an admin also undoes other people's corrections
and reads the audit trail. The store's write methods take an :class:`Identity` and call
:func:`require` themselves, so a page that forgets to check cannot write anyway.

Signed-in accounts get their role from the roles file (``INCIDENT_MAP_ROLES``, see
:func:`load_roles`); accounts it does not list are viewers. The embedded single-user
mode (no sign-in configured, listening on 127.0.0.1 only) runs as the local user, an
admin. Imports nothing from ``geo`` but settings and errors.
"""

from __future__ import annotations

import getpass
import ipaddress
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from geo.errors import IncidentMapError, Invalid


class Role(StrEnum):
    """What an account may do (each role may do everything the ones before it may)."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer, 1 for analyst, 2 for admin."""
        return list(Role).index(self)


class Action(StrEnum):
    """Every kind of write (and the audit read) the app offers."""

    IMPORT = "import incidents"
    EDIT = "correct a record"
    REVIEW_DUPLICATES = "mark likely duplicates"
    CORRECT_PLACE = "correct a place name"
    UNDO_OWN = "undo your own place correction"
    UNDO_ANY = "undo someone else's place correction"
    ACCEPT_EXTRACTED = "accept extracted incidents"
    SWITCH_SOURCE = "switch a source of learned places on or off"
    AUDIT = "read the audit trail"


#: The least role each action needs.
REQUIRED: dict[Action, Role] = {
    Action.IMPORT: Role.ANALYST,
    Action.EDIT: Role.ANALYST,
    Action.REVIEW_DUPLICATES: Role.ANALYST,
    Action.CORRECT_PLACE: Role.ANALYST,
    Action.UNDO_OWN: Role.ANALYST,
    Action.UNDO_ANY: Role.ADMIN,
    Action.ACCEPT_EXTRACTED: Role.ANALYST,
    Action.SWITCH_SOURCE: Role.ANALYST,
    Action.AUDIT: Role.ADMIN,
}

LOOPBACK_NAMES = ("localhost",)


class Forbidden(IncidentMapError):
    """The identity's role does not allow this action."""

    def __init__(self, identity: Identity, action: Action) -> None:
        need = REQUIRED[action]
        super().__init__(
            f"{identity.account} ({identity.role.value}) may not {action.value}: "
            f"it needs the {need.value} role"
        )
        self.identity = identity
        self.action = action


@dataclass(frozen=True)
class Identity:
    """Who is acting, as the history and the audit trail record it.

    Attributes
    ----------
    account : str
        Stable account name: the e-mail address of a signed-in user (else the
        provider's subject), ``local:<user>`` in embedded mode, or a system name
        ("seed ...", "command line: <user>").
    role : Role
    name : str
        Display name ('' when unknown).
    provider : str
        ``oidc``, ``local`` (embedded single-user mode) or ``system``.
    """

    account: str
    role: Role
    name: str = ""
    provider: str = "oidc"

    def __post_init__(self) -> None:
        if not isinstance(self.account, str) or not self.account.strip():
            raise Invalid("an identity needs an account name")
        if not isinstance(self.role, Role):
            # A role of a reloaded copy of this module (Streamlit reloads changed modules
            # while cached values live on) is taken by its value.
            object.__setattr__(self, "role", _role(getattr(self.role, "value", self.role),
                                                   f"identity {self.account}"))

    @property
    def label(self) -> str:
        """``Name <account>`` when a display name is known, else the account."""
        if self.name and self.name != self.account:
            return f"{self.name} <{self.account}>"
        return self.account

    def may(self, action: Action) -> bool:
        """Whether this identity's role allows ``action``."""
        return self.role.rank >= REQUIRED[action].rank


def require(identity: object, action: Action) -> Identity:
    """Check that ``identity`` may do ``action``.

    Parameters
    ----------
    identity : Identity
        Anything else (a name typed in a form, None) is refused.
    action : Action

    Returns
    -------
    Identity
        The identity, for chaining.

    Raises
    ------
    TypeError
        ``identity`` is not an :class:`Identity`.
    Forbidden
        Its role does not allow the action.
    """
    if not isinstance(identity, Identity):
        raise TypeError(f"writes need an Identity, not {type(identity).__name__}")
    if not identity.may(action):
        raise Forbidden(identity, action)
    return identity


def system_identity(account: str) -> Identity:
    """An identity for the program itself (seeding, the command line), with the admin role.

    Whoever runs the command line already holds the store's file or database
    credentials; the history names it so.
    """
    return Identity(account=account, role=Role.ADMIN, provider="system")


def local_identity() -> Identity:
    """The single user of the embedded mode (no sign-in, 127.0.0.1 only): an admin."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return Identity(account=f"local:{user}", role=Role.ADMIN, name=user, provider="local")


@dataclass(frozen=True)
class Roles:
    """Roles of signed-in accounts, from the roles file.

    Attributes
    ----------
    accounts : mapping of str to Role
        Account (e-mail address, lower case) to role.
    default : Role
        Role of accounts the file does not list.
    """

    accounts: Mapping[str, Role]
    default: Role = Role.VIEWER

    def role_of(self, account: str) -> Role:
        """The role of an account (case-insensitive)."""
        return self.accounts.get(account.strip().lower(), self.default)


def parse_roles(data: Mapping[str, object], source: str = "roles") -> Roles:
    """Roles from the roles file's table.

    Parameters
    ----------
    data : mapping
        ``default = "viewer"`` and one list of accounts per role, e.g.
        ``admin = ["lead@example.org"]``, ``analyst = [...]``, ``viewer = [...]``.
    source : str
        Named in error messages.

    Returns
    -------
    Roles

    Raises
    ------
    Invalid
        An unknown key or role, or an account listed under two roles.
    """
    accounts: dict[str, Role] = {}
    default = Role.VIEWER
    for key, value in data.items():
        if key == "default":
            default = _role(value, f"{source}: default")
            continue
        role = _role(key, f"{source}: [{key}]")
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise Invalid(f"{source}: {key} must be a list of accounts")
        for account in value:
            name = str(account).strip().lower()
            if not name:
                continue
            if name in accounts and accounts[name] != role:
                raise Invalid(f"{source}: {name} is listed as {accounts[name].value} and {key}")
            accounts[name] = role
    return Roles(accounts, default)


def load_roles(path: Path | None) -> Roles:
    """Read the roles file (TOML); no file means everyone signed in is a viewer.

    Raises
    ------
    Invalid
        The file cannot be parsed or names an unknown role.
    """
    if path is None or not path.exists():
        return Roles({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(f"{path}: cannot read the roles file: {exc}") from exc
    return parse_roles(data, str(path))


def _role(value: object, where: str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise Invalid(f"{where}: unknown role {value!r} (one of {choices})") from None


# -- listening rules -----------------------------------------------------------------


def is_loopback(address: str | None) -> bool:
    """Whether a listening address is reachable from this machine only.

    An empty address (Streamlit's default) listens on every interface: not loopback.
    """
    host = (address or "").strip().strip("[]")
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listening_problem(address: str | None, sign_in: bool) -> str | None:
    """Why the app must not serve on ``address``, or None when it may.

    Parameters
    ----------
    address : str or None
        Streamlit's ``server.address`` ('' or None: every interface).
    sign_in : bool
        Whether sign-in is configured (an ``[auth]`` section in the secrets).
    """
    if sign_in or is_loopback(address):
        return None
    where = address or "every network interface"
    return (
        f"Incident Map refuses to serve on {where} without sign-in: anyone who can reach "
        "the server could change records. Either listen on 127.0.0.1 only "
        "(--server.address=127.0.0.1, the default in .streamlit/config.toml) for "
        "single-user use, or configure sign-in in .streamlit/secrets.toml ([auth] with "
        "an OpenID Connect provider; see README, Team deployment)."
    )


def auth_configured(secrets: Mapping[str, object]) -> bool:
    """Whether secrets hold a usable ``[auth]`` section for ``st.login``.

    Either the provider settings directly under ``[auth]``, or named providers
    (``[auth.NAME]``) with them.
    """
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping):
        return False
    needed = ("client_id", "client_secret", "server_metadata_url")
    shared = ("redirect_uri", "cookie_secret")
    if not all(auth.get(k) for k in shared):
        return False
    if all(auth.get(k) for k in needed):
        return True
    return any(
        isinstance(v, Mapping) and all(v.get(k) for k in needed) for v in auth.values()
    )


def _option(args: Sequence[str], name: str) -> str | None:
    flag = f"--{name}"
    for i, arg in enumerate(args):
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
    return None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(f"{path}: {exc}") from exc


def startup_problem(args: Sequence[str], env: Mapping[str, str], root: Path) -> str | None:
    """The listening check of ``scripts/run.sh``, before Streamlit starts.

    Reads the address as Streamlit would (command-line flag, then the
    ``STREAMLIT_SERVER_ADDRESS`` variable, then ``.streamlit/config.toml``) and whether
    ``.streamlit/secrets.toml`` (or ``--secrets.files``) configures sign-in.
    """
    address = _option(args, "server.address")
    if address is None:
        address = env.get("STREAMLIT_SERVER_ADDRESS")
    if address is None:
        server = _read_toml(root / ".streamlit" / "config.toml").get("server", {})
        address = str(server.get("address", "")) if isinstance(server, Mapping) else ""
    files = _option(args, "secrets.files")
    paths = [Path(files)] if files else [root / ".streamlit" / "secrets.toml"]
    sign_in = any(auth_configured(_read_toml(p)) for p in paths)
    return listening_problem(address, sign_in)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m geo.access check-listen [streamlit options]``: exit 2 with a message
    when the app would serve a network address without sign-in."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "check-listen":
        print("usage: python -m geo.access check-listen [streamlit run options]",
              file=sys.stderr)
        return 2
    import os

    from geo.settings import PROJECT_ROOT

    try:
        problem = startup_problem(args[1:], os.environ, PROJECT_ROOT)
    except Invalid as exc:
        problem = f"cannot check the listening address: {exc}"
    if problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
