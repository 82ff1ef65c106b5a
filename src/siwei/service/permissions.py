"""Default permissions of the roles for the service department."""

from .permissions_parts import ROLE_DEFAULTS

__all__ = ["ROLE_DEFAULTS"]
